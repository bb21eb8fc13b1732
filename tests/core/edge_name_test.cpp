// EdgeName: the one spelling of "caller->target", built and split in one place.
#include <gtest/gtest.h>

#include "cbsim/edge_name.hpp"

namespace cbsim {
namespace {

TEST(EdgeName, TextJoinsCallerAndTargetWithAnArrow) {
    EXPECT_EQ((EdgeName{"A", "B"}).text(), "A->B");
    EXPECT_EQ(EdgeName::entry("shop").text(), "client->shop");
    EXPECT_TRUE(EdgeName::entry("shop").is_entry());
    EXPECT_FALSE((EdgeName{"A", "B"}).is_entry());
}

TEST(EdgeName, ParseIsTheInverseOfText) {
    for (const EdgeName& e : {EdgeName{"A", "B"}, EdgeName{"api-gw", "db_1"}, EdgeName{"a-", "b"},
                              EdgeName::entry("A")}) {
        const auto back = EdgeName::parse(e.text());
        ASSERT_TRUE(back.has_value()) << e.text();
        EXPECT_EQ(*back, e);
    }
}

TEST(EdgeName, ParseRefusesTextWithoutTwoSides) {
    EXPECT_FALSE(EdgeName::parse("A").has_value());
    EXPECT_FALSE(EdgeName::parse("A-B").has_value());
    EXPECT_FALSE(EdgeName::parse("->B").has_value());
    EXPECT_FALSE(EdgeName::parse("A->").has_value());
    EXPECT_FALSE(EdgeName::parse("").has_value());
}

}  // namespace
}  // namespace cbsim
