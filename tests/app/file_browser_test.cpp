#include "widgets/file_browser.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/temp_dir.hpp"
#include "imgui_harness.hpp"

namespace cbsim::gui {
namespace {

namespace fs = std::filesystem;
using testing::ImGuiHarness;

/// A folder with two scenarios, a text file, hidden entries and a subfolder.
class Folder {
  public:
    Folder() {
        fs::create_directories(dir_.path / "sub");
        fs::create_directories(dir_.path / ".hidden_dir");
        write("b.toml", "name = \"b\"\n");
        write("a.toml", "x");
        write("notes.txt", "not a scenario");
        write(".hidden.toml", "");
        write("sub/c.toml", "");
    }
    std::string str() const { return dir_.path.string(); }
    std::string operator/(const std::string& name) const { return (dir_.path / name).string(); }

  private:
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir_.path / name) << text;
    }
    test::TempDir dir_{"cbsim_browser_test"};
};

TEST(FileBrowser, ListsFoldersFirstThenTheFilterFilesByName) {
    Folder f;
    const FolderListing l = list_folder(f.str(), ".toml", false);
    EXPECT_TRUE(l.error.empty());
    const std::vector<BrowserEntry> want{
        {"sub", true, 0}, {"a.toml", false, 1}, {"b.toml", false, 11}};
    EXPECT_EQ(l.entries, want);
    // Hidden names on request; every file without a filter.
    const FolderListing all = list_folder(f.str(), "", true);
    EXPECT_EQ(all.entries.size(), 6u);  // 2 folders, 4 files (sub/c.toml is below)
    EXPECT_EQ(all.entries[0].name, ".hidden_dir");
}

TEST(FileBrowser, AFilterOfSeveralExtensionsListsFilesEndingInAnyOfThem) {
    Folder f;
    const FolderListing l = list_folder(f.str(), std::vector<std::string>{".txt", ".toml"}, false);
    const std::vector<BrowserEntry> want{
        {"sub", true, 0}, {"a.toml", false, 1}, {"b.toml", false, 11}, {"notes.txt", false, 14}};
    EXPECT_EQ(l.entries, want);
    EXPECT_EQ(list_folder(f.str(), std::vector<std::string>{".csv", ".log"}, false).entries,
              std::vector<BrowserEntry>{want[0]});
}

TEST(FileBrowser, AFolderThatCannotBeReadIsAnErrorNotACrash) {
    const FolderListing l = list_folder("/nonexistent/cbsim/folder", ".toml", false);
    EXPECT_TRUE(l.entries.empty());
    EXPECT_NE(l.error.find("/nonexistent/cbsim/folder"), std::string::npos) << l.error;
}

TEST(FileBrowser, TypedPathsAreResolvedFromTheFolderShown) {
    EXPECT_EQ(resolve_typed("/a/b", "c.toml"), "/a/b/c.toml");
    EXPECT_EQ(resolve_typed("/a/b", "../c.toml"), "/a/c.toml");
    EXPECT_EQ(resolve_typed("/a/b", "/x/y.toml"), "/x/y.toml");
    EXPECT_EQ(resolve_typed("/a/b", "sub/"), "/a/b/sub");
    EXPECT_EQ(resolve_typed("/a/b", ""), "");
    const char* home = std::getenv("HOME");
    ASSERT_NE(home, nullptr);
    EXPECT_EQ(resolve_typed("/a", "~/s.toml"),
              (fs::path(home) / "s.toml").lexically_normal().string());
}

TEST(FileBrowser, PathsUnderHomeAreShownWithATildeThatReadsBack) {
    EXPECT_EQ(shown_path("/home/ann/runs/a.toml", "/home/ann"), "~/runs/a.toml");
    EXPECT_EQ(shown_path("/home/ann/runs/a.toml", "/home/ann/"), "~/runs/a.toml");
    EXPECT_EQ(shown_path("/home/ann", "/home/ann"), "~");
    EXPECT_EQ(shown_path("/home/ann2/a.toml", "/home/ann"), "/home/ann2/a.toml");
    EXPECT_EQ(shown_path("/usr/share/cbsim/scenarios/default.toml", "/home/ann"),
              "/usr/share/cbsim/scenarios/default.toml");
    EXPECT_EQ(shown_path("/a.toml", "/"), "/a.toml");
    EXPECT_EQ(shown_path("/a.toml", ""), "/a.toml");
    // What is shown is what the dialog reads back.
    const char* home = std::getenv("HOME");
    ASSERT_NE(home, nullptr);
    const std::string path = (fs::path(home) / "cbsim" / "x.toml").lexically_normal().string();
    EXPECT_EQ(resolve_typed("/", shown_path(path)), path);
}

TEST(FileBrowser, RecentFilesKeepTheLatestFirstOnceAndAtMostTen) {
    std::vector<std::string> r;
    for (int i = 0; i < 12; ++i)
        add_recent(r, "/f" + std::to_string(i));
    ASSERT_EQ(r.size(), 10u);
    EXPECT_EQ(r.front(), "/f11");
    add_recent(r, "/f5");
    EXPECT_EQ(r.front(), "/f5");
    EXPECT_EQ(std::count(r.begin(), r.end(), "/f5"), 1);
    EXPECT_EQ(r.size(), 10u);
}

/// The dialog as a person uses it: clicks and typing through the harness.
struct Dialog {
    ImGuiHarness ui;
    FileBrowser browser;
    WidgetRects rects{true, {}};
    std::optional<std::string> chosen;
    std::function<void()> draw = [this] {
        if (auto p = browser.draw(&rects)) chosen = p;
    };
    void frames(int n) {
        for (int i = 0; i < n; ++i)
            ui.frame(draw);
    }
    void click(const std::string& name) {
        ASSERT_TRUE(rects.rects.count(name)) << name;
        ui.click(rects.rects.at(name), draw);
    }
    void type(const std::string& text) {
        for (char c : text)
            ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
        ui.frame(draw);
    }
};

TEST(FileBrowser, OpenByClickingAFolderThenAFileThenOpen) {
    Folder f;
    Dialog d;
    d.browser.open(FileBrowser::Mode::open, "Open scenario", f.str(), {{"Here", f.str()}}, {});
    d.frames(3);
    EXPECT_TRUE(d.browser.is_open());
    EXPECT_FALSE(d.rects.rects.count("browser.entry.notes.txt")) << "only folders and *.toml";
    d.click("browser.entry.sub");
    d.frames(2);
    EXPECT_EQ(d.browser.folder(), f / "sub");
    d.click("browser.entry.c.toml");
    EXPECT_FALSE(d.chosen.has_value()) << "one click selects";
    d.click("browser.accept");
    ASSERT_TRUE(d.chosen.has_value());
    EXPECT_EQ(*d.chosen, f / "sub/c.toml");
    // Up goes back; a place jumps to its folder.
    d.chosen.reset();
    d.click("browser.up");
    EXPECT_EQ(d.browser.folder(), f.str());
    d.browser.close();
    d.frames(2);
    EXPECT_FALSE(d.browser.is_open());
}

TEST(FileBrowser, TheCheckboxesAndRecentNamesAreNotCut) {
    Folder f;
    Dialog d;
    const std::string recent = (f / "Cascade-A-B-C-with-a-long-name.toml");
    d.browser.open(FileBrowser::Mode::save, "Save scenario as", f / "x.toml", {{"Here", f.str()}},
                   {recent});
    d.frames(3);
    ASSERT_TRUE(d.rects.rects.count("browser.all_files"));
    const ImVec4 box = d.rects.rects.at("browser.all_files");
    const ImVec4 win = d.rects.rects.at("browser.window");
    EXPECT_LE(box.z, win.z - ImGui::GetStyle().WindowPadding.x * 0.5f)
        << "the 'all files' label runs out of the dialog";
    // The recent file's whole name fits its list.
    const ImVec4 r = d.rects.rects.at("browser.recent.0");
    EXPECT_GE(r.z - r.x, ImGui::CalcTextSize("Cascade-A-B-C-with-a-long-name.toml").x);
}

TEST(FileBrowser, ATypedMissingFileIsRefusedAndATypedFolderIsEntered) {
    Folder f;
    Dialog d;
    d.browser.open(FileBrowser::Mode::open, "Open scenario", f.str(), {}, {});
    d.frames(3);
    d.type("sub");
    d.click("browser.accept");
    EXPECT_FALSE(d.chosen.has_value());
    EXPECT_EQ(d.browser.folder(), f / "sub");
    d.type("missing.toml");
    d.click("browser.accept");
    EXPECT_FALSE(d.chosen.has_value()) << "no such file";
    EXPECT_TRUE(d.browser.is_open());
}

TEST(FileBrowser, SaveAsksBeforeReplacingAFile) {
    Folder f;
    Dialog d;
    d.browser.open(FileBrowser::Mode::save, "Save scenario as", f / "a.toml", {}, {});
    d.frames(3);
    d.click("browser.accept");
    EXPECT_FALSE(d.chosen.has_value()) << "a.toml exists: the first Save asks";
    d.click("browser.accept");
    ASSERT_TRUE(d.chosen.has_value()) << "the second Save replaces";
    EXPECT_EQ(*d.chosen, f / "a.toml");
    // A new name is saved at once.
    Dialog d2;
    d2.browser.open(FileBrowser::Mode::save, "Save scenario as", f / "new.toml", {}, {});
    d2.frames(3);
    d2.click("browser.accept");
    ASSERT_TRUE(d2.chosen.has_value());
    EXPECT_EQ(*d2.chosen, f / "new.toml");
}

TEST(FileBrowser, ARecentFileOpensWithOneClick) {
    Folder f;
    Dialog d;
    d.browser.open(FileBrowser::Mode::open, "Open scenario", "/", {}, {f / "b.toml"});
    d.frames(3);
    d.click("browser.recent.0");
    ASSERT_TRUE(d.chosen.has_value());
    EXPECT_EQ(*d.chosen, f / "b.toml");
    EXPECT_EQ(d.browser.folder(), f.str());
}

}  // namespace
}  // namespace cbsim::gui
