#include "app_options.hpp"

#include <cbsim/atomic_file.hpp>
#include <cbsim/version.hpp>

#include <charconv>
#include <cstdlib>

namespace cbsim::gui {
namespace {

constexpr const char* kUsage =
    "Usage: cbsim [options]\n"
    "\n"
    "Interactive circuit-breaker simulator.\n"
    "\n"
    "Options:\n"
    "  --size W H            window size in logical pixels (default 1280 800)\n"
    "  --pos X Y             window position\n"
    "  --fps N               frame-rate cap, 10..240 (default 60)\n"
    "  --frames N            exit after N frames\n"
    "  --scenario FILE       open this scenario (default: the default preset)\n"
    "  --export-dir DIR      where File > Export run (Ctrl+E) writes (default ~/cbsim-runs)\n"
    "  --speed X             simulated seconds per real second, 0.1..1000 (default 1)\n"
    "  --paused              start paused\n"
    "  --screenshot PNG      save a screenshot of frame --screenshot-frame (default 5)\n"
    "  --screenshot-frame N  which frame to save\n"
    "  --test-report         print READY and widget positions on stdout (end-to-end tests)\n"
    "  --version             print the version and exit\n"
    "  -h, --help            print this help and exit\n";

bool parse_long(const std::string& text, long lo, long hi, long& out) {
    long value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value < lo || value > hi) return false;
    out = value;
    return true;
}

}  // namespace

std::optional<AppOptions> parse_app_options(const std::vector<std::string>& args,
                                            std::string& exit_message, int& exit_code) {
    AppOptions options;
    auto fail = [&](const std::string& message) -> std::optional<AppOptions> {
        exit_message = "cbsim: " + message + "\n" + kUsage;
        exit_code = 2;
        return std::nullopt;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto number = [&](const char* what, long lo, long hi, long& out) {
            if (i + 1 >= args.size()) return false;
            if (!parse_long(args[++i], lo, hi, out)) {
                exit_message = std::string(what) + " must be an integer in [" + std::to_string(lo) +
                               ", " + std::to_string(hi) + "], got '" + args[i] + "'";
                return false;
            }
            return true;
        };
        long a = 0, b = 0;
        if (arg == "-h" || arg == "--help") {
            exit_message = kUsage;
            exit_code = 0;
            return std::nullopt;
        } else if (arg == "--version") {
            exit_message = std::string("cbsim ") + version_string + "\n";
            exit_code = 0;
            return std::nullopt;
        } else if (arg == "--size") {
            if (!number("--size W", 320, 16384, a) || !number("--size H", 240, 16384, b))
                return fail(exit_message.empty() ? "--size needs W H" : exit_message);
            options.width = static_cast<int>(a);
            options.height = static_cast<int>(b);
            options.size_given = true;
        } else if (arg == "--pos") {
            if (!number("--pos X", 0, 16384, a) || !number("--pos Y", 0, 16384, b))
                return fail(exit_message.empty() ? "--pos needs X Y" : exit_message);
            options.pos_x = static_cast<int>(a);
            options.pos_y = static_cast<int>(b);
        } else if (arg == "--fps") {
            if (!number("--fps", 10, 240, a))
                return fail(exit_message.empty() ? "--fps needs N" : exit_message);
            options.fps_cap = static_cast<int>(a);
        } else if (arg == "--frames") {
            if (!number("--frames", 1, 1L << 40, options.max_frames))
                return fail(exit_message.empty() ? "--frames needs N" : exit_message);
        } else if (arg == "--screenshot-frame") {
            if (!number("--screenshot-frame", 0, 1L << 40, options.screenshot_frame))
                return fail(exit_message.empty() ? "--screenshot-frame needs N" : exit_message);
        } else if (arg == "--screenshot") {
            if (i + 1 >= args.size()) return fail("--screenshot needs a PNG path");
            options.screenshot_path = args[++i];
            // Refused before a window opens: a directory, device, FIFO, missing folder.
            if (std::string problem = check_output_file(options.screenshot_path); !problem.empty())
                return fail("--screenshot " + problem);
        } else if (arg == "--scenario") {
            if (i + 1 >= args.size()) return fail("--scenario needs a file");
            options.scenario_path = args[++i];
        } else if (arg == "--export-dir") {
            if (i + 1 >= args.size()) return fail("--export-dir needs a directory");
            options.export_dir = args[++i];
        } else if (arg == "--speed") {
            if (i + 1 >= args.size()) return fail("--speed needs a number");
            const std::string& text = args[++i];
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0' || !(v >= 0.1 && v <= 1000.0))
                return fail("--speed must be a number in [0.1, 1000], got '" + text + "'");
            options.speed = v;
        } else if (arg == "--paused") {
            options.paused = true;
        } else if (arg == "--test-report") {
            options.test_report = true;
        } else {
            return fail("unknown argument '" + arg + "'");
        }
    }
    return options;
}

}  // namespace cbsim::gui
