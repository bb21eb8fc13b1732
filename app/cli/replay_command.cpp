// replay_command.cpp: the replay subcommand's logic (CLI11 stays in main.cpp).
#include "replay_command.hpp"

#include <cbsim/atomic_file.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>

#include <exception>
#include <ostream>

#include "output.hpp"

namespace cbsim::cli {

int run_replay(const ReplayOptions& options, std::ostream& out, std::ostream& err) {
    const bool to_stdout = options.out.empty() || options.out == "-";
    if (!to_stdout) {
        // Refused before any work: a directory, device, FIFO, read-only file or missing folder.
        if (const std::string problem = check_output_file(options.out); !problem.empty()) {
            err << "cbsim-cli replay: --out " << problem << '\n';
            return 2;
        }
    }
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
    if (to_stdout) {
        out << csv;
        return finish_output(out, err, "replay", 0);
    }
    if (const std::string error = write_file_atomic(options.out, csv); !error.empty()) {
        err << "cbsim-cli replay: " << error << '\n';
        return 1;
    }
    return 0;
}

}  // namespace cbsim::cli
