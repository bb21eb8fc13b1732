#include "ui_settings.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <cbsim/atomic_file.hpp>

namespace cbsim::gui {
namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

bool to_int(const std::string& v, int lo, int hi, int& out) {
    char* end = nullptr;
    const long x = std::strtol(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || x < lo || x > hi) return false;
    out = static_cast<int>(x);
    return true;
}

bool to_float(const std::string& v, float lo, float hi, float& out) {
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0' ||
        !(x >= static_cast<double>(lo) && x <= static_cast<double>(hi)))
        return false;
    out = static_cast<float>(x);
    return true;
}

}  // namespace

std::string config_dir() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg) return (std::filesystem::path(xdg) / "cbsim").string();
    const char* home = std::getenv("HOME");
    if (home && *home) return (std::filesystem::path(home) / ".config" / "cbsim").string();
    return "";
}

UiSettings parse_ui_settings(const std::string& text) {
    UiSettings s;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        int i = 0;
        float f = 0.0f;
        if (key == "width" && to_int(value, 320, 16384, i)) {
            s.width = i;
        } else if (key == "height" && to_int(value, 240, 16384, i)) {
            s.height = i;
        } else if (key == "plot_span_s" && to_int(value, 1, 86400 * 30, i)) {
            s.plot_span_s = i;
        } else if (key == "show_help" && (value == "0" || value == "1")) {
            s.show_help = value == "1";
        } else if (key.rfind("panel.", 0) == 0 && (value == "0" || value == "1")) {
            s.panels[key.substr(6)] = value == "1";
        } else if (key == "recent" && !value.empty() && s.recent.size() < 10) {
            s.recent.push_back(value);
        } else if (key == "layout.left" && to_float(value, kMinColumnShare, kMaxColumnShare, f)) {
            s.layout.left = f;
        } else if (key == "layout.right" && to_float(value, kMinColumnShare, kMaxColumnShare, f)) {
            s.layout.right = f;
        } else if (key.rfind("layout.weight.", 0) == 0 && key.size() > 14 &&
                   to_float(value, kMinWeight, kMaxWeight, f)) {
            s.layout.weights[key.substr(14)] = f;
        }
    }
    return s;
}

std::string to_text(const UiSettings& s) {
    std::ostringstream out;
    out << "# cbsim UI settings (window, panels); scenarios are saved elsewhere\n";
    out << "width = " << s.width << "\nheight = " << s.height << "\n";
    out << "plot_span_s = " << static_cast<long long>(s.plot_span_s) << "\n";
    out << "show_help = " << (s.show_help ? 1 : 0) << "\n";
    for (const auto& [id, open] : s.panels)
        out << "panel." << id << " = " << (open ? 1 : 0) << "\n";
    for (const std::string& path : s.recent) {
        // One line per file: a path with a line break, or spaces at its ends, cannot be kept.
        if (path.find_first_of("\r\n") == std::string::npos && trim(path) == path)
            out << "recent = " << path << "\n";
    }
    // Shares and weights with 4 decimals: a pixel of a 10000-pixel window.
    char buf[32];
    if (s.layout.left > 0.0f) {
        std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(s.layout.left));
        out << "layout.left = " << buf << "\n";
    }
    if (s.layout.right > 0.0f) {
        std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(s.layout.right));
        out << "layout.right = " << buf << "\n";
    }
    for (const auto& [key, w] : s.layout.weights) {
        std::snprintf(buf, sizeof buf, "%.4f",
                      static_cast<double>(std::clamp(w, kMinWeight, kMaxWeight)));
        out << "layout.weight." << key << " = " << buf << "\n";
    }
    return out.str();
}

UiSettings load_ui_settings(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::string text, line;
    while (std::getline(in, line))
        text.append(line).push_back('\n');
    return parse_ui_settings(text);
}

std::string save_ui_settings(const UiSettings& settings, const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec)
        return "cannot create " + std::filesystem::path(path).parent_path().string() + ": " +
               ec.message();
    return write_file_atomic(path, to_text(settings));
}

}  // namespace cbsim::gui
