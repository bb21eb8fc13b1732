// fit_command.hpp: `cbsim-cli fit TRACE [--out scenario.toml]`.
#pragma once

#include <cbsim/fit.hpp>

#include <iosfwd>
#include <string>

namespace cbsim::cli {

struct FitCliOptions {
    std::string trace;  ///< trace.csv
    std::string out;    ///< scenario file to write; empty or "-" = standard output
    FitOptions fit;
};

/// Fits a scenario to the trace (fit.hpp) and writes it: to `out` atomically with the fitted
/// pieces printed on `out`, or, without a file, the scenario on `out` and the pieces on `err`.
/// Returns the exit code: 0 ok, 2 bad input (a bad trace with its file and line, too few calls,
/// an option out of range, an --out that cannot be written), 1 runtime error.
int run_fit(const FitCliOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
