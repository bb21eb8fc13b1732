// app_options.hpp: the desktop app's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cbsim::gui {

struct AppOptions {
    int width = 1280;
    int height = 800;
    int pos_x = -1;
    int pos_y = -1;
    int fps_cap = 60;
    long max_frames = 0;          ///< exit after this many frames; 0 = run until closed
    bool test_report = false;     ///< print READY and widget positions on stdout (for tests)
    std::string screenshot_path;  ///< save a PNG of frame `screenshot_frame`
    long screenshot_frame = 5;
    bool size_given = false;    ///< --size was on the command line (else the saved size)
    std::string scenario_path;  ///< scenario file to open (default: assets/scenarios/default.toml)
    std::string export_dir;     ///< where Ctrl+E exports go (default: ~/cbsim-runs)
    double speed = 1.0;         ///< initial speed, 0.1..1000
    bool paused = false;        ///< start paused
};

/// Parses argv. On --help / --version fills `exit_message` and returns nullopt with exit code
/// 0; on a bad argument fills `exit_message` with the error and returns nullopt with code 2.
std::optional<AppOptions> parse_app_options(const std::vector<std::string>& args,
                                            std::string& exit_message, int& exit_code);

}  // namespace cbsim::gui
