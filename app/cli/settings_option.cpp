// settings_option.cpp: `--set PATH=VALUE` and the progress bar.
#include "settings_option.hpp"

#include <cstdio>
#include <ostream>

#include "cbsim/text.hpp"

namespace cbsim::cli {

std::string apply_set_options(Scenario& scenario, const std::vector<std::string>& sets) {
    std::vector<Change> changes;
    for (const std::string& set : sets) {
        const auto eq = set.find('=');
        if (eq == std::string::npos || eq == 0)
            return "--set " + printable(set, 200) + ": expected PATH=VALUE";
        changes.push_back(Change{set.substr(0, eq),
                                 setting_value_from_text(std::string_view(set).substr(eq + 1))});
    }
    std::size_t failed = 0;
    if (std::string e = apply_settings_together(scenario, changes, &failed); !e.empty()) {
        if (!find_setting(scenario, changes[failed].path) &&
            missing_breaker(scenario, changes[failed].path).empty())
            e += "; run cbsim-cli keys to list every key";
        return "--set " + printable(sets[failed], 200) + ": " + printable(e, 1000);
    }
    return {};
}

void draw_progress(std::ostream& err, SimTime now, SimTime total) {
    constexpr int kWidth = 30;
    const double f = total > 0 ? static_cast<double>(now) / static_cast<double>(total) : 1.0;
    const int filled = static_cast<int>(f * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, ' ');
    char text[96];
    std::snprintf(text, sizeof text, "\r[%s] %3d%% %.1f/%.1f s", bar.c_str(),
                  static_cast<int>(f * 100.0), to_s(now), to_s(total));
    err << text << std::flush;
}

}  // namespace cbsim::cli
