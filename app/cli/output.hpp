// output.hpp: standard output of the subcommands, with write errors reported.
#pragma once

#include <iosfwd>
#include <string_view>

namespace cbsim::cli {

/// Flushes `out`; when anything written to it failed (a full disk, a closed pipe, /dev/full)
/// prints "cbsim-cli COMMAND: cannot write to standard output: REASON" on `err` and returns 1,
/// else returns `code`.
int finish_output(std::ostream& out, std::ostream& err, std::string_view command, int code);

}  // namespace cbsim::cli
