// run_command.hpp: `cbsim-cli run SCENARIO [--duration S] [--seed N] [--set PATH=VALUE]...
// [--out DIR]`.
//
// Loads and validates the scenario, applies each --set as the key's initial value (the run
// folder's scenario.toml carries it, as if the file had said so), runs it headless for its duration
// (or --duration), prints the KPIs and, with --out, writes the run folder (timeseries.csv,
// services.csv, events.csv, scenario.toml, summary.json) as a whole: DIR keeps its earlier export
// or gets the complete new one (write_run_folder). DIR is checked before the run
// (check_run_folder), so a long run is not lost to a folder that cannot take it. A progress bar
// goes to stderr on a terminal. Exit codes: 0 ok, 2 bad input (scenario, option values, a DIR that
// is refused), 1 runtime error (writing failed: full disk, file-size limit, the folder became
// read-only; out of memory).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cbsim::cli {

struct RunOptions {
    std::string scenario;               ///< scenario TOML file
    std::optional<double> duration_s;   ///< overrides the scenario's duration_s
    std::optional<std::uint64_t> seed;  ///< overrides the scenario's seed
    std::vector<std::string> sets;      ///< "PATH=VALUE": initial values over the file's
    std::string out;                    ///< run folder to write; empty = print only
    bool progress = false;              ///< draw the progress bar (main: stderr is a TTY)
};

int run_run(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
