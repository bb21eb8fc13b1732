#include "paths.hpp"

#include <cbsim/text.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace cbsim::gui {
namespace fs = std::filesystem;

std::string asset_dir() {
    const char* env = std::getenv("CBSIM_ASSET_DIR");
    if (env && *env) return env;
    std::error_code ec;
    const fs::path bin = fs::read_symlink("/proc/self/exe", ec).parent_path();
    const fs::path installed = (bin / CBSIM_BIN_TO_DATA_DIR).lexically_normal();
    if (fs::is_directory(installed, ec)) return installed.string();
    std::ifstream marker(bin / "cbsim-assets.path");
    std::string build_tree;
    if (marker && std::getline(marker, build_tree) && fs::is_directory(build_tree, ec))
        return build_tree;
    return installed.string();
}

std::string file_stem(const std::string& scenario_name) {
    std::string name;
    for (std::size_t i = 0; i < scenario_name.size();) {
        const char c = scenario_name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        const std::size_t n = ok ? 1 : utf8_sequence_length(scenario_name, i);
        if (name.size() + std::max<std::size_t>(n, 1) > kMaxFileStemBytes) break;
        if (n == 0)
            name += '-';
        else
            name.append(scenario_name, i, n);
        i += std::max<std::size_t>(n, 1);
    }
    if (name.empty()) name = "run";
    return name;
}

std::string suggested_file_name(const std::string& scenario_name, const std::string& source) {
    if (!source.empty()) {
        const fs::path p(source);
        return p.stem().string() + ".toml";
    }
    std::string clean;
    for (char c : file_stem(scenario_name)) {
        if (c == '-' && (clean.empty() || clean.back() == '-')) continue;
        clean += c;
    }
    while (!clean.empty() && clean.back() == '-')
        clean.pop_back();
    return (clean.empty() ? std::string("scenario") : clean) + ".toml";
}

std::string default_export_path(const std::string& base, const std::string& scenario_name) {
    const std::string name = file_stem(scenario_name);
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    const std::string first = (fs::path(base) / (name + "-" + stamp)).string();
    std::string path = first;
    std::error_code ec;
    for (int n = 2; fs::exists(path, ec); ++n)
        path = first + "-" + std::to_string(n);
    return path;
}

}  // namespace cbsim::gui
