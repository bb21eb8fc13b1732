// scenario.cpp: the settable paths, validate() and the default scenario, all driven by the key
// table of scenario_keys.hpp (and the breaker presets' ParamSpecs below `breaker.`).
//
// [SECTION] Values and names
// [SECTION] Specs and value checks
// [SECTION] Paths
// [SECTION] setting_specs / get / apply
// [SECTION] validate
// [SECTION] default_scenario
#include "cbsim/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <span>
#include <utility>

#include "breaker_toml.hpp"
#include "cbsim/edge_name.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/scenario_keys.hpp"
#include "cbsim/text.hpp"

namespace cbsim {

// [SECTION] Values and names -------------------------------------------------------------------

std::string to_string(const SettingValue& value) {
    if (const auto* s = std::get_if<std::string>(&value)) return *s;
    // -0 as "0", as the scenario writer spells it, so a re-run of an export shows the same text.
    const double v = std::get<double>(value);
    return text::shortest(v == 0.0 ? 0.0 : v);
}

SettingValue setting_value_from_text(std::string_view text) {
    // An integer no double holds stays text: check_value() then echoes it as typed.
    if (text::inexact_integer_literal(text)) return SettingValue(std::string(text));
    double v = 0.0;
    const char* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, v);
    if (!text.empty() && r.ec == std::errc() && r.ptr == end) return SettingValue(v);
    return SettingValue(std::string(text));
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

namespace {

std::vector<std::string> preset_choices() {
    std::vector<std::string> out{"none"};
    for (const PresetInfo& info : all_presets())
        out.emplace_back(info.name);
    return out;
}

// [SECTION] Specs and value checks ---------------------------------------------------------------

/// The breaker-parameter view of a spec, so that both share one check and one message shape.
/// `names` keeps the choice pointers alive.
ParamSpec param_of(const SettingSpec& spec, std::vector<const char*>& names) {
    names.clear();
    for (const std::string& c : spec.choices)
        names.push_back(c.c_str());
    return ParamSpec{spec.path.c_str(), spec.kind, spec.min, spec.max, names, spec.help.c_str()};
}

/// The spec of a settable key of `object` (the key table's object), its range narrowed by the
/// keys it is bound to (p50 <= p99, faulty_instances <= instances).
SettingSpec spec_of(const ScenarioKey& k, const std::string& prefix, const void* object) {
    SettingSpec s{prefix + k.path, k.kind(), k.min, k.max, {}, k.help, k.label, k.unit};
    for (const char* c : k.choices)
        s.choices.emplace_back(c);
    if (k.type == KeyType::choice) s.max = static_cast<double>(k.choices.size()) - 1;
    if (object == nullptr) return s;
    const KeyTable home = object_table(k.table);
    if (k.at_least != nullptr)
        s.min = std::max(s.min, find_key_by_path(home, k.at_least)->get(object));
    if (k.at_most != nullptr)
        s.max = std::min(s.max, find_key_by_path(home, k.at_most)->get(object));
    for (const ScenarioKey& other : scenario_keys()) {
        if (other.path == nullptr || object_table(other.table) != home) continue;
        if (other.at_least != nullptr && std::string_view(other.at_least) == k.path)
            s.max = std::min(s.max, other.get(object));
        if (other.at_most != nullptr && std::string_view(other.at_most) == k.path)
            s.min = std::max(s.min, other.get(object));
    }
    return s;
}

SettingSpec spec_of(const ParamSpec& p, const std::string& prefix) {
    SettingSpec s{prefix + p.key, p.kind, p.min, p.max, {}, p.help ? p.help : "", p.key, ""};
    for (const char* c : p.choices)
        s.choices.emplace_back(c);
    return s;
}

SettingSpec preset_spec(const std::string& path) {
    return SettingSpec{path,
                       ParamKind::choice,
                       0,
                       static_cast<double>(kPresetCount),
                       preset_choices(),
                       "Breaker preset (library); none = no breaker. A new preset starts from its "
                       "library's defaults.",
                       "breaker",
                       ""};
}

/// Checks a value against a spec; on success `out` is the number to store (choice index).
std::string check_value(const SettingSpec& spec, const SettingValue& value, double& out) {
    std::vector<const char*> names;
    const ParamSpec p = param_of(spec, names);
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
        // Every numeric key's range lies within +-2^53, so an integer beyond it is out of
        // range; it is shown as written, not as the nearest double.
        if (spec.kind != ParamKind::choice && spec.kind != ParamKind::boolean &&
            text::inexact_integer_literal(*text) && p.max < text::kExactIntegers &&
            p.min > -text::kExactIntegers)
            return spec.path + ": " + *text + " is out of range; expected " +
                   detail::describe_allowed(p);
        return spec.path + ": \"" + *text + "\" is not allowed; expected " +
               detail::describe_allowed(p);
    }
    const double v = std::get<double>(value);
    if (std::string e = detail::check_param_value(p, v); !e.empty()) return spec.path + ": " + e;
    out = v;
    return {};
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
    const ScenarioKey* key = nullptr;  ///< traffic, service and edge keys
    std::string_view rest;             ///< the path below the object
    std::string head;                  ///< the path up to `rest`, dot included
};

Target resolve(Scenario& sc, std::string_view path) {
    Target t;
    const auto dot = path.find('.');
    if (dot == std::string_view::npos) return t;
    const std::string_view head = path.substr(0, dot);
    t.rest = path.substr(dot + 1);
    t.head = std::string(path.substr(0, dot + 1));
    if (head == "traffic") {
        t.key = find_key_by_path(KeyTable::traffic, t.rest);
        if (t.key != nullptr) t.what = Target::What::traffic;
        return t;
    }
    const auto edge = EdgeName::parse(head);
    if (!edge) {
        t.service = sc.find_service(head);
        t.key = find_key_by_path(KeyTable::service, t.rest);
        if (t.service != nullptr && t.key != nullptr) t.what = Target::What::service;
        return t;
    }
    Service* caller = sc.find_service(edge->caller);
    if (caller == nullptr) return t;
    for (Dependency& d : caller->dependencies) {
        if (d.target == edge->target) t.edge = &d;
    }
    if (t.edge == nullptr) return t;
    t.service = caller;
    if (t.rest == "breaker.preset") {
        t.what = Target::What::breaker_preset;
    } else if (t.rest.starts_with("breaker.")) {
        t.what = Target::What::breaker_param;
        t.head += "breaker.";
        t.rest = t.rest.substr(8);
    } else {
        t.key = find_key_by_path(KeyTable::dependency, t.rest);
        if (t.key != nullptr) t.what = Target::What::edge;
    }
    return t;
}

/// The object a resolved key belongs to.
void* object_of(Scenario& sc, const Target& t) {
    switch (t.what) {
        case Target::What::traffic:
            return &sc.traffic;
        case Target::What::service:
            return t.service;
        case Target::What::edge:
            return t.edge;
        default:
            return nullptr;
    }
}

/// The settable keys of an object, in table order.
template <typename F>
void for_settable(KeyTable object, F&& f) {
    for (const ScenarioKey& k : scenario_keys()) {
        if (k.settable() && object_table(k.table) == object) f(k);
    }
}

}  // namespace

// [SECTION] setting_specs / get / apply --------------------------------------------------------

std::vector<SettingSpec> setting_specs(const Scenario& scenario) {
    std::vector<SettingSpec> out;
    for_settable(KeyTable::traffic, [&](const ScenarioKey& k) {
        out.push_back(spec_of(k, "traffic.", &scenario.traffic));
    });
    for (const Service& s : scenario.services) {
        const std::string prefix = s.name + ".";
        for_settable(KeyTable::service,
                     [&](const ScenarioKey& k) { out.push_back(spec_of(k, prefix, &s)); });
        for (const Dependency& d : s.dependencies) {
            const std::string edge = EdgeName{s.name, d.target}.text() + ".";
            for_settable(KeyTable::dependency,
                         [&](const ScenarioKey& k) { out.push_back(spec_of(k, edge, &d)); });
            out.push_back(preset_spec(edge + "breaker.preset"));
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
    switch (t.what) {
        case Target::What::none:
            return std::nullopt;
        case Target::What::traffic:
        case Target::What::service:
        case Target::What::edge:
            return spec_of(*t.key, t.head, object_of(sc, t));
        case Target::What::breaker_preset:
            return preset_spec(std::string(path));
        case Target::What::breaker_param:
            if (!t.edge->breaker) return std::nullopt;
            if (const ParamSpec* p = find_param(t.edge->breaker->preset(), t.rest))
                return spec_of(*p, t.head);
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<SettingValue> get_setting(const Scenario& scenario, std::string_view path) {
    auto& sc = const_cast<Scenario&>(scenario);  // resolve() only reads
    const Target t = resolve(sc, path);
    double v = 0;
    ParamKind kind = ParamKind::real;
    std::span<const char* const> choices;
    switch (t.what) {
        case Target::What::traffic:
        case Target::What::service:
        case Target::What::edge:
            v = t.key->get(object_of(sc, t));
            kind = t.key->kind();
            choices = t.key->choices;
            break;
        case Target::What::breaker_preset:
            return SettingValue(
                std::string(t.edge->breaker ? to_string(t.edge->breaker->preset()) : "none"));
        case Target::What::breaker_param: {
            if (!t.edge->breaker) return std::nullopt;
            const ParamSpec* p = find_param(t.edge->breaker->preset(), t.rest);
            if (p == nullptr) return std::nullopt;
            v = get_param(*t.edge->breaker, t.rest).value_or(0.0);
            kind = p->kind;
            choices = p->choices;
            break;
        }
        case Target::What::none:
            return std::nullopt;
    }
    if (kind == ParamKind::choice) {
        const auto i = static_cast<std::size_t>(v);
        if (i < choices.size()) return SettingValue(std::string(choices[i]));
    }
    return SettingValue(v);
}

namespace {

bool well_formed_name(const std::string& n);

/// True if `from` reaches `to` through dependencies (or is it).
bool reaches(const Scenario& sc, const std::string& from, const std::string& to) {
    if (from == to) return true;
    const Service* s = sc.find_service(from);
    if (s == nullptr) return false;
    return std::any_of(s->dependencies.begin(), s->dependencies.end(),
                       [&](const Dependency& d) { return reaches(sc, d.target, to); });
}

std::string apply_topology(Scenario& sc, std::string_view path, const SettingValue& value) {
    const std::string p(path);
    const auto* text = std::get_if<std::string>(&value);
    if (text == nullptr) return p + ": expected a name (a string), got " + to_string(value);
    const std::string& v = *text;
    if (path == topology::kAddService || path == topology::kRemoveService) {
        const bool add = path == topology::kAddService;
        Service* s = sc.find_service(v);
        if (add) {
            if (!well_formed_name(v))
                return p + ": \"" + v +
                       "\" is not a valid name; expected letters, digits, '_' and '-' (not "
                       "\"client\" or \"traffic\")";
            if (s != nullptr)
                return p + ": \"" + v + "\" is used by another service; names are unique";
            if (sc.services.size() >= 1000) return p + ": at most 1000 services";
            sc.services.emplace_back().name = v;
            return {};
        }
        if (s == nullptr) return p + ": \"" + v + "\" is not a service of this scenario";
        if (sc.traffic.target == v)
            return p + ": \"" + v +
                   "\" is the entry service (traffic.target); it cannot be removed";
        for (const Service& caller : sc.services) {
            for (const Dependency& d : caller.dependencies) {
                if (d.target == v)
                    return p + ": \"" + v + "\" is still called by " + caller.name +
                           "; remove the dependency " + EdgeName{caller.name, v}.text() + " first";
            }
        }
        std::erase_if(sc.services, [&](const Service& x) { return x.name == v; });
        return {};
    }
    const auto edge = EdgeName::parse(v);
    if (!edge || edge->is_entry())
        return p + ": \"" + v + "\" is not an edge name; expected CALLER->TARGET";
    Service* caller = sc.find_service(edge->caller);
    if (caller == nullptr)
        return p + ": \"" + edge->caller + "\" is not a service of this scenario";
    auto it = std::find_if(caller->dependencies.begin(), caller->dependencies.end(),
                           [&](const Dependency& d) { return d.target == edge->target; });
    if (path == topology::kRemoveDependency) {
        if (it == caller->dependencies.end())
            return p + ": " + v + " is not a dependency of this scenario";
        caller->dependencies.erase(it);
        return {};
    }
    if (sc.find_service(edge->target) == nullptr)
        return p + ": \"" + edge->target + "\" is not a service of this scenario";
    if (edge->target == edge->caller) return p + ": a service cannot call itself";
    if (it != caller->dependencies.end())
        return p + ": \"" + edge->target + "\" is already a dependency of " + edge->caller;
    if (caller->dependencies.size() >= 100) return p + ": at most 100 dependencies per service";
    if (reaches(sc, edge->target, edge->caller))
        return p + ": " + v + " would close a cycle (" + edge->target + " already reaches " +
               edge->caller + "); calls must flow one way";
    caller->dependencies.emplace_back().target = edge->target;
    return {};
}

}  // namespace

bool is_topology_path(std::string_view path) {
    return path == topology::kAddService || path == topology::kRemoveService ||
           path == topology::kAddDependency || path == topology::kRemoveDependency;
}

bool is_breaker_preset_path(std::string_view path) {
    return path.ends_with(".breaker.preset");
}

std::string apply_settings_together(Scenario& scenario, const std::vector<Change>& changes,
                                    std::size_t* failed) {
    const auto refuse = [&](std::size_t i, std::string message) {
        if (failed != nullptr) *failed = i;
        return message;
    };
    for (std::size_t i = 0; i < changes.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (changes[j].path == changes[i].path)
                return refuse(
                    i, printable(changes[i].path, 200) + ": given twice; give each path once");
        }
    }
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < changes.size(); ++i)
        if (is_breaker_preset_path(changes[i].path)) pending.push_back(i);
    for (std::size_t i = 0; i < changes.size(); ++i)
        if (!is_breaker_preset_path(changes[i].path)) pending.push_back(i);
    std::vector<std::string> errors(changes.size());
    for (bool progress = true; progress && !pending.empty();) {
        progress = false;
        std::vector<std::size_t> left;
        for (const std::size_t i : pending) {
            errors[i] = apply_setting(scenario, changes[i].path, changes[i].value);
            if (errors[i].empty()) {
                progress = true;
            } else {
                left.push_back(i);
            }
        }
        pending = std::move(left);
    }
    if (pending.empty()) return {};
    const std::size_t first = *std::min_element(pending.begin(), pending.end());
    return refuse(first, errors[first]);
}

std::string check_changes(const Scenario& scenario, const std::vector<Change>& changes) {
    Scenario copy = scenario;
    for (const Change& c : changes) {
        if (std::string error = apply_setting(copy, c.path, c.value); !error.empty()) return error;
    }
    return {};
}

std::vector<Change> recreate_changes(const Scenario& from, const Scenario& to,
                                     std::string_view name) {
    const auto edge = EdgeName::parse(name);
    std::vector<Change> out;
    Scenario now = to;
    std::vector<Change> pending;
    std::vector<std::string> prefixes;
    if (edge) {
        const Service* s = from.find_service(edge->caller);
        if (s == nullptr) return {};
        if (std::none_of(s->dependencies.begin(), s->dependencies.end(),
                         [&](const Dependency& d) { return d.target == edge->target; }))
            return {};
        out.push_back({std::string(topology::kAddDependency), std::string(name)});
        prefixes.push_back(std::string(name) + ".");
    } else {
        const Service* s = from.find_service(name);
        if (s == nullptr) return {};
        out.push_back({std::string(topology::kAddService), std::string(name)});
        prefixes.push_back(std::string(name) + ".");
        for (const Dependency& d : s->dependencies) {
            const std::string e = EdgeName{s->name, d.target}.text();
            pending.push_back({std::string(topology::kAddDependency), e});
            prefixes.push_back(e + ".");
        }
    }
    if (!apply_setting(now, out.front().path, out.front().value).empty()) return {};
    for (const SettingSpec& spec : setting_specs(from)) {
        if (std::none_of(prefixes.begin(), prefixes.end(),
                         [&](const std::string& p) { return spec.path.starts_with(p); }))
            continue;
        if (const auto v = get_setting(from, spec.path)) pending.push_back({spec.path, *v});
    }
    // Each pending change in an order in which it applies (a bound such as p50 <= p99 may need
    // the other key first); a value equal to the one in force is left out.
    for (bool progress = true; progress && !pending.empty();) {
        progress = false;
        for (auto it = pending.begin(); it != pending.end();) {
            if (get_setting(now, it->path) == std::optional(it->value)) {
                it = pending.erase(it);
                progress = true;
            } else if (apply_setting(now, it->path, it->value).empty()) {
                out.push_back(std::move(*it));
                it = pending.erase(it);
                progress = true;
            } else {
                ++it;
            }
        }
    }
    return out;
}

std::string rename_service(Scenario& sc, std::string_view from, std::string_view to) {
    const std::string f(from), t(to);
    if (sc.find_service(f) == nullptr) return "\"" + f + "\" is not a service of this scenario";
    if (f == t) return {};
    if (!well_formed_name(t))
        return "\"" + t +
               "\" is not a valid name; expected letters, digits, '_' and '-' (not \"client\" or "
               "\"traffic\")";
    if (sc.find_service(t) != nullptr)
        return "\"" + t + "\" is used by another service; names are unique";
    auto name = [&](std::string& n) {
        if (n == f) n = t;
    };
    auto edge = [&](std::string& text) {
        if (auto e = EdgeName::parse(text)) {
            name(e->caller);
            name(e->target);
            text = e->text();
        } else {
            name(text);
        }
    };
    for (Service& s : sc.services) {
        name(s.name);
        for (Dependency& d : s.dependencies)
            name(d.target);
    }
    name(sc.traffic.target);
    for (TimelineEntry& e : sc.timeline) {
        if (is_topology_path(e.path)) {
            if (auto* v = std::get_if<std::string>(&e.value)) edge(*v);
            continue;
        }
        const auto dot = e.path.find('.');
        if (dot == std::string::npos) continue;
        std::string head = e.path.substr(0, dot);
        edge(head);
        e.path = head + e.path.substr(dot);
    }
    return {};
}

std::string missing_breaker(const Scenario& scenario, std::string_view path) {
    const Target t = resolve(const_cast<Scenario&>(scenario), path);  // resolve() only reads
    if (t.what != Target::What::breaker_param || t.edge->breaker) return {};
    const std::string edge(path.substr(0, path.find('.')));
    std::string presets;
    for (const std::string& p : preset_choices()) {
        if (p == "none") continue;
        presets += presets.empty() ? "" : ", ";
        presets += p;
    }
    return printable(path, 200) + ": the edge " + printable(edge, 200) + " has no breaker; set " +
           printable(edge, 200) + ".breaker.preset too (one of: " + presets +
           "), and its keys apply on top of that preset's defaults";
}

std::string apply_setting(Scenario& scenario, std::string_view path, const SettingValue& value) {
    if (is_topology_path(path)) return apply_topology(scenario, path, value);
    const auto spec = find_setting(scenario, path);
    if (!spec) {
        if (std::string e = missing_breaker(scenario, path); !e.empty()) return e;
        return std::string(path) +
               ": not a settable path; expected traffic.<key>, <service>.<key>, "
               "<caller>-><target>.<key> or <caller>-><target>.breaker.<key> of this scenario";
    }
    double v = 0;
    if (std::string error = check_value(*spec, value, v); !error.empty()) return error;
    const Target t = resolve(scenario, path);
    switch (t.what) {
        case Target::What::traffic:
        case Target::What::service:
        case Target::What::edge:
            t.key->set(object_of(scenario, t), v);
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
            const std::string error = set_param(*t.edge->breaker, t.rest, v);
            if (!error.empty()) return std::string(path) + ": " + error;
            break;
        }
        case Target::What::none:
            break;
    }
    return {};
}

const char* to_string(SettingScope scope) {
    return scope == SettingScope::world ? "world" : "protection";
}

std::optional<SettingScope> setting_scope(const Scenario& scenario, std::string_view path) {
    if (is_topology_path(path)) return SettingScope::world;
    if (!find_setting(scenario, path)) return std::nullopt;
    const Target t = resolve(const_cast<Scenario&>(scenario), path);  // resolve() only reads
    if (t.key != nullptr && object_table(t.key->table) != KeyTable::dependency)
        return SettingScope::world;
    return SettingScope::protection;  // a dependency key or the edge's breaker
}

// [SECTION] validate ---------------------------------------------------------------------------

namespace {

bool well_formed_name(const std::string& n) {
    if (n.empty() || n == EdgeName::kClient || n == "traffic") return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

/// The problem key of `k` in the file's terms: `service[1].` + `latency_ms.` + `p99`.
std::string file_key(const std::string& object_key, const ScenarioKey& k) {
    std::string out = object_key;
    if (k.table == KeyTable::latency) out += "latency_ms.";
    if (k.table == KeyTable::retry) out += "retry.";
    return out + k.name;
}

/// Range and bound checks of every numeric key of an object (`object_key` names it in the
/// file's terms, "service[1]." or "" for the top level).
void check_object(KeyTable object, const void* obj, const std::string& object_key,
                  std::vector<ScenarioProblem>& out) {
    for (const ScenarioKey& k : scenario_keys()) {
        if (!k.numeric() || k.get == nullptr || object_table(k.table) != object) continue;
        const double v = k.get(obj);
        if (std::string e = check_key_value(k, v); !e.empty()) {
            out.push_back({file_key(object_key, k), std::move(e)});
            continue;
        }
        auto bound = [&](const char* other_path, bool at_least) {
            if (other_path == nullptr) return;
            const ScenarioKey* other = find_key_by_path(object, other_path);
            const double w = other->get(obj);
            if (at_least ? v >= w : v <= w) return;
            out.push_back({file_key(object_key, k),
                           text::number(v) + (at_least ? " is below " : " is above ") +
                               other->name + " (" + text::number(w) + "); expected " + k.name +
                               (at_least ? " >= " : " <= ") + other->name});
        };
        bound(k.at_least, true);
        bound(k.at_most, false);
    }
}

}  // namespace

std::vector<ScenarioProblem> validate(const Scenario& sc) {
    std::vector<ScenarioProblem> out;
    check_object(KeyTable::top, &sc, "", out);
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
    check_object(KeyTable::traffic, &sc.traffic, "traffic.", out);
    const ScenarioKey& rate = *find_key(KeyTable::traffic, "rate_rps");
    SimTime last_phase = 0;
    for (std::size_t i = 0; i < sc.traffic.phases.size(); ++i) {
        const TrafficPhase& p = sc.traffic.phases[i];
        const std::string key = "traffic.phases[" + std::to_string(i) + "]";
        if (p.at < last_phase)
            out.push_back({key + ".at_s", "phases must be sorted by at_s (>= 0, non-decreasing)"});
        last_phase = std::max(last_phase, p.at);
        if (std::string e = check_key_value(rate, p.rate_rps); !e.empty())
            out.push_back({key + ".rate_rps", std::move(e)});
        if (p.ramp < 0) out.push_back({key + ".ramp_s", "must be >= 0"});
    }
    for (std::size_t i = 0; i < sc.services.size(); ++i) {
        const Service& s = sc.services[i];
        const std::string key = "service[" + std::to_string(i) + "].";
        check_object(KeyTable::service, &s, key, out);
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
            check_object(KeyTable::dependency, &d, dkey, out);
            if (d.breaker) {
                for (const ParamSpec& p : breaker_params(d.breaker->preset())) {
                    const auto v = get_param(*d.breaker, p.key);
                    if (!v) continue;
                    if (std::string e = detail::check_param_value(p, *v); !e.empty())
                        out.push_back({dkey + "breaker." + p.key, std::move(e)});
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
        std::vector<bool> bad(sc.timeline.size());
        for (std::size_t i = 0; i < sc.timeline.size(); ++i) {
            const std::string key = "timeline[" + std::to_string(i) + "]";
            if (sc.timeline[i].at < 0) {
                out.push_back({key + ".at_s", "must be >= 0"});
                bad[i] = true;
            } else if (std::string p = gesture_problem(sc.timeline[i]); !p.empty()) {
                out.push_back({key + ".steps", p});
                bad[i] = true;
            }
        }
        for (const TimelineAction& a : timeline_actions(sc.timeline)) {
            if (a.step == TimelineAction::kGestureEnd || bad[a.entry]) continue;
            const TimelineEntry& e = sc.timeline[a.entry];
            const std::string key = "timeline[" + std::to_string(a.entry) + "]";
            const SettingValue value = e.gesture() ? SettingValue(e.steps[a.step].value) : e.value;
            const std::string error = apply_setting(copy, e.path, value);
            if (!error.empty()) {
                const bool known = is_topology_path(e.path) || find_setting(copy, e.path);
                out.push_back({key + (!known ? ".set" : e.gesture() ? ".steps" : ".value"), error});
                if (e.gesture()) bad[a.entry] = true;  // one message per gesture
            }
        }
    }
    return out;
}

std::vector<TimelineAction> timeline_actions(const std::vector<TimelineEntry>& timeline) {
    std::vector<TimelineAction> out;
    out.reserve(timeline.size());
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        const TimelineEntry& e = timeline[i];
        if (!e.gesture()) {
            out.push_back({e.at, i, 0});
            continue;
        }
        for (std::size_t k = 0; k < e.steps.size(); ++k)
            out.push_back({e.steps[k].at, i, k});
        out.push_back({e.until, i, TimelineAction::kGestureEnd});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const TimelineAction& a, const TimelineAction& b) { return a.at < b.at; });
    return out;
}

std::string gesture_problem(const TimelineEntry& e) {
    if (!e.gesture()) return {};
    if (e.steps.front().at != e.at) return "the first step must be at at_s";
    for (std::size_t k = 1; k < e.steps.size(); ++k) {
        if (e.steps[k].at < e.steps[k - 1].at)
            return "step " + std::to_string(k) + " is earlier than the step before it";
    }
    if (e.until < e.steps.back().at) return "until_s must not be earlier than the last step";
    const double* last = std::get_if<double>(&e.value);
    if (!last || *last != e.steps.back().value)
        return "the last step's value must be the entry's value";
    return {};
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

Scenario new_scenario() {
    Scenario sc;
    sc.name = "new scenario";
    sc.services.emplace_back().name = sc.traffic.target;
    return sc;
}

}  // namespace cbsim
