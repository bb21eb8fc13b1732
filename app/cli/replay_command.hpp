// replay_command.hpp: `cbsim-cli replay --config F [--config G ...] --trace T [--out O]`, the
// trace a trace.csv or, with `--format`, an access log (rotated files: several --trace).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "import_command.hpp"

namespace cbsim::cli {

struct ReplayOptions {
    std::vector<std::string> configs;  ///< breaker files ([breaker] table), 1 to 16
    std::vector<std::string> traces;   ///< trace.csv, or with read.format the log files
    LogReadOptions read;               ///< read.format empty: the traces are one trace.csv
    /// One config: decisions.csv (empty or "-" = standard output). Several configs, or a
    /// name ending in '/': the replay folder (replay_set.hpp).
    std::string out;
};

/// Replays the trace through the configured breakers, streaming: with one config writes
/// decisions.csv (atomically when `out` is a file); with several (or `out` ending in '/')
/// writes the replay folder and prints its summary.csv. A log's skipped lines are reported on
/// `err` as import reports them (write_log_report); more than read.max_bad allows exit 2 with
/// nothing written (no decisions, the folder as it was). Returns the exit code: 0 ok, 2 bad
/// input (the message on `err` names the file, line and key), 1 runtime error (e.g. the
/// output cannot be written).
int run_replay(const ReplayOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
