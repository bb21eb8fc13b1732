// cbsim/breaker_config.hpp: breaker settings of each preset, their parameters by name, TOML
// loading and saving, and make_breaker().
//
// [SECTION] Presets and their settings (library defaults)
// [SECTION] Extras every preset offers (off by default)
// [SECTION] BreakerConfig
// [SECTION] The preset registry (names, libraries, preset files)
// [SECTION] Parameters by name (TOML keys, timeline paths, GUI sliders)
// [SECTION] Files and factory
//
// Keys are the library's own names in snake_case; durations carry a `_ms` suffix and are
// integer milliseconds. An omitted key takes that library's default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "cbsim/breaker.hpp"

namespace cbsim {

// [SECTION] Presets and their settings (library defaults) ----------------------------------

/// The presets, in the order of the PresetSettings alternatives below. Each one has exactly one
/// entry in the preset registry (core/src/presets/registry.hpp), which static_asserts that this
/// enum, PresetSettings and the registry agree.
enum class Preset : std::uint8_t { gobreaker, resilience4j, polly, hystrix, opossum, cockatiel };

/// The preset's name ("gobreaker"); "unknown" for a value outside the enum.
const char* to_string(Preset preset);
/// The preset named `name` (exact, lower case), or nullopt.
std::optional<Preset> preset_from_string(std::string_view name);

/// sony/gobreaker v2 Settings. Normalisation (0 means 1, <= 0 means 60 s, ...) happens in the
/// breaker, as in gobreaker's constructor, so a saved config keeps what the user wrote.
struct GobreakerSettings {
    std::int64_t max_requests = 0;      ///< half-open probes; 0 means 1
    std::int64_t interval_ms = 0;       ///< closed-state count reset period; 0 = never
    std::int64_t timeout_ms = 0;        ///< open -> half-open after this; 0 means 60000
    std::int64_t bucket_period_ms = 0;  ///< v2 rolling window bucket; 0 = off

    /// ReadyToTrip: exactly one form; `default_trip` = ConsecutiveFailures > 5.
    enum class Trip : std::uint8_t {
        default_trip,
        consecutive_failures,
        failure_ratio,
        total_failures
    };
    Trip trip = Trip::default_trip;
    std::int64_t consecutive_failures = 5;  ///< trip when ConsecutiveFailures >= this
    double failure_ratio = 0.6;             ///< trip when failures/requests >= this ...
    std::int64_t min_requests = 3;          ///< ... and Requests >= this
    std::int64_t total_failures = 5;        ///< trip when TotalFailures >= this
    bool operator==(const GobreakerSettings&) const = default;
};

/// Resilience4j CircuitBreakerConfig.
struct Resilience4jSettings {
    enum class WindowType : std::uint8_t { count_based, time_based };
    enum class Mode : std::uint8_t { normal, forced_open, disabled, metrics_only };
    WindowType sliding_window_type = WindowType::count_based;
    std::int64_t sliding_window_size = 100;  ///< calls (count) or seconds (time)
    std::int64_t minimum_number_of_calls = 100;
    double failure_rate_threshold = 50.0;     ///< percent
    double slow_call_rate_threshold = 100.0;  ///< percent
    std::int64_t slow_call_duration_threshold_ms = 60000;
    std::int64_t wait_duration_in_open_state_ms = 60000;
    double exponential_backoff_multiplier = 0.0;  ///< 0 = constant; else previous wait * m
    std::int64_t exponential_max_wait_duration_in_open_state_ms = 0;  ///< 0 = no cap
    std::int64_t permitted_number_of_calls_in_half_open_state = 10;
    std::int64_t max_wait_duration_in_half_open_state_ms = 0;          ///< 0 = wait for the probes
    bool automatic_transition_from_open_to_half_open_enabled = false;  ///< half-open with no call
    Mode mode = Mode::normal;
    bool operator==(const Resilience4jSettings&) const = default;
};

/// Polly v8 CircuitBreakerStrategyOptions.
struct PollySettings {
    double failure_ratio = 0.1;
    std::int64_t minimum_throughput = 100;  ///< at least 2
    std::int64_t sampling_duration_ms = 30000;
    std::int64_t break_duration_ms = 5000;
    double break_duration_backoff = 0.0;     ///< 0 = constant; else break * f^(half-open attempts)
    std::int64_t max_break_duration_ms = 0;  ///< cap of the backoff; 0 = none
    bool isolate = false;                    ///< manual isolation (held open)
    bool operator==(const PollySettings&) const = default;
};

/// Hystrix HystrixCommandProperties (circuitBreaker.* and metrics.rollingStats.*).
struct HystrixSettings {
    std::int64_t request_volume_threshold = 20;
    std::int64_t error_threshold_percentage = 50;
    std::int64_t sleep_window_ms = 5000;
    std::int64_t rolling_window_ms = 10000;  ///< metrics.rollingStats.timeInMilliseconds
    std::int64_t rolling_window_buckets = 10;
    std::int64_t health_snapshot_interval_ms = 500;
    bool force_open = false;
    bool force_closed = false;
    bool operator==(const HystrixSettings&) const = default;
};

/// nodeshift/opossum 10.0.0 CircuitBreaker options.
struct OpossumSettings {
    std::int64_t timeout_ms = 10000;  ///< per-call timeout; 0 = off (the library's `false`)
    double error_threshold_percentage = 50.0;       ///< trip when failures / fires * 100 > this
    std::int64_t reset_timeout_ms = 30000;          ///< open -> half_open after this, with no call
    std::int64_t rolling_count_timeout_ms = 10000;  ///< window length, and warm-up length
    std::int64_t rolling_count_buckets = 10;
    std::int64_t volume_threshold = 0;  ///< fires in the window needed before a trip
    bool allow_warm_up = false;         ///< no trip during the first rolling_count_timeout_ms
    /// Concurrent admitted calls; a call beyond it fails (Rejection::capacity, counted as a
    /// failure). The library's own encoding: the default 9007199254740991
    /// (Number.MAX_SAFE_INTEGER) is unlimited in practice, 0 admits none.
    std::int64_t capacity = 9007199254740991;
    bool operator==(const OpossumSettings&) const = default;
};

/// cockatiel 4.0.0 circuitBreaker(policy, {breaker, halfOpenAfter, halfOpenSampling}). The
/// library has no default breaker or halfOpenAfter; these are its README's (ConsecutiveBreaker(5),
/// 10 s; CountBreaker({threshold: 0.2, size: 100}), SamplingBreaker({threshold: 0.2,
/// duration: 30 s})) and ExponentialBackoff's own defaults (128 ms, 30 s).
struct CockatielSettings {
    enum class Kind : std::uint8_t { consecutive, count, sampling };
    enum class Backoff : std::uint8_t { constant, exponential };
    Kind breaker = Kind::consecutive;        ///< which IBreaker; only its keys below are used
    std::int64_t consecutive_threshold = 5;  ///< ConsecutiveBreaker(threshold)
    double count_threshold = 0.2;            ///< CountBreaker threshold, in (0, 1)
    std::int64_t count_size = 100;           ///< CountBreaker size (ring of results)
    std::int64_t count_minimum_number_of_calls = 0;  ///< in [1, size]; 0 = size (the default)
    double sampling_threshold = 0.2;                 ///< SamplingBreaker threshold, in (0, 1)
    std::int64_t sampling_duration_ms = 30000;       ///< SamplingBreaker duration
    double sampling_minimum_rps = 0.0;  ///< 0 = the library's 5 / (threshold * 1000) per ms
    Backoff half_open_after = Backoff::constant;      ///< halfOpenAfter: a number or a backoff
    std::int64_t half_open_after_ms = 10000;          ///< the number (ConstantBackoff)
    std::int64_t exponential_initial_delay_ms = 128;  ///< ExponentialBackoff, noJitterGenerator
    std::int64_t exponential_max_delay_ms = 30000;
    std::int64_t half_open_sampling_calls = 1;  ///< halfOpenSampling.calls, >= 1
    double half_open_sampling_threshold = 0.0;  ///< halfOpenSampling.threshold, in [0, 1)
    bool operator==(const CockatielSettings&) const = default;
};

// [SECTION] Extras every preset offers (off by default) ------------------------------------

/// What none of the libraries has and users ask for. All off by default, so a preset with
/// default extras behaves exactly as its library.
struct BreakerExtras {
    std::int64_t probe_timeout_ms = 0;  ///< a half-open probe silent this long counts as failed
    double open_jitter = 0.0;           ///< open duration * (1 + u), u uniform in [-j, +j]
    std::uint64_t jitter_seed = 1;      ///< seed of the jitter draws (deterministic)
    std::int64_t ramp_up_ms = 0;        ///< after closing, admit a share growing to 1 over this
    double ramp_up_start = 0.1;         ///< share admitted right after closing
    double timeout_weight = 1.0;        ///< a timeout counts as this many failures
    bool operator==(const BreakerExtras&) const = default;
};

// [SECTION] BreakerConfig ------------------------------------------------------------------

/// One settings type per preset, alternative i belonging to Preset(i).
using PresetSettings = std::variant<GobreakerSettings, Resilience4jSettings, PollySettings,
                                    HystrixSettings, OpossumSettings, CockatielSettings>;

/// How many presets there are.
inline constexpr std::size_t kPresetCount = std::variant_size_v<PresetSettings>;

struct BreakerConfig {
    PresetSettings settings;
    BreakerExtras extras;

    Preset preset() const { return static_cast<Preset>(settings.index()); }
    /// Default settings of `preset` (the library's defaults).
    static BreakerConfig defaults(Preset preset);
    bool operator==(const BreakerConfig&) const = default;
};

// [SECTION] The preset registry (names, libraries, preset files) ----------------------------

/// The library a preset reproduces.
struct PresetLibrary {
    const char* name;     ///< display name, e.g. "Resilience4j"
    const char* version;  ///< the version whose semantics the preset follows, e.g. "v2.4"
    const char* source;   ///< its source as link text, e.g. "github.com/sony/gobreaker"
};

/// What the preset registry holds about a preset, besides its code.
struct PresetInfo {
    Preset preset;
    const char* name;         ///< file and CLI name, e.g. "gobreaker" (to_string(preset))
    PresetLibrary library;    ///< the library it reproduces
    const char* preset_file;  ///< its library-defaults file in assets/presets/, e.g. "polly.toml"
    bool measures_latency;    ///< record() needs the real duration (a slow-call rule, or a
                              ///< call timeout the preset applies to results)
};

/// Every preset, in Preset order (all_presets()[i].preset == Preset(i)).
std::span<const PresetInfo> all_presets();
/// The registry entry of `preset` (a value inside the enum).
const PresetInfo& preset_info(Preset preset);

/// Empty if the preset's settings work together (rules across keys, beyond the range of each
/// key), else what is wrong. set_param() and the readers refuse such settings.
std::string check_settings(const BreakerConfig& config);

// [SECTION] Parameters by name (TOML keys, timeline paths, GUI sliders) --------------------

enum class ParamKind : std::uint8_t { integer, real, boolean, choice };

/// One tunable parameter of a preset. Values travel as double: integers exactly, booleans as
/// 0/1, choices as the index into `choices`.
struct ParamSpec {
    const char* key;  ///< TOML key / timeline path below "breaker.", e.g. "timeout_ms",
                      ///< "trip.consecutive_failures"
    ParamKind kind;
    double min;
    double max;
    std::span<const char* const> choices;  ///< for ParamKind::choice
    const char* help;  ///< tooltip: what it does, and which library knob it mirrors
};

/// Every parameter of `preset`, then the extras, in display order.
std::span<const ParamSpec> breaker_params(Preset preset);

/// Looks a key up among `preset`'s parameters; nullptr if unknown.
const ParamSpec* find_param(Preset preset, std::string_view key);

/// Current value of a parameter; nullopt if the key is unknown for this preset.
std::optional<double> get_param(const BreakerConfig& config, std::string_view key);

/// Sets a parameter. Returns an empty string on success, else a message that names the
/// allowed range or choices (the value is then left unchanged).
std::string set_param(BreakerConfig& config, std::string_view key, double value);

// [SECTION] Files and factory ----------------------------------------------------------------

/// Loads a file holding a `[breaker]` table. Throws ConfigError (file, line, key, range).
BreakerConfig load_breaker_file(const std::string& path);

/// Parses TOML text holding a `[breaker]` table; `file` names it in errors.
BreakerConfig parse_breaker_toml(std::string_view text, const std::string& file);

/// The `[breaker]` table (with a `[breaker.trip]` subtable for gobreaker) as TOML text; keys
/// equal to the library default are still written, so the file documents itself.
/// parse_breaker_toml(to_toml(c)) == c.
std::string to_toml(const BreakerConfig& config, std::string_view table = "breaker");

/// Builds the preset's state machine.
std::unique_ptr<Breaker> make_breaker(const BreakerConfig& config);

}  // namespace cbsim
