#include "app_options.hpp"

#include <gtest/gtest.h>

namespace cbsim::gui {
namespace {

std::optional<AppOptions> parse(std::vector<std::string> args, std::string* msg = nullptr,
                                int* code = nullptr) {
    std::string m;
    int c = -1;
    auto o = parse_app_options(args, m, c);
    if (msg) *msg = m;
    if (code) *code = c;
    return o;
}

TEST(AppOptions, Defaults) {
    auto o = parse({});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->width, 1280);
    EXPECT_EQ(o->height, 800);
    EXPECT_EQ(o->fps_cap, 60);
    EXPECT_EQ(o->max_frames, 0);
    EXPECT_FALSE(o->test_report);
}

TEST(AppOptions, ParsesEveryOption) {
    auto o = parse({"--size", "800", "600", "--pos", "10", "20", "--fps", "30", "--frames", "7",
                    "--screenshot", "a.png", "--screenshot-frame", "3", "--test-report"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->width, 800);
    EXPECT_EQ(o->height, 600);
    EXPECT_EQ(o->pos_x, 10);
    EXPECT_EQ(o->pos_y, 20);
    EXPECT_EQ(o->fps_cap, 30);
    EXPECT_EQ(o->max_frames, 7);
    EXPECT_EQ(o->screenshot_path, "a.png");
    EXPECT_EQ(o->screenshot_frame, 3);
    EXPECT_TRUE(o->test_report);
}

TEST(AppOptions, HelpAndVersionExitZero) {
    std::string msg;
    int code = -1;
    EXPECT_FALSE(parse({"--help"}, &msg, &code));
    EXPECT_EQ(code, 0);
    EXPECT_NE(msg.find("Usage: cbsim"), std::string::npos);
    EXPECT_FALSE(parse({"--version"}, &msg, &code));
    EXPECT_EQ(code, 0);
    EXPECT_EQ(msg.rfind("cbsim ", 0), 0u);
}

TEST(AppOptions, BadValuesExitTwoWithTheRange) {
    std::string msg;
    int code = -1;
    EXPECT_FALSE(parse({"--fps", "1000"}, &msg, &code));
    EXPECT_EQ(code, 2);
    EXPECT_NE(msg.find("[10, 240]"), std::string::npos) << msg;
    EXPECT_FALSE(parse({"--fps", "abc"}, &msg, &code));
    EXPECT_EQ(code, 2);
    EXPECT_FALSE(parse({"--size", "800"}, &msg, &code));
    EXPECT_EQ(code, 2);
    EXPECT_FALSE(parse({"--bogus"}, &msg, &code));
    EXPECT_EQ(code, 2);
    EXPECT_NE(msg.find("--bogus"), std::string::npos);
}

TEST(AppOptions, AScreenshotPathThatCannotBeWrittenIsRefused) {
    std::string msg;
    int code = -1;
    EXPECT_FALSE(parse({"--screenshot", "/no/such/dir/shot.png"}, &msg, &code));
    EXPECT_EQ(code, 2);
    EXPECT_EQ(msg.rfind("cbsim: --screenshot /no/such/dir/shot.png: parent directory /no/such/dir "
                        "does not exist\n",
                        0),
              0u)
        << msg;
    EXPECT_FALSE(parse({"--screenshot", "/tmp"}, &msg, &code));
    EXPECT_EQ(code, 2);
    EXPECT_NE(msg.find("--screenshot /tmp: is a directory; expected a regular file"),
              std::string::npos)
        << msg;
    EXPECT_TRUE(parse({"--screenshot", "/tmp/cbsim-shot-test.png"}, &msg, &code));
}

}  // namespace
}  // namespace cbsim::gui
