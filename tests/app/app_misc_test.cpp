// Small pieces of the app: typed-value clamping and export folder names.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app.hpp"
#include "widgets/setting_input.hpp"

namespace cbsim::gui {
namespace {

namespace fs = std::filesystem;

TEST(SettingInput, ClampsTypedValuesToTheSpec) {
    SettingSpec spec;
    spec.path = "B.failure_rate";
    spec.kind = ParamKind::real;
    spec.min = 0.0;
    spec.max = 1.0;
    bool clamped = false;
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, 0.5, clamped), 0.5);
    EXPECT_FALSE(clamped);
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, 7.0, clamped), 1.0);
    EXPECT_TRUE(clamped);
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, -1.0, clamped), 0.0);
    EXPECT_TRUE(clamped);
    spec.kind = ParamKind::integer;
    spec.max = 100;
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, 41.6, clamped), 42.0);
    EXPECT_TRUE(clamped);
    EXPECT_EQ(range_text(spec), "[0, 100]");
}

TEST(ExportPath, IsNamedAfterTheScenarioAndNeverReused) {
    const fs::path dir_path =
        fs::temp_directory_path() / ("cbsim_export_name_" + std::to_string(::getpid()));
    fs::create_directories(dir_path);
    const std::string a = default_export_path(dir_path.string(), "B fails/every 3rd");
    const std::string name = fs::path(a).filename().string();
    EXPECT_EQ(name.rfind("B-fails-every-3rd-", 0), 0u) << name;
    EXPECT_EQ(fs::path(a).parent_path(), dir_path);
    fs::create_directories(a);
    const std::string b = default_export_path(dir_path.string(), "B fails/every 3rd");
    EXPECT_NE(a, b);
    fs::remove_all(dir_path);
}

TEST(ExportPath, LongAndNonAsciiNamesAreCutOnACharacterBoundary) {
    EXPECT_EQ(file_stem("Überlast → B"), "Überlast-→-B");
    EXPECT_EQ(file_stem(std::string("a\xff\xc3"
                                    "b")),
              "a--b");  // invalid UTF-8 bytes
    EXPECT_EQ(file_stem(""), "run");
    std::string euros;  // 256 bytes of scenario name: "€" is 3 bytes
    for (int i = 0; i < 85; ++i)
        euros += "\xe2\x82\xac";
    euros += "x";
    const std::string stem = file_stem(euros);
    EXPECT_EQ(stem.size(), 96u);  // 32 whole characters
    EXPECT_EQ(stem.substr(93), "\xe2\x82\xac");
    const std::string cut = file_stem(std::string(95, 'a') + "\xe2\x82\xac");
    EXPECT_EQ(cut, std::string(95, 'a')) << "a character is never split";
    // The export and its PNG can be created under the longest stem.
    const fs::path dir_path =
        fs::temp_directory_path() / ("cbsim_export_long_" + std::to_string(::getpid()));
    fs::create_directories(dir_path);
    const std::string path = default_export_path(dir_path.string(), euros);
    EXPECT_TRUE(fs::create_directory(path + ".staging")) << path;
    EXPECT_TRUE(std::ofstream(fs::path(path + "-plots.png").parent_path() /
                              ("." + fs::path(path).filename().string() + "-plots.png.tmp-XXXXXX"))
                    .good());
    fs::remove_all(dir_path);
}

}  // namespace
}  // namespace cbsim::gui
