#include "cbsim/atomic_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>  // renameat2 (glibc >= 2.28)
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
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

// The temp files being written, for the signal handler: a slot is claimed with `used`, filled,
// then published with `live`; the handler only reads published slots (async-signal-safe).
struct TempSlot {
    std::atomic<bool> used{false};
    std::atomic<bool> live{false};
    char path[PATH_MAX];
};
TempSlot g_temp_slots[8];

TempSlot* track_temp(const std::string& path) {
    if (path.size() >= PATH_MAX) return nullptr;
    for (TempSlot& slot : g_temp_slots) {
        bool expected = false;
        if (slot.used.compare_exchange_strong(expected, true)) {
            std::memcpy(slot.path, path.c_str(), path.size() + 1);
            slot.live.store(true);
            return &slot;
        }
    }
    return nullptr;
}

void untrack_temp(TempSlot* slot) {
    if (!slot) return;
    slot->live.store(false);
    slot->used.store(false);
}

extern "C" void remove_temps_and_die(int sig) {
    for (TempSlot& slot : g_temp_slots)
        if (slot.live.load()) ::unlink(slot.path);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

}  // namespace

void remove_temp_files_on_signals() {
    struct sigaction action {};
    action.sa_handler = remove_temps_and_die;
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction before {};
        // A signal ignored by whoever started the process (nohup, a background job) stays so.
        if (::sigaction(sig, nullptr, &before) == 0 && before.sa_handler == SIG_IGN) continue;
        ::sigaction(sig, &action, nullptr);
    }
}

std::string resolve_output_path(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path p(path);
    for (int hops = 0; hops < 40; ++hops) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
        std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
        const ssize_t n = ::readlink(p.c_str(), target.data(), target.size());
        if (n < 0 || static_cast<std::size_t>(n) >= target.size()) break;
        target.resize(static_cast<std::size_t>(n));
        const fs::path next(target);
        p = next.is_absolute() ? next : p.parent_path() / next;
    }
    return p.string();
}

std::string check_output_file(const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty()) return "the file name is empty";
    const std::string real = resolve_output_path(path);
    const std::string via = real == path ? "" : " (the target of the link, " + real + ")";
    struct stat st {};
    if (::lstat(real.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode)) return path + ": too many levels of symbolic links";
        if (!S_ISREG(st.st_mode))
            return path + ": is " + kind_of(st.st_mode) + via + "; expected a regular file";
        if (::access(real.c_str(), W_OK) != 0)
            return path + ": the file" + via + " is not writable: " + std::strerror(errno);
    } else if (errno != ENOENT && errno != ENOTDIR) {
        return path + ": " + std::strerror(errno);
    }
    const fs::path dir = fs::path(real).parent_path();
    const std::string parent = dir.empty() ? std::string(".") : dir.string();
    if (::stat(parent.c_str(), &st) != 0)
        return path + ": parent directory " + parent + " does not exist";
    if (!S_ISDIR(st.st_mode)) return path + ": parent " + parent + " is not a directory";
    if (::access(parent.c_str(), W_OK) != 0)
        return path + ": parent directory " + parent + " is not writable: " + std::strerror(errno);
    return {};
}

AtomicFileWriter::AtomicFileWriter(std::string path)
    : shown_(std::move(path)), path_(resolve_output_path(shown_)) {
    namespace fs = std::filesystem;
    if (std::string problem = check_output_file(shown_); !problem.empty()) {
        error_ = "cannot write " + problem;
        return;
    }
    const fs::path target(path_);
    std::string name = ".";
    name += target.filename().string();
    name += ".tmp-XXXXXX";
    tmp_ = (target.parent_path() / name).string();
    // Signals stay blocked between creating the temp file and tracking it.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &old);
    fd_ = ::mkstemp(tmp_.data());
    if (fd_ >= 0) slot_ = track_temp(tmp_);
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (fd_ < 0) {
        error_ = describe("cannot create a temporary file beside", shown_, errno);
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
    untrack_temp(static_cast<TempSlot*>(slot_));
    slot_ = nullptr;
}

void AtomicFileWriter::fail(const char* what, int err) {
    if (error_.empty()) error_ = describe(what, shown_, err);
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
    // An existing file keeps its permission bits and (where allowed) its owner; and whatever
    // took its place since the writer was made is refused, not renamed over.
    mode_t mode = 0644;
    struct stat old {};
    if (::lstat(path_.c_str(), &old) == 0) {
        if (!S_ISREG(old.st_mode)) {
            fail("cannot replace", S_ISDIR(old.st_mode) ? EISDIR : EINVAL);
            return error_;
        }
        mode = old.st_mode & 07777;
        if (::fchown(fd_, old.st_uid, old.st_gid) != 0) {
            // Not allowed for another owner without privileges; the file becomes ours.
        }
    }
    if (::fsync(fd_) != 0 || ::fchmod(fd_, mode) != 0) {
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
    untrack_temp(static_cast<TempSlot*>(slot_));
    slot_ = nullptr;
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

std::string replace_directory(const std::string& staging, const std::string& target,
                              const std::function<void(const std::string&)>& remove_old) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto drop = [&](const std::string& old) {
        if (remove_old)
            remove_old(old);
        else
            fs::remove_all(old, ec);
    };
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
        sync_directory(parent_of(target));
        drop(staging);  // the old content
        return {};
    }
    const int err = errno;
    if (err != EINVAL && err != ENOSYS && err != ENOTSUP) {
        return describe("cannot swap the finished export into", target, err);
    }
    // No exchange on this file system: move the old one aside, then the new one in.
    const std::string old = target + ".old";
    if (fs::exists(fs::symlink_status(old, ec)))
        return "cannot move the previous export aside: '" + old + "' exists; move it away";
    if (std::rename(target.c_str(), old.c_str()) != 0) {
        return describe("cannot move the previous export aside from", target, errno);
    }
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
        const int e = errno;
        std::rename(old.c_str(), target.c_str());
        return describe("cannot move the finished export to", target, e);
    }
    sync_directory(parent_of(target));
    drop(old);
    return {};
}

DirectoryLock::DirectoryLock(const std::string& dir)
    : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ >= 0)
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
}

DirectoryLock::~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace cbsim
