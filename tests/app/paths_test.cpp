// Where the app finds its presets and scenarios (paths.hpp): $CBSIM_ASSET_DIR, then the
// installed layout next to the executable, then the build tree's marker file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "paths.hpp"

namespace cbsim::gui {
namespace {

namespace fs = std::filesystem;

// One test: the cases share the folders next to this executable.
TEST(AssetDir, EnvironmentThenInstalledLayoutThenBuildTreeMarker) {
    const fs::path bin = fs::read_symlink("/proc/self/exe").parent_path();
    const fs::path installed = (bin / ".." / "share" / "cbsim").lexically_normal();
    const fs::path marker = bin / "cbsim-assets.path";
    const fs::path elsewhere =
        fs::temp_directory_path() / ("cbsim_asset_dir_" + std::to_string(::getpid()));
    ASSERT_FALSE(fs::exists(installed)) << installed << " is in the way";
    ASSERT_FALSE(fs::exists(marker)) << marker << " is in the way";
    fs::create_directories(elsewhere);
    const char* saved = std::getenv("CBSIM_ASSET_DIR");
    const std::string saved_value = saved ? saved : "";
    ::unsetenv("CBSIM_ASSET_DIR");

    // Nothing there: the installed location, so messages name where data is expected.
    EXPECT_EQ(asset_dir(), installed.string());
    // A build tree: the marker names the source assets.
    std::ofstream(marker) << elsewhere.string() << "\n";
    EXPECT_EQ(asset_dir(), elsewhere.string());
    // A marker naming a folder that is gone does not count.
    std::ofstream(marker) << (elsewhere / "gone").string() << "\n";
    EXPECT_EQ(asset_dir(), installed.string());
    std::ofstream(marker) << elsewhere.string() << "\n";
    // An installed (or copied) prefix wins over the marker.
    fs::create_directories(installed);
    EXPECT_EQ(asset_dir(), installed.string());
    // The environment wins over both; empty means unset.
    ::setenv("CBSIM_ASSET_DIR", "/some/where", 1);
    EXPECT_EQ(asset_dir(), "/some/where");
    ::setenv("CBSIM_ASSET_DIR", "", 1);
    EXPECT_EQ(asset_dir(), installed.string());

    fs::remove(marker);
    fs::remove(installed);
    std::error_code ec;
    fs::remove(installed.parent_path(), ec);  // share/, when this test made it
    fs::remove_all(elsewhere);
    if (saved) ::setenv("CBSIM_ASSET_DIR", saved_value.c_str(), 1);
}

}  // namespace
}  // namespace cbsim::gui
