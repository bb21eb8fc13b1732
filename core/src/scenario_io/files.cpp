// files.cpp: reading configuration files safely, loading and saving scenario files, and telling
// a scenario from a lone [breaker] file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <toml++/toml.h>

#include "cbsim/atomic_file.hpp"
#include "cbsim/scenario_io.hpp"
#include "scenario_io/internal.hpp"

namespace cbsim {

std::string read_config_file(const std::string& path) {
    const auto refuse = [&](const std::string& why) {
        detail::throw_config_error(path, 0, "", "cannot read the file: " + why);
    };
    const auto kind = [](mode_t mode) -> const char* {
        if (S_ISDIR(mode)) return "it is a directory";
        if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device";
        if (S_ISSOCK(mode)) return "it is a socket";
        return nullptr;
    };
    // stat first, so a device is never opened; the opened file is checked again.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) refuse(std::strerror(errno));
    if (const char* bad = kind(st.st_mode)) refuse(bad);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) refuse(std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (::fstat(fd, &st) != 0) refuse(std::strerror(errno));
    if (const char* bad = kind(st.st_mode)) refuse(bad);
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) refuse("not a regular file or a pipe");
    std::string text;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            refuse(std::strerror(errno));
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > kMaxScenarioFileBytes)
            detail::throw_config_error(path, 0, "",
                                       "the file is larger than " +
                                           std::to_string(kMaxScenarioFileBytes >> 20) +
                                           " MiB; not a configuration file");
    }
    return text;
}

Scenario load_scenario_file(const std::string& path) {
    return parse_scenario_toml(read_config_file(path), path);
}

std::string save_scenario_file(const Scenario& scenario, const std::string& path) {
    return write_file_atomic(path, scenario_to_toml(scenario));
}

ConfigFileKind detect_config_file_kind(const std::string& path) {
    return detect_config_text_kind(read_config_file(path), path);
}

ConfigFileKind detect_config_text_kind(std::string_view text, const std::string& path) {
    detail::check_nesting(text, path);
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        detail::throw_config_error(path, static_cast<int>(e.source().begin.line), "",
                                   "not valid TOML: " + std::string(e.description()));
    }
    if (root.size() == 1 && root.contains("breaker")) return ConfigFileKind::breaker;
    if (root.contains("variants")) return ConfigFileKind::compare;
    if (root.contains("axis")) return ConfigFileKind::sweep;
    return ConfigFileKind::scenario;
}

}  // namespace cbsim
