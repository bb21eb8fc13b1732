// ui_settings.hpp: UI-only state kept between sessions (window size, open panels, the tiled
// layout's column widths and panel heights, plot span).
//
// Stored apart from scenarios, in $XDG_CONFIG_HOME/cbsim/ui.ini (fallback ~/.config/cbsim), never
// in the working directory. A plain `key = value` file; unknown keys are ignored and a missing
// or damaged file gives the defaults, so a bad file never stops the app.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tile_layout.hpp"

namespace cbsim::gui {

struct UiSettings {
    int width = 1280;
    int height = 800;
    double plot_span_s = 60.0;           ///< seconds shown while following live time
    std::map<std::string, bool> panels;  ///< panel id -> open
    bool show_help = true;               ///< the "how to read this" overlay at start
    TileSizes layout;                    ///< column widths and panel height weights
    std::vector<std::string> recent;     ///< files opened or saved, latest first (at most 10)

    bool operator==(const UiSettings&) const = default;
};

/// $XDG_CONFIG_HOME/cbsim, else $HOME/.config/cbsim; empty if neither variable is set.
std::string config_dir();

/// Reads `path`; defaults for anything missing or malformed.
UiSettings load_ui_settings(const std::string& path);

/// Writes `path` atomically, creating its directory. Returns an empty string or the error.
std::string save_ui_settings(const UiSettings& settings, const std::string& path);

/// The text form (for tests and for save).
std::string to_text(const UiSettings& settings);
UiSettings parse_ui_settings(const std::string& text);

}  // namespace cbsim::gui
