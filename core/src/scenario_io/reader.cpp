// reader.cpp: scenario TOML text -> Scenario, with the line of every key kept for errors.
//
// [SECTION] Nodes, lines and types
// [SECTION] Reader (tables, typed values)
// [SECTION] Scenario tables
// [SECTION] Entry points
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "breaker_toml.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/scenario_keys.hpp"
#include "scenario_io/internal.hpp"

namespace cbsim {

// [SECTION] Nodes, lines and types -------------------------------------------------------------

namespace {

int line_of(const toml::source_region& region) {
    return static_cast<int>(std::min<toml::source_index>(region.begin.line, 1u << 30));
}

const char* type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date or time";
    }
}

/// "a, b and c": the keys a table knows, for messages.
std::string key_list(const std::vector<std::string_view>& keys) {
    std::string out;
    std::size_t i = 0;
    for (std::string_view k : keys) {
        if (i > 0) out += (i + 1 == keys.size()) ? " and " : ", ";
        out += k;
        ++i;
    }
    return out;
}

std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

/// Records the line of every node under `node`, keyed by its path in file terms
/// ("service[0].latency_ms.p99"), so problems found later (by validate()) name a line.
void collect_lines(const toml::node& node, const std::string& path,
                   std::map<std::string, int>& lines) {
    lines.emplace(path, line_of(node.source()));
    if (const toml::table* t = node.as_table()) {
        for (const auto& [key, value] : *t)
            collect_lines(value, child(path, key.str()), lines);
    } else if (const toml::array* a = node.as_array()) {
        for (std::size_t i = 0; i < a->size(); ++i)
            collect_lines((*a)[i], item(path, i), lines);
    }
}

// [SECTION] Reader (tables, typed values) ------------------------------------------------------

class Reader {
  public:
    explicit Reader(const std::string& file) : file_(file) {}

    Scenario read(const toml::table& root);

  private:
    [[noreturn]] void fail(int line, const std::string& key, std::string message) const {
        detail::throw_config_error(file_, line, key, std::move(message));
    }
    [[noreturn]] void fail(const toml::node& node, const std::string& key,
                           std::string message) const {
        fail(line_of(node.source()), key, std::move(message));
    }

    /// The line of `key`, or of the nearest enclosing table or array that has one.
    int line_for(std::string key) const {
        while (!key.empty()) {
            if (const auto it = lines_.find(key); it != lines_.end()) return it->second;
            const auto cut = key.find_last_of(".[");
            if (cut == std::string::npos) break;
            key.resize(cut);
        }
        return 0;
    }

    /// Fails on the first key (by line) of `table` that is not in `known`.
    void check_keys(const toml::table& table, const std::string& path,
                    const std::vector<std::string_view>& known) const {
        const toml::key* first = nullptr;
        for (const auto& [key, value] : table) {
            if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
            if (first == nullptr || key.source().begin.line < first->source().begin.line)
                first = &key;
        }
        if (first != nullptr) {
            const std::string where = path.empty() ? "the top level" : "'" + path + "'";
            fail(line_of(first->source()), child(path, first->str()),
                 "unknown key in " + where + "; known keys: " + key_list(known));
        }
    }

    /// Reads the keys of `kt` present in `table` into `object` (unknown keys fail): numbers,
    /// booleans, choices and names by the key table; the rest (subtables, arrays, the seed)
    /// through `other`, called with the key and its node.
    template <typename Other>
    void read_keys(const toml::table& table, const std::string& path, KeyTable kt, void* object,
                   Other&& other) {
        std::vector<std::string_view> known;
        for (const ScenarioKey& k : scenario_keys()) {
            if (k.table == kt) known.emplace_back(k.name);
        }
        check_keys(table, path, known);
        for (const ScenarioKey& k : scenario_keys()) {
            if (k.table != kt) continue;
            const std::string key = child(path, k.name);
            const toml::node* n = table.get(k.name);
            if (n == nullptr) {
                if (k.required) fail(line_of(table.source()), key, "is missing (required)");
                continue;
            }
            switch (k.type) {
                case KeyType::integer: {
                    // Checked here, as read: past 2^53 the double is another number.
                    const std::int64_t i = integer(*n, key);
                    if (std::string problem = check_key_integer(k, i); !problem.empty())
                        fail(*n, key, problem);
                    k.set(object, static_cast<double>(i));
                    break;
                }
                case KeyType::real:
                    k.set(object, real(*n, key));
                    break;
                case KeyType::boolean:
                    k.set(object, boolean(*n, key) ? 1.0 : 0.0);
                    break;
                case KeyType::choice:
                    k.set(object, static_cast<double>(choice(*n, key, k.choices)));
                    break;
                case KeyType::string:
                    k.set_text(object, text(*n, key));
                    break;
                default:
                    other(k, *n, key);
                    break;
            }
        }
    }

    const toml::table& as_table(const toml::node& node, const std::string& key,
                                std::string_view example) const {
        if (const toml::table* t = node.as_table()) return *t;
        fail(node, key,
             std::string("expected a table, e.g. ") + std::string(example) + "; got " +
                 type_name(node));
    }

    /// An array of tables (`[[name]]` or `name = [{...}, ...]`) of at most `max` entries.
    std::vector<const toml::table*> tables(const toml::node& node, const std::string& key,
                                           std::size_t max, std::string_view example) const {
        const toml::array* a = node.as_array();
        if (a == nullptr)
            fail(node, key,
                 std::string("expected an array of tables, e.g. ") + std::string(example) +
                     "; got " + type_name(node));
        if (a->size() > max)
            fail(node, key,
                 std::to_string(a->size()) + " entries are too many; at most " +
                     std::to_string(max));
        std::vector<const toml::table*> out;
        for (std::size_t i = 0; i < a->size(); ++i)
            out.push_back(&as_table((*a)[i], item(key, i), example));
        return out;
    }

    const toml::node* required(const toml::table& table, const std::string& path,
                               std::string_view key, int table_line) const {
        const toml::node* node = table.get(key);
        if (node == nullptr) fail(table_line, child(path, key), "is missing (required)");
        return node;
    }

    std::string text(const toml::node& node, const std::string& key,
                     std::size_t max_length = kMaxNameLength) const {
        const auto* s = node.as_string();
        if (s == nullptr) fail(node, key, std::string("expected a string, got ") + type_name(node));
        if (s->get().size() > max_length)
            fail(node, key,
                 "is " + std::to_string(s->get().size()) + " bytes long; at most " +
                     std::to_string(max_length));
        return s->get();
    }

    std::int64_t integer(const toml::node& node, const std::string& key) const {
        if (const auto* v = node.as_integer()) return v->get();
        if (const auto* f = node.as_floating_point())
            fail(node, key, text::shortest(f->get()) + " is not an integer; expected an integer");
        fail(node, key, std::string("expected an integer, got ") + type_name(node));
    }

    double real(const toml::node& node, const std::string& key) const {
        if (const auto* v = node.as_integer()) return static_cast<double>(v->get());
        if (const auto* f = node.as_floating_point()) {
            if (!std::isfinite(f->get()))
                fail(node, key,
                     text::shortest(f->get()) + " is not allowed; expected a finite number");
            return f->get();
        }
        fail(node, key, std::string("expected a number, got ") + type_name(node));
    }

    bool boolean(const toml::node& node, const std::string& key) const {
        if (const auto* v = node.as_boolean()) return v->get();
        fail(node, key, std::string("expected true or false, got ") + type_name(node));
    }

    /// A choice by name: its index in `names`.
    std::size_t choice(const toml::node& node, const std::string& key,
                       std::span<const char* const> names) const {
        std::string list;
        for (const char* c : names)
            list += (list.empty() ? "" : ", ") + std::string(c);
        const auto* s = node.as_string();
        if (s == nullptr)
            fail(node, key, "expected a string, one of: " + list + "; got " + type_name(node));
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (s->get() == names[i]) return i;
        }
        fail(node, key, "\"" + s->get() + "\" is not allowed; expected one of: " + list);
    }

    /// Seconds with microsecond precision, in [0, kMaxTimeSeconds].
    SimTime seconds(const toml::node& node, const std::string& key) const {
        const double s = real(node, key);
        if (!(s >= 0 && s <= kMaxTimeSeconds))
            fail(node, key,
                 text::shortest(s) + " is out of range; expected seconds in [0, " +
                     std::to_string(static_cast<std::int64_t>(kMaxTimeSeconds)) + "]");
        return std::llround(s * 1e6);
    }

    std::uint64_t seed(const toml::node& node, const std::string& key) const {
        const char* allowed = "expected an integer in [0, 18446744073709551615]";
        if (const auto* v = node.as_integer()) {
            if (v->get() < 0)
                fail(node, key, std::to_string(v->get()) + " is negative; " + allowed);
            return static_cast<std::uint64_t>(v->get());
        }
        if (const auto* s = node.as_string()) {
            // Seeds past the TOML integer range are written as decimal strings.
            const std::string& t = s->get();
            std::uint64_t out = 0;
            const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
            if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size())
                fail(node, key, "\"" + t + "\" is not a seed; " + allowed);
            return out;
        }
        fail(node, key, std::string(allowed) + ", got " + type_name(node));
    }

    void read_traffic(const toml::table& t, Traffic& out);
    void read_latency(const toml::table& t, const std::string& path, Service& out);
    Dependency read_dependency(const toml::table& t, const std::string& path);
    Service read_service(const toml::table& t, const std::string& path);
    TimelineEntry read_timeline_entry(const toml::table& t, const std::string& path);

    /// A timeline `value = true/false`: stored as 1/0, allowed only for a boolean setting.
    struct BooleanValue {
        std::string key;  ///< "timeline[3].value"
        std::string set;  ///< the path it sets
        bool value;
        int line;
    };

    const std::string& file_;
    std::map<std::string, int> lines_;
    std::vector<BooleanValue> booleans_;
};

// [SECTION] Scenario tables --------------------------------------------------------------------

Scenario Reader::read(const toml::table& root) {
    Scenario sc;
    read_keys(
        root, "", KeyTable::top, &sc,
        [&](const ScenarioKey& k, const toml::node& n, const std::string& key) {
            const std::string_view name = k.name;
            if (name == "seed") {
                sc.seed = seed(n, key);
            } else if (name == "traffic") {
                read_traffic(as_table(n, key, "[traffic]"), sc.traffic);
            } else if (name == "service") {
                std::size_t i = 0;
                for (const toml::table* t : tables(n, key, kMaxServices, "[[service]]"))
                    sc.services.push_back(read_service(*t, item(key, i++)));
            } else if (name == "timeline") {
                std::size_t i = 0;
                for (const toml::table* t : tables(n, key, kMaxTimelineEntries, "[[timeline]]"))
                    sc.timeline.push_back(read_timeline_entry(*t, item(key, i++)));
            }
        });
    const std::vector<ScenarioProblem> problems = validate(sc);
    if (!problems.empty()) {
        // Only now, with every table's keys known, is the tree shallow enough to index.
        collect_lines(root, "", lines_);
        fail(line_for(problems[0].key), problems[0].key, problems[0].message);
    }
    for (const BooleanValue& b : booleans_) {
        const std::optional<SettingSpec> spec = find_setting(sc, b.set);
        if (!spec || spec->kind == ParamKind::boolean) continue;
        // apply_setting words the refusal: '"true" is not allowed; expected a number in ...'.
        Scenario copy = sc;
        const std::string error =
            apply_setting(copy, b.set, std::string(b.value ? "true" : "false"));
        fail(b.line, b.key, error.empty() ? spec->path + ": expected a number" : error);
    }
    return sc;
}

void Reader::read_traffic(const toml::table& t, Traffic& out) {
    read_keys(t, "traffic", KeyTable::traffic, &out,
              [&](const ScenarioKey&, const toml::node& n, const std::string& key) {
                  std::size_t i = 0;
                  for (const toml::table* p :
                       tables(n, key, kMaxTrafficPhases,
                              "phases = [{ at_s = 60, rate_rps = 200, ramp_s = 10 }]")) {
                      const std::string ppath = item(key, i++);
                      check_keys(*p, ppath, {"at_s", "rate_rps", "ramp_s"});
                      const int line = line_of(p->source());
                      TrafficPhase phase;
                      phase.at = seconds(*required(*p, ppath, "at_s", line), ppath + ".at_s");
                      phase.rate_rps =
                          real(*required(*p, ppath, "rate_rps", line), ppath + ".rate_rps");
                      if (const auto* r = p->get("ramp_s"))
                          phase.ramp = seconds(*r, ppath + ".ramp_s");
                      out.phases.push_back(phase);
                  }
              });
}

void Reader::read_latency(const toml::table& t, const std::string& path, Service& out) {
    read_keys(t, path, KeyTable::latency, &out,
              [](const ScenarioKey&, const toml::node&, const std::string&) {});
    // Without `dist`, the keys given tell the distribution: p50/p99 lognormal, constant, mean.
    if (t.contains("dist")) return;
    if (t.contains("p50") || t.contains("p99")) {
        out.latency.dist = LatencyDist::lognormal;
    } else if (t.contains("constant")) {
        out.latency.dist = LatencyDist::constant;
    } else if (t.contains("mean")) {
        out.latency.dist = LatencyDist::exponential;
    }
}

Dependency Reader::read_dependency(const toml::table& t, const std::string& path) {
    Dependency d;
    read_keys(
        t, path, KeyTable::dependency, &d,
        [&](const ScenarioKey& k, const toml::node& n, const std::string& key) {
            if (std::string_view(k.name) == "retry") {
                read_keys(as_table(n, key, "retry = { max_attempts = 3 }"), key, KeyTable::retry,
                          &d, [](const ScenarioKey&, const toml::node&, const std::string&) {});
            } else if (std::string_view(k.name) == "breaker") {
                d.breaker = detail::breaker_from_toml(
                    as_table(n, key, "[service.dependency.breaker] with preset = \"gobreaker\""),
                    file_, key);
            }
        });
    return d;
}

Service Reader::read_service(const toml::table& t, const std::string& path) {
    Service s;
    read_keys(t, path, KeyTable::service, &s,
              [&](const ScenarioKey& k, const toml::node& n, const std::string& key) {
                  if (std::string_view(k.name) == "latency_ms") {
                      read_latency(as_table(n, key, "latency_ms = { p50 = 20, p99 = 80 }"), key, s);
                  } else if (std::string_view(k.name) == "dependency") {
                      std::size_t i = 0;
                      for (const toml::table* d :
                           tables(n, key, kMaxDependencies, "[[service.dependency]]"))
                          s.dependencies.push_back(read_dependency(*d, item(key, i++)));
                  }
              });
    return s;
}

TimelineEntry Reader::read_timeline_entry(const toml::table& t, const std::string& path) {
    check_keys(t, path, {"at_s", "set", "value", "until_s", "steps"});
    const int line = line_of(t.source());
    TimelineEntry e;
    e.at = seconds(*required(t, path, "at_s", line), path + ".at_s");
    e.path = text(*required(t, path, "set", line), path + ".set", 1024);
    if (t.get("steps") || t.get("until_s")) {
        // A gesture: every value it applied, [at_s, value] each, and its end.
        e.until = seconds(*required(t, path, "until_s", line), path + ".until_s");
        const toml::node& steps = *required(t, path, "steps", line);
        const std::string key = path + ".steps";
        const auto* a = steps.as_array();
        if (a == nullptr || a->empty() || a->size() > kMaxTimelineEntries)
            fail(steps, key,
                 "expected 1 to " + std::to_string(kMaxTimelineEntries) +
                     " steps [[at_s, value], ...], got " +
                     (a ? std::to_string(a->size()) + " steps" : std::string(type_name(steps))));
        for (std::size_t i = 0; i < a->size(); ++i) {
            const std::string k = item(key, i);
            const auto* pair = (*a)[i].as_array();
            if (pair == nullptr || pair->size() != 2)
                fail((*a)[i], k, "expected a step [at_s, value] (two numbers)");
            e.steps.push_back({seconds((*pair)[0], k + "[0]"), real((*pair)[1], k + "[1]")});
        }
        e.value = real(*required(t, path, "value", line), path + ".value");
        if (std::string p = gesture_problem(e); !p.empty()) fail(steps, key, p);
        return e;
    }
    const toml::node& value = *required(t, path, "value", line);
    const std::string key = path + ".value";
    if (value.is_string()) {
        e.value = text(value, key, 1024);
    } else if (const auto* b = value.as_boolean()) {
        e.value = b->get() ? 1.0 : 0.0;
        booleans_.push_back({key, e.path, b->get(), line_of(value.source())});
    } else if (const auto* n = value.as_integer();
               n && text::inexact_integer_literal(text::integer(n->get()))) {
        e.value = text::integer(n->get());  // no double holds it: checked and echoed as written
    } else if (value.is_number()) {
        e.value = real(value, key);
    } else {
        fail(
            value, key,
            std::string("expected a number, true/false or a choice name, got ") + type_name(value));
    }
    return e;
}

}  // namespace

// [SECTION] Entry points -----------------------------------------------------------------------

Scenario parse_scenario_toml(std::string_view text, const std::string& file) {
    detail::check_nesting(text, file);
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& e) {
        detail::throw_config_error(file, line_of(e.source()), std::string(),
                                   "not valid TOML: " + std::string(e.description()));
    }
    Scenario scenario = Reader(file).read(root);
    if (std::string problem = saved_size_problem(scenario_to_toml(scenario).size());
        !problem.empty())
        detail::throw_config_error(file, 0, "timeline", problem + "; use fewer timeline entries");
    return scenario;
}

std::string saved_size_problem(std::size_t bytes) {
    if (bytes <= kMaxScenarioFileBytes) return {};
    return "the scenario saved again would be " + std::to_string(bytes) + " bytes, more than the " +
           std::to_string(kMaxScenarioFileBytes >> 20) + " MiB a scenario file may have";
}

}  // namespace cbsim
