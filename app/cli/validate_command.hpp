// validate_command.hpp: `cbsim-cli validate FILE`: checks a breaker file (a `[breaker]`
// table) and reports the first problem with its file, line, key and allowed range.
#pragma once

#include <iosfwd>
#include <string>

namespace cbsim::cli {

struct ValidateOptions {
    std::string file;
};

/// Returns the exit code: 0 valid ("FILE: ok, ..." on `out`), 2 invalid (the error on `err`),
/// 1 runtime error.
int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
