// scenario_keys.cpp: the table of every scenario key (scenario_keys.hpp) and the names of the
// scenario's choices.
//
// [SECTION] Choice names
// [SECTION] Value access
// [SECTION] The table
// [SECTION] Lookups
#include "cbsim/scenario_keys.hpp"

#include "breaker_toml.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <type_traits>

namespace cbsim {

static_assert(static_cast<int>(KeyType::integer) == static_cast<int>(ParamKind::integer) &&
                  static_cast<int>(KeyType::real) == static_cast<int>(ParamKind::real) &&
                  static_cast<int>(KeyType::boolean) == static_cast<int>(ParamKind::boolean) &&
                  static_cast<int>(KeyType::choice) == static_cast<int>(ParamKind::choice),
              "the settable key types are ParamKind's, in its order");

// [SECTION] Choice names ---------------------------------------------------------------------

namespace {

constexpr std::array<const char*, 2> kArrivalNames{"poisson", "constant"};
constexpr std::array<const char*, 3> kDistNames{"lognormal", "exponential", "constant"};
constexpr std::array<const char*, 2> kPatternNames{"random", "every_nth"};
constexpr std::array<const char*, 4> kJitterNames{"none", "full", "equal", "decorrelated"};
constexpr std::array<const char*, 2> kScopeNames{"instance", "shared"};

template <typename E, std::size_t N>
std::optional<E> from_names(const std::array<const char*, N>& names, std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (name == names[i]) return static_cast<E>(i);
    }
    return std::nullopt;
}

}  // namespace

const char* to_string(Arrival v) {
    return kArrivalNames[static_cast<std::size_t>(v)];
}
const char* to_string(LatencyDist v) {
    return kDistNames[static_cast<std::size_t>(v)];
}
const char* to_string(FailurePattern v) {
    return kPatternNames[static_cast<std::size_t>(v)];
}
const char* to_string(Jitter v) {
    return kJitterNames[static_cast<std::size_t>(v)];
}
const char* to_string(BreakerScope v) {
    return kScopeNames[static_cast<std::size_t>(v)];
}

std::optional<Arrival> arrival_from_string(std::string_view n) {
    return from_names<Arrival>(kArrivalNames, n);
}
std::optional<LatencyDist> latency_dist_from_string(std::string_view n) {
    return from_names<LatencyDist>(kDistNames, n);
}
std::optional<FailurePattern> failure_pattern_from_string(std::string_view n) {
    return from_names<FailurePattern>(kPatternNames, n);
}
std::optional<Jitter> jitter_from_string(std::string_view n) {
    return from_names<Jitter>(kJitterNames, n);
}
std::optional<BreakerScope> breaker_scope_from_string(std::string_view n) {
    return from_names<BreakerScope>(kScopeNames, n);
}

const char* toml_table_name(KeyTable table) {
    switch (table) {
        case KeyTable::top:
            return "";
        case KeyTable::traffic:
            return "traffic";
        case KeyTable::service:
            return "service";
        case KeyTable::latency:
            return "service.latency_ms";
        case KeyTable::dependency:
            return "service.dependency";
        case KeyTable::retry:
            return "service.dependency.retry";
    }
    return "";
}

const char* to_string(KeyType type) {
    switch (type) {
        case KeyType::integer:
            return "integer";
        case KeyType::real:
            return "real";
        case KeyType::boolean:
            return "boolean";
        case KeyType::choice:
            return "choice";
        case KeyType::string:
            return "string";
        case KeyType::seed:
            return "integer";
        case KeyType::table:
            return "table";
        case KeyType::tables:
            return "array of tables";
    }
    return "";
}

// [SECTION] Value access -----------------------------------------------------------------------

namespace {

template <typename T>
double as_number(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v ? 1.0 : 0.0;
    } else {
        return static_cast<double>(v);
    }
}

template <typename T>
void from_number(T& field, double v) {
    if constexpr (std::is_same_v<T, bool>) {
        field = v != 0.0;
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
        field = static_cast<T>(static_cast<std::int64_t>(v));
    } else {
        field = v;
    }
}

// Accessors of a member of the key's object, e.g. CBSIM_FIELD(Service, latency.p50_ms).
#define CBSIM_FIELD(Type, member)                                                        \
    .get = [](const void* o) { return as_number(static_cast<const Type*>(o)->member); }, \
    .set = [](void* o, double v) { from_number(static_cast<Type*>(o)->member, v); }

#define CBSIM_TEXT(Type, member)                          \
    .get_text = [](const void* o) -> const std::string& { \
        return static_cast<const Type*>(o)->member;       \
    },                                                    \
    .set_text = [](void* o, std::string v) { static_cast<Type*>(o)->member = std::move(v); }

constexpr double kMaxMs = 3600000.0;

// [SECTION] The table --------------------------------------------------------------------------

// clang-format off
const ScenarioKey kKeys[] = {
    // Top level (object: Scenario).
    {.table = KeyTable::top, .name = "name", .path = nullptr, .type = KeyType::string,
     .help = "shown in the app, the CLI and `summary.json`", .allowed = "at most 256 bytes",
     CBSIM_TEXT(Scenario, name)},
    {.table = KeyTable::top, .name = "seed", .path = nullptr, .type = KeyType::seed,
     .min = 0, .max = 18446744073709551615.0,
     .help = "seed of every random stream; same scenario and seed, same bytes out. Seeds above "
             "9223372036854775807 (past TOML's integers) are written as a decimal string, "
             "`seed = \"18446744073709551615\"`",
     .allowed = "[0, 18446744073709551615]", .default_text = "`1`"},
    {.table = KeyTable::top, .name = "duration_s", .path = nullptr, .type = KeyType::real,
     .min = 0.000001, .max = 1e7, .unit = "s",
     .help = "length of a headless run (`cbsim-cli run`); the app runs until paused",
     CBSIM_FIELD(Scenario, duration_s)},
    {.table = KeyTable::top, .name = "resolution_ms", .path = nullptr, .type = KeyType::integer,
     .min = 1, .max = kMaxMs, .unit = "ms",
     .help = "width of the recorded time buckets (`timeseries.csv` rows)",
     CBSIM_FIELD(Scenario, resolution_ms)},
    {.table = KeyTable::top, .name = "traffic", .path = nullptr, .type = KeyType::table,
     .help = "the client traffic", .allowed = "see below", .default_text = "see below"},
    {.table = KeyTable::top, .name = "service", .path = nullptr, .type = KeyType::tables,
     .help = "the services; at least one", .allowed = "1 to 1000 entries",
     .default_text = "(none)"},
    {.table = KeyTable::top, .name = "timeline", .path = nullptr, .type = KeyType::tables,
     .help = "scheduled changes", .allowed = "at most 1000000 entries", .default_text = "(none)"},

    // [traffic] (object: Traffic).
    {.table = KeyTable::traffic, .name = "target", .path = nullptr, .type = KeyType::string,
     .help = "the entry service", .allowed = "a service name", CBSIM_TEXT(Traffic, target)},
    {.table = KeyTable::traffic, .name = "rate_rps", .path = "rate_rps", .type = KeyType::real,
     .min = 0, .max = 1e6, .unit = "1/s", .label = "arrivals /s",
     .help = "Client requests per second at the start (phases change it later).", CBSIM_FIELD(Traffic, rate_rps)},
    {.table = KeyTable::traffic, .name = "arrival", .path = "arrival", .type = KeyType::choice,
     .choices = kArrivalNames, .label = "arrival",
     .help = "poisson: exponential gaps (bursty); constant: evenly spaced requests.",
     CBSIM_FIELD(Traffic, arrival)},
    {.table = KeyTable::traffic, .name = "phases", .path = nullptr, .type = KeyType::tables,
     .help = "later changes of the rate, see below",
     .allowed = "at most 100000, sorted by `at_s`", .default_text = "(none)"},

    // [[service]] (object: Service).
    {.table = KeyTable::service, .name = "name", .path = nullptr, .type = KeyType::string,
     .help = "used in edge names and settable paths",
     .allowed = "letters, digits, `_`, `-`; unique; not `client` or `traffic`",
     .default_text = "(required)", .required = true, CBSIM_TEXT(Service, name)},
    {.table = KeyTable::service, .name = "instances", .path = "instances",
     .type = KeyType::integer, .min = 1, .max = 1000, .unit = "instances", .label = "instances",
     .help = "Copies of the service behind a round-robin balancer.", .panel = true,
     CBSIM_FIELD(Service, instances)},
    {.table = KeyTable::service, .name = "capacity", .path = "capacity", .type = KeyType::integer,
     .min = 0, .max = 1e6, .unit = "calls", .label = "capacity",
     .help = "Concurrent calls per instance (workers); 0 = unbounded.", .panel = true,
     CBSIM_FIELD(Service, capacity)},
    {.table = KeyTable::service, .name = "queue_limit", .path = "queue_limit",
     .type = KeyType::integer, .min = 0, .max = 1e7, .unit = "calls", .label = "queue limit",
     .help = "Calls waiting per instance beyond capacity; past it a call fails at once.",
     CBSIM_FIELD(Service, queue_limit)},
    {.table = KeyTable::service, .name = "latency_ms", .path = nullptr, .type = KeyType::table,
     .help = "the service time of one call, see below", .allowed = "see below",
     .default_text = "`{ p50 = 1, p99 = 5 }`"},
    {.table = KeyTable::latency, .name = "dist", .path = "latency_dist", .type = KeyType::choice,
     .choices = kDistNames, .label = "latency distribution",
     .help = "Service-time distribution: lognormal (p50/p99), exponential (mean) or constant.",
     CBSIM_FIELD(Service, latency.dist)},
    {.table = KeyTable::latency, .name = "p50", .path = "latency_p50_ms", .type = KeyType::real,
     .min = 0.001, .max = kMaxMs, .unit = "ms", .label = "latency p50 ms",
     .help = "Median service time (lognormal), ms.", .panel = true,
     .only_for_dist = static_cast<int>(LatencyDist::lognormal),
     CBSIM_FIELD(Service, latency.p50_ms)},
    {.table = KeyTable::latency, .name = "p99", .path = "latency_p99_ms", .type = KeyType::real,
     .min = 0.001, .max = kMaxMs, .unit = "ms", .label = "latency p99 ms",
     .help = "99th percentile service time (lognormal), ms; at least the median.",
     .at_least = "latency_p50_ms", .panel = true,
     .only_for_dist = static_cast<int>(LatencyDist::lognormal),
     CBSIM_FIELD(Service, latency.p99_ms)},
    {.table = KeyTable::latency, .name = "mean", .path = "latency_mean_ms", .type = KeyType::real,
     .min = 0.001, .max = kMaxMs, .unit = "ms", .label = "latency mean ms",
     .help = "Mean service time (exponential), ms.", .panel = true,
     .only_for_dist = static_cast<int>(LatencyDist::exponential),
     CBSIM_FIELD(Service, latency.mean_ms)},
    {.table = KeyTable::latency, .name = "constant", .path = "latency_constant_ms",
     .type = KeyType::real, .min = 0, .max = kMaxMs, .unit = "ms", .label = "latency ms",
     .help = "Service time (constant), ms.", .panel = true,
     .only_for_dist = static_cast<int>(LatencyDist::constant),
     CBSIM_FIELD(Service, latency.constant_ms)},
    {.table = KeyTable::service, .name = "failure_rate", .path = "failure_rate",
     .type = KeyType::real, .min = 0, .max = 1, .unit = "share", .label = "failure rate",
     .help = "Share of calls that answer with an error.", .panel = true,
     CBSIM_FIELD(Service, failure_rate)},
    {.table = KeyTable::service, .name = "failure_pattern", .path = "failure_pattern",
     .type = KeyType::choice, .choices = kPatternNames, .label = "failure pattern",
     .help = "random: each call fails with probability failure_rate; every_nth: calls n, 2n, ... "
             "fail (counted over the calls of the faulty instances).",
     CBSIM_FIELD(Service, failure_pattern)},
    {.table = KeyTable::service, .name = "every_nth", .path = "every_nth", .type = KeyType::integer,
     .min = 0, .max = 1e9, .unit = "calls", .label = "every n-th",
     .help = "every_nth pattern: every n-th call fails; 0 = spread failure_rate evenly (call k "
             "fails when floor(k*rate) > floor((k-1)*rate)).",
     CBSIM_FIELD(Service, every_nth)},
    {.table = KeyTable::service, .name = "failure_latency_ms", .path = "failure_latency_ms",
     .type = KeyType::real, .min = -1, .max = kMaxMs, .unit = "ms", .label = "failure latency ms",
     .help = "A failing call answers after this many ms (fast or slow failures); -1 = after a "
             "normal service time.",
     .get = [](const void* o) { return static_cast<const Service*>(o)->failure_latency_ms; },
     .set = [](void* o, double v) {
         static_cast<Service*>(o)->failure_latency_ms = v < 0 ? -1.0 : v;
     }},
    {.table = KeyTable::service, .name = "hang_rate", .path = "hang_rate", .type = KeyType::real,
     .min = 0, .max = 1, .unit = "share", .label = "hang rate",
     .help = "Share of calls that never answer; the caller's timeout decides. They hold a "
             "worker for a normal service time.",
     .panel = true, CBSIM_FIELD(Service, hang_rate)},
    {.table = KeyTable::service, .name = "faulty_instances", .path = "faulty_instances",
     .type = KeyType::integer, .min = 0, .max = 1000, .unit = "instances",
     .label = "faulty instances",
     .help = "Instances that fail at failure_rate and hang at hang_rate: 0 = all of them; k = "
             "only the first k, the others stay healthy.",
     .at_most = "instances", .panel = true, CBSIM_FIELD(Service, faulty_instances)},
    {.table = KeyTable::service, .name = "dependency", .path = nullptr, .type = KeyType::tables,
     .help = "the services this one calls", .allowed = "at most 100", .default_text = "(none)"},

    // [[service.dependency]] (object: Dependency).
    {.table = KeyTable::dependency, .name = "target", .path = nullptr, .type = KeyType::string,
     .help = "the service called",
     .allowed = "another service; no self-call, no duplicate, no cycle",
     .default_text = "(required)", .required = true, CBSIM_TEXT(Dependency, target)},
    {.table = KeyTable::dependency, .name = "timeout_ms", .path = "timeout_ms",
     .type = KeyType::integer, .min = 0, .max = kMaxMs, .unit = "ms", .label = "timeout ms",
     .help = "Caller timeout per attempt (ms); 0 = wait forever. The server's work is not "
             "cancelled by a timeout.",
     CBSIM_FIELD(Dependency, timeout_ms)},
    {.table = KeyTable::dependency, .name = "retry", .path = nullptr, .type = KeyType::table,
     .help = "retries of a failed attempt, see below", .allowed = "see below",
     .default_text = "no retry"},
    {.table = KeyTable::retry, .name = "max_attempts", .path = "retry.max_attempts",
     .type = KeyType::integer, .min = 1, .max = 100, .unit = "attempts", .label = "max attempts",
     .help = "Attempts per call, first try included; 1 = no retry.",
     CBSIM_FIELD(Dependency, retry.max_attempts)},
    {.table = KeyTable::retry, .name = "backoff_base_ms", .path = "retry.backoff_base_ms",
     .type = KeyType::integer, .min = 0, .max = kMaxMs, .unit = "ms", .label = "backoff base ms",
     .help = "Backoff before the first retry (ms); doubles per retry.",
     CBSIM_FIELD(Dependency, retry.backoff_base_ms)},
    {.table = KeyTable::retry, .name = "backoff_cap_ms", .path = "retry.backoff_cap_ms",
     .type = KeyType::integer, .min = 0, .max = kMaxMs, .unit = "ms", .label = "backoff cap ms",
     .help = "Longest backoff (ms).", CBSIM_FIELD(Dependency, retry.backoff_cap_ms)},
    {.table = KeyTable::retry, .name = "jitter", .path = "retry.jitter", .type = KeyType::choice,
     .choices = kJitterNames, .label = "jitter",
     .help = "Backoff jitter (AWS architecture blog names): none: min(cap, base*2^(n-1)); full: "
             "uniform(0, that); equal: half plus uniform(0, half); decorrelated: min(cap, "
             "uniform(base, 3*previous)).",
     CBSIM_FIELD(Dependency, retry.jitter)},
    {.table = KeyTable::retry, .name = "budget_rps", .path = "retry.budget_rps",
     .type = KeyType::real, .min = 0, .max = 1e6, .unit = "1/s", .label = "retry budget /s",
     .help = "Retry budget: tokens per second per caller instance, one per retry; 0 = unlimited.",
     CBSIM_FIELD(Dependency, retry.budget_rps)},
    {.table = KeyTable::retry, .name = "budget_burst", .path = "retry.budget_burst",
     .type = KeyType::real, .min = 1, .max = 1e6, .unit = "retries", .label = "retry burst",
     .help = "Retry budget: size (and initial fill) of the token bucket: retries available at once.",
     CBSIM_FIELD(Dependency, retry.budget_burst)},
    {.table = KeyTable::dependency, .name = "max_in_flight", .path = "max_in_flight",
     .type = KeyType::integer, .min = 0, .max = 1e6, .unit = "attempts", .label = "max in flight",
     .help = "Bulkhead: attempts in flight per caller instance; past it an attempt is rejected; "
             "0 = none.",
     CBSIM_FIELD(Dependency, max_in_flight)},
    {.table = KeyTable::dependency, .name = "fallback", .path = "fallback", .type = KeyType::boolean,
     .min = 0, .max = 1, .label = "fallback",
     .help = "A call that finally failed (or was rejected) answers success from a fallback.",
     CBSIM_FIELD(Dependency, fallback)},
    {.table = KeyTable::dependency, .name = "breaker_scope", .path = "breaker_scope",
     .type = KeyType::choice, .choices = kScopeNames, .label = "breaker scope",
     .help = "instance: a breaker per caller instance; shared: one breaker state for all caller "
             "instances, kept in a store.",
     CBSIM_FIELD(Dependency, breaker_scope)},
    {.table = KeyTable::dependency, .name = "store_sync_ms", .path = "store_sync_ms",
     .type = KeyType::integer, .min = 0, .max = 600000, .unit = "ms", .label = "store sync ms",
     .help = "Shared scope: an outcome reaches the store this long after the call completes "
             "(admission reads the store live), ms.",
     CBSIM_FIELD(Dependency, store_sync_ms)},
    {.table = KeyTable::dependency, .name = "breaker", .path = nullptr, .type = KeyType::table,
     .help = "the circuit breaker on this edge", .allowed = "see below",
     .default_text = "no breaker"},
};
// clang-format on

#undef CBSIM_FIELD
#undef CBSIM_TEXT

}  // namespace

// [SECTION] Lookups ----------------------------------------------------------------------------

std::span<const ScenarioKey> scenario_keys() {
    return kKeys;
}

KeyTable object_table(KeyTable table) {
    switch (table) {
        case KeyTable::latency:
            return KeyTable::service;
        case KeyTable::retry:
            return KeyTable::dependency;
        default:
            return table;
    }
}

const ScenarioKey* find_key(KeyTable table, std::string_view name) {
    for (const ScenarioKey& k : kKeys) {
        if (k.table == table && name == k.name) return &k;
    }
    return nullptr;
}

const ScenarioKey* find_key_by_path(KeyTable object, std::string_view path) {
    for (const ScenarioKey& k : kKeys) {
        if (k.path != nullptr && object_table(k.table) == object && path == k.path) return &k;
    }
    return nullptr;
}

std::string check_key_value(const ScenarioKey& key, double value) {
    return detail::check_param_value(
        ParamSpec{key.name, key.kind(), key.min, key.max, key.choices, key.help}, value);
}

std::string check_key_integer(const ScenarioKey& key, std::int64_t value) {
    return detail::check_integer_value(
        ParamSpec{key.name, key.kind(), key.min, key.max, key.choices, key.help}, value);
}

}  // namespace cbsim
