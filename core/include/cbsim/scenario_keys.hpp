// cbsim/scenario_keys.hpp: every key of a scenario file, defined once.
//
// One row per key: its TOML table and name, its settable path (timeline, Run::apply, GUI
// sliders), type, unit, range, label and help text. The default is the one of the struct in
// scenario.hpp (a default-constructed object). Everything else is derived from this table:
// the TOML reader (known keys, types), the writer (key order), validate() and its messages,
// setting_specs() / find_setting() / get_setting() / apply_setting(), the Services panel's
// sliders and the key tables of docs/SCENARIOS.md (`cbsim-cli keys --markdown`).
//
// Adding a per-service knob: a field in Service (scenario.hpp), a row here (scenario_keys.cpp)
// and its behaviour in the model (sim/models.cpp); the reader, writer, checks, timeline paths,
// the Services panel (with `panel = true`) and the docs follow.
//
// The breaker table of a dependency has its own table of keys per preset (breaker_params(),
// breaker_config.hpp); the rows here name it as one key, `breaker`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cbsim/breaker_config.hpp"
#include "cbsim/scenario.hpp"

namespace cbsim {

/// The TOML table a key belongs to, and the object that holds its value.
enum class KeyTable : std::uint8_t {
    top,         ///< the top level of the file; object: Scenario
    traffic,     ///< [traffic]; object: Traffic
    service,     ///< [[service]]; object: Service
    latency,     ///< a service's `latency_ms = { ... }`; object: Service
    dependency,  ///< [[service.dependency]]; object: Dependency
    retry,       ///< a dependency's `retry` table; object: Dependency
};

/// "" (top level), "traffic", "service", "service.latency_ms", "service.dependency",
/// "service.dependency.retry".
const char* toml_table_name(KeyTable table);

/// What a key holds. integer..choice are the settable kinds (ParamKind); the others are read
/// and written by the scenario reader and writer themselves.
enum class KeyType : std::uint8_t {
    integer,
    real,
    boolean,
    choice,
    string,  ///< a name
    seed,    ///< an unsigned 64-bit integer (a decimal string past TOML's integers)
    table,   ///< a subtable (`latency_ms`, `retry`, `breaker`, `traffic`)
    tables,  ///< an array of tables (`service`, `dependency`, `phases`, `timeline`)
};
const char* to_string(KeyType type);

/// One key of a scenario file.
struct ScenarioKey {
    KeyTable table;
    const char* name;  ///< key in its TOML table: "p50" (in latency_ms), "max_attempts" (retry)
    /// Settable path below its object ("latency_p50_ms", "retry.max_attempts"), live during a
    /// run and in the timeline; nullptr = not settable (names, structure, run length).
    const char* path;
    KeyType type;
    double min = 0.0;  ///< numeric range [min, max] (also for dependent bounds, see below)
    double max = 0.0;
    std::span<const char* const> choices = {};  ///< KeyType::choice, by index
    const char* unit = "";                      ///< "ms", "s", "1/s", "share", "calls", ...
    const char* label = "";                     ///< short GUI label ("failure rate")
    const char* help = "";                      ///< what it does: tooltip and docs
    /// Docs: allowed values in words when the range does not say it (names, sizes); else "".
    const char* allowed = "";
    /// Docs: the default of a key without a numeric value ("(required)", "(none)"); else "".
    const char* default_text = "";
    /// Settable path of a key of the same object this one may not exceed / fall below
    /// (validate() checks it, setting specs narrow both ranges to it); nullptr = none.
    const char* at_most = nullptr;
    const char* at_least = nullptr;
    bool required = false;  ///< must be present in its table
    bool panel = false;     ///< the Services panel shows it (a service key, settable)
    /// A latency key: used (and shown in the panel) only with this distribution; -1 = always.
    int only_for_dist = -1;
    /// Value access for integer..choice keys (choices by index, booleans 0/1): `object` is the
    /// object of `table` (Scenario, Traffic, Service or Dependency). nullptr for other types.
    double (*get)(const void* object) = nullptr;
    void (*set)(void* object, double value) = nullptr;
    /// Value access for string keys; nullptr for other types.
    const std::string& (*get_text)(const void* object) = nullptr;
    void (*set_text)(void* object, std::string value) = nullptr;

    bool settable() const { return path != nullptr; }
    bool numeric() const { return type <= KeyType::choice; }
    ParamKind kind() const { return static_cast<ParamKind>(type); }
};

/// Every key, in file order: the top level, [traffic], [[service]] (its latency_ms keys right
/// after `latency_ms`), [[service.dependency]] (its retry keys right after `retry`). The writer
/// writes a table's plain keys in this order, then its subtables.
std::span<const ScenarioKey> scenario_keys();

/// The key of `table` named `name` in TOML terms; nullptr if none.
const ScenarioKey* find_key(KeyTable table, std::string_view name);

/// The settable key of an object with that path ("latency_p50_ms" with `service` finds the
/// latency key too; "retry.jitter" with `dependency` the retry key); nullptr if none.
const ScenarioKey* find_key_by_path(KeyTable object_table, std::string_view path);

/// The table holding the object's value of `table` (latency -> service, retry -> dependency).
KeyTable object_table(KeyTable table);

/// Empty if `value` is allowed for the numeric key `key` (its own range; bounds by other keys
/// are validate()'s), else "V is out of range; expected a number in [min, max]" (the one shape
/// of range errors, shared with the breaker parameters).
std::string check_key_value(const ScenarioKey& key, double value);
/// The same for an integer as read from a file; the message shows `value` itself, not its
/// nearest double (9223372036854775807, not ...808).
std::string check_key_integer(const ScenarioKey& key, std::int64_t value);

}  // namespace cbsim
