// preset_registry_test.cpp: every preset of the registry, checked the same way, so a new preset
// is covered by adding its registry line: its name and entry, its defaults through TOML, every
// parameter by key, its preset file in assets/presets/, and a breaker that works.
#include "breaker_test_util.hpp"

#include <cbsim/error.hpp>
#include <cbsim/scenario.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <vector>

#include "breaker_toml.hpp"
#include "presets/registry.hpp"

namespace cbsim {
// Names the preset in gtest's messages instead of a byte dump.
void PrintTo(const PresetInfo& info, std::ostream* os) {
    *os << info.name;
}
}  // namespace cbsim

namespace cbsim::test {
namespace {

namespace fs = std::filesystem;

std::string name_of(const ::testing::TestParamInfo<PresetInfo>& info) {
    return info.param.name;
}

class PresetRegistry : public ::testing::TestWithParam<PresetInfo> {};

INSTANTIATE_TEST_SUITE_P(AllPresets, PresetRegistry, ::testing::ValuesIn(all_presets()), name_of);

TEST(PresetRegistryList, OneEntryPerPresetInEnumOrder) {
    ASSERT_EQ(all_presets().size(), kPresetCount);
    ASSERT_EQ(std::variant_size_v<PresetSettings>, kPresetCount);
    for (std::size_t i = 0; i < kPresetCount; ++i) {
        EXPECT_EQ(all_presets()[i].preset, static_cast<Preset>(i));
        EXPECT_EQ(&preset_info(static_cast<Preset>(i)), &all_presets()[i]);
    }
    EXPECT_STREQ(to_string(static_cast<Preset>(kPresetCount)), "unknown");
}

TEST(PresetRegistryList, EveryEntryNamesAllOfItsFunctions) {
    // Only `check` (rules across keys) is optional.
    const auto complete = detail::registry_array([](const auto& e) {
        return e.params != nullptr && e.get != nullptr && e.set != nullptr &&
               e.failure_threshold != nullptr && e.make != nullptr;
    });
    for (std::size_t i = 0; i < complete.size(); ++i)
        EXPECT_TRUE(complete[i]) << to_string(static_cast<Preset>(i));
}

TEST(PresetRegistryList, ScenarioChoicesAreNoneThenTheRegistryNames) {
    std::vector<std::string> expected{"none"};
    for (const PresetInfo& info : all_presets())
        expected.emplace_back(info.name);
    const Scenario sc = default_scenario();
    const auto spec = find_setting(sc, "A->B.breaker.preset");
    ASSERT_TRUE(spec.has_value());
    EXPECT_EQ(spec->choices, expected);
    EXPECT_EQ(spec->max, static_cast<double>(kPresetCount));
    for (const SettingSpec& s : setting_specs(sc)) {
        if (s.path == "A->B.breaker.preset") {
            EXPECT_EQ(s.choices, expected);
        }
    }
    // Choosing a preset by its choice index gives that preset's defaults.
    for (const PresetInfo& info : all_presets()) {
        Scenario c = sc;
        ASSERT_EQ(apply_setting(c, "A->B.breaker.preset", std::string(info.name)), "");
        const auto value = get_setting(c, "A->B.breaker.preset");
        ASSERT_TRUE(value.has_value());
        EXPECT_EQ(std::get<std::string>(*value), info.name);
        const BreakerConfig& before = *sc.find_service("A")->dependencies[0].breaker;
        const BreakerConfig& after = *c.find_service("A")->dependencies[0].breaker;
        // The same preset keeps its settings, another one starts from its defaults.
        EXPECT_EQ(after,
                  before.preset() == info.preset ? before : BreakerConfig::defaults(info.preset));
    }
    EXPECT_EQ(detail::preset_name_list(),
              "gobreaker, resilience4j, polly, hystrix, opossum, cockatiel");
}

TEST(PresetRegistryList, UnknownPresetErrorListsEveryName) {
    try {
        parse_breaker_toml("[breaker]\npreset = \"sentinel\"\n", "b.toml");
        FAIL() << "an unknown preset was accepted";
    } catch (const ConfigError& e) {
        for (const PresetInfo& info : all_presets())
            EXPECT_THAT(e.what(), ::testing::HasSubstr(info.name));
    }
}

TEST_P(PresetRegistry, NameAndLibraryAreSet) {
    const PresetInfo& info = GetParam();
    EXPECT_STREQ(to_string(info.preset), info.name);
    EXPECT_EQ(preset_from_string(info.name), info.preset);
    EXPECT_STRNE(info.library.name, "");
    EXPECT_STRNE(info.library.version, "");
    EXPECT_STRNE(info.library.source, "");
}

TEST_P(PresetRegistry, DefaultsRoundTripThroughToml) {
    const BreakerConfig defaults = BreakerConfig::defaults(GetParam().preset);
    EXPECT_EQ(defaults.preset(), GetParam().preset);
    EXPECT_EQ(defaults.extras, BreakerExtras{});
    EXPECT_EQ(check_settings(defaults), "");
    EXPECT_EQ(parse_breaker_toml(to_toml(defaults), "defaults.toml"), defaults);
}

/// Values of `spec` other than `current` to try, in order.
std::vector<double> other_values(const ParamSpec& spec, double current) {
    std::vector<double> out;
    switch (spec.kind) {
        case ParamKind::boolean:
            out = {1.0 - current};
            break;
        case ParamKind::choice:
            for (std::size_t i = 0; i < spec.choices.size(); ++i)
                out.push_back(static_cast<double>(i));
            break;
        case ParamKind::integer:
            // min + 1: a key bounded by another (cockatiel's minimum_number_of_calls <= size)
            // refuses its extremes at the other's default.
            out = {spec.max, spec.min, std::floor((spec.min + spec.max) / 2), spec.min + 1};
            break;
        case ParamKind::real:
            out = {spec.max, spec.min, (spec.min + spec.max) / 2};
            break;
    }
    std::erase(out, current);
    return out;
}

TEST_P(PresetRegistry, EveryParameterIsGettableAndSettable) {
    const BreakerConfig defaults = BreakerConfig::defaults(GetParam().preset);
    ASSERT_FALSE(breaker_params(GetParam().preset).empty());
    for (const ParamSpec& spec : breaker_params(GetParam().preset)) {
        SCOPED_TRACE(spec.key);
        EXPECT_EQ(find_param(GetParam().preset, spec.key), &spec);
        const auto current = get_param(defaults, spec.key);
        ASSERT_TRUE(current.has_value());
        EXPECT_EQ(detail::check_param_value(spec, *current), "")
            << "the default is out of its range";

        BreakerConfig same = defaults;
        EXPECT_EQ(set_param(same, spec.key, *current), "");
        EXPECT_EQ(get_param(same, spec.key), current);

        // At least one other allowed value is taken, read back, and survives TOML.
        bool changed = false;
        for (const double value : other_values(spec, *current)) {
            BreakerConfig c = defaults;
            if (!set_param(c, spec.key, value).empty()) {
                EXPECT_EQ(c, defaults) << "a refused value changed the config";
                continue;
            }
            changed = true;
            EXPECT_EQ(get_param(c, spec.key), value);
            EXPECT_NE(c, defaults);
            EXPECT_EQ(parse_breaker_toml(to_toml(c), "param.toml"), c);
        }
        EXPECT_TRUE(changed) << "no other value of the key could be set";

        // Out of range is refused and changes nothing.
        if (spec.kind == ParamKind::integer || spec.kind == ParamKind::real) {
            BreakerConfig c = defaults;
            EXPECT_NE(set_param(c, spec.key, spec.max * 2 + 1), "");
            EXPECT_EQ(c, defaults);
        }
    }
    BreakerConfig c = defaults;
    EXPECT_FALSE(get_param(c, "no_such_key").has_value());
    EXPECT_THAT(set_param(c, "no_such_key", 1), ::testing::HasSubstr(GetParam().name));
}

TEST_P(PresetRegistry, PresetFileExistsAndLoadsTheDefaults) {
    const fs::path file = fs::path(CBSIM_ASSET_DIR) / "presets" / GetParam().preset_file;
    ASSERT_TRUE(fs::is_regular_file(file)) << file;
    const BreakerConfig loaded = load_breaker_file(file.string());
    EXPECT_EQ(loaded.preset(), GetParam().preset);
    EXPECT_EQ(loaded, BreakerConfig::defaults(GetParam().preset));
}

TEST_P(PresetRegistry, MakeBreakerWorks) {
    Harness h(BreakerConfig::defaults(GetParam().preset));
    ASSERT_NE(h.breaker, nullptr);
    EXPECT_EQ(h.state(0), State::closed);
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(h.ok(ms(i))) << i;
    EXPECT_EQ(h.state(ms(100)), State::closed);

    // Five seconds of failures at 1000 calls/s open the library's defaults, and an open
    // breaker rejects.
    SimTime t = ms(100);
    for (int i = 0; i < 5000 && h.state(t) == State::closed; ++i, t += ms(1))
        h.fail(t);
    EXPECT_EQ(h.state(t), State::open);
    EXPECT_FALSE(h.breaker->acquire(t).allowed());
    ASSERT_FALSE(h.log.empty());
    EXPECT_EQ(h.log.back().to, State::open);
}

TEST_P(PresetRegistry, OnlyLatencyPresetsReadTheDuration) {
    // Successes lasting ten days: a preset without a slow-call rule must not notice.
    auto states = [&](SimTime duration) {
        const auto breaker = make_breaker(BreakerConfig::defaults(GetParam().preset));
        std::vector<State> out;
        for (int i = 0; i < 1000; ++i) {
            const SimTime t = ms(i);
            const Admission a = breaker->acquire(t);
            if (a.allowed()) breaker->record(a.permit, Outcome::success, duration, t);
            out.push_back(breaker->state(t));
        }
        return out;
    };
    const bool duration_matters = states(0) != states(from_s(10 * 86400));
    if (duration_matters) {
        EXPECT_TRUE(GetParam().measures_latency);
    }
    if (GetParam().preset == Preset::resilience4j) {
        EXPECT_TRUE(duration_matters);  // the probe above does see a slow-call rule
    }
}

TEST_P(PresetRegistry, FailureThresholdIsTheRateRuleOrZero) {
    const BreakerConfig defaults = BreakerConfig::defaults(GetParam().preset);
    const double threshold = detail::visit_preset(
        defaults.settings,
        [](const auto& entry, const auto& s) { return entry.failure_threshold(s); });
    EXPECT_GE(threshold, 0.0);
    EXPECT_LE(threshold, 1.0);
    // The breaker's own window view shows the same threshold when it has a rate rule.
    const auto breaker = make_breaker(defaults);
    const WindowView view = breaker->window(0);
    if (view.failure_threshold <= 1.0) {
        EXPECT_DOUBLE_EQ(threshold, view.failure_threshold);
    }
}

}  // namespace
}  // namespace cbsim::test
