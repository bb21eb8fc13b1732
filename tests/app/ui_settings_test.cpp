#include "ui_settings.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/temp_dir.hpp"

namespace cbsim::gui {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

TEST(UiSettings, RoundTripsThroughText) {
    UiSettings s;
    s.width = 1600;
    s.height = 900;
    s.plot_span_s = 300;
    s.show_help = false;
    s.panels = {{"plots", true}, {"events", false}};
    s.layout.left = 0.2f;
    s.layout.right = 0.35f;
    s.layout.weights = {{"plots", 0.75f}, {"events", 0.125f}};
    s.recent = {"/home/u/a b.toml", "/tmp/x=y.toml"};
    EXPECT_EQ(parse_ui_settings(to_text(s)), s);
}

TEST(UiSettings, LayoutValuesOutOfRangeAreIgnored) {
    const UiSettings s = parse_ui_settings(
        "layout.left = 0.01\nlayout.right = 5\nlayout.weight.plots = -1\n"
        "layout.weight.events = abc\nlayout.weight. = 1\nlayout.weight.run = 0.5\n");
    EXPECT_EQ(s.layout.left, 0.0f) << "below the smallest share: the default";
    EXPECT_EQ(s.layout.right, 0.0f);
    EXPECT_EQ(s.layout.weights.size(), 1u);
    EXPECT_EQ(s.layout.weights.at("run"), 0.5f);
}

TEST(UiSettings, BadOrMissingValuesKeepTheDefaults) {
    const UiSettings s = parse_ui_settings(
        "width = abc\nheight = 10\nplot_span_s = -5\n"
        "panel.plots = maybe\nnonsense\nshow_help = 0\n");
    const UiSettings d;
    EXPECT_EQ(s.width, d.width);
    EXPECT_EQ(s.height, d.height);  // 10 is below the minimum 240
    EXPECT_EQ(s.plot_span_s, d.plot_span_s);
    EXPECT_TRUE(s.panels.empty());
    EXPECT_FALSE(s.show_help);
    EXPECT_EQ(load_ui_settings("/nonexistent/cbsim/ui.ini"), UiSettings{});
}

TEST(UiSettings, LivesInTheXdgConfigDirectory) {
    TempDir dir;
    const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
    const std::string saved = old_xdg ? old_xdg : "";
    ::setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
    EXPECT_EQ(config_dir(), (dir.path / "cbsim").string());
    ::unsetenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    if (home) {
        EXPECT_EQ(config_dir(), (fs::path(home) / ".config" / "cbsim").string());
    }
    if (old_xdg) ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1);

    UiSettings s;
    s.width = 1000;
    s.panels["summary"] = false;
    const std::string path = (dir.path / "cbsim" / "ui.ini").string();
    ASSERT_EQ(save_ui_settings(s, path), "");  // creates the directory
    EXPECT_EQ(load_ui_settings(path), s);
}

TEST(UiSettings, AnUnwritableDirectoryIsAnErrorNotACrash) {
    const std::string err = save_ui_settings(UiSettings{}, "/proc/cbsim-no/ui.ini");
    EXPECT_FALSE(err.empty());
}

}  // namespace
}  // namespace cbsim::gui
