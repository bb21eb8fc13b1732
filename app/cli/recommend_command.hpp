// recommend_command.hpp: `cbsim-cli recommend SWEEP_DIR [--max-false-trips-per-hour X]
// [--max-detection-delay-s Y] [--out FILE]` (docs/SWEEPS.md).
//
// Reads a finished sweep folder, prints the Pareto front over (detection delay, false trips
// per hour, good calls rejected) and the best point per breaker preset under the constraints,
// and writes the best point's `[breaker]` table to FILE (default SWEEP_DIR/recommended.toml),
// atomically: a breaker file `cbsim-cli validate` and the app's Breaker panel read.
// Exit codes: 0 ok, 2 bad input (not a finished sweep folder, a bad option), 1 when no point
// meets the constraints or the file cannot be written.
#pragma once

#include <optional>
#include <ostream>
#include <string>

namespace cbsim::cli {

struct RecommendOptions {
    std::string dir;
    std::optional<double> max_false_trips_per_hour;
    std::optional<double> max_detection_delay_s;
    std::string out;  ///< breaker file; empty = DIR/recommended.toml
};

int run_recommend(const RecommendOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
