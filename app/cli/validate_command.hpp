// validate_command.hpp: `cbsim-cli validate FILE`: checks a scenario file or a breaker file (a
// file whose only table is `[breaker]`) and reports the first problem with its file, line, key
// and allowed range.
#pragma once

#include <iosfwd>
#include <string>

namespace cbsim::cli {

struct ValidateOptions {
    std::string file;
};

/// Returns the exit code: 0 valid (a one-line summary "FILE: ok, ..." on `out`), 2 invalid or
/// unreadable (the error on `err`), 1 runtime error.
int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
