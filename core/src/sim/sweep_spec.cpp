// sweep_spec.cpp: the sweep spec (*.sweep.toml) read and written in normal form, the grid of
// points, fault profiles as timeline entries and the scenario of each task (sweep.hpp).
//
// [SECTION] Reading helpers
// [SECTION] Axes
// [SECTION] Fault profiles
// [SECTION] The spec
// [SECTION] Normal form
// [SECTION] Points, tasks, profile timelines
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <span>

#include "cbsim/compare.hpp"
#include "cbsim/error.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/scenario_keys.hpp"
#include "cbsim/sweep.hpp"
#include "scenario_io/internal.hpp"
#include "sim/sweep_hash.hpp"

namespace cbsim {

// [SECTION] Reading helpers ------------------------------------------------------------------

namespace {

using detail::throw_config_error;
using text::number;

/// Seconds to SimTime, rounded to the microsecond (as the scenario's own times).
SimTime micros(double s) {
    return std::llround(s * 1e6);
}

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
}

/// A number (integer or float) or nothing.
std::optional<double> number_of(const toml::node& node) {
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = node.as_floating_point()) return f->get();
    return std::nullopt;
}

/// Reads number key `key` of `table` (named `where` in errors) in [min, max].
std::optional<double> read_number(const toml::table& table, std::string_view key, double min,
                                  double max, const std::string& file, const std::string& where,
                                  int table_line) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    const std::optional<double> v = number_of(*node);
    if (!v || !std::isfinite(*v) || *v < min || *v > max) {
        throw_config_error(file, line_of(*node), where + std::string(key),
                           "expected a number in [" + number(min) + ", " + number(max) + "]");
    }
    (void)table_line;
    return v;
}

double require_number(const toml::table& table, std::string_view key, double min, double max,
                      const std::string& file, const std::string& where, int table_line,
                      std::string_view why) {
    const auto v = read_number(table, key, min, max, file, where, table_line);
    if (!v) {
        throw_config_error(file, table_line, where + std::string(key),
                           "missing; " + std::string(why) + ", a number in [" + number(min) + ", " +
                               number(max) + "]");
    }
    return *v;
}

/// String key `key` of `table` (named `where` in errors): its node, or an error that says
/// what was expected.
const toml::node& require_string(const toml::table& table, std::string_view key,
                                 const std::string& file, const std::string& where, int table_line,
                                 const std::string& expected) {
    const toml::node* node = table.get(key);
    if (node == nullptr || !node->is_string())
        throw_config_error(file, node ? line_of(*node) : table_line, where + std::string(key),
                           "expected " + expected);
    return *node;
}

}  // namespace

const char* to_string(FaultKind kind) {
    switch (kind) {
        case FaultKind::healthy:
            return "healthy";
        case FaultKind::step:
            return "step";
        case FaultKind::flapping:
            return "flapping";
        case FaultKind::brownout:
            return "brownout";
        case FaultKind::partial:
            return "partial";
    }
    return "";
}

// [SECTION] Axes -----------------------------------------------------------------------------

namespace {

/// "A, B, C": the names of the services of `s`, for the error of a service it does not have.
std::string service_names(const Scenario& s) {
    std::string names;
    for (const Service& svc : s.services)
        names += (names.empty() ? "" : ", ") + svc.name;
    return names;
}

/// The values of a `linear` or `log` range table {from, to, steps}.
std::vector<double> read_range(const toml::table& range, bool log, const std::string& file,
                               const std::string& where) {
    const int line = line_of(range);
    const double lo = log ? 1e-300 : -1e300;
    const double from =
        require_number(range, "from", lo, 1e300, file, where, line, "the first value");
    const double to = require_number(range, "to", lo, 1e300, file, where, line, "the last value");
    const double steps = require_number(range, "steps", 1, static_cast<double>(kMaxAxisValues),
                                        file, where, line, "the number of values");
    if (steps != std::trunc(steps))
        throw_config_error(file, line, where + "steps",
                           "expected an integer in [1, " + std::to_string(kMaxAxisValues) + "]");
    for (const auto& [k, node] : range) {
        const std::string key(k.str());
        if (key != "from" && key != "to" && key != "steps")
            throw_config_error(file, line_of(node), where + key,
                               "unknown key; a range has from, to and steps");
    }
    const auto n = static_cast<std::size_t>(steps);
    std::vector<double> out;
    for (std::size_t i = 0; i < n; ++i) {
        const double f = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
        out.push_back(log ? std::exp(std::log(from) + f * (std::log(to) - std::log(from)))
                          : from + f * (to - from));
    }
    if (n > 1) out.back() = to;  // exact end points
    out.front() = from;
    return out;
}

/// Reads axis `index`. `bases` are the base scenario with each choice the axes before it can
/// make (a breaker preset, a latency distribution: they change which keys exist): the path must
/// be settable in one of them, and each value apply in one where it is. Whether every point
/// applies is checked once all axes are read.
SweepAxis read_axis(const toml::table& t, std::size_t index, std::span<const Scenario> bases,
                    const std::string& file, std::vector<std::string>& notes) {
    const std::string where = "axis[" + std::to_string(index) + "].";
    const int line = line_of(t);
    SweepAxis axis;
    const toml::node* path = &require_string(
        t, "path", file, where, line,
        "a settable path as a string, e.g. \"A->B.breaker.trip.consecutive_failures\" "
        "(`cbsim-cli keys`)");
    axis.path = path->as_string()->get();
    std::optional<SettingSpec> spec;
    std::vector<const Scenario*> having;  // the bases where the path exists
    for (const Scenario& b : bases) {
        if (auto found = find_setting(b, axis.path)) {
            if (!spec) spec = std::move(found);
            having.push_back(&b);
        }
    }
    if (!spec)
        throw_config_error(file, line_of(*path), where + "path",
                           "'" + printable(axis.path, 200) +
                               "' is not a settable path of the base scenario" +
                               (bases.size() > 1 ? " with any choice of the axes before it" : "") +
                               "; `cbsim-cli keys` lists the keys (paths: <service>.<key>, "
                               "<caller>-><target>.<key>, <caller>-><target>.breaker.<key>)");
    int given = 0;
    const toml::node* values_node = nullptr;
    for (const auto& [k, node] : t) {
        const std::string key(k.str());
        if (key == "path") continue;
        if (key != "values" && key != "linear" && key != "log")
            throw_config_error(file, line_of(node), where + key,
                               "unknown key; an axis has path and one of values, linear, log");
        ++given;
        values_node = &node;
    }
    if (given != 1)
        throw_config_error(file, line, where + "values",
                           "expected exactly one of values = [...], linear = {from, to, steps}, "
                           "log = {from, to, steps}");
    std::vector<SettingValue> values;
    const int values_line = line_of(*values_node);
    if (const auto* arr = values_node->as_array(); arr && t.contains("values")) {
        if (arr->empty() || arr->size() > kMaxAxisValues)
            throw_config_error(file, values_line, where + "values",
                               "expected 1 to " + std::to_string(kMaxAxisValues) + " values");
        for (const toml::node& v : *arr) {
            if (const auto n = number_of(v))
                values.emplace_back(*n);
            else if (const auto* b = v.as_boolean())
                values.emplace_back(b->get() ? 1.0 : 0.0);
            else if (const auto* s = v.as_string())
                values.emplace_back(s->get());
            else
                throw_config_error(file, line_of(v), where + "values",
                                   "expected numbers, booleans or choice names");
        }
    } else if (const auto* range = values_node->as_table()) {
        const bool log = t.contains("log");
        for (double v : read_range(*range, log, file, where + (log ? "log." : "linear.")))
            values.emplace_back(v);
    } else {
        throw_config_error(file, values_line, where + (t.contains("values") ? "values" : "linear"),
                           "expected values = [...] or a table {from, to, steps}");
    }
    // Integer keys: rounded, duplicates dropped (first kept), said in a note.
    const bool integral = spec->kind == ParamKind::integer || spec->kind == ParamKind::boolean;
    std::string rounded;
    std::string dropped;
    std::vector<SettingValue> kept;
    for (SettingValue v : values) {
        if (const double* d = std::get_if<double>(&v); d && integral && *d != std::round(*d)) {
            rounded += (rounded.empty() ? "" : ", ") + number(*d) + " -> " + number(std::round(*d));
            v = std::round(*d);
        }
        if (std::find(kept.begin(), kept.end(), v) != kept.end()) {
            dropped += (dropped.empty() ? "" : ", ") + to_string(v);
            continue;
        }
        kept.push_back(std::move(v));
    }
    if (!rounded.empty() || !dropped.empty()) {
        std::string note = file + ":" + std::to_string(values_line) + ": axis " + axis.path +
                           " is an integer key:";
        if (!rounded.empty()) note += " rounded " + rounded + ";";
        if (!dropped.empty()) note += " dropped duplicates " + dropped + ";";
        note += " " + std::to_string(kept.size()) + " values remain";
        notes.push_back(std::move(note));
    }
    for (const SettingValue& v : kept) {
        std::string first_error;
        for (const Scenario* b : having) {
            Scenario s = *b;
            std::string e = apply_setting(s, axis.path, v);
            if (e.empty()) {
                first_error.clear();
                break;
            }
            if (first_error.empty()) first_error = std::move(e);
        }
        if (!first_error.empty())
            throw_config_error(file, values_line, where + "values", first_error);
    }
    axis.values = std::move(kept);
    return axis;
}

// [SECTION] Fault profiles -------------------------------------------------------------------

FaultProfile read_profile(const toml::table& t, std::size_t index, const Scenario& base,
                          const std::string& default_service, double duration,
                          const std::string& file) {
    const std::string where = "profile[" + std::to_string(index) + "].";
    const int line = line_of(t);
    FaultProfile p;
    const toml::node* name =
        &require_string(t, "name", file, where, line,
                        "the profile's name as a string (1 to 64 letters, digits, '_' or '-')");
    p.name = name->as_string()->get();
    if (std::string e = variant_name_problem(p.name); !e.empty())
        throw_config_error(file, line_of(*name), where + "name",
                           "profile name '" + printable(p.name, 80) +
                               "' is not allowed; expected 1 to 64 letters, digits, '_' or '-', "
                               "not starting with '-'");
    const std::string kinds = "healthy, step, flapping, brownout, partial";
    const toml::node* kind = &require_string(t, "kind", file, where, line, "one of: " + kinds);
    const std::string k = kind->as_string()->get();
    bool found = false;
    for (FaultKind f : {FaultKind::healthy, FaultKind::step, FaultKind::flapping,
                        FaultKind::brownout, FaultKind::partial}) {
        if (k == to_string(f)) {
            p.kind = f;
            found = true;
        }
    }
    if (!found)
        throw_config_error(
            file, line_of(*kind), where + "kind",
            "'" + printable(k, 80) + "' is not a profile kind; expected one of: " + kinds);
    // Keys each kind takes.
    std::vector<std::string_view> keys{"name", "kind", "service"};
    switch (p.kind) {
        case FaultKind::healthy:
            break;
        case FaultKind::step:
            keys.insert(keys.end(), {"at_s", "failure_rate", "end_s"});
            break;
        case FaultKind::flapping:
            keys.insert(keys.end(), {"at_s", "period_s", "duty", "failure_rate", "end_s"});
            break;
        case FaultKind::brownout:
            keys.insert(keys.end(), {"at_s", "until_s", "factor", "step_s", "end_s"});
            break;
        case FaultKind::partial:
            keys.insert(keys.end(), {"at_s", "faulty_instances", "failure_rate", "end_s"});
            break;
    }
    for (const auto& [key, node] : t) {
        if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
        std::string list;
        for (std::string_view s : keys)
            list += (list.empty() ? "" : ", ") + std::string(s);
        throw_config_error(file, line_of(node), where + std::string(key.str()),
                           "unknown key for a " + k + " profile; it takes " + list);
    }
    p.service = default_service;
    if (const toml::node* s = t.get("service")) {
        if (!s->is_string() || base.find_service(s->as_string()->get()) == nullptr)
            throw_config_error(
                file, line_of(*s), where + "service",
                "expected the name of a service of the base scenario: " + service_names(base));
        p.service = s->as_string()->get();
    }
    const Service& svc = *base.find_service(p.service);
    if (p.kind == FaultKind::healthy) return p;
    p.at_s = require_number(t, "at_s", 0, duration, file, where, line,
                            "when the fault starts, seconds in the run");
    if (auto end = read_number(t, "end_s", 0, duration, file, where, line)) {
        if (*end <= p.at_s)
            throw_config_error(file, line_of(*t.get("end_s")), where + "end_s",
                               "expected a time after at_s = " + number(p.at_s) + ", in (" +
                                   number(p.at_s) + ", " + number(duration) + "]");
        p.end_s = *end;
    }
    if (p.kind != FaultKind::brownout)
        p.failure_rate = require_number(t, "failure_rate", 0, 1, file, where, line,
                                        "the failure rate during the fault");
    if (p.kind == FaultKind::flapping) {
        p.period_s = require_number(t, "period_s", 1e-3, duration, file, where, line,
                                    "one bad and good cycle, seconds");
        p.duty = require_number(t, "duty", 0.001, 0.999, file, where, line,
                                "the share of each period that is bad");
        const double end = p.end_s < 0 ? duration : p.end_s;
        if ((end - p.at_s) / p.period_s * 2 > static_cast<double>(kMaxProfileEntries))
            throw_config_error(file, line_of(*t.get("period_s")), where + "period_s",
                               "too short: more than " + std::to_string(kMaxProfileEntries) +
                                   " changes; expected at least " +
                                   number((end - p.at_s) * 2 / kMaxProfileEntries) + " s");
    }
    if (p.kind == FaultKind::brownout) {
        p.until_s = require_number(t, "until_s", 0, duration, file, where, line,
                                   "when the latency reaches factor times its value");
        if (p.until_s <= p.at_s)
            throw_config_error(file, line_of(*t.get("until_s")), where + "until_s",
                               "expected a time after at_s = " + number(p.at_s) + ", in (" +
                                   number(p.at_s) + ", " + number(duration) + "]");
        if (p.end_s >= 0 && p.end_s < p.until_s)
            throw_config_error(file, line_of(*t.get("end_s")), where + "end_s",
                               "expected a time at or after until_s = " + number(p.until_s));
        p.factor = require_number(t, "factor", 1.0001, 1000, file, where, line,
                                  "the latency multiplier reached at until_s");
        if (auto step = read_number(t, "step_s", 1e-3, duration, file, where, line))
            p.step_s = *step;
        if ((p.until_s - p.at_s) / p.step_s > static_cast<double>(kMaxProfileEntries) / 2)
            throw_config_error(file, line, where + "step_s",
                               "too short: more than " + std::to_string(kMaxProfileEntries) +
                                   " changes; expected at least " +
                                   number((p.until_s - p.at_s) * 2 / kMaxProfileEntries) + " s");
    }
    if (p.kind == FaultKind::partial) {
        const double k_max = static_cast<double>(svc.instances);
        const double kf = require_number(t, "faulty_instances", 1, k_max, file, where, line,
                                         "how many instances of " + p.service + " fail");
        if (kf != std::trunc(kf))
            throw_config_error(file, line_of(*t.get("faulty_instances")),
                               where + "faulty_instances",
                               "expected an integer in [1, " + number(k_max) + "]");
        p.faulty_instances = static_cast<std::int64_t>(kf);
    }
    return p;
}

}  // namespace

// [SECTION] The spec -------------------------------------------------------------------------

SweepPlan load_sweep(const std::string& path) {
    return parse_sweep(read_config_file(path), path);
}

namespace {

/// parse_sweep with the base scenario read from the spec's `scenario` key, or `given`.
SweepPlan parse_sweep_on(std::string_view text, const std::string& file, const Scenario* given) {
    detail::check_nesting(text, file);
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& e) {
        throw ConfigError(file, static_cast<int>(e.source().begin.line), "",
                          "not valid TOML: " + std::string(e.description()));
    }
    SweepPlan plan;
    SweepSpec& spec = plan.spec;
    for (const auto& [k, node] : root) {
        const std::string key(k.str());
        static constexpr std::string_view kKeys[] = {"scenario", "edge", "service",
                                                     "seeds",    "seed", "duration_s",
                                                     "kpis",     "axis", "profile"};
        if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
            throw_config_error(file, line_of(node), key,
                               "unknown key; a sweep spec has scenario, edge, service, seeds, "
                               "seed, duration_s, kpis, [[axis]] and [[profile]]");
    }
    Scenario base;
    if (given != nullptr && !root.contains("scenario")) {
        base = *given;
    } else {
        const toml::node* scenario =
            &require_string(root, "scenario", file, "", 1,
                            "the base scenario's file name as a string (relative to this file)");
        spec.scenario = scenario->as_string()->get();
        if (given != nullptr) {
            base = *given;
        } else {
            const std::filesystem::path base_path =
                std::filesystem::path(file).parent_path() / spec.scenario;
            try {
                base = load_scenario_file(base_path.string());
            } catch (const ConfigError& e) {
                throw ConfigError(e.file(), e.line(), e.key(),
                                  e.message() + " (the base scenario of " + file + ")");
            }
        }
    }
    // The edge of interest.
    const toml::node* edge = &require_string(
        root, "edge", file, "", 1, "the edge of interest as a string, \"<caller>-><target>\"");
    spec.edge = edge->as_string()->get();
    std::string edges;
    bool edge_found = false;
    std::string target;
    for (const Service& s : base.services) {
        for (const Dependency& d : s.dependencies) {
            const std::string name = s.name + "->" + d.target;
            edges += (edges.empty() ? "" : ", ") + name;
            if (name == spec.edge) {
                edge_found = true;
                target = d.target;
            }
        }
    }
    if (!edge_found)
        throw_config_error(file, line_of(*edge), "edge",
                           "'" + printable(spec.edge, 200) +
                               "' is not an edge of the base scenario; expected one of: " + edges);
    spec.service = target;
    if (const toml::node* s = root.get("service")) {
        if (!s->is_string() || base.find_service(s->as_string()->get()) == nullptr)
            throw_config_error(
                file, line_of(*s), "service",
                "expected the name of a service of the base scenario: " + service_names(base));
        spec.service = s->as_string()->get();
    }
    // Seeds and duration.
    if (const toml::node* n = root.get("seeds")) {
        const auto* i = n->as_integer();
        if (i == nullptr || i->get() < 1 || i->get() > static_cast<std::int64_t>(kMaxSweepSeeds))
            throw_config_error(
                file, line_of(*n), "seeds",
                "expected an integer in [1, " + std::to_string(kMaxSweepSeeds) + "]");
        spec.seeds = static_cast<std::uint64_t>(i->get());
    }
    if (const toml::node* n = root.get("seed")) {
        const auto* i = n->as_integer();
        if (i == nullptr || i->get() < 0)
            throw_config_error(file, line_of(*n), "seed",
                               "expected an integer in [0, 9223372036854775807]");
        spec.seed = static_cast<std::uint64_t>(i->get());
        base.seed = *spec.seed;
    }
    if (base.seed > std::numeric_limits<std::uint64_t>::max() - spec.seeds)
        throw_config_error(file, 1, "seeds", "the seeds run past 2^64 - 1; use a smaller seed");
    if (const toml::node* n = root.get("duration_s")) {
        const ScenarioKey& key = *find_key(KeyTable::top, "duration_s");
        const std::optional<double> v = number_of(*n);
        const std::string problem = v ? check_key_value(key, *v) : "expected a number";
        if (!problem.empty())
            throw_config_error(file, line_of(*n), "duration_s", problem + " (seconds)");
        spec.duration_s = *v;
        base.duration_s = *v;
    }
    // The KPI columns kept (default: every one), stored in the table's order.
    if (const toml::node* n = root.get("kpis")) {
        const std::vector<std::string> names = sweep_kpi_names();
        std::string allowed;
        for (const std::string& k : names)
            allowed += (allowed.empty() ? "" : ", ") + k;
        const toml::array* arr = n->as_array();
        if (arr == nullptr || arr->empty())
            throw_config_error(file, line_of(*n), "kpis",
                               "expected a non-empty list of KPI names: " + allowed);
        std::vector<std::string> listed;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            const std::string key = "kpis[" + std::to_string(i) + "]";
            if (!e.is_string() ||
                std::find(names.begin(), names.end(), e.as_string()->get()) == names.end())
                throw_config_error(
                    file, line_of(e), key,
                    (e.is_string() ? "'" + printable(e.as_string()->get(), 100) + "' is not a KPI"
                                   : std::string("expected a KPI name")) +
                        "; one of: " + allowed);
            if (std::find(listed.begin(), listed.end(), e.as_string()->get()) != listed.end())
                throw_config_error(file, line_of(e), key,
                                   "'" + e.as_string()->get() + "' is listed twice");
            listed.push_back(e.as_string()->get());
        }
        for (const std::string& k : names) {
            if (std::find(listed.begin(), listed.end(), k) != listed.end()) spec.kpis.push_back(k);
        }
    }
    // Axes.
    if (const toml::node* axes = root.get("axis")) {
        const auto* arr = axes->as_array();
        if (arr == nullptr || !arr->is_array_of_tables() || arr->empty() ||
            arr->size() > kMaxSweepAxes)
            throw_config_error(file, line_of(*axes), "axis", "expected 1 to 3 [[axis]] tables");
        std::vector<Scenario> bases{base};
        for (std::size_t i = 0; i < arr->size(); ++i) {
            spec.axes.push_back(read_axis(*arr->get(i)->as_table(), i, bases, file, plan.notes));
            // An axis of choices (a breaker preset, a latency distribution) changes which keys
            // the axes after it may name.
            const SweepAxis& a = spec.axes.back();
            if (i + 1 == arr->size() ||
                std::none_of(a.values.begin(), a.values.end(), [](const SettingValue& v) {
                    return std::holds_alternative<std::string>(v);
                }))
                continue;
            std::vector<Scenario> next;
            for (const Scenario& b : bases)
                for (const SettingValue& v : a.values) {
                    Scenario s = b;
                    if (apply_setting(s, a.path, v).empty()) next.push_back(std::move(s));
                }
            bases = std::move(next);
        }
        for (std::size_t i = 0; i < spec.axes.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (spec.axes[i].path == spec.axes[j].path)
                    throw_config_error(file, line_of(*arr->get(i)),
                                       "axis[" + std::to_string(i) + "].path",
                                       spec.axes[i].path + " is already axis " + std::to_string(j) +
                                           "; each path once");
    } else {
        throw_config_error(file, 1, "axis",
                           "missing; expected 1 to 3 [[axis]] tables, each a settable path with "
                           "values = [...], linear = {from, to, steps} or log = {...}");
    }
    std::size_t points = 1;
    for (const SweepAxis& a : spec.axes) {
        points *= a.values.size();
        if (points > kMaxSweepPoints)
            throw_config_error(
                file, line_of(*root.get("axis")), "axis",
                "more than " + std::to_string(kMaxSweepPoints) + " points; expected fewer values");
    }
    // Every point applies (a preset axis changes which breaker keys exist and their ranges).
    if (spec.axes.size() > 1) {
        const auto* arr = root.get("axis")->as_array();
        for (std::size_t pt = 0; pt < points; ++pt) {
            const std::vector<SettingValue> values = point_values(spec, pt);
            Scenario s = base;
            for (std::size_t i = 0; i < values.size(); ++i) {
                std::string e = apply_setting(s, spec.axes[i].path, values[i]);
                if (e.empty()) continue;
                std::string at;
                for (std::size_t j = 0; j < i; ++j)
                    at += (j == 0 ? "" : ", ") + spec.axes[j].path + " = " + to_string(values[j]);
                throw_config_error(file, line_of(*arr->get(i)),
                                   "axis[" + std::to_string(i) + "].values",
                                   e + " (with " + at +
                                       "; an axis applies after the axes before it: put a "
                                       "breaker.preset axis first and sweep keys every preset "
                                       "has)");
            }
        }
    }
    // Profiles.
    const double duration = base.duration_s;
    if (const toml::node* profiles = root.get("profile")) {
        const auto* arr = profiles->as_array();
        if (arr == nullptr || !arr->is_array_of_tables() || arr->empty() ||
            arr->size() > kMaxSweepProfiles)
            throw_config_error(
                file, line_of(*profiles), "profile",
                "expected 1 to " + std::to_string(kMaxSweepProfiles) + " [[profile]] tables");
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::table& t = *arr->get(i)->as_table();
            FaultProfile p = read_profile(t, i, base, spec.service, duration, file);
            for (const FaultProfile& q : spec.profiles)
                if (q.name == p.name)
                    throw_config_error(file, line_of(t), "profile[" + std::to_string(i) + "].name",
                                       "'" + p.name + "' is used twice; each profile its own name");
            // The generated timeline must validate on the base (its ranges and relations).
            Scenario s = base;
            const std::vector<TimelineEntry> entries = profile_timeline(p, s, p.service);
            s.timeline.insert(s.timeline.end(), entries.begin(), entries.end());
            if (const auto problems = validate(s); !problems.empty())
                throw_config_error(file, line_of(t), "profile[" + std::to_string(i) + "]",
                                   "its changes do not apply: " + problems.front().key + ": " +
                                       problems.front().message);
            spec.profiles.push_back(std::move(p));
        }
    } else {
        spec.profiles.push_back(FaultProfile{.name = "healthy", .service = spec.service});
    }
    if (const auto problems = validate(base); !problems.empty())
        throw_config_error(file, 1, problems.front().key, problems.front().message);
    plan.base = std::move(base);
    // The hash: of the normal form and the base scenario.
    plan.hash = sim::fnv1a64_hex(sweep_spec_toml(plan, "scenario.toml") + "\n" +
                                 scenario_to_toml(plan.base));
    return plan;
}

}  // namespace

SweepPlan parse_sweep(std::string_view text, const std::string& file) {
    return parse_sweep_on(text, file, nullptr);
}

SweepPlan parse_sweep(std::string_view text, const std::string& file, const Scenario& base) {
    return parse_sweep_on(text, file, &base);
}

// [SECTION] Normal form ----------------------------------------------------------------------

std::string fault_profile_toml(const FaultProfile& p, std::string_view spec_service) {
    std::string out = "[[profile]]\nname = " + detail::toml_basic_string(p.name) + "\nkind = \"" +
                      to_string(p.kind) + "\"\n";
    if (!p.service.empty() && p.service != spec_service)
        out += "service = " + detail::toml_basic_string(p.service) + "\n";
    if (p.kind == FaultKind::healthy) return out;
    out += "at_s = " + number(p.at_s) + "\n";
    switch (p.kind) {
        case FaultKind::step:
            out += "failure_rate = " + number(p.failure_rate) + "\n";
            break;
        case FaultKind::flapping:
            out += "period_s = " + number(p.period_s) + "\nduty = " + number(p.duty) +
                   "\nfailure_rate = " + number(p.failure_rate) + "\n";
            break;
        case FaultKind::brownout:
            out += "until_s = " + number(p.until_s) + "\nfactor = " + number(p.factor) +
                   "\nstep_s = " + number(p.step_s) + "\n";
            break;
        case FaultKind::partial:
            out += "faulty_instances = " + std::to_string(p.faulty_instances) +
                   "\nfailure_rate = " + number(p.failure_rate) + "\n";
            break;
        case FaultKind::healthy:
            break;
    }
    if (p.end_s >= 0) out += "end_s = " + number(p.end_s) + "\n";
    return out;
}

std::string sweep_spec_toml(const SweepPlan& plan, std::string_view scenario_name) {
    const SweepSpec& s = plan.spec;
    std::string out =
        "# cbsim sweep: re-run with `cbsim-cli sweep sweep.toml --out DIR` (docs/SWEEPS.md)\n";
    out += "scenario = " + detail::toml_basic_string(scenario_name) + "\n";
    out += "edge = " + detail::toml_basic_string(s.edge) + "\n";
    out += "service = " + detail::toml_basic_string(s.service) + "\n";
    out += "seeds = " + std::to_string(s.seeds) + "\n";
    // The first seed is the base scenario's (the spec's `seed` was applied to it): a seed
    // above 2^63 - 1 is no TOML integer, but the scenario file holds any seed.
    out += "duration_s = " + number(plan.base.duration_s) + "\n";
    if (!s.kpis.empty()) {
        out += "kpis = [";
        for (std::size_t i = 0; i < s.kpis.size(); ++i)
            out += (i == 0 ? "" : ", ") + detail::toml_basic_string(s.kpis[i]);
        out += "]\n";
    }
    for (const SweepAxis& a : s.axes) {
        out += "\n[[axis]]\npath = " + detail::toml_basic_string(a.path) + "\nvalues = [";
        for (std::size_t i = 0; i < a.values.size(); ++i) {
            out += i == 0 ? "" : ", ";
            if (const auto* str = std::get_if<std::string>(&a.values[i]))
                out += detail::toml_basic_string(*str);
            else
                out += number(std::get<double>(a.values[i]));
        }
        out += "]\n";
    }
    for (const FaultProfile& p : s.profiles)
        out += "\n" + fault_profile_toml(p, s.service);
    return out;
}

// [SECTION] Points, tasks, profile timelines -------------------------------------------------

std::size_t point_count(const SweepSpec& spec) {
    std::size_t n = 1;
    for (const SweepAxis& a : spec.axes)
        n *= a.values.size();
    return n;
}

std::vector<SettingValue> point_values(const SweepSpec& spec, std::size_t point) {
    std::vector<SettingValue> out(spec.axes.size());
    for (std::size_t i = spec.axes.size(); i-- > 0;) {
        const std::size_t n = spec.axes[i].values.size();
        out[i] = spec.axes[i].values[point % n];
        point /= n;
    }
    return out;
}

std::size_t task_count(const SweepSpec& spec) {
    return point_count(spec) * spec.profiles.size() * spec.seeds;
}

SweepTask sweep_task(const SweepPlan& plan, std::size_t task) {
    const std::size_t seeds = plan.spec.seeds;
    const std::size_t profiles = plan.spec.profiles.size();
    return SweepTask{task / (profiles * seeds), (task / seeds) % profiles,
                     plan.base.seed + task % seeds};
}

std::vector<TimelineEntry> profile_timeline(const FaultProfile& p, const Scenario& scenario,
                                            const std::string& service) {
    std::vector<TimelineEntry> out;
    const Service* svc = scenario.find_service(service);
    if (svc == nullptr || p.kind == FaultKind::healthy) return out;
    const std::string rate_path = service + ".failure_rate";
    const SimTime at = micros(p.at_s);
    const SimTime end = p.end_s >= 0 ? micros(p.end_s) : scenario.duration();
    const auto add = [&](SimTime t, const std::string& path, SettingValue v) {
        out.push_back(TimelineEntry{t, path, std::move(v)});
    };
    switch (p.kind) {
        case FaultKind::healthy:
            break;
        case FaultKind::step:
            add(at, rate_path, p.failure_rate);
            if (p.end_s >= 0) add(end, rate_path, svc->failure_rate);
            break;
        case FaultKind::flapping: {
            const SimTime period = micros(p.period_s);
            const SimTime bad = std::max<SimTime>(1, micros(p.period_s * p.duty));
            for (SimTime t = at; t < end; t += period) {
                add(t, rate_path, p.failure_rate);
                add(std::min(t + bad, end), rate_path, svc->failure_rate);
            }
            if (p.end_s < 0 && !out.empty() && out.back().at >= scenario.duration())
                out.pop_back();  // a restore at the very end changes nothing
            break;
        }
        case FaultKind::brownout: {
            // Latency keys of the service's distribution; the larger one first when growing
            // (p99 >= p50 holds after every entry).
            std::vector<std::pair<std::string, double>> keys;
            switch (svc->latency.dist) {
                case LatencyDist::lognormal:
                    keys = {{service + ".latency_p99_ms", svc->latency.p99_ms},
                            {service + ".latency_p50_ms", svc->latency.p50_ms}};
                    break;
                case LatencyDist::exponential:
                    keys = {{service + ".latency_mean_ms", svc->latency.mean_ms}};
                    break;
                case LatencyDist::constant:
                    keys = {{service + ".latency_constant_ms", svc->latency.constant_ms}};
                    break;
            }
            // Step k at at + k step sets the latency reached at the end of that step, so
            // the ramp is factor times by until_s.
            const SimTime until = micros(p.until_s);
            const SimTime step = std::max<SimTime>(1, micros(p.step_s));
            for (SimTime t = at; t < until; t += step) {
                const double f = std::min(
                    1.0, static_cast<double>(t - at + step) / static_cast<double>(until - at));
                const double g = 1.0 + (p.factor - 1.0) * f;
                for (const auto& [path, base] : keys)
                    add(t, path, base * g);
                if (f >= 1.0) break;
            }
            if (p.end_s >= 0) {
                for (auto it = keys.rbegin(); it != keys.rend(); ++it)
                    add(end, it->first, it->second);
            }
            break;
        }
        case FaultKind::partial:
            add(at, service + ".faulty_instances", static_cast<double>(p.faulty_instances));
            add(at, rate_path, p.failure_rate);
            if (p.end_s >= 0) {
                add(end, rate_path, svc->failure_rate);
                add(end, service + ".faulty_instances", static_cast<double>(svc->faulty_instances));
            }
            break;
    }
    return out;
}

Scenario point_scenario(const SweepPlan& plan, std::size_t point) {
    Scenario s = plan.base;
    const std::vector<SettingValue> values = point_values(plan.spec, point);
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::string e = apply_setting(s, plan.spec.axes[i].path, values[i]); !e.empty())
            throw ConfigError("", 0, plan.spec.axes[i].path,
                              e + " (point " + std::to_string(point) + ")");
    }
    return s;
}

Scenario task_scenario(const SweepPlan& plan, std::size_t task) {
    const SweepTask t = sweep_task(plan, task);
    Scenario s = point_scenario(plan, t.point);
    const FaultProfile& p = plan.spec.profiles[t.profile];
    // Appended: entries apply in (time, position) order, so the profile's come after the
    // base's of the same instant.
    for (TimelineEntry& e : profile_timeline(p, s, p.service))
        s.timeline.push_back(std::move(e));
    s.seed = t.seed;
    return s;
}

}  // namespace cbsim
