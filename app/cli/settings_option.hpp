// settings_option.hpp: `--set PATH=VALUE` of `run` and `compare`, and the progress bar both draw.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cbsim/scenario.hpp"
#include "cbsim/time.hpp"

namespace cbsim::cli {

/// Applies each "PATH=VALUE" to `scenario` as its initial value (as if the file said so: in any
/// order, see apply_settings_together()), the
/// value read by setting_value_from_text() and checked by apply_setting() against the key's
/// type and range. Empty on success, else "--set TEXT: MESSAGE" (the path, the allowed range or
/// choices, and for an unknown path how to list the keys).
std::string apply_set_options(Scenario& scenario, const std::vector<std::string>& sets);

/// "\r[#####     ]  50% 5.0/10.0 s" on `err` (a terminal).
void draw_progress(std::ostream& err, SimTime now, SimTime total);

}  // namespace cbsim::cli
