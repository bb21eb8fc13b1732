// keys_command.hpp: `cbsim-cli keys [--markdown]`: prints every scenario key from the key table
// (scenario_keys.hpp): its TOML name, type, default, allowed values, unit, settable path and
// meaning. The markdown form is what docs/SCENARIOS.md embeds between its `keys:` marker
// comments (a CLI test fails when the committed page differs).
#pragma once

#include <iosfwd>

namespace cbsim::cli {

struct KeysOptions {
    bool markdown = false;
};

/// Writes the table to `out`; returns the exit code (0, or 1 when writing failed: the reason
/// on `err`).
int run_keys(const KeysOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
