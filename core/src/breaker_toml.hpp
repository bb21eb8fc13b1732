// breaker_toml.hpp: the `[breaker]` table as toml++ nodes (internal to cbsim_core).
//
// The breaker file loader (breaker_config.cpp) and the scenario loader (a
// `[service.dependency.breaker]` table) share this code, so a breaker table means the same
// thing alone in a file and inside a scenario.
//
// Table layout (keys of the preset's ParamSpecs; a key "a.b" is key `b` of subtable `a`):
//   preset = "gobreaker"        # a name of the preset registry; omitted = gobreaker
//   <preset keys>               # omitted key = the library's default
//   [trip]                      # gobreaker only: exactly one form (see breaker_config.hpp)
//   [extras]                    # probe_timeout_ms, open_jitter, ... (off by default)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "cbsim/breaker_config.hpp"

namespace cbsim::detail {

/// Reads a breaker table. `file` names the file in errors; `key_prefix` is prepended to the
/// keys named in errors ("breaker" gives "breaker.timeout_ms", "A->B.breaker" gives
/// "A->B.breaker.timeout_ms"; empty gives the bare key). Throws ConfigError (file, line of the
/// offending value, key, allowed range or choices) on unknown keys, wrong types, out-of-range
/// values, NaN or infinity, and two gobreaker trip forms at once.
BreakerConfig breaker_from_toml(const toml::table& breaker_table, const std::string& file,
                                std::string_view key_prefix);

/// Fills `out` (usually an empty table) with the breaker table of `config`: `preset`, every key
/// of the preset (defaults included), the gobreaker `trip` subtable with the active form only,
/// and an `extras` subtable when an extra differs from its default.
/// breaker_from_toml(t) == config after breaker_to_toml(config, t).
void breaker_to_toml(const BreakerConfig& config, toml::table& out);

/// The same table as TOML text under the header `[table_name]` (subtables as
/// `[table_name.trip]`), keys in display order, reals in shortest round-trip form.
/// `table_name` may be dotted, e.g. "service.dependency.breaker".
std::string breaker_to_toml_text(const BreakerConfig& config, std::string_view table_name);

// Shared by breaker_config.cpp and the TOML code: value checks against a ParamSpec.

/// A parameter value as people read it: integers without a fraction, reals in shortest
/// round-trip form, booleans as true/false, choices by name.
std::string format_param_value(const ParamSpec& spec, double value);

/// The allowed values of `spec`, e.g. "an integer in [0, 1000000000]", "one of: a, b".
std::string describe_allowed(const ParamSpec& spec);

/// Empty if `value` is allowed for `spec` (finite, integral for integers, in range, a valid
/// choice index), else a message naming the value and the allowed range or choices.
std::string check_param_value(const ParamSpec& spec, double value);
/// check_param_value for an integer as read from a file: the message shows `value` itself, not
/// its nearest double (9223372036854775807, not ...808).
std::string check_integer_value(const ParamSpec& spec, std::int64_t value);

}  // namespace cbsim::detail
