// sweep_command.hpp: `cbsim-cli sweep SPEC [--jobs N] [--shard I/N] [--out DIR]` and
// `cbsim-cli sweep merge SHARD_DIR... --out DIR` (docs/SWEEPS.md).
//
// sweep runs every (point, profile, seed) task of a *.sweep.toml on N threads (default: every
// core) into the sweep folder DIR (default: the spec's name without .toml plus ".out", in the
// current directory): sweep.csv (one row per task) and points.csv (means and 95 % confidence
// intervals over the seeds), byte-identical for any --jobs. Finished tasks go to DIR/journal as
// they finish, so a killed sweep run again with the same DIR resumes. --shard I/N runs the
// tasks whose index % N == I into a shard folder; merge joins the folders of shards 0..N-1
// into the sweep folder the unsharded sweep writes, with the same sweep.csv and points.csv.
// Exit codes: 0 ok, 2 bad input (the spec: file, line, key and the allowed range; options; a
// refused DIR; shards of different sweeps), 1 runtime error (a write failed, out of memory).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cbsim::cli {

struct SweepCliOptions {
    std::string spec;              ///< the *.sweep.toml
    std::optional<unsigned> jobs;  ///< worker threads (default: hardware threads)
    std::string shard;             ///< "I/N"; empty = the whole sweep
    std::string out;               ///< the sweep folder
    bool progress = false;         ///< progress bar on stderr
};

int run_sweep_command(const SweepCliOptions& options, std::ostream& out, std::ostream& err);

struct SweepMergeOptions {
    std::vector<std::string> shards;  ///< the shard folders
    std::string out;                  ///< the sweep folder to write
};

int run_sweep_merge(const SweepMergeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
