// output_folder.cpp: the checks of a folder written as a whole (output_folder.hpp) and the
// writer of one in a staging folder (cbsim/staged_folder.hpp).
#include "sim/output_folder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "cbsim/atomic_file.hpp"
#include "cbsim/staged_folder.hpp"

namespace cbsim::sim {

std::filesystem::path normalise_folder(const std::string& dir) {
    namespace fs = std::filesystem;
    std::string d = dir;
    while (d.size() > 1 && d.back() == '/')
        d.pop_back();
    fs::path p(d);
    const std::string name = p.filename().string();
    if (name == "." || name == "..") {
        std::error_code ec;
        const fs::path abs = fs::absolute(p, ec).lexically_normal();
        if (!ec) {
            std::string a = abs.string();
            while (a.size() > 1 && a.back() == '/')
                a.pop_back();
            p = a;
        }
    }
    return p;
}

std::filesystem::path parent_of(const std::filesystem::path& target) {
    const std::filesystem::path parent = target.parent_path();
    return parent.empty() ? "." : parent;
}

std::filesystem::path staging_of(const std::filesystem::path& target) {
    return target.parent_path() / (target.filename().string() + ".staging");
}

std::string check_output_folder(const std::string& dir, const std::filesystem::path& target,
                                const FolderKind& kind) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path parent = parent_of(target);
    const auto status = fs::symlink_status(target, ec);
    if (fs::exists(status)) {
        if (!fs::is_directory(status)) return dir + ": exists and is not a directory";
        if (::access(target.c_str(), W_OK) != 0)
            return dir + ": directory is not writable: " + std::strerror(errno);
        struct stat self {
        }, up{};
        if (::stat(target.c_str(), &self) == 0 && ::stat(parent.c_str(), &up) == 0 &&
            (self.st_dev != up.st_dev || self.st_ino == up.st_ino)) {
            return dir + ": is a mount point or a root; " + kind.verb + " into a folder inside it";
        }
        if (fs::equivalent(target, fs::current_path(ec), ec))
            return dir + ": is the current directory; " + kind.verb + " into a folder inside it";
        if (std::string problem = kind.problem(target, false); !problem.empty()) {
            return dir + ": " + problem + "; " + kind.verb +
                   " into a new folder, an empty one or one that holds only an earlier " +
                   kind.noun;
        }
    }
    struct stat up {};
    if (::stat(parent.c_str(), &up) != 0)
        return dir + ": parent directory " + parent.string() + " does not exist";
    if (!S_ISDIR(up.st_mode)) return dir + ": parent " + parent.string() + " is not a directory";
    if (::access(parent.c_str(), W_OK) != 0) {
        return dir + ": parent directory " + parent.string() +
               " is not writable: " + std::strerror(errno);
    }
    const fs::path staging = staging_of(target);
    const auto staging_status = fs::symlink_status(staging, ec);
    if (fs::exists(staging_status)) {
        std::string problem = fs::is_directory(staging_status)
                                  ? kind.problem(staging, true)
                                  : std::string("it is not a directory");
        if (!problem.empty()) {
            return dir + ": " + staging.string() + " (the staging folder of " + kind.a_noun +
                   ") exists and is not one cbsim left: " + problem + "; move it away";
        }
    } else {
        // Prove the staging folder can be made (a name past NAME_MAX, a path under /proc).
        if (::mkdir(staging.c_str(), 0755) != 0)
            return dir + ": cannot create the staging directory " + staging.string() + ": " +
                   std::strerror(errno);
        ::rmdir(staging.c_str());
    }
    return {};
}

std::string marked_folder_problem(
    const std::filesystem::path& dir, bool staging, const char* marker, const char* a_folder,
    const std::function<std::string(const std::filesystem::directory_entry& entry,
                                    const std::string& name)>& entry_problem) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (staging && fs::symlink_status(dir / marker, ec).type() == fs::file_type::regular) return {};
    bool marked = false;
    std::size_t entries = 0;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        ++entries;
        const std::string name = entry.path().filename().string();
        if (std::string e = entry_problem(entry, name); !e.empty()) return e;
        marked = marked || name == marker;
    }
    if (ec) return "cannot list the directory: " + ec.message();
    if (marked || entries == 0) return {};
    return "has no marker " + std::string(marker) + ", so it is not " + a_folder;
}

}  // namespace cbsim::sim

namespace cbsim {

StagedFolderWriter::StagedFolderWriter(std::string dir, const sim::FolderKind& kind,
                                       const char* marker, std::string_view marker_text)
    : kind_(kind), dir_(std::move(dir)) {
    namespace fs = std::filesystem;
    if (dir_.empty()) {
        error_ = std::string("the ") + kind_.noun + " folder name is empty";
        return;
    }
    const fs::path target = sim::normalise_folder(dir_);
    DirectoryLock lock(sim::parent_of(target).string());
    if (std::string e = sim::check_output_folder(dir_, target, kind_); !e.empty()) {
        error_ = e;
        return;
    }
    const fs::path path = sim::staging_of(target);
    std::error_code ec;
    if (fs::exists(path, ec)) fs::remove_all(path, ec);  // left by a killed writer
    if (!fs::create_directory(path, ec)) {
        error_ =
            dir_ + ": cannot create the staging directory " + path.string() + ": " + ec.message();
        return;
    }
    staging_ = path.string();
    if (std::string e = write_file_atomic((path / marker).string(), marker_text); !e.empty())
        fail(e);
}

StagedFolderWriter::~StagedFolderWriter() {
    std::error_code ec;
    if (!committed_ && !staging_.empty() && kind_.problem(staging_, true).empty())
        std::filesystem::remove_all(staging_, ec);
}

std::string StagedFolderWriter::staged(const std::string& name) const {
    return (std::filesystem::path(staging_) / name).string();
}

const std::string& StagedFolderWriter::fail(const std::string& what) {
    return error_ = dir_ + ": " + what;
}

std::string StagedFolderWriter::commit() {
    namespace fs = std::filesystem;
    if (!error_.empty()) return error_;
    const fs::path target = sim::normalise_folder(dir_);
    DirectoryLock lock(sim::parent_of(target).string());
    if (std::string e = sim::check_output_folder(dir_, target, kind_); !e.empty())
        return error_ = e;
    std::error_code ec;
    const auto drop_old = [this](const std::string& old) {
        std::error_code ignored;
        if (kind_.problem(old, true).empty()) fs::remove_all(old, ignored);
    };
    const std::string e = fs::exists(target, ec)
                              ? replace_directory(staging_, target.string(), drop_old)
                              : publish_directory(staging_, target.string());
    if (!e.empty()) return fail(e);
    committed_ = true;
    return {};
}

}  // namespace cbsim
