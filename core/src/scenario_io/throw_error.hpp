// throw_error.hpp: how the scenario loaders throw ConfigError (internal to cbsim_core).
#pragma once

#include <string>

namespace cbsim::detail {

/// Throws ConfigError(file, line, key, message). Defined out of line (throw_error.cpp) so that GCC
/// 12 does not constant-fold ConfigError's message concatenation at each call site into false
/// -Wrestrict warnings.
[[noreturn]] void throw_config_error(const std::string& file, int line, const std::string& key,
                                     std::string message);

}  // namespace cbsim::detail
