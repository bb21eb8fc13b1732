// lint_command.hpp: `cbsim-cli lint FILE [--strict]`: breaker settings of a scenario that cannot
// work as meant at its traffic (cbsim/lint.hpp), each with its numbers and a suggested fix.
#pragma once

#include <iosfwd>
#include <string>

namespace cbsim::cli {

struct LintOptions {
    std::string file;
    bool strict = false;
};

/// Exit code when --strict is given and a warning was found.
inline constexpr int kLintStrictExit = 3;

/// Returns the exit code: 0 when the file is valid (warnings, if any, on `out`), 3 with
/// `strict` and at least one warning, 2 invalid or unreadable (the error on `err`), 1 runtime
/// error.
int run_lint(const LintOptions& options, std::ostream& out, std::ostream& err);

}  // namespace cbsim::cli
