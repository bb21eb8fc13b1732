#include <gtest/gtest.h>
#include <unistd.h>
#include <cbsim/atomic_file.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cbsim {
namespace {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "cbsim-atomic-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, ec);
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t entries(const fs::path& dir) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, WritesAndReplacesWholeContent) {
    TempDir d;
    const auto file = (d.path / "out.csv").string();
    ASSERT_EQ(write_file_atomic(file, "first\n"), "");
    EXPECT_EQ(slurp(file), "first\n");
    ASSERT_EQ(write_file_atomic(file, "second, longer\n"), "");
    EXPECT_EQ(slurp(file), "second, longer\n");
    EXPECT_EQ(entries(d.path), 1u) << "no temporary file may be left behind";
}

TEST(AtomicFile, UnwritablePlaceGivesAClearErrorAndKeepsTheOldFile) {
    TempDir d;
    const auto file = (d.path / "out.csv").string();
    ASSERT_EQ(write_file_atomic(file, "old\n"), "");
    // A regular file where a directory should be: creating the temp file fails.
    const auto bad = (d.path / "out.csv" / "inner.csv").string();
    const std::string err = write_file_atomic(bad, "new\n");
    EXPECT_NE(err.find(bad), std::string::npos) << err;
    EXPECT_NE(err.find("Not a directory"), std::string::npos) << err;
    EXPECT_EQ(slurp(file), "old\n");
    EXPECT_EQ(entries(d.path), 1u);
}

TEST(AtomicFile, PublishDirectoryRefusesToOverwrite) {
    TempDir d;
    fs::create_directory(d.path / "staging");
    std::ofstream(d.path / "staging" / "a.csv") << "a";
    ASSERT_EQ(publish_directory((d.path / "staging").string(), (d.path / "run").string()), "");
    EXPECT_EQ(slurp(d.path / "run" / "a.csv"), "a");
    fs::create_directory(d.path / "staging2");
    const std::string err =
        publish_directory((d.path / "staging2").string(), (d.path / "run").string());
    EXPECT_NE(err.find("already exists"), std::string::npos) << err;
}

}  // namespace
}  // namespace cbsim
