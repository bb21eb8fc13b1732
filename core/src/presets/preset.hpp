// presets/preset.hpp: what each preset file provides (internal to cbsim_core).
//
// Every preset lives in core/src/presets/<name>.{hpp,cpp} and provides, in namespace
// cbsim::detail:
//
//   std::span<const ParamSpec> <name>_params();       // its own keys, in display order
//   std::optional<double> get_<name>_param(const <Name>Settings&, std::string_view key);
//   bool set_<name>_param(<Name>Settings&, std::string_view key, double value);  // unknown key -> false
//   std::unique_ptr<Breaker> make_<name>_breaker(const <Name>Settings&, const BreakerExtras&);
//
// breaker_config.cpp dispatches on the preset, checks ranges against the ParamSpec (so
// set_*_param receives only in-range values), appends the extras' parameters, and parses and
// writes TOML through these tables. Shared helpers for the extras (jittered open duration,
// weighted timeouts) live in presets/extras.hpp.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"
