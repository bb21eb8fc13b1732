#include <gtest/gtest.h>
#include <cbsim/time.hpp>

namespace cbsim {
namespace {

TEST(Time, ConversionsAreExactIntegers) {
    EXPECT_EQ(from_ms(1), 1000);
    EXPECT_EQ(from_s(3), 3'000'000);
    EXPECT_EQ(from_ms(5000), from_s(5));
    EXPECT_DOUBLE_EQ(to_ms(from_ms(1234)), 1234.0);
    EXPECT_DOUBLE_EQ(to_s(from_ms(1500)), 1.5);
    EXPECT_DOUBLE_EQ(to_ms(1), 0.001);
}

}  // namespace
}  // namespace cbsim
