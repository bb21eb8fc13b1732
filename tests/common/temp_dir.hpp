// temp_dir.hpp: a scratch directory for a test that writes files, removed with everything in it
// when the test ends, and a whole file read back as bytes. Core and app tests share it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace cbsim::test {

/// DIR = the system temp directory / PREFIX_XXXXXX, made fresh by mkdtemp (two tests or two
/// test runs at once never share one); removed when destroyed, also after a test took its
/// permissions away.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix = "cbsim_test") {
        std::string pattern =
            (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("cannot make a temporary directory " + pattern);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    /// Writes `text` to DIR/name; returns the path.
    std::string file(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return (path / name).string();
    }
};

/// The bytes of file `p` (empty if it cannot be read).
inline std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace cbsim::test
