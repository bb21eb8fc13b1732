// breaker_config.cpp: preset names and defaults, parameters by name with range checks, the
// breaker file and make_breaker(). TOML reading and writing live in breaker_toml.cpp.
#include "cbsim/breaker_config.hpp"

#include <array>
#include <vector>

#include "breaker_toml.hpp"
#include "cbsim/error.hpp"
#include "cbsim/scenario_io.hpp"
#include "presets/extras.hpp"
#include "presets/registry.hpp"

namespace cbsim {

// [SECTION] Presets --------------------------------------------------------------------------

std::span<const PresetInfo> all_presets() {
    return detail::kPresetInfos;
}

const PresetInfo& preset_info(Preset preset) {
    return detail::kPresetInfos[static_cast<std::size_t>(preset)];
}

const char* to_string(Preset preset) {
    const auto i = static_cast<std::size_t>(preset);
    return i < kPresetCount ? detail::kPresetInfos[i].name : "unknown";
}

std::optional<Preset> preset_from_string(std::string_view name) {
    for (const PresetInfo& info : detail::kPresetInfos) {
        if (name == info.name) return info.preset;
    }
    return std::nullopt;
}

std::string detail::preset_name_list(std::string_view separator) {
    std::string out;
    for (const PresetInfo& info : kPresetInfos) {
        if (!out.empty()) out += separator;
        out += info.name;
    }
    return out;
}

BreakerConfig BreakerConfig::defaults(Preset preset) {
    static const auto all = detail::registry_array([](const auto& entry) {
        return PresetSettings(typename std::remove_cvref_t<decltype(entry)>::Settings{});
    });
    BreakerConfig c;
    c.settings = all[static_cast<std::size_t>(preset)];
    return c;
}

std::string check_settings(const BreakerConfig& config) {
    return detail::visit_preset(config.settings, [](const auto& entry, const auto& s) {
        return entry.check != nullptr ? entry.check(s) : std::string();
    });
}

// [SECTION] Parameters -----------------------------------------------------------------------

namespace {

constexpr double kMaxMs = 1e9;

const ParamSpec kExtrasParams[] = {
    {"extras.probe_timeout_ms",
     ParamKind::integer,
     0,
     kMaxMs,
     {},
     "cbsim extra: a half-open probe silent this long counts as failed; 0 = off (the "
     "libraries wait forever)."},
    {"extras.open_jitter",
     ParamKind::real,
     0,
     1,
     {},
     "cbsim extra: each open duration is multiplied by 1 + u, u uniform in [-j, +j]; 0 = off."},
    {"extras.jitter_seed",
     ParamKind::integer,
     0,
     9007199254740992.0,
     {},
     "cbsim extra: seed of the jitter draws (same seed, same durations)."},
    {"extras.ramp_up_ms",
     ParamKind::integer,
     0,
     kMaxMs,
     {},
     "cbsim extra: after closing, admit a share of calls growing to all over this time; "
     "0 = off."},
    {"extras.ramp_up_start",
     ParamKind::real,
     0,
     1,
     {},
     "cbsim extra: share of calls admitted right after closing (with ramp_up_ms)."},
    {"extras.timeout_weight",
     ParamKind::real,
     0,
     10,
     {},
     "cbsim extra: a timeout counts as this many failures; 1 = like any failure."},
};

bool set_extra(BreakerExtras& e, std::string_view key, double value) {
    const auto integer = static_cast<std::int64_t>(value);
    if (key == "extras.probe_timeout_ms")
        e.probe_timeout_ms = integer;
    else if (key == "extras.open_jitter")
        e.open_jitter = value;
    else if (key == "extras.jitter_seed")
        e.jitter_seed = static_cast<std::uint64_t>(value);
    else if (key == "extras.ramp_up_ms")
        e.ramp_up_ms = integer;
    else if (key == "extras.ramp_up_start")
        e.ramp_up_start = value;
    else if (key == "extras.timeout_weight")
        e.timeout_weight = value;
    else
        return false;
    return true;
}

std::optional<double> get_extra(const BreakerExtras& e, std::string_view key) {
    if (key == "extras.probe_timeout_ms") return static_cast<double>(e.probe_timeout_ms);
    if (key == "extras.open_jitter") return e.open_jitter;
    if (key == "extras.jitter_seed") return static_cast<double>(e.jitter_seed);
    if (key == "extras.ramp_up_ms") return static_cast<double>(e.ramp_up_ms);
    if (key == "extras.ramp_up_start") return e.ramp_up_start;
    if (key == "extras.timeout_weight") return e.timeout_weight;
    return std::nullopt;
}

}  // namespace

std::span<const ParamSpec> breaker_params(Preset preset) {
    static const std::array<std::vector<ParamSpec>, kPresetCount> all = [] {
        constexpr auto preset_params =
            detail::registry_array([](const auto& entry) { return entry.params; });
        std::array<std::vector<ParamSpec>, kPresetCount> out;
        for (std::size_t i = 0; i < out.size(); ++i) {
            const auto own = preset_params[i]();
            out[i].assign(own.begin(), own.end());
            out[i].insert(out[i].end(), std::begin(kExtrasParams), std::end(kExtrasParams));
        }
        return out;
    }();
    return all[static_cast<std::size_t>(preset)];
}

const ParamSpec* find_param(Preset preset, std::string_view key) {
    for (const ParamSpec& spec : breaker_params(preset)) {
        if (key == spec.key) return &spec;
    }
    return nullptr;
}

std::optional<double> get_param(const BreakerConfig& config, std::string_view key) {
    if (find_param(config.preset(), key) == nullptr) return std::nullopt;
    if (key.starts_with("extras.")) return get_extra(config.extras, key);
    return detail::visit_preset(
        config.settings, [&](const auto& entry, const auto& s) { return entry.get(s, key); });
}

std::string set_param(BreakerConfig& config, std::string_view key, double value) {
    const ParamSpec* spec = find_param(config.preset(), key);
    if (spec == nullptr) {
        std::string known;
        for (const ParamSpec& p : breaker_params(config.preset())) {
            known += known.empty() ? "" : ", ";
            known += p.key;
        }
        return "unknown key for preset '" + std::string(to_string(config.preset())) +
               "'; known keys: " + known;
    }
    if (std::string error = detail::check_param_value(*spec, value); !error.empty()) return error;
    if (key.starts_with("extras.")) {
        set_extra(config.extras, key, value);
        return {};
    }
    const BreakerConfig before = config;
    const bool known = detail::visit_preset(
        config.settings, [&](const auto& entry, auto& s) { return entry.set(s, key, value); });
    if (!known) return "key is listed but not settable (internal error)";
    if (std::string error = check_settings(config); !error.empty()) {
        config = before;
        return error;
    }
    return {};
}

// [SECTION] Files and factory ------------------------------------------------------------------

BreakerConfig load_breaker_file(const std::string& path) {
    // Missing files, directories and oversized files are refused with the scenario loader's
    // messages ("cannot read the file: it is a directory").
    return parse_breaker_toml(read_config_file(path), path);
}

BreakerConfig parse_breaker_toml(std::string_view text, const std::string& file) {
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        throw ConfigError(file, static_cast<int>(e.source().begin.line), "",
                          std::string(e.description()));
    }
    for (const auto& [key, node] : root) {
        if (key.str() != "breaker") {
            throw ConfigError(file, static_cast<int>(node.source().begin.line),
                              std::string(key.str()),
                              "unknown top-level key; a breaker file holds one [breaker] table");
        }
    }
    const toml::table* breaker = root["breaker"].as_table();
    if (breaker == nullptr) {
        const toml::node* node = root.get("breaker");
        throw ConfigError(file, node ? static_cast<int>(node->source().begin.line) : 0, "breaker",
                          node ? "expected a table: [breaker]" : "missing [breaker] table");
    }
    return detail::breaker_from_toml(*breaker, file, "breaker");
}

std::string to_toml(const BreakerConfig& config, std::string_view table) {
    return detail::breaker_to_toml_text(config, table);
}

std::unique_ptr<Breaker> make_breaker(const BreakerConfig& config) {
    const BreakerExtras for_preset = detail::preset_extras(config.extras);
    std::unique_ptr<Breaker> inner = detail::visit_preset(
        config.settings,
        [&](const auto& entry, const auto& s) { return entry.make(s, for_preset); });
    // A gobreaker without decorator extras runs bare (its hot path is the benchmark's); it
    // refuses a reconfiguration that needs the decorator, so the caller rebuilds it.
    if (config.preset() == Preset::gobreaker && !detail::needs_decorator(config.extras))
        return inner;
    return std::make_unique<detail::ExtrasBreaker>(std::move(inner), config.extras);
}

}  // namespace cbsim
