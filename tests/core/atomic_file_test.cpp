#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cbsim/atomic_file.hpp>

#include "common/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cbsim {
namespace {

namespace fs = std::filesystem;

using test::read_bytes;
using test::TempDir;

std::size_t entries(const fs::path& dir) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, WritesAndReplacesWholeContent) {
    TempDir d;
    const auto file = (d.path / "out.csv").string();
    ASSERT_EQ(write_file_atomic(file, "first\n"), "");
    EXPECT_EQ(read_bytes(file), "first\n");
    ASSERT_EQ(write_file_atomic(file, "second, longer\n"), "");
    EXPECT_EQ(read_bytes(file), "second, longer\n");
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
    EXPECT_NE(err.find("is not a directory"), std::string::npos) << err;
    EXPECT_EQ(read_bytes(file), "old\n");
    EXPECT_EQ(entries(d.path), 1u);
}

TEST(AtomicFile, WriterAppearsOnlyOnCommitAndAbandonedWritesLeaveNothing) {
    TempDir d;
    const auto file = (d.path / "big.csv").string();
    ASSERT_EQ(write_file_atomic(file, "old\n"), "");
    {
        AtomicFileWriter w(file);
        ASSERT_TRUE(w.write("new "));
        ASSERT_TRUE(w.write("piece\n"));
        EXPECT_EQ(read_bytes(file), "old\n") << "nothing visible before commit";
        EXPECT_EQ(entries(d.path), 2u) << "the temp file beside it";
    }  // abandoned
    EXPECT_EQ(read_bytes(file), "old\n");
    EXPECT_EQ(entries(d.path), 1u);
    AtomicFileWriter w(file);
    ASSERT_TRUE(w.write("new "));
    ASSERT_TRUE(w.write("piece\n"));
    ASSERT_EQ(w.commit(), "");
    EXPECT_EQ(read_bytes(file), "new piece\n");
    EXPECT_EQ(entries(d.path), 1u);
    // A writer that could not start reports the path on every call.
    AtomicFileWriter bad((d.path / "no-dir" / "x.csv").string());
    EXPECT_FALSE(bad.ok());
    EXPECT_FALSE(bad.write("x"));
    EXPECT_NE(bad.commit().find("no-dir/x.csv"), std::string::npos);
}

TEST(AtomicFile, ReplaceDirectorySwapsInTheNewContentAndDropsTheOld) {
    TempDir d;
    fs::create_directory(d.path / "run");
    std::ofstream(d.path / "run" / "a.csv") << "old";
    std::ofstream(d.path / "run" / "gone.csv") << "old";
    fs::create_directory(d.path / "run.staging");
    std::ofstream(d.path / "run.staging" / "a.csv") << "new";
    ASSERT_EQ(replace_directory((d.path / "run.staging").string(), (d.path / "run").string()), "");
    EXPECT_EQ(read_bytes(d.path / "run" / "a.csv"), "new");
    EXPECT_FALSE(fs::exists(d.path / "run" / "gone.csv")) << "the folder is swapped, not merged";
    EXPECT_EQ(entries(d.path), 1u) << "the old content is deleted";
    // Nothing to swap in: an error naming the target, which stays as it was.
    const std::string err =
        replace_directory((d.path / "missing").string(), (d.path / "run").string());
    EXPECT_NE(err.find((d.path / "run").string()), std::string::npos) << err;
    EXPECT_EQ(read_bytes(d.path / "run" / "a.csv"), "new");
}

TEST(AtomicFile, PublishDirectoryRefusesToOverwrite) {
    TempDir d;
    fs::create_directory(d.path / "staging");
    std::ofstream(d.path / "staging" / "a.csv") << "a";
    ASSERT_EQ(publish_directory((d.path / "staging").string(), (d.path / "run").string()), "");
    EXPECT_EQ(read_bytes(d.path / "run" / "a.csv"), "a");
    fs::create_directory(d.path / "staging2");
    const std::string err =
        publish_directory((d.path / "staging2").string(), (d.path / "run").string());
    EXPECT_NE(err.find("already exists"), std::string::npos) << err;
}

TEST(AtomicFile, ASymlinkIsWrittenThroughToItsTarget) {
    TempDir d;
    fs::create_directory(d.path / "real");
    const fs::path target = d.path / "real" / "data.csv";
    ASSERT_EQ(write_file_atomic(target.string(), "old\n"), "");
    fs::create_symlink("real/data.csv", d.path / "link.csv");
    fs::create_symlink("link.csv", d.path / "link2.csv");
    EXPECT_EQ(resolve_output_path((d.path / "link2.csv").string()), target.string());
    ASSERT_EQ(write_file_atomic((d.path / "link2.csv").string(), "new\n"), "");
    EXPECT_TRUE(fs::is_symlink(d.path / "link.csv"));
    EXPECT_TRUE(fs::is_symlink(d.path / "link2.csv"));
    EXPECT_EQ(read_bytes(target), "new\n");
    EXPECT_EQ(entries(d.path / "real"), 1u);
    // A dangling link: its target is created, the link kept.
    fs::create_symlink("real/fresh.csv", d.path / "dangling.csv");
    ASSERT_EQ(write_file_atomic((d.path / "dangling.csv").string(), "fresh\n"), "");
    EXPECT_TRUE(fs::is_symlink(d.path / "dangling.csv"));
    EXPECT_EQ(read_bytes(d.path / "real" / "fresh.csv"), "fresh\n");
}

TEST(AtomicFile, AReplacedFileKeepsItsMode) {
    TempDir d;
    const fs::path file = d.path / "out.csv";
    ASSERT_EQ(write_file_atomic(file.string(), "a\n"), "");
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::mask, fs::perms(0644));
    ::chmod(file.c_str(), 0600);
    ASSERT_EQ(write_file_atomic(file.string(), "b\n"), "");
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::mask, fs::perms(0600));
    ::chmod(file.c_str(), 0444);
    const std::string err = write_file_atomic(file.string(), "c\n");
    if (::geteuid() == 0) {
        // root may write it (as `cp` would); it stays read-only.
        EXPECT_EQ(err, "");
        EXPECT_EQ(read_bytes(file), "c\n");
    } else {
        EXPECT_NE(err.find("is not writable: Permission denied"), std::string::npos) << err;
        EXPECT_EQ(read_bytes(file), "b\n");
    }
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::mask, fs::perms(0444));
    EXPECT_EQ(entries(d.path), 1u);
}

TEST(AtomicFile, DirectoriesFifosAndDevicesAreRefusedAndKept) {
    TempDir d;
    const fs::path fifo = d.path / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string err = write_file_atomic(fifo.string(), "x");
    EXPECT_EQ(err, "cannot write " + fifo.string() + ": is a FIFO; expected a regular file");
    EXPECT_EQ(err, "cannot write " + check_output_file(fifo.string()));
    EXPECT_TRUE(fs::is_fifo(fifo));
    // Through a link: refused the same way, the link kept.
    fs::create_symlink("pipe", d.path / "to_pipe");
    err = check_output_file((d.path / "to_pipe").string());
    EXPECT_NE(err.find("is a FIFO (the target of the link, "), std::string::npos) << err;
    EXPECT_TRUE(fs::is_symlink(d.path / "to_pipe"));
    err = check_output_file(d.path.string());
    EXPECT_NE(err.find("is a directory; expected a regular file"), std::string::npos) << err;
    // A device node of our own (root only; the null device's numbers, 1:3).
    const fs::path dev = d.path / "null";
    if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
        err = write_file_atomic(dev.string(), "x");
        EXPECT_NE(err.find("is a character device; expected a regular file"), std::string::npos)
            << err;
        EXPECT_TRUE(fs::is_character_file(dev));
    } else {
        EXPECT_NE(::geteuid(), 0u) << "root must be able to create a device node";
    }
    EXPECT_NE(check_output_file((d.path / "no" / "x.csv").string()).find("does not exist"),
              std::string::npos);
    std::ofstream(d.path / "afile") << "x";
    EXPECT_NE(check_output_file((d.path / "afile" / "x.csv").string()).find("is not a directory"),
              std::string::npos);
}

}  // namespace
}  // namespace cbsim
