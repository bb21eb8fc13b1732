// breaker_toml.cpp: the breaker table <-> BreakerConfig, driven by the presets' ParamSpecs.
#include "breaker_toml.hpp"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "cbsim/error.hpp"
#include "cbsim/number_text.hpp"
#include "presets/registry.hpp"

namespace cbsim::detail {

// [SECTION] Values and their checks ------------------------------------------------------------

namespace {

using text::number;

std::string choice_list(const ParamSpec& spec) {
    std::string out;
    for (const char* c : spec.choices) {
        out += out.empty() ? "" : ", ";
        out += c;
    }
    return out;
}

}  // namespace

std::string format_param_value(const ParamSpec& spec, double value) {
    switch (spec.kind) {
        case ParamKind::boolean:
            return value != 0.0 ? "true" : "false";
        case ParamKind::choice: {
            const auto i = static_cast<std::size_t>(value);
            if (value >= 0 && i < spec.choices.size()) return spec.choices[i];
            return number(value);
        }
        default:
            return number(value);
    }
}

std::string describe_allowed(const ParamSpec& spec) {
    switch (spec.kind) {
        case ParamKind::integer:
            return "an integer in [" + number(spec.min) + ", " + number(spec.max) + "]";
        case ParamKind::real:
            return "a number in [" + number(spec.min) + ", " + number(spec.max) + "]";
        case ParamKind::boolean:
            return "true or false";
        case ParamKind::choice:
            return "one of: " + choice_list(spec);
    }
    return "";
}

std::string check_param_value(const ParamSpec& spec, double value) {
    const std::string allowed = describe_allowed(spec);
    if (!std::isfinite(value)) return number(value) + " is not allowed; expected " + allowed;
    switch (spec.kind) {
        case ParamKind::integer:
            if (value != std::trunc(value))
                return number(value) + " is not an integer; expected " + allowed;
            break;
        case ParamKind::boolean:
            if (value != 0.0 && value != 1.0)
                return number(value) + " is not a boolean (0 or 1); expected " + allowed;
            return {};
        case ParamKind::choice:
            if (value != std::trunc(value) || value < 0 ||
                value >= static_cast<double>(spec.choices.size())) {
                return number(value) + " is not a choice index in [0, " +
                       number(static_cast<double>(spec.choices.size()) - 1) + "]; " + allowed;
            }
            return {};
        case ParamKind::real:
            break;
    }
    if (value < spec.min || value > spec.max)
        return number(value) + " is out of range; expected " + allowed;
    return {};
}

std::string check_integer_value(const ParamSpec& spec, std::int64_t value) {
    std::string problem = check_param_value(spec, static_cast<double>(value));
    const std::string shown = number(static_cast<double>(value));
    if (problem.rfind(shown, 0) == 0) problem.replace(0, shown.size(), text::integer(value));
    return problem;
}

// [SECTION] Reading ----------------------------------------------------------------------------

namespace {

using Trip = GobreakerSettings::Trip;

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
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

/// The gobreaker trip form a key selects, if it is a trip key.
std::optional<Trip> trip_form_of(std::string_view key, const BreakerConfig& c) {
    if (key == "trip") return std::get<GobreakerSettings>(c.settings).trip;
    if (key == "trip.consecutive_failures") return Trip::consecutive_failures;
    if (key == "trip.failure_ratio" || key == "trip.min_requests") return Trip::failure_ratio;
    if (key == "trip.total_failures") return Trip::total_failures;
    return std::nullopt;
}

class Reader {
  public:
    Reader(const std::string& file, std::string_view prefix) : file_(file), prefix_(prefix) {}

    [[noreturn]] void fail(const toml::node& node, std::string_view key,
                           std::string message) const {
        std::string full = prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
        throw ConfigError(file_, line_of(node), std::move(full), std::move(message));
    }

    BreakerConfig read(const toml::table& table) {
        Preset preset = Preset::gobreaker;
        if (const toml::node* node = table.get("preset")) {
            const auto* name = node->as_string();
            if (name == nullptr)
                fail(*node, "preset",
                     std::string("expected a string, got ") + type_name(*node) +
                         "; one of: " + preset_name_list());
            const auto p = preset_from_string(name->get());
            if (!p)
                fail(*node, "preset",
                     "'" + name->get() + "' is not a preset; one of: " + preset_name_list());
            preset = *p;
        }
        config_ = BreakerConfig::defaults(preset);
        // A value refused only by a rule across keys (cockatiel: minimum_number_of_calls <=
        // size) is tried again once every other key is in: the table's order is alphabetical,
        // not the order the keys were meant in.
        std::vector<std::pair<std::string, const toml::node*>> deferred;
        for (const auto& [key, node] : table) {
            if (key.str() == "preset") continue;
            const toml::table* sub = node.as_table();
            if (sub != nullptr && (has_subtable(key.str()) || !is_param(key.str()))) {
                if (!has_subtable(key.str()))
                    fail(node, key.str(),
                         "unknown table for preset '" + std::string(to_string(preset)) + "'; " +
                             known_keys());
                for (const auto& [key2, node2] : *sub)
                    apply(std::string(key.str()) + "." + std::string(key2.str()), node2, &deferred);
            } else {
                apply(std::string(key.str()), node, &deferred);
            }
        }
        for (const auto& [key, node] : deferred)
            apply(key, *node, nullptr);
        return config_;
    }

  private:
    bool is_param(std::string_view key) const {
        return find_param(config_.preset(), key) != nullptr;
    }
    bool has_subtable(std::string_view name) const {
        for (const ParamSpec& p : breaker_params(config_.preset())) {
            const std::string_view k = p.key;
            if (k.size() > name.size() && k.starts_with(name) && k[name.size()] == '.') return true;
        }
        return false;
    }
    std::string known_keys() const {
        std::string out = "known keys: preset";
        for (const ParamSpec& p : breaker_params(config_.preset())) {
            out += ", ";
            out += p.key;
        }
        return out;
    }

    /// Sets one key; a value only a rule across keys refuses goes to `deferred` if given.
    void apply(const std::string& key, const toml::node& node,
               std::vector<std::pair<std::string, const toml::node*>>* deferred) {
        const ParamSpec* spec = find_param(config_.preset(), key);
        if (spec == nullptr)
            fail(node, key,
                 "unknown key for preset '" + std::string(to_string(config_.preset())) + "'; " +
                     known_keys());
        const double value = value_of(*spec, key, node);
        if (std::string error = check_param_value(*spec, value); !error.empty())
            fail(node, key, std::move(error));
        if (std::string error = set_param(config_, key, value); !error.empty()) {
            if (deferred == nullptr) fail(node, key, std::move(error));
            deferred->emplace_back(key, &node);
            return;
        }
        if (config_.preset() == Preset::gobreaker) {
            if (const auto form = trip_form_of(key, config_)) {
                if (trip_key_.empty()) {
                    trip_key_ = key;
                    trip_form_ = *form;
                    trip_line_ = line_of(node);
                } else if (*form != trip_form_) {
                    fail(node, key,
                         "two trip forms at once ('" + trip_key_ + "' on line " +
                             std::to_string(trip_line_) +
                             "); [trip] takes exactly one of: consecutive_failures, "
                             "failure_ratio (with min_requests), total_failures");
                }
            }
        }
    }

    /// An integer from the file, refused with its own digits when out of range.
    double exact(const ParamSpec& spec, const std::string& key, const toml::node& node,
                 std::int64_t value) const {
        if (std::string problem = check_integer_value(spec, value); !problem.empty())
            fail(node, key, problem);
        return static_cast<double>(value);
    }

    double value_of(const ParamSpec& spec, const std::string& key, const toml::node& node) const {
        const std::string expected = "expected " + describe_allowed(spec);
        switch (spec.kind) {
            case ParamKind::integer:
                if (const auto* v = node.as_integer()) return exact(spec, key, node, v->get());
                if (const auto* f = node.as_floating_point()) {
                    fail(node, key, number(f->get()) + " is not an integer; " + expected);
                }
                break;
            case ParamKind::real:
                if (const auto* v = node.as_integer()) return exact(spec, key, node, v->get());
                if (const auto* f = node.as_floating_point()) {
                    if (!std::isfinite(f->get()))
                        fail(node, key, number(f->get()) + " is not allowed; " + expected);
                    return f->get();
                }
                break;
            case ParamKind::boolean:
                if (const auto* v = node.as_boolean()) return v->get() ? 1.0 : 0.0;
                break;
            case ParamKind::choice:
                if (const auto* v = node.as_string()) {
                    for (std::size_t i = 0; i < spec.choices.size(); ++i) {
                        if (v->get() == spec.choices[i]) return static_cast<double>(i);
                    }
                    fail(node, key, "'" + v->get() + "' is not allowed; " + expected);
                }
                break;
        }
        fail(node, key, std::string(type_name(node)) + " is not allowed; " + expected);
    }

    const std::string& file_;
    std::string prefix_;
    BreakerConfig config_;
    std::string trip_key_;
    Trip trip_form_ = Trip::default_trip;
    int trip_line_ = 0;
};

}  // namespace

BreakerConfig breaker_from_toml(const toml::table& breaker_table, const std::string& file,
                                std::string_view key_prefix) {
    return Reader(file, key_prefix).read(breaker_table);
}

// [SECTION] Writing ----------------------------------------------------------------------------

namespace {

/// One key to write: its table ("" = the breaker table itself) and its name there.
struct Entry {
    std::string table;
    std::string name;
    const ParamSpec* spec;
    double value;
};

bool trip_key_active(const GobreakerSettings& s, std::string_view key) {
    switch (s.trip) {
        case Trip::default_trip:
            return false;
        case Trip::consecutive_failures:
            return key == "trip.consecutive_failures";
        case Trip::failure_ratio:
            return key == "trip.failure_ratio" || key == "trip.min_requests";
        case Trip::total_failures:
            return key == "trip.total_failures";
    }
    return false;
}

/// The keys to write, grouped by table in first-seen order: top-level keys first.
std::vector<Entry> entries(const BreakerConfig& config) {
    std::vector<Entry> top, subs;
    const bool write_extras = !(config.extras == BreakerExtras{});
    for (const ParamSpec& spec : breaker_params(config.preset())) {
        const std::string_view key = spec.key;
        if (config.preset() == Preset::gobreaker) {
            if (key == "trip") continue;  // written as the [trip] subtable's keys
            if (key.starts_with("trip.") &&
                !trip_key_active(std::get<GobreakerSettings>(config.settings), key))
                continue;
        }
        if (key.starts_with("extras.") && !write_extras) continue;
        const double value = *get_param(config, key);
        const auto dot = key.find('.');
        if (dot == std::string_view::npos) {
            top.push_back(Entry{"", std::string(key), &spec, value});
        } else {
            subs.push_back(Entry{std::string(key.substr(0, dot)), std::string(key.substr(dot + 1)),
                                 &spec, value});
        }
    }
    if (config.preset() == Preset::gobreaker) {
        // The trip table is written even for the default form (empty: ConsecutiveFailures > 5).
        bool has_trip = false;
        for (const Entry& e : subs)
            has_trip = has_trip || e.table == "trip";
        if (!has_trip) subs.insert(subs.begin(), Entry{"trip", "", nullptr, 0});
    }
    top.insert(top.end(), subs.begin(), subs.end());
    return top;
}

std::string value_text(const ParamSpec& spec, double value) {
    switch (spec.kind) {
        case ParamKind::integer:
            return text::integer(static_cast<std::int64_t>(value));
        case ParamKind::real:
            return text::toml_real(value);
        case ParamKind::boolean:
            return value != 0.0 ? "true" : "false";
        case ParamKind::choice: {
            std::string quoted(1, '"');
            quoted += format_param_value(spec, value);
            quoted += '"';
            return quoted;
        }
    }
    return {};
}

}  // namespace

std::string breaker_to_toml_text(const BreakerConfig& config, std::string_view table_name) {
    std::string out(1, '[');
    out += table_name;
    out += "]\npreset = \"";
    out += to_string(config.preset());
    out += "\"\n";
    std::string current;
    for (const Entry& e : entries(config)) {
        if (e.table != current) {
            current = e.table;
            out += "\n[";
            out += table_name;
            out += '.';
            out += current;
            out += "]\n";
            if (current == "trip" && e.spec == nullptr) {
                out += "# default: ConsecutiveFailures > 5\n";
            }
        }
        if (e.spec == nullptr) continue;
        out += e.name + " = " + value_text(*e.spec, e.value) + "\n";
    }
    return out;
}

void breaker_to_toml(const BreakerConfig& config, toml::table& out) {
    out.insert_or_assign("preset", std::string(to_string(config.preset())));
    for (const Entry& e : entries(config)) {
        toml::table* target = &out;
        if (!e.table.empty()) {
            if (out.get(e.table) == nullptr) out.insert_or_assign(e.table, toml::table{});
            target = out.get(e.table)->as_table();
        }
        if (e.spec == nullptr) continue;
        switch (e.spec->kind) {
            case ParamKind::integer:
                target->insert_or_assign(e.name, static_cast<std::int64_t>(e.value));
                break;
            case ParamKind::real:
                target->insert_or_assign(e.name, e.value);
                break;
            case ParamKind::boolean:
                target->insert_or_assign(e.name, e.value != 0.0);
                break;
            case ParamKind::choice:
                target->insert_or_assign(e.name, format_param_value(*e.spec, e.value));
                break;
        }
    }
}

}  // namespace cbsim::detail
