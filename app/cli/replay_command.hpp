// replay_command.hpp: `cbsim-cli replay --config F --trace T [--out O]`.
#pragma once

#include <iosfwd>
#include <string>

namespace cbsim::cli {

struct ReplayOptions {
    std::string config;  ///< breaker file ([breaker] table)
    std::string trace;   ///< trace.csv
    std::string out;     ///< decisions.csv; empty = standard output
};

/// Replays the trace through the configured breaker and writes decisions.csv (atomically when
/// `out` is a file). Returns the exit code: 0 ok, 2 bad input (the message on `err` names the
/// file, line and key), 1 runtime error (e.g. the output cannot be written).
int run_replay(const ReplayOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
