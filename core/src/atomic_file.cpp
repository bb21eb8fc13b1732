#include "cbsim/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2 (glibc >= 2.28)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace cbsim {
namespace {

std::string describe(const std::string& what, const std::string& path, int err) {
    return what + " '" + path + "': " + std::strerror(err);
}

std::string parent_of(const std::string& path) {
    return std::filesystem::path(path).parent_path().string();
}

// fsync of the directory makes the rename itself durable.
void sync_directory(const std::string& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
    namespace fs = std::filesystem;
    const fs::path target(path_);
    std::string name = ".";
    name += target.filename().string();
    name += ".tmp-XXXXXX";
    tmp_ = (target.parent_path() / name).string();
    fd_ = ::mkstemp(tmp_.data());
    if (fd_ < 0) {
        error_ = describe("cannot create a temporary file beside", path_, errno);
        tmp_.clear();
    }
}

AtomicFileWriter::~AtomicFileWriter() {
    discard();
}

void AtomicFileWriter::discard() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    tmp_.clear();
}

void AtomicFileWriter::fail(const char* what, int err) {
    if (error_.empty()) error_ = describe(what, path_, err);
    discard();
}

bool AtomicFileWriter::write(std::string_view data) {
    if (!ok()) return false;
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", errno);
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

std::string AtomicFileWriter::commit() {
    if (!ok()) return error_;
    if (::fsync(fd_) != 0 || ::fchmod(fd_, 0644) != 0) {
        fail("cannot flush", errno);
        return error_;
    }
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        fail("cannot close", errno);
        return error_;
    }
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
        fail("cannot replace", errno);
        return error_;
    }
    tmp_.clear();
    sync_directory(parent_of(path_));
    return {};
}

std::string write_file_atomic(const std::string& path, std::string_view content) {
    AtomicFileWriter file(path);
    file.write(content);
    return file.commit();
}

std::string publish_directory(const std::string& staging, const std::string& target) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(target, ec)) return "'" + target + "' already exists";
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
        return describe("cannot move the finished export to", target, errno);
    }
    sync_directory(parent_of(target));
    return {};
}

std::string replace_directory(const std::string& staging, const std::string& target) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
        sync_directory(parent_of(target));
        fs::remove_all(staging, ec);  // the old content
        return {};
    }
    const int err = errno;
    if (err != EINVAL && err != ENOSYS && err != ENOTSUP) {
        return describe("cannot swap the finished export into", target, err);
    }
    // No exchange on this file system: move the old one aside, then the new one in.
    const std::string old = target + ".old";
    fs::remove_all(old, ec);
    if (std::rename(target.c_str(), old.c_str()) != 0) {
        return describe("cannot move the previous export aside from", target, errno);
    }
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
        const int e = errno;
        std::rename(old.c_str(), target.c_str());
        return describe("cannot move the finished export to", target, e);
    }
    sync_directory(parent_of(target));
    fs::remove_all(old, ec);
    return {};
}

}  // namespace cbsim
