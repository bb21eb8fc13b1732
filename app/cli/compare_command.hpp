// compare_command.hpp: `cbsim-cli compare SCENARIO --variant NAME[:PATH=VALUE,...] ...
// [--seeds N] [--seed S] [--duration S] [--set PATH=VALUE]... [--out DIR]` (docs/COMPARE.md).
//
// Runs the variants of one scenario side by side (cbsim::Compare) once per seed, seeds
// S..S+N-1 (S = the scenario's seed or --seed), and prints per KPI the paired difference of
// each variant against the first with its 95 % confidence interval over the seeds. SCENARIO
// may also be a compare.toml written by an earlier compare: it names the base scenario, the
// seeds and the variants, so `cbsim-cli compare DIR/compare.toml --out NEW` runs it again.
// With --out, DIR receives a run folder per variant (DIR/<variant>/, or DIR/<variant>/seed-<s>/
// with several seeds), compare.csv, compare.toml and the base scenario.toml, as a whole
// (CompareFolderWriter). Exit codes: 0 ok, 2 bad input (scenario, a variant spec: the message
// names the variant, the path and what is allowed; option values; a refused DIR), 1 runtime
// error (writing failed, out of memory).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cbsim::cli {

struct CompareOptions {
    std::string scenario;                ///< scenario TOML or compare.toml
    std::vector<std::string> variants;   ///< "NAME[:PATH=VALUE,...]"
    std::optional<std::uint64_t> seeds;  ///< number of seeds (default 1, or the compare file's)
    std::optional<std::uint64_t> seed;   ///< first seed (overrides the scenario's)
    std::optional<double> duration_s;    ///< overrides the scenario's duration_s
    std::vector<std::string> sets;       ///< "PATH=VALUE" of the base scenario
    std::string out;                     ///< compare folder; empty = print only
    bool progress = false;               ///< progress bar on stderr
};

int run_compare(const CompareOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
