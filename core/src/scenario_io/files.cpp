// files.cpp: reading configuration files safely, loading and saving scenario files, and telling
// a scenario from a lone [breaker] file.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <toml++/toml.h>

#include "cbsim/atomic_file.hpp"
#include "cbsim/scenario_io.hpp"
#include "scenario_io/internal.hpp"

namespace cbsim {

std::string read_config_file(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        detail::throw_config_error(
            path, 0, "", "cannot read the file: " + (ec ? ec.message() : "it does not exist"));
    if (fs::is_directory(status))
        detail::throw_config_error(path, 0, "", "cannot read the file: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        detail::throw_config_error(path, 0, "",
                                   std::string("cannot read the file: ") + std::strerror(errno));
    std::string text;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxScenarioFileBytes)
            detail::throw_config_error(path, 0, "",
                                       "the file is larger than " +
                                           std::to_string(kMaxScenarioFileBytes >> 20) +
                                           " MiB; not a configuration file");
    }
    if (in.bad()) detail::throw_config_error(path, 0, "", "cannot read the file: read error");
    return text;
}

Scenario load_scenario_file(const std::string& path) {
    return parse_scenario_toml(read_config_file(path), path);
}

std::string save_scenario_file(const Scenario& scenario, const std::string& path) {
    return write_file_atomic(path, scenario_to_toml(scenario));
}

ConfigFileKind detect_config_file_kind(const std::string& path) {
    const std::string text = read_config_file(path);
    detail::check_nesting(text, path);
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        detail::throw_config_error(path, static_cast<int>(e.source().begin.line), "",
                                   "not valid TOML: " + std::string(e.description()));
    }
    if (root.size() == 1 && root.contains("breaker")) return ConfigFileKind::breaker;
    return ConfigFileKind::scenario;
}

}  // namespace cbsim
