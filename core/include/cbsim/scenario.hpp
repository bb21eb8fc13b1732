// cbsim/scenario.hpp: what a run simulates, as plain structs (docs/SCENARIOS.md).
//
// [SECTION] Traffic
// [SECTION] Dependencies (the caller's side of an edge)
// [SECTION] Services and their latency
// [SECTION] Timeline
// [SECTION] Scenario and its structural check
// [SECTION] Settings by path (timeline, GUI sliders, validation)
//
// A Scenario is data only: scenario_io.hpp loads and saves it as TOML, Run (run.hpp) simulates
// it. Every default below is the value a TOML file gets when it omits the key. Durations are
// integer milliseconds (`_ms`) unless a field says otherwise; rates are in [0, 1].
//
// Settable parameters are addressed by path, the same strings in `[[timeline]] set = ...`, in
// Run::apply() and behind every GUI slider:
//   traffic.rate_rps          traffic.<key>
//   B.failure_rate            <service>.<key>
//   A->B.timeout_ms           <caller>-><target>.<key>
//   A->B.retry.max_attempts   <caller>-><target>.retry.<key>
//   A->B.breaker.timeout_ms   <caller>-><target>.breaker.<preset key, see breaker_config.hpp>
// The keys below a service, an edge and traffic are the rows of scenario_keys.hpp with a
// path; setting_specs() lists them with their ranges; apply_setting() validates and sets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cbsim/breaker_config.hpp"
#include "cbsim/time.hpp"

namespace cbsim {

// [SECTION] Traffic ------------------------------------------------------------------------

enum class Arrival : std::uint8_t {
    poisson,   ///< exponential gaps with mean 1/rate (memoryless, bursty)
    constant,  ///< evenly spaced arrivals, exactly `rate` per second
};
const char* to_string(Arrival arrival);
std::optional<Arrival> arrival_from_string(std::string_view name);

/// A change of the arrival rate at `at`: a step when `ramp` is 0, else a linear ramp from the
/// rate in force at `at` to `rate_rps` over `ramp`. TOML: `phases = [{ at_s = 60, rate_rps =
/// 200, ramp_s = 10 }]` inside [traffic].
struct TrafficPhase {
    SimTime at = 0;  ///< start of the phase (TOML `at_s`, seconds, microsecond precision)
    double rate_rps = 0.0;
    SimTime ramp = 0;  ///< ramp length (TOML `ramp_s`); 0 = step
    bool operator==(const TrafficPhase&) const = default;
};

/// The client population: requests enter the system at the entry service `target`.
struct Traffic {
    std::string target = "A";  ///< entry service; its edge is "client->A"
    double rate_rps = 20.0;    ///< requests per second at the start, [0, 1e6]
    Arrival arrival = Arrival::poisson;
    std::vector<TrafficPhase> phases;  ///< sorted by `at`; applied on top of rate_rps
    bool operator==(const Traffic&) const = default;
};

// [SECTION] Dependencies (the caller's side of an edge) ------------------------------------

enum class Jitter : std::uint8_t {
    none,          ///< sleep = min(cap, base * 2^(n-1))
    full,          ///< sleep = uniform(0, that)
    equal,         ///< sleep = that/2 + uniform(0, that/2)
    decorrelated,  ///< sleep = min(cap, uniform(base, 3 * previous sleep))
};
const char* to_string(Jitter jitter);
std::optional<Jitter> jitter_from_string(std::string_view name);

/// Retries of one logical call. A failed attempt (error, timeout, breaker or bulkhead
/// rejection) is retried after the backoff while attempts remain and the budget has a token.
struct RetryPolicy {
    std::int64_t max_attempts = 1;        ///< [1, 100]; 1 = no retry
    std::int64_t backoff_base_ms = 100;   ///< [0, 3600000]
    std::int64_t backoff_cap_ms = 10000;  ///< [0, 3600000]
    Jitter jitter = Jitter::none;
    double budget_rps = 0.0;     ///< retry budget: a token bucket per caller instance refilled at
                                 ///< this rate; each retry takes a token; 0 = no budget (unlimited)
    double budget_burst = 10.0;  ///< bucket size (and initial fill), [1, 1e6]
    bool operator==(const RetryPolicy&) const = default;
};

enum class BreakerScope : std::uint8_t {
    instance,  ///< each caller instance has its own breaker
    shared,    ///< one breaker state for all caller instances, kept in a store; outcomes reach
               ///< the store `store_sync_ms` after the call completes (admission reads it live)
};
const char* to_string(BreakerScope scope);
std::optional<BreakerScope> breaker_scope_from_string(std::string_view name);

/// A service's calls to `target` (TOML `[[service.dependency]]`), edge name "Caller->target".
struct Dependency {
    std::string target;
    std::int64_t timeout_ms = 1000;  ///< per attempt, [0, 3600000]; 0 = wait forever. The
                                     ///< server's work is not cancelled by a timeout.
    RetryPolicy retry;
    std::int64_t max_in_flight = 0;  ///< bulkhead per caller instance; 0 = none. A full
                                     ///< bulkhead rejects the attempt at once.
    bool fallback = false;  ///< a call that finally failed (or was rejected) answers success
                            ///< from a fallback, counted in `fallbacks`
    std::optional<BreakerConfig> breaker;  ///< none = no breaker on this edge
    BreakerScope breaker_scope = BreakerScope::instance;
    std::int64_t store_sync_ms = 0;  ///< shared scope: store write delay, [0, 600000]
    bool operator==(const Dependency&) const = default;
};

// [SECTION] Services and their latency ----------------------------------------------------

enum class LatencyDist : std::uint8_t {
    lognormal,    ///< fitted to p50_ms and p99_ms (TOML `{ p50 = 20, p99 = 80 }`)
    exponential,  ///< mean mean_ms (TOML `{ mean = 10, dist = "exponential" }`)
    constant,     ///< always constant_ms (TOML `{ constant = 5 }`)
};
const char* to_string(LatencyDist dist);
std::optional<LatencyDist> latency_dist_from_string(std::string_view name);

/// The service time of one call (the work, without queueing or downstream waits). Only the
/// fields of `dist` are used; the others keep their values so a GUI can switch back and forth.
struct Latency {
    LatencyDist dist = LatencyDist::lognormal;
    double p50_ms = 1.0;       ///< lognormal median, > 0
    double p99_ms = 5.0;       ///< lognormal 99th percentile, >= p50_ms
    double mean_ms = 1.0;      ///< exponential mean, > 0
    double constant_ms = 1.0;  ///< constant service time, >= 0
    bool operator==(const Latency&) const = default;
};

enum class FailurePattern : std::uint8_t {
    random,     ///< each call fails with probability failure_rate (its own Bernoulli draw)
    every_nth,  ///< deterministic: calls n, 2n, 3n ... fail (n = every_nth, counted per
                ///< service over the calls of its faulty instances, see faulty_instances);
                ///< every_nth = 0 spreads failures evenly
                ///< at failure_rate (call k fails when floor(k*rate) > floor((k-1)*rate))
};
const char* to_string(FailurePattern pattern);
std::optional<FailurePattern> failure_pattern_from_string(std::string_view name);

/// A service: `instances` copies behind a round-robin balancer, each with `capacity` workers
/// and a FIFO queue of at most `queue_limit` waiting calls. A call holds its worker for its own
/// service time and, when it succeeded, while it waits for its dependencies (called in parallel
/// after the work, fan-out); it answers success only when its own work and every dependency
/// (after retries and fallback) succeeded.
struct Service {
    std::string name;                 ///< unique; letters, digits, '_' and '-' (not "->")
    std::int64_t instances = 1;       ///< [1, 1000]
    std::int64_t capacity = 0;        ///< concurrent calls per instance; 0 = unbounded
    std::int64_t queue_limit = 1000;  ///< waiting calls per instance beyond capacity; past it
                                      ///< a call fails at once (no service time)
    Latency latency;
    double failure_rate = 0.0;  ///< [0, 1]
    FailurePattern failure_pattern = FailurePattern::random;
    std::int64_t every_nth = 0;        ///< [0, 1e9], see FailurePattern::every_nth
    double failure_latency_ms = -1.0;  ///< a failing call answers after this; < 0 = after a
                                       ///< normal service-time draw
    double hang_rate = 0.0;            ///< [0, 1] share of calls that never answer: they hold their
                                       ///< worker for a normal service time, then drop the answer
    /// Instances that fail and hang: 0 = every instance; k = only instances 0..k-1 fail at
    /// failure_rate and hang at hang_rate, the others stay healthy (every_nth counts the
    /// calls of the faulty instances only). [0, 1000], at most `instances`.
    std::int64_t faulty_instances = 0;
    std::vector<Dependency> dependencies;
    bool operator==(const Service&) const = default;
};

// [SECTION] Timeline -----------------------------------------------------------------------

/// A parameter value: a number (integers exactly, booleans 0/1) or a choice by name.
using SettingValue = std::variant<double, std::string>;

/// "0.9", "10", "full": numbers with up to 17 significant digits and no trailing zeros.
std::string to_string(const SettingValue& value);

/// The inverse of to_string() for text typed by a person (`--set PATH=VALUE`): a number when
/// the whole text is one ("0.9", "1e3", "-1"), else the text itself (a choice name, "true",
/// "false"). apply_setting() then checks it against the key's type and range.
SettingValue setting_value_from_text(std::string_view text);

/// One value a gesture applied: `value` (a number) set at `at`.
struct GestureStep {
    SimTime at = 0;
    double value = 0.0;
    bool operator==(const GestureStep&) const = default;
};

/// A scheduled or recorded change: set `path` to `value` at `at` (TOML `at_s` seconds with
/// microsecond precision, `set`, `value`). Entries apply in the order of (at, position in the
/// list), before any other event of the same instant.
///
/// A gesture (a slider drag from mouse-down to mouse-up) is one entry with `steps`: every value
/// it applied live, in order (TOML `steps = [[at_s, value], ...]`): steps[0] is at `at`, the
/// times never decrease, the last value is `value`. Each step applies at its instant like an
/// entry of its own; the gesture is one change (one event, one count), recorded at `until`
/// (TOML `until_s`, >= the last step: the mouse-up), before any other event of that instant.
/// Without steps, `until` is unused (0).
struct TimelineEntry {
    SimTime at = 0;
    std::string path;
    SettingValue value = 0.0;
    std::vector<GestureStep> steps{};
    SimTime until = 0;
    bool gesture() const { return !steps.empty(); }
    bool operator==(const TimelineEntry&) const = default;
};

/// One thing the timeline does at `at`: apply entry `entry` (its step `step` for a gesture),
/// or, with step == kGestureEnd, end gesture `entry` (record its one change).
struct TimelineAction {
    static constexpr std::size_t kGestureEnd = static_cast<std::size_t>(-1);
    SimTime at = 0;
    std::size_t entry = 0;
    std::size_t step = 0;
};

/// The actions of `timeline` in the order a run performs them: by time, then by position in
/// the list (an entry's steps and its end in their own order).
std::vector<TimelineAction> timeline_actions(const std::vector<TimelineEntry>& timeline);

/// Empty if `e`'s gesture fields are consistent (see TimelineEntry), else why not.
std::string gesture_problem(const TimelineEntry& e);

// [SECTION] Scenario and its structural check ---------------------------------------------

struct Scenario {
    std::string name = "untitled";
    std::uint64_t seed = 1;
    double duration_s = 60.0;  ///< headless run length, (0, 1e7] seconds; microsecond precision
    std::int64_t resolution_ms = 100;  ///< recorder bucket, [1, 3600000]
    Traffic traffic;
    std::vector<Service> services;
    std::vector<TimelineEntry> timeline;
    bool operator==(const Scenario&) const = default;

    /// duration_s as SimTime (rounded to the microsecond).
    SimTime duration() const;
    const Service* find_service(std::string_view name) const;
    Service* find_service(std::string_view name);
};

/// One problem found by validate(): `key` is the path of the offending field in the terms of
/// the TOML file ("service[1].latency_ms.p99", "traffic.target", "timeline[0].set").
struct ScenarioProblem {
    std::string key;
    std::string message;  ///< names the allowed range or choices
};

/// Every range and structure rule (the ranges of scenario_keys.hpp and the breaker presets): names
/// unique and well formed, targets exist, no dependency cycle, every value in its range, timeline
/// paths settable with in-range values. Empty when the scenario can run.
std::vector<ScenarioProblem> validate(const Scenario& scenario);

/// A small healthy scenario: A (2 instances) calls B behind a gobreaker breaker (3 consecutive
/// failures, 5 s open) at 50 requests/s. The GUI starts on it; tests build on it.
Scenario default_scenario();

/// The smallest scenario that runs (the app's File > New): the client calling one service "A"
/// with every key at its default (20 requests/s, 1 instance, latency p50 1 ms / p99 5 ms).
Scenario new_scenario();

// [SECTION] Settings by path (timeline, GUI sliders, validation) --------------------------

/// One settable parameter of a scenario. Values travel as SettingValue: integers and booleans
/// as double (booleans 0/1), choices as their name (an index as double is accepted too).
struct SettingSpec {
    std::string path;  ///< "B.failure_rate", "A->B.breaker.timeout_ms", "traffic.rate_rps"
    ParamKind kind = ParamKind::real;
    double min = 0.0;
    double max = 0.0;
    std::vector<std::string> choices;  ///< ParamKind::choice
    std::string help;                  ///< tooltip text
    std::string label;                 ///< short GUI label ("failure rate"); the key if none
    std::string unit;                  ///< "ms", "share", ...; may be empty
};

/// Every settable path of `scenario`, in display order: traffic, then each service and its
/// dependencies (edge keys, retry keys, then `breaker.preset` and the preset's parameters).
std::vector<SettingSpec> setting_specs(const Scenario& scenario);

/// The spec of one path; nullopt when the path names nothing settable in `scenario`.
std::optional<SettingSpec> find_setting(const Scenario& scenario, std::string_view path);

/// Current value of a path (choices by name); nullopt when the path names nothing settable.
std::optional<SettingValue> get_setting(const Scenario& scenario, std::string_view path);

/// Validates and sets one parameter. Returns an empty string on success, else a message that
/// names the path and the allowed range or choices (the scenario is then unchanged).
/// `A->B.breaker.preset` takes a preset name or "none" (a new preset starts from its library
/// defaults); `A->B.breaker.<key>` needs a breaker on the edge.
std::string apply_setting(Scenario& scenario, std::string_view path, const SettingValue& value);

/// For `<caller>-><target>.breaker.<key>` on an existing edge without a breaker: a message
/// that says to set the edge's breaker.preset too (naming the presets); else empty.
std::string missing_breaker(const Scenario& scenario, std::string_view path);

/// Timeline paths that change the system's shape rather than a setting (docs/SCENARIOS.md
/// "Topology changes"). Their value is a name: a service ("services.add", "services.remove")
/// or an edge "CALLER->TARGET" ("dependencies.add", "dependencies.remove"). A new service or
/// dependency starts from the defaults of this file (Service{name}, Dependency{target}); the
/// ordinary paths that follow configure it. apply_setting() checks each against the scenario
/// as it is: unique well-formed names, known caller and target, no self-call, duplicate or
/// cycle; a service still called (or the entry service) cannot be removed; removing a service
/// removes its own dependencies.
namespace topology {
inline constexpr std::string_view kAddService = "services.add";
inline constexpr std::string_view kRemoveService = "services.remove";
inline constexpr std::string_view kAddDependency = "dependencies.add";
inline constexpr std::string_view kRemoveDependency = "dependencies.remove";
}  // namespace topology

/// True for the four paths of namespace topology.
bool is_topology_path(std::string_view path);

/// True for `<caller>-><target>.breaker.preset`: the setting that decides which breaker keys
/// an edge has (applied before them when several settings are given together).
bool is_breaker_preset_path(std::string_view path);

/// One change by path, as a timeline entry or a Run::apply() makes it.
struct Change {
    std::string path;
    SettingValue value;
    bool operator==(const Change&) const = default;
};

/// Applies `changes` as if a scenario file said them all at once (`--set` options, a
/// variant's settings): their order does not matter. Breaker presets come first (a preset
/// starts from its library defaults, so the edge's other breaker keys apply on top of it),
/// then the rest, again and again while one more applies (a range that depends on another
/// key, such as latency_p50_ms up to latency_p99_ms, sees that key's new value). Returns
/// empty when every change applied, else the refusal of the first one in `changes` that
/// could not (apply_setting()'s message), its index in `*failed` when given; a path given
/// twice is refused (the second). On a refusal `scenario` may hold the changes applied so
/// far: apply to a copy.
std::string apply_settings_together(Scenario& scenario, const std::vector<Change>& changes,
                                    std::size_t* failed = nullptr);

/// Applies `changes` in order to a copy of `scenario`; empty if every one applies, else the
/// first refusal (the message of apply_setting()). The GUI checks a topology edit with it.
std::string check_changes(const Scenario& scenario, const std::vector<Change>& changes);

/// The changes that bring a service or a dependency absent from `to` back with the settings it
/// has in `from` (`name`: a service name or "CALLER->TARGET"): its add, then each setting whose
/// value differs from the add's defaults, in an order in which each applies (a service's
/// dependencies follow it). Undo of a removal. Empty if `from` has no such object.
std::vector<Change> recreate_changes(const Scenario& from, const Scenario& to,
                                     std::string_view name);

/// Renames service `from` to `to` everywhere in `scenario` (its entry, the dependencies on it,
/// the timeline paths naming it); an empty string on success, else why not (unchanged).
std::string rename_service(Scenario& scenario, std::string_view from, std::string_view to);

/// What a settable path changes: the world the calls meet (traffic and service keys: failure
/// rate, latency, capacity, instances) or a caller's protection of one edge (the dependency's
/// keys: timeout, retry, bulkhead, fallback, breaker scope, and `breaker.*`). Derived from the
/// key table: a key whose object is a dependency, or a breaker key, is protection.
enum class SettingScope : std::uint8_t { world, protection };
const char* to_string(SettingScope scope);

/// The scope of a path of `scenario`; nullopt when the path names nothing settable.
std::optional<SettingScope> setting_scope(const Scenario& scenario, std::string_view path);

}  // namespace cbsim
