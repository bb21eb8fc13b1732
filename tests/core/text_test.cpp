// printable and utf8_sequence_length (text.hpp), and their use in every ConfigError.
#include <gtest/gtest.h>

#include <string>

#include "cbsim/error.hpp"
#include "cbsim/text.hpp"

namespace cbsim {
namespace {

TEST(Text, Utf8SequenceLengthAcceptsOnlyValidCharacters) {
    EXPECT_EQ(utf8_sequence_length("\xc3\xa9", 0), 2u);          // é
    EXPECT_EQ(utf8_sequence_length("\xe2\x82\xac", 0), 3u);      // €
    EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80", 0), 4u);  // an emoji
    EXPECT_EQ(utf8_sequence_length("\xe2\x82", 0), 0u);          // truncated
    EXPECT_EQ(utf8_sequence_length("\x82", 0), 0u);              // stray continuation
    EXPECT_EQ(utf8_sequence_length("\xc0\xaf", 0), 0u);          // overlong '/'
    EXPECT_EQ(utf8_sequence_length("\xed\xa0\x80", 0), 0u);      // a surrogate
    EXPECT_EQ(utf8_sequence_length("\xf4\x90\x80\x80", 0), 0u);  // past U+10FFFF
}

TEST(Text, PrintableEscapesControlBytesAndCutsOnACharacterBoundary) {
    EXPECT_EQ(printable("plain"), "plain");
    EXPECT_EQ(printable(std::string("a\x1b[2J\0b", 7)), "a\\x1b[2J\\x00b");
    EXPECT_EQ(printable("\x7f\x89PNG"), "\\x7f\\x89PNG");
    EXPECT_EQ(printable("Überlast"), "Überlast");
    EXPECT_EQ(printable(std::string(100, 'x')), std::string(60, 'x') + "...");
    EXPECT_EQ(printable("ab\xe2\x82\xac", 4), "ab...") << "a character is never split";
    EXPECT_EQ(printable("ab\xe2\x82\xac", 5), "ab\xe2\x82\xac");
}

TEST(Text, ConfigErrorsShowKeysAndValuesEscapedAndCut) {
    const ConfigError e("f\n.toml", 3, "k\x07" + std::string(300, 'k'), "\"B\x1b[31m\" is bad");
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("f\\x0a.toml:3: key 'k\\x07" + std::string(198, 'k') + "...': ", 0), 0u)
        << what;
    EXPECT_NE(what.find("\"B\\x1b[31m\" is bad"), std::string::npos) << what;
    EXPECT_EQ(what.find('\x1b'), std::string::npos);
    const ConfigError flood("f.toml", 1, "", std::string(100000, 'v'));
    EXPECT_EQ(std::string(flood.what()).size(), std::string("f.toml:1: ").size() + 4096 + 3);
}

}  // namespace
}  // namespace cbsim
