// scenario.cpp: enum names, the settable paths with their ranges, validate() and the default.
//
// [SECTION] Names
// [SECTION] Setting tables (traffic, service, edge keys)
// [SECTION] Paths
// [SECTION] setting_specs / get / apply
// [SECTION] validate
// [SECTION] default_scenario
#include "cbsim/scenario.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>

namespace cbsim {

// [SECTION] Names ------------------------------------------------------------------------------

namespace {

template <typename E, std::size_t N>
std::optional<E> from_names(const std::array<const char*, N>& names, std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (name == names[i]) return static_cast<E>(i);
    }
    return std::nullopt;
}

constexpr std::array<const char*, 2> kArrivalNames{"poisson", "constant"};
constexpr std::array<const char*, 3> kDistNames{"lognormal", "exponential", "constant"};
constexpr std::array<const char*, 2> kPatternNames{"random", "every_nth"};
constexpr std::array<const char*, 4> kJitterNames{"none", "full", "equal", "decorrelated"};
constexpr std::array<const char*, 2> kScopeNames{"instance", "shared"};

template <std::size_t N>
std::vector<std::string> names_of(const std::array<const char*, N>& names) {
    return {names.begin(), names.end()};
}

std::string number_text(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
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

std::string to_string(const SettingValue& value) {
    if (const auto* s = std::get_if<std::string>(&value)) return *s;
    return number_text(std::get<double>(value));
}

SimTime Scenario::duration() const {
    return std::llround(duration_s * 1e6);
}

const Service* Scenario::find_service(std::string_view n) const {
    for (const Service& s : services) {
        if (s.name == n) return &s;
    }
    return nullptr;
}
Service* Scenario::find_service(std::string_view n) {
    for (Service& s : services) {
        if (s.name == n) return &s;
    }
    return nullptr;
}

// [SECTION] Setting tables (traffic, service, edge keys) ---------------------------------------

namespace {

/// One key of a table: its spec (without the path prefix) and how to read and write it.
/// Choices travel as their index.
template <typename T>
struct Key {
    const char* key;
    ParamKind kind;
    double min;
    double max;
    std::vector<std::string> choices;
    const char* help;
    std::function<double(const T&)> get;
    std::function<void(T&, double)> set;
};

template <typename T>
using Table = std::vector<Key<T>>;

constexpr double kMaxMs = 3600000.0;

std::int64_t as_int(double v) {
    return static_cast<std::int64_t>(v);
}

const Table<Traffic>& traffic_keys() {
    static const Table<Traffic> t = {
        {"rate_rps",
         ParamKind::real,
         0,
         1e6,
         {},
         "Client requests per second.",
         [](const Traffic& x) { return x.rate_rps; },
         [](Traffic& x, double v) { x.rate_rps = v; }},
        {"arrival", ParamKind::choice, 0, 1, names_of(kArrivalNames),
         "poisson: random gaps (bursty); constant: evenly spaced requests.",
         [](const Traffic& x) { return static_cast<double>(x.arrival); },
         [](Traffic& x, double v) { x.arrival = static_cast<Arrival>(as_int(v)); }},
    };
    return t;
}

const Table<Service>& service_keys() {
    static const Table<Service> t = {
        {"instances",
         ParamKind::integer,
         1,
         1000,
         {},
         "Copies of the service behind a round-robin balancer.",
         [](const Service& x) { return static_cast<double>(x.instances); },
         [](Service& x, double v) { x.instances = as_int(v); }},
        {"capacity",
         ParamKind::integer,
         0,
         1e6,
         {},
         "Concurrent calls per instance (workers); 0 = unbounded.",
         [](const Service& x) { return static_cast<double>(x.capacity); },
         [](Service& x, double v) { x.capacity = as_int(v); }},
        {"queue_limit",
         ParamKind::integer,
         0,
         1e7,
         {},
         "Calls waiting per instance beyond capacity; past it a call fails at once.",
         [](const Service& x) { return static_cast<double>(x.queue_limit); },
         [](Service& x, double v) { x.queue_limit = as_int(v); }},
        {"latency_dist", ParamKind::choice, 0, 2, names_of(kDistNames),
         "Service-time distribution: lognormal (p50/p99), exponential (mean) or constant.",
         [](const Service& x) { return static_cast<double>(x.latency.dist); },
         [](Service& x, double v) { x.latency.dist = static_cast<LatencyDist>(as_int(v)); }},
        {"latency_p50_ms",
         ParamKind::real,
         0.001,
         kMaxMs,
         {},
         "Median service time (lognormal), ms.",
         [](const Service& x) { return x.latency.p50_ms; },
         [](Service& x, double v) { x.latency.p50_ms = v; }},
        {"latency_p99_ms",
         ParamKind::real,
         0.001,
         kMaxMs,
         {},
         "99th percentile service time (lognormal), ms; at least the median.",
         [](const Service& x) { return x.latency.p99_ms; },
         [](Service& x, double v) { x.latency.p99_ms = v; }},
        {"latency_mean_ms",
         ParamKind::real,
         0.001,
         kMaxMs,
         {},
         "Mean service time (exponential), ms.",
         [](const Service& x) { return x.latency.mean_ms; },
         [](Service& x, double v) { x.latency.mean_ms = v; }},
        {"latency_constant_ms",
         ParamKind::real,
         0,
         kMaxMs,
         {},
         "Service time (constant), ms.",
         [](const Service& x) { return x.latency.constant_ms; },
         [](Service& x, double v) { x.latency.constant_ms = v; }},
        {"failure_rate",
         ParamKind::real,
         0,
         1,
         {},
         "Share of calls that answer with an error.",
         [](const Service& x) { return x.failure_rate; },
         [](Service& x, double v) { x.failure_rate = v; }},
        {"failure_pattern", ParamKind::choice, 0, 1, names_of(kPatternNames),
         "random: each call fails with probability failure_rate; every_nth: calls n, 2n, ... "
         "fail.",
         [](const Service& x) { return static_cast<double>(x.failure_pattern); },
         [](Service& x, double v) { x.failure_pattern = static_cast<FailurePattern>(as_int(v)); }},
        {"every_nth",
         ParamKind::integer,
         0,
         1e9,
         {},
         "every_nth pattern: every n-th call fails; 0 = spread failure_rate evenly.",
         [](const Service& x) { return static_cast<double>(x.every_nth); },
         [](Service& x, double v) { x.every_nth = as_int(v); }},
        {"failure_latency_ms",
         ParamKind::real,
         -1,
         kMaxMs,
         {},
         "A failing call answers after this many ms (fast or slow failures); -1 = after a "
         "normal service time.",
         [](const Service& x) { return x.failure_latency_ms; },
         [](Service& x, double v) { x.failure_latency_ms = v < 0 ? -1.0 : v; }},
        {"hang_rate",
         ParamKind::real,
         0,
         1,
         {},
         "Share of calls that never answer; the caller's timeout decides.",
         [](const Service& x) { return x.hang_rate; },
         [](Service& x, double v) { x.hang_rate = v; }},
    };
    return t;
}

const Table<Dependency>& edge_keys() {
    static const Table<Dependency> t = {
        {"timeout_ms",
         ParamKind::integer,
         0,
         kMaxMs,
         {},
         "Caller timeout per attempt (ms); 0 = wait forever. The server keeps working.",
         [](const Dependency& x) { return static_cast<double>(x.timeout_ms); },
         [](Dependency& x, double v) { x.timeout_ms = as_int(v); }},
        {"retry.max_attempts",
         ParamKind::integer,
         1,
         100,
         {},
         "Attempts per call, first try included; 1 = no retry.",
         [](const Dependency& x) { return static_cast<double>(x.retry.max_attempts); },
         [](Dependency& x, double v) { x.retry.max_attempts = as_int(v); }},
        {"retry.backoff_base_ms",
         ParamKind::integer,
         0,
         kMaxMs,
         {},
         "Backoff before the first retry (ms); doubles per retry.",
         [](const Dependency& x) { return static_cast<double>(x.retry.backoff_base_ms); },
         [](Dependency& x, double v) { x.retry.backoff_base_ms = as_int(v); }},
        {"retry.backoff_cap_ms",
         ParamKind::integer,
         0,
         kMaxMs,
         {},
         "Longest backoff (ms).",
         [](const Dependency& x) { return static_cast<double>(x.retry.backoff_cap_ms); },
         [](Dependency& x, double v) { x.retry.backoff_cap_ms = as_int(v); }},
        {"retry.jitter", ParamKind::choice, 0, 3, names_of(kJitterNames),
         "Backoff jitter: none, full, equal or decorrelated (AWS architecture blog names).",
         [](const Dependency& x) { return static_cast<double>(x.retry.jitter); },
         [](Dependency& x, double v) { x.retry.jitter = static_cast<Jitter>(as_int(v)); }},
        {"retry.budget_rps",
         ParamKind::real,
         0,
         1e6,
         {},
         "Retry budget: tokens per second per caller instance, one per retry; 0 = unlimited.",
         [](const Dependency& x) { return x.retry.budget_rps; },
         [](Dependency& x, double v) { x.retry.budget_rps = v; }},
        {"retry.budget_burst",
         ParamKind::real,
         1,
         1e6,
         {},
         "Retry budget: bucket size (retries available at once).",
         [](const Dependency& x) { return x.retry.budget_burst; },
         [](Dependency& x, double v) { x.retry.budget_burst = v; }},
        {"max_in_flight",
         ParamKind::integer,
         0,
         1e6,
         {},
         "Bulkhead: attempts in flight per caller instance; past it an attempt is rejected; 0 "
         "= none.",
         [](const Dependency& x) { return static_cast<double>(x.max_in_flight); },
         [](Dependency& x, double v) { x.max_in_flight = as_int(v); }},
        {"fallback",
         ParamKind::boolean,
         0,
         1,
         {},
         "A call that finally failed answers success from a fallback.",
         [](const Dependency& x) { return x.fallback ? 1.0 : 0.0; },
         [](Dependency& x, double v) { x.fallback = v != 0.0; }},
        {"breaker_scope", ParamKind::choice, 0, 1, names_of(kScopeNames),
         "instance: a breaker per caller instance; shared: one state in a store.",
         [](const Dependency& x) { return static_cast<double>(x.breaker_scope); },
         [](Dependency& x, double v) { x.breaker_scope = static_cast<BreakerScope>(as_int(v)); }},
        {"store_sync_ms",
         ParamKind::integer,
         0,
         600000,
         {},
         "Shared breaker: delay before an outcome reaches the store (ms).",
         [](const Dependency& x) { return static_cast<double>(x.store_sync_ms); },
         [](Dependency& x, double v) { x.store_sync_ms = as_int(v); }},
    };
    return t;
}

std::vector<std::string> preset_choices() {
    std::vector<std::string> out{"none"};
    for (const PresetInfo& info : all_presets())
        out.emplace_back(info.name);
    return out;
}

// [SECTION] Paths ------------------------------------------------------------------------------

/// A parsed path: which object and which key.
struct Target {
    enum class What {
        none,
        traffic,
        service,
        edge,
        breaker_preset,
        breaker_param
    } what = What::none;
    Service* service = nullptr;
    Dependency* edge = nullptr;
    std::string key;
};

Target resolve(Scenario& sc, std::string_view path) {
    Target t;
    const auto dot = path.find('.');
    if (dot == std::string_view::npos) return t;
    const std::string_view head = path.substr(0, dot);
    const std::string_view key = path.substr(dot + 1);
    if (head == "traffic") {
        t.what = Target::What::traffic;
        t.key = key;
        return t;
    }
    const auto arrow = head.find("->");
    if (arrow == std::string_view::npos) {
        t.service = sc.find_service(head);
        if (t.service == nullptr) return t;
        t.what = Target::What::service;
        t.key = key;
        return t;
    }
    Service* caller = sc.find_service(head.substr(0, arrow));
    if (caller == nullptr) return t;
    const std::string_view target = head.substr(arrow + 2);
    for (Dependency& d : caller->dependencies) {
        if (d.target == target) t.edge = &d;
    }
    if (t.edge == nullptr) return t;
    t.service = caller;
    if (key == "breaker.preset") {
        t.what = Target::What::breaker_preset;
    } else if (key.starts_with("breaker.")) {
        t.what = Target::What::breaker_param;
        t.key = key.substr(8);
        return t;
    } else {
        t.what = Target::What::edge;
    }
    t.key = key;
    return t;
}

template <typename T>
const Key<T>* find_key(const Table<T>& table, std::string_view key) {
    for (const Key<T>& k : table) {
        if (key == k.key) return &k;
    }
    return nullptr;
}

template <typename T>
SettingSpec spec_of(const Key<T>& k, const std::string& prefix) {
    return SettingSpec{prefix + k.key, k.kind, k.min, k.max, k.choices, k.help};
}

SettingSpec spec_of(const ParamSpec& p, const std::string& prefix) {
    SettingSpec s{prefix + p.key, p.kind, p.min, p.max, {}, p.help ? p.help : ""};
    for (const char* c : p.choices)
        s.choices.emplace_back(c);
    return s;
}

/// Ranges that depend on other values (lognormal p50 <= p99).
void tighten(SettingSpec& spec, const Service& s) {
    if (spec.path.ends_with(".latency_p50_ms")) spec.max = s.latency.p99_ms;
    if (spec.path.ends_with(".latency_p99_ms")) spec.min = s.latency.p50_ms;
}

std::string describe(const SettingSpec& spec) {
    if (spec.kind == ParamKind::choice) {
        std::string out = "one of ";
        for (std::size_t i = 0; i < spec.choices.size(); ++i)
            out += (i ? ", " : "") + std::string("\"") + spec.choices[i] + "\"";
        return out;
    }
    if (spec.kind == ParamKind::boolean) return "0 or 1 (false or true)";
    return std::string(spec.kind == ParamKind::integer ? "an integer" : "a number") + " in [" +
           number_text(spec.min) + ", " + number_text(spec.max) + "]";
}

/// Checks a value against a spec; on success `out` is the number to store (choice index).
std::string check_value(const SettingSpec& spec, const SettingValue& value, double& out) {
    const std::string allowed = describe(spec);
    if (const auto* text = std::get_if<std::string>(&value)) {
        if (spec.kind == ParamKind::choice) {
            for (std::size_t i = 0; i < spec.choices.size(); ++i) {
                if (*text == spec.choices[i]) {
                    out = static_cast<double>(i);
                    return {};
                }
            }
        }
        if (spec.kind == ParamKind::boolean && (*text == "true" || *text == "false")) {
            out = *text == "true" ? 1.0 : 0.0;
            return {};
        }
        return spec.path + ": \"" + *text + "\" is not allowed; expected " + allowed;
    }
    const double v = std::get<double>(value);
    const bool whole = std::isfinite(v) && v == std::trunc(v);
    bool ok = std::isfinite(v) && v >= spec.min && v <= spec.max;
    if (spec.kind == ParamKind::integer || spec.kind == ParamKind::choice) ok = ok && whole;
    if (spec.kind == ParamKind::boolean) ok = v == 0.0 || v == 1.0;
    if (spec.kind == ParamKind::choice)
        ok = whole && v >= 0 && v < static_cast<double>(spec.choices.size());
    if (!ok) return spec.path + ": " + number_text(v) + " is out of range; expected " + allowed;
    out = v;
    return {};
}

}  // namespace

// [SECTION] setting_specs / get / apply --------------------------------------------------------

std::vector<SettingSpec> setting_specs(const Scenario& scenario) {
    std::vector<SettingSpec> out;
    for (const auto& k : traffic_keys())
        out.push_back(spec_of(k, "traffic."));
    for (const Service& s : scenario.services) {
        const std::string prefix = s.name + ".";
        for (const auto& k : service_keys()) {
            out.push_back(spec_of(k, prefix));
            tighten(out.back(), s);
        }
        for (const Dependency& d : s.dependencies) {
            const std::string edge = s.name + "->" + d.target + ".";
            for (const auto& k : edge_keys())
                out.push_back(spec_of(k, edge));
            out.push_back(SettingSpec{edge + "breaker.preset", ParamKind::choice, 0,
                                      static_cast<double>(kPresetCount), preset_choices(),
                                      "Breaker preset (library); none = no breaker. A new preset "
                                      "starts from its library's defaults."});
            if (d.breaker) {
                for (const ParamSpec& p : breaker_params(d.breaker->preset()))
                    out.push_back(spec_of(p, edge + "breaker."));
            }
        }
    }
    return out;
}

std::optional<SettingSpec> find_setting(const Scenario& scenario, std::string_view path) {
    auto& sc = const_cast<Scenario&>(scenario);  // resolve() only reads
    const Target t = resolve(sc, path);
    const std::string head(path.substr(0, path.size() - t.key.size()));
    switch (t.what) {
        case Target::What::none:
            return std::nullopt;
        case Target::What::traffic:
            if (const auto* k = find_key(traffic_keys(), t.key)) return spec_of(*k, head);
            return std::nullopt;
        case Target::What::service:
            if (const auto* k = find_key(service_keys(), t.key)) {
                SettingSpec s = spec_of(*k, head);
                tighten(s, *t.service);
                return s;
            }
            return std::nullopt;
        case Target::What::edge:
            if (const auto* k = find_key(edge_keys(), t.key)) return spec_of(*k, head);
            return std::nullopt;
        case Target::What::breaker_preset:
            return SettingSpec{std::string(path),
                               ParamKind::choice,
                               0,
                               static_cast<double>(kPresetCount),
                               preset_choices(),
                               "Breaker preset (library); none = no breaker."};
        case Target::What::breaker_param:
            if (!t.edge->breaker) return std::nullopt;
            if (const ParamSpec* p = find_param(t.edge->breaker->preset(), t.key))
                return spec_of(*p, head);
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<SettingValue> get_setting(const Scenario& scenario, std::string_view path) {
    const auto spec = find_setting(scenario, path);
    if (!spec) return std::nullopt;
    auto& sc = const_cast<Scenario&>(scenario);  // resolve() only reads
    const Target t = resolve(sc, path);
    double v = 0;
    switch (t.what) {
        case Target::What::traffic:
            v = find_key(traffic_keys(), t.key)->get(sc.traffic);
            break;
        case Target::What::service:
            v = find_key(service_keys(), t.key)->get(*t.service);
            break;
        case Target::What::edge:
            v = find_key(edge_keys(), t.key)->get(*t.edge);
            break;
        case Target::What::breaker_preset:
            return SettingValue(
                std::string(t.edge->breaker ? to_string(t.edge->breaker->preset()) : "none"));
        case Target::What::breaker_param:
            v = get_param(*t.edge->breaker, t.key).value_or(0.0);
            break;
        case Target::What::none:
            return std::nullopt;
    }
    if (spec->kind == ParamKind::choice) {
        const auto i = static_cast<std::size_t>(v);
        if (i < spec->choices.size()) return SettingValue(spec->choices[i]);
    }
    return SettingValue(v);
}

std::string apply_setting(Scenario& scenario, std::string_view path, const SettingValue& value) {
    const auto spec = find_setting(scenario, path);
    if (!spec) {
        return std::string(path) +
               ": not a settable path; expected traffic.<key>, <service>.<key>, "
               "<caller>-><target>.<key> or <caller>-><target>.breaker.<key> of this scenario";
    }
    double v = 0;
    if (std::string error = check_value(*spec, value, v); !error.empty()) return error;
    const Target t = resolve(scenario, path);
    switch (t.what) {
        case Target::What::traffic:
            find_key(traffic_keys(), t.key)->set(scenario.traffic, v);
            break;
        case Target::What::service:
            find_key(service_keys(), t.key)->set(*t.service, v);
            break;
        case Target::What::edge:
            find_key(edge_keys(), t.key)->set(*t.edge, v);
            break;
        case Target::What::breaker_preset: {
            const auto i = static_cast<std::size_t>(v);
            if (i == 0) {
                t.edge->breaker.reset();
            } else {
                const auto preset = static_cast<Preset>(i - 1);
                if (!t.edge->breaker || t.edge->breaker->preset() != preset)
                    t.edge->breaker = BreakerConfig::defaults(preset);
            }
            break;
        }
        case Target::What::breaker_param: {
            const std::string error = set_param(*t.edge->breaker, t.key, v);
            if (!error.empty()) return std::string(path) + ": " + error;
            break;
        }
        case Target::What::none:
            break;
    }
    return {};
}

// [SECTION] validate ---------------------------------------------------------------------------

namespace {

bool well_formed_name(const std::string& n) {
    if (n.empty() || n == "client" || n == "traffic") return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

template <typename T>
void check_table(const Table<T>& table, const T& obj, const std::string& key_prefix,
                 const std::string& path_prefix, std::vector<ScenarioProblem>& out,
                 const std::map<std::string, std::string>& toml_names = {}) {
    for (const Key<T>& k : table) {
        const SettingSpec spec = spec_of(k, path_prefix);
        double stored = 0;
        const double v = k.get(obj);
        if (std::string e = check_value(spec, SettingValue(v), stored); !e.empty()) {
            const auto it = toml_names.find(k.key);
            const std::string name = it == toml_names.end() ? k.key : it->second;
            out.push_back({key_prefix + name, e.substr(e.find(": ") + 2)});
        }
    }
}

}  // namespace

std::vector<ScenarioProblem> validate(const Scenario& sc) {
    std::vector<ScenarioProblem> out;
    if (!(sc.duration_s > 0 && sc.duration_s <= 1e7))
        out.push_back({"duration_s", number_text(sc.duration_s) + " is out of range (0, 1e7]"});
    if (sc.resolution_ms < 1 || sc.resolution_ms > 3600000)
        out.push_back({"resolution_ms", std::to_string(sc.resolution_ms) +
                                            " is out of range; expected an integer in [1, "
                                            "3600000]"});
    if (sc.services.empty()) out.push_back({"service", "at least one [[service]] is required"});
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < sc.services.size(); ++i) {
        const std::string& n = sc.services[i].name;
        const std::string key = "service[" + std::to_string(i) + "].name";
        if (!well_formed_name(n))
            out.push_back({key, "\"" + n +
                                    "\" is not a valid name; expected letters, digits, '_' "
                                    "and '-' (not \"client\" or \"traffic\")"});
        else if (!index.emplace(n, i).second)
            out.push_back({key, "\"" + n + "\" is used by another service; names are unique"});
    }
    if (!sc.find_service(sc.traffic.target))
        out.push_back(
            {"traffic.target", "\"" + sc.traffic.target + "\" is not a service of this scenario"});
    check_table(traffic_keys(), sc.traffic, "traffic.", "traffic.", out);
    SimTime last_phase = 0;
    for (std::size_t i = 0; i < sc.traffic.phases.size(); ++i) {
        const TrafficPhase& p = sc.traffic.phases[i];
        const std::string key = "traffic.phases[" + std::to_string(i) + "]";
        if (p.at < last_phase)
            out.push_back({key + ".at_s", "phases must be sorted by at_s (>= 0, non-decreasing)"});
        last_phase = std::max(last_phase, p.at);
        if (!(p.rate_rps >= 0 && p.rate_rps <= 1e6))
            out.push_back({key + ".rate_rps", number_text(p.rate_rps) +
                                                  " is out of range; expected a number in [0, "
                                                  "1e6]"});
        if (p.ramp < 0) out.push_back({key + ".ramp_s", "must be >= 0"});
    }
    const std::map<std::string, std::string> latency_names = {
        {"latency_p50_ms", "latency_ms.p50"},
        {"latency_p99_ms", "latency_ms.p99"},
        {"latency_mean_ms", "latency_ms.mean"},
        {"latency_constant_ms", "latency_ms.constant"},
        {"latency_dist", "latency_ms.dist"}};
    for (std::size_t i = 0; i < sc.services.size(); ++i) {
        const Service& s = sc.services[i];
        const std::string key = "service[" + std::to_string(i) + "].";
        check_table(service_keys(), s, key, s.name + ".", out, latency_names);
        if (s.latency.dist == LatencyDist::lognormal && s.latency.p99_ms < s.latency.p50_ms)
            out.push_back({key + "latency_ms.p99",
                           number_text(s.latency.p99_ms) + " is below p50 (" +
                               number_text(s.latency.p50_ms) + "); expected p99 >= p50"});
        for (std::size_t j = 0; j < s.dependencies.size(); ++j) {
            const Dependency& d = s.dependencies[j];
            const std::string dkey = key + "dependency[" + std::to_string(j) + "].";
            if (!sc.find_service(d.target))
                out.push_back(
                    {dkey + "target", "\"" + d.target + "\" is not a service of this scenario"});
            if (d.target == s.name)
                out.push_back({dkey + "target", "a service cannot call itself"});
            for (std::size_t k = 0; k < j; ++k) {
                if (s.dependencies[k].target == d.target)
                    out.push_back({dkey + "target",
                                   "\"" + d.target + "\" is already a dependency of " + s.name});
            }
            const std::string path = s.name + "->" + d.target + ".";
            check_table(edge_keys(), d, dkey, path, out,
                        {{"retry.max_attempts", "retry.max_attempts"}});
            if (d.breaker) {
                for (const ParamSpec& p : breaker_params(d.breaker->preset())) {
                    const auto v = get_param(*d.breaker, p.key);
                    if (!v) continue;
                    double stored = 0;
                    const std::string e =
                        check_value(spec_of(p, path + "breaker."), SettingValue(*v), stored);
                    if (!e.empty())
                        out.push_back({dkey + "breaker." + p.key, e.substr(e.find(": ") + 2)});
                }
                if (std::string e = check_settings(*d.breaker); !e.empty())
                    out.push_back({dkey + "breaker", std::move(e)});
            }
        }
    }
    // Dependency cycles (depth-first search over the call graph).
    if (out.empty()) {
        std::vector<int> mark(sc.services.size(), 0);
        std::function<bool(std::size_t)> cyclic = [&](std::size_t i) {
            mark[i] = 1;
            for (const Dependency& d : sc.services[i].dependencies) {
                const std::size_t j = index.at(d.target);
                if (mark[j] == 1 || (mark[j] == 0 && cyclic(j))) return true;
            }
            mark[i] = 2;
            return false;
        };
        for (std::size_t i = 0; i < sc.services.size(); ++i) {
            if (mark[i] == 0 && cyclic(i)) {
                out.push_back({"service[" + std::to_string(i) + "].dependency",
                               "the dependencies of " + sc.services[i].name +
                                   " form a cycle; calls must flow one way"});
                break;
            }
        }
    }
    // Timeline: each entry must apply, in time order, to the scenario as it is then.
    if (out.empty()) {
        Scenario copy = sc;
        std::vector<std::size_t> order(sc.timeline.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return sc.timeline[a].at < sc.timeline[b].at;
        });
        for (std::size_t i : order) {
            const TimelineEntry& e = sc.timeline[i];
            const std::string key = "timeline[" + std::to_string(i) + "]";
            if (e.at < 0) {
                out.push_back({key + ".at_s", "must be >= 0"});
                continue;
            }
            const std::string error = apply_setting(copy, e.path, e.value);
            if (!error.empty())
                out.push_back({key + (find_setting(copy, e.path) ? ".value" : ".set"), error});
        }
    }
    return out;
}

// [SECTION] default_scenario -------------------------------------------------------------------

Scenario default_scenario() {
    Scenario sc;
    sc.name = "A calls B behind a gobreaker breaker";
    sc.seed = 1;
    sc.duration_s = 120;
    sc.resolution_ms = 100;
    sc.traffic.target = "A";
    sc.traffic.rate_rps = 50;
    Service a;
    a.name = "A";
    a.instances = 2;
    a.capacity = 100;
    a.latency = Latency{LatencyDist::lognormal, 1.0, 5.0, 1.0, 1.0};
    Dependency ab;
    ab.target = "B";
    ab.timeout_ms = 1000;
    GobreakerSettings g;
    g.trip = GobreakerSettings::Trip::consecutive_failures;
    g.consecutive_failures = 3;
    g.timeout_ms = 5000;
    g.max_requests = 1;
    BreakerConfig bc;
    bc.settings = g;
    ab.breaker = bc;
    a.dependencies.push_back(ab);
    Service b;
    b.name = "B";
    b.instances = 1;
    b.capacity = 50;
    b.latency = Latency{LatencyDist::lognormal, 20.0, 80.0, 20.0, 20.0};
    sc.services = {a, b};
    return sc;
}

}  // namespace cbsim
