// presets/registry.hpp: the preset registry, the one list of presets (internal to cbsim_core).
//
// kPresetRegistry holds each preset's entry (presets/preset.hpp) in the order of
// PresetSettings' alternatives; the static_asserts below make an entry that is missing,
// misplaced or incomplete a compile error. Dispatch goes through the variant (visit_preset),
// lookups by Preset through registry_info(). presets/preset.hpp lists the steps to add a preset.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "presets/cockatiel.hpp"
#include "presets/gobreaker.hpp"
#include "presets/hystrix.hpp"
#include "presets/opossum.hpp"
#include "presets/polly.hpp"
#include "presets/preset.hpp"
#include "presets/resilience4j.hpp"

namespace cbsim::detail {

// The registry: one line per preset, in the order of PresetSettings.
inline constexpr std::tuple kPresetRegistry{
    &kGobreakerPreset, &kResilience4jPreset, &kPollyPreset,
    &kHystrixPreset,   &kOpossumPreset,      &kCockatielPreset,
};

using PresetRegistry = std::remove_const_t<decltype(kPresetRegistry)>;

/// The entry of the preset whose settings type is `S`.
template <class S>
constexpr const PresetEntry<S>& preset_entry() {
    return *std::get<const PresetEntry<S>*>(kPresetRegistry);
}

/// Calls `f(entry, settings)` with the entry of the alternative `settings` holds.
template <class Settings, class F>
decltype(auto) visit_preset(Settings&& settings, F&& f) {
    return std::visit(
        [&](auto& s) -> decltype(auto) {
            using S = std::remove_cvref_t<decltype(s)>;
            return f(preset_entry<S>(), s);
        },
        std::forward<Settings>(settings));
}

// [SECTION] Checks: the registry, the enum and the variant agree ------------------------------

namespace registry_checks {

template <std::size_t I>
using EntryAt = std::remove_cvref_t<std::remove_pointer_t<std::tuple_element_t<I, PresetRegistry>>>;

// The texts of an entry are checked here. Its functions are required by PresetEntry's
// constructor; that none is null is checked by tests/core/preset_registry_test.cpp, because
// GCC does not treat a function's address compared with nullptr as a constant expression in
// sanitizer builds.
template <std::size_t I>
constexpr bool entry_complete() {
    const auto& e = *std::get<I>(kPresetRegistry);
    return e.name != nullptr && e.name[0] != '\0' && e.library.name != nullptr &&
           e.library.version != nullptr && e.library.source != nullptr && e.preset_file != nullptr;
}

template <std::size_t... I>
constexpr bool settings_in_variant_order(std::index_sequence<I...>) {
    return (std::is_same_v<typename EntryAt<I>::Settings,
                           std::variant_alternative_t<I, PresetSettings>> &&
            ...);
}

template <std::size_t... I>
constexpr bool enum_in_registry_order(std::index_sequence<I...>) {
    return ((std::get<I>(kPresetRegistry)->preset == static_cast<Preset>(I)) && ...);
}

template <std::size_t... I>
constexpr bool entries_complete(std::index_sequence<I...>) {
    return (entry_complete<I>() && ...);
}

constexpr bool same_text(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

template <std::size_t... I>
constexpr bool names_unique(std::index_sequence<I...>) {
    const std::array<const char*, sizeof...(I)> names{std::get<I>(kPresetRegistry)->name...};
    for (std::size_t i = 0; i < names.size(); ++i) {
        for (std::size_t j = i + 1; j < names.size(); ++j) {
            if (same_text(names[i], names[j])) return false;
        }
    }
    return true;
}

using Indices = std::make_index_sequence<kPresetCount>;

static_assert(std::tuple_size_v<PresetRegistry> == kPresetCount,
              "every alternative of PresetSettings needs exactly one entry in kPresetRegistry");
static_assert(settings_in_variant_order(Indices{}),
              "kPresetRegistry's entries must be in the order of PresetSettings' alternatives");
static_assert(enum_in_registry_order(Indices{}),
              "entry i of kPresetRegistry must be Preset(i): keep enum class Preset in the order "
              "of PresetSettings");
static_assert(entries_complete(Indices{}),
              "a registry entry lacks its name, library or preset file");
static_assert(names_unique(Indices{}), "two presets share a name");

}  // namespace registry_checks

/// `f(entry)` for every entry, in Preset order (f returns the same type for every preset).
template <class F>
constexpr auto registry_array(F f) {
    return std::apply([&](const auto*... entry) { return std::array{f(*entry)...}; },
                      kPresetRegistry);
}

/// The PresetInfo part of every entry, in Preset order.
inline constexpr std::array<PresetInfo, kPresetCount> kPresetInfos =
    registry_array([](const PresetInfo& info) { return info; });

/// The preset names joined by `separator`, in Preset order ("gobreaker, resilience4j, ...").
std::string preset_name_list(std::string_view separator = ", ");

}  // namespace cbsim::detail
