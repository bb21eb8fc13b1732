// throw_error.cpp: the one place the scenario loaders build a ConfigError (see the header).
#include "scenario_io/internal.hpp"

#include "cbsim/error.hpp"

namespace cbsim::detail {

void throw_config_error(const std::string& file, int line, const std::string& key,
                        std::string message) {
    throw ConfigError(file, line, key, std::move(message));
}

}  // namespace cbsim::detail
