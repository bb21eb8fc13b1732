// replay_command.cpp: the replay subcommand's logic (CLI11 stays in main.cpp).
#include "replay_command.hpp"

#include <cbsim/atomic_file.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>

#include <exception>
#include <ostream>

namespace cbsim::cli {

int run_replay(const ReplayOptions& options, std::ostream& out, std::ostream& err) {
    std::string csv;
    try {
        const BreakerConfig config = load_breaker_file(options.config);
        const Trace trace = load_trace(options.trace);
        csv = decisions_csv(trace, replay(config, trace));
    } catch (const ConfigError& e) {
        err << "cbsim-cli replay: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        err << "cbsim-cli replay: " << e.what() << '\n';
        return 1;
    }
    if (options.out.empty()) {
        out << csv;
        out.flush();
        return out ? 0 : 1;
    }
    if (const std::string error = write_file_atomic(options.out, csv); !error.empty()) {
        err << "cbsim-cli replay: " << error << '\n';
        return 1;
    }
    return 0;
}

}  // namespace cbsim::cli
