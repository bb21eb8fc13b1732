// internal.hpp: helpers shared by the scenario loaders (internal to cbsim_core).
#pragma once

#include <string>
#include <string_view>

namespace cbsim::detail {

/// Throws ConfigError(file, line, key, message). Defined out of line (throw_error.cpp) so that
/// GCC 12 does not constant-fold ConfigError's message concatenation at each call site into
/// false -Wrestrict warnings.
[[noreturn]] void throw_config_error(const std::string& file, int line, const std::string& key,
                                     std::string message);

/// A TOML basic string: quotes, backslashes and control characters escaped (the scenario
/// writer's; the sweep spec's normal form uses it too).
std::string toml_basic_string(std::string_view s);

/// Most dots one line may hold outside strings and comments. Each dot of a dotted key or a
/// table header nests a table one level deeper, and toml++ builds and frees such tables
/// recursively: a line of a million dots exhausts the stack. No scenario needs more than a
/// handful per key; 4096 still allows a phases array of over a thousand entries on one line.
inline constexpr std::size_t kMaxDotsPerLine = 4096;

/// Throws ConfigError naming the line if a line of `text` holds more than kMaxDotsPerLine dots
/// outside strings and comments. Run before handing untrusted text to toml++.
void check_nesting(std::string_view text, const std::string& file);

}  // namespace cbsim::detail
