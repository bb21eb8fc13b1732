#include "cbsim/atomic_file.hpp"

#include <fcntl.h>
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

// fsync of the directory makes the rename itself durable.
void sync_directory(const std::string& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

std::string write_file_atomic(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const std::string dir = target.parent_path().string();
    std::string name = ".";
    name += target.filename().string();
    name += ".tmp-XXXXXX";
    std::string tmp = (target.parent_path() / name).string();
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return describe("cannot create a temporary file beside", path, errno);
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return describe("cannot write", path, err);
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::fchmod(fd, 0644) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return describe("cannot flush", path, err);
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return describe("cannot close", path, err);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return describe("cannot replace", path, err);
    }
    sync_directory(dir);
    return {};
}

std::string publish_directory(const std::string& staging, const std::string& target) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(target, ec)) return "'" + target + "' already exists";
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
        return describe("cannot move the finished export to", target, errno);
    }
    sync_directory(fs::path(target).parent_path().string());
    return {};
}

}  // namespace cbsim
