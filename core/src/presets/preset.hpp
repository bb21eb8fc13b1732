// presets/preset.hpp: what each preset provides, as one registry entry (internal to cbsim_core).
//
// Every preset lives in core/src/presets/<name>.{hpp,cpp} and provides, in namespace
// cbsim::detail:
//
//   std::span<const ParamSpec> <name>_params();       // its own keys, in display order
//   std::optional<double> get_<name>_param(const <Name>Settings&, std::string_view key);
//   bool set_<name>_param(<Name>Settings&, std::string_view key, double value);
//       // an unknown key -> false
//   double <name>_failure_threshold(const <Name>Settings&);  // see PresetEntry
//   std::unique_ptr<Breaker> make_<name>_breaker(const <Name>Settings&, const BreakerExtras&);
//   inline constexpr PresetEntry<<Name>Settings> k<Name>Preset{...};  // all of it, in one place
//
// and optionally `std::string check_<name>_settings(const <Name>Settings&)` for rules across
// keys. Everything else (names, defaults, parameter lookup, TOML, make_breaker, the scenario's
// preset choices, the KPIs' failure threshold, the app's About text, the fuzz checks, the tests
// in tests/core/preset_registry_test.cpp) is derived from the registry.
//
// Adding a preset `sentinel`:
//   1. core/src/presets/sentinel.{hpp,cpp} with the functions above and kSentinelPreset;
//      assets/presets/sentinel.toml (the library's defaults, named in the entry); its sections
//      in docs/BREAKERS.md and docs/SCENARIOS.md.
//   2. core/include/cbsim/breaker_config.hpp: `struct SentinelSettings {...};` (member
//      initialisers = the library's defaults, `operator==` defaulted), the enumerator
//      `sentinel` appended to `enum class Preset`, and `SentinelSettings` appended to
//      `PresetSettings` (same position).
//   3. core/src/presets/registry.hpp: `#include "presets/sentinel.hpp"` and `&kSentinelPreset`
//      appended to kPresetRegistry.
// A forgotten step 2 or 3 does not compile: the registry static_asserts that its entries, the
// enum and the variant agree; PresetEntry's constructor takes every function, and
// tests/core/preset_registry_test.cpp checks that none but `check` is null.
//
// breaker_config.cpp dispatches on the preset, checks ranges against the ParamSpec (so
// set_*_param receives only in-range values), appends the extras' parameters, and parses and
// writes TOML through these tables. Shared helpers for the extras (jittered open duration,
// weighted timeouts) live in presets/extras.hpp.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"

namespace cbsim::detail {

/// One preset: what it is (PresetInfo) and its code. Every function is required (the
/// constructor has no defaults and the registry static_asserts they are set), except `check`.
/// The preset's default settings are `S{}` (the member initialisers are the library's
/// defaults).
template <class S>
struct PresetEntry : PresetInfo {
    using Settings = S;

    /// Its own parameters, in display order (the extras are appended by breaker_params()).
    std::span<const ParamSpec> (*params)();
    /// A parameter by key; nullopt for an unknown key.
    std::optional<double> (*get)(const S&, std::string_view key);
    /// Sets an in-range value; false for an unknown key.
    bool (*set)(S&, std::string_view key, double value);
    /// Rules across keys: empty if the settings work together, else the message; nullptr if the
    /// preset has no such rule.
    std::string (*check)(const S&);
    /// The failure-rate threshold in [0, 1] the KPIs compare a rate against (false trips); 0
    /// when the active trip rule counts failures instead of a rate.
    double (*failure_threshold)(const S&);
    /// Builds the state machine (the extras passed are those the preset applies itself).
    std::unique_ptr<Breaker> (*make)(const S&, const BreakerExtras&);

    constexpr PresetEntry(PresetInfo info, std::span<const ParamSpec> (*params_fn)(),
                          std::optional<double> (*get_fn)(const S&, std::string_view),
                          bool (*set_fn)(S&, std::string_view, double),
                          std::string (*check_fn)(const S&),
                          double (*failure_threshold_fn)(const S&),
                          std::unique_ptr<Breaker> (*make_fn)(const S&, const BreakerExtras&))
        : PresetInfo(info),
          params(params_fn),
          get(get_fn),
          set(set_fn),
          check(check_fn),
          failure_threshold(failure_threshold_fn),
          make(make_fn) {}
};

}  // namespace cbsim::detail
