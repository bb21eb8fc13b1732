// breaker_config_test.cpp: presets by name, parameters with range checks, the breaker TOML
// (errors with file, line, key and allowed range; lossless round trip) and make_breaker().
//
// [SECTION] Presets and defaults
// [SECTION] Parameters by name
// [SECTION] TOML reading
// [SECTION] TOML errors
// [SECTION] Round trip
// [SECTION] Factory
#include "breaker_test_util.hpp"
#include "common/temp_dir.hpp"

#include <cbsim/error.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace cbsim::test {
namespace {

using ::testing::HasSubstr;

constexpr Preset kPresets[] = {Preset::gobreaker, Preset::resilience4j, Preset::polly,
                               Preset::hystrix};

// [SECTION] Presets and defaults -----------------------------------------------------------

TEST(BreakerConfig, PresetNamesRoundTrip) {
    for (Preset p : kPresets) {
        const auto back = preset_from_string(to_string(p));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(*back, p);
    }
    EXPECT_FALSE(preset_from_string("Gobreaker").has_value());
    EXPECT_FALSE(preset_from_string("").has_value());
}

TEST(BreakerConfig, DefaultsHoldEachLibrarysDefaults) {
    for (Preset p : kPresets)
        EXPECT_EQ(BreakerConfig::defaults(p).preset(), p);
    const auto g = std::get<GobreakerSettings>(BreakerConfig::defaults(Preset::gobreaker).settings);
    EXPECT_EQ(g.trip, GobreakerSettings::Trip::default_trip);
    EXPECT_EQ(g.max_requests, 0);
    EXPECT_EQ(g.timeout_ms, 0);
    EXPECT_EQ(BreakerConfig::defaults(Preset::gobreaker).extras, BreakerExtras{});
}

// [SECTION] Parameters by name -------------------------------------------------------------

TEST(BreakerParams, EveryPresetEndsWithTheExtras) {
    for (Preset p : kPresets) {
        const auto params = breaker_params(p);
        ASSERT_GE(params.size(), 6u);
        EXPECT_STREQ(params[params.size() - 6].key, "extras.probe_timeout_ms");
        EXPECT_STREQ(params.back().key, "extras.timeout_weight");
    }
}

TEST(BreakerParams, EveryListedKeyCanBeReadAndWritten) {
    for (Preset p : kPresets) {
        BreakerConfig c = BreakerConfig::defaults(p);
        for (const ParamSpec& spec : breaker_params(p)) {
            EXPECT_EQ(find_param(p, spec.key), &spec);
            const auto value = get_param(c, spec.key);
            ASSERT_TRUE(value.has_value()) << spec.key;
            EXPECT_GE(*value, spec.min) << spec.key;
            EXPECT_LE(*value, spec.max) << spec.key;
            EXPECT_EQ(set_param(c, spec.key, spec.max), "") << spec.key;
            EXPECT_EQ(get_param(c, spec.key), spec.max) << spec.key;
            EXPECT_NE(spec.help, nullptr);
        }
    }
}

TEST(BreakerParams, UnknownKeyIsNamedWithTheKnownOnes) {
    BreakerConfig c = BreakerConfig::defaults(Preset::gobreaker);
    EXPECT_FALSE(get_param(c, "sliding_window_size").has_value());
    const std::string error = set_param(c, "sliding_window_size", 10);
    EXPECT_THAT(error, HasSubstr("unknown key"));
    EXPECT_THAT(error, HasSubstr("timeout_ms"));
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::gobreaker));
}

TEST(BreakerParams, OutOfRangeNamesTheRangeAndChangesNothing) {
    BreakerConfig c = BreakerConfig::defaults(Preset::gobreaker);
    EXPECT_EQ(set_param(c, "trip.failure_ratio", 1.5),
              "1.5 is out of range; expected a number in [0, 1]");
    EXPECT_EQ(set_param(c, "timeout_ms", -1),
              "-1 is out of range; expected an integer in [0, 1000000000]");
    EXPECT_EQ(set_param(c, "timeout_ms", 2.5),
              "2.5 is not an integer; expected an integer in [0, 1000000000]");
    EXPECT_THAT(set_param(c, "timeout_ms", std::nan("")), HasSubstr("nan is not allowed"));
    EXPECT_THAT(set_param(c, "trip.failure_ratio", std::numeric_limits<double>::infinity()),
                HasSubstr("inf is not allowed; expected a number in [0, 1]"));
    EXPECT_THAT(set_param(c, "trip", 4), HasSubstr("one of: default, consecutive_failures"));
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::gobreaker));
}

TEST(BreakerParams, RollingWindowBucketsAreBounded) {
    BreakerConfig c = gobreaker({{"interval_ms", 1000000}});
    EXPECT_EQ(set_param(c, "bucket_period_ms", 10), "");  // 100000 buckets: the most allowed
    const BreakerConfig ok = c;
    EXPECT_EQ(set_param(c, "bucket_period_ms", 9),
              "interval_ms 1000000 / bucket_period_ms 9 makes 111112 buckets; at most 100000 "
              "(raise bucket_period_ms or lower interval_ms)");
    EXPECT_EQ(c, ok);  // unchanged
    EXPECT_THAT(set_param(c, "interval_ms", 1e9), HasSubstr("buckets; at most 100000"));
    EXPECT_EQ(c, ok);
}

TEST(BreakerParams, BooleanAcceptsOnlyZeroOrOne) {
    BreakerConfig c = BreakerConfig::defaults(Preset::polly);
    EXPECT_THAT(set_param(c, "isolate", 0.5), HasSubstr("not a boolean"));
    EXPECT_EQ(set_param(c, "isolate", 1), "");
    EXPECT_EQ(get_param(c, "isolate"), 1.0);
}

TEST(BreakerParams, SettingATripValueSelectsItsForm) {
    BreakerConfig c = BreakerConfig::defaults(Preset::gobreaker);
    ASSERT_EQ(set_param(c, "trip.consecutive_failures", 3), "");
    auto& g = std::get<GobreakerSettings>(c.settings);
    EXPECT_EQ(g.trip, GobreakerSettings::Trip::consecutive_failures);
    EXPECT_EQ(g.consecutive_failures, 3);
    ASSERT_EQ(set_param(c, "trip.min_requests", 10), "");
    EXPECT_EQ(g.trip, GobreakerSettings::Trip::failure_ratio);
    EXPECT_EQ(g.consecutive_failures, GobreakerSettings{}.consecutive_failures);  // reset
    EXPECT_EQ(g.min_requests, 10);
    ASSERT_EQ(set_param(c, "trip.failure_ratio", 0.25), "");
    EXPECT_EQ(g.min_requests, 10);  // same form: kept
    ASSERT_EQ(set_param(c, "trip", 0), "");
    EXPECT_EQ(g, GobreakerSettings{});
}

TEST(BreakerParams, ExtrasAreSharedByEveryPreset) {
    for (Preset p : kPresets) {
        BreakerConfig c = BreakerConfig::defaults(p);
        ASSERT_EQ(set_param(c, "extras.probe_timeout_ms", 2000), "");
        ASSERT_EQ(set_param(c, "extras.timeout_weight", 2.5), "");
        EXPECT_EQ(c.extras.probe_timeout_ms, 2000);
        EXPECT_EQ(c.extras.timeout_weight, 2.5);
        EXPECT_THAT(set_param(c, "extras.open_jitter", 1.01), HasSubstr("[0, 1]"));
    }
}

// [SECTION] TOML reading -------------------------------------------------------------------

TEST(BreakerToml, ReadsTheDesignExample) {
    const BreakerConfig c = parse_breaker_toml(R"(
[breaker]
preset = "gobreaker"      # gobreaker | resilience4j | polly | hystrix
max_requests = 3
interval_ms = 5000
timeout_ms = 10000
bucket_period_ms = 0

[breaker.trip]
consecutive_failures = 3
)",
                                               "example.toml");
    const auto& g = std::get<GobreakerSettings>(c.settings);
    EXPECT_EQ(g.max_requests, 3);
    EXPECT_EQ(g.interval_ms, 5000);
    EXPECT_EQ(g.timeout_ms, 10000);
    EXPECT_EQ(g.trip, GobreakerSettings::Trip::consecutive_failures);
    EXPECT_EQ(g.consecutive_failures, 3);
    EXPECT_EQ(c.extras, BreakerExtras{});
}

TEST(BreakerToml, OmittedKeysTakeTheLibraryDefaults) {
    for (Preset p : kPresets) {
        const std::string text = std::string("[breaker]\npreset = \"") + to_string(p) + "\"\n";
        EXPECT_EQ(parse_breaker_toml(text, "t.toml"), BreakerConfig::defaults(p)) << text;
    }
    EXPECT_EQ(parse_breaker_toml("[breaker]\n", "t.toml"),
              BreakerConfig::defaults(Preset::gobreaker));
}

TEST(BreakerToml, FailureRatioFormWithMinRequests) {
    const BreakerConfig c = parse_breaker_toml(
        "[breaker]\n[breaker.trip]\nfailure_ratio = 0.6\nmin_requests = 3\n", "t.toml");
    const auto& g = std::get<GobreakerSettings>(c.settings);
    EXPECT_EQ(g.trip, GobreakerSettings::Trip::failure_ratio);
    EXPECT_DOUBLE_EQ(g.failure_ratio, 0.6);
    EXPECT_EQ(g.min_requests, 3);
}

TEST(BreakerToml, RealKeyAcceptsAnInteger) {
    const BreakerConfig c =
        parse_breaker_toml("[breaker]\n[breaker.trip]\nfailure_ratio = 1\n", "t.toml");
    EXPECT_DOUBLE_EQ(std::get<GobreakerSettings>(c.settings).failure_ratio, 1.0);
}

TEST(BreakerToml, ExtrasTable) {
    const BreakerConfig c = parse_breaker_toml(R"(
[breaker]
preset = "polly"
[breaker.extras]
probe_timeout_ms = 1500
open_jitter = 0.2
jitter_seed = 42
ramp_up_ms = 10000
ramp_up_start = 0.25
timeout_weight = 2
)",
                                               "t.toml");
    EXPECT_EQ(c.preset(), Preset::polly);
    EXPECT_EQ(c.extras.probe_timeout_ms, 1500);
    EXPECT_DOUBLE_EQ(c.extras.open_jitter, 0.2);
    EXPECT_EQ(c.extras.jitter_seed, 42u);
    EXPECT_EQ(c.extras.ramp_up_ms, 10000);
    EXPECT_DOUBLE_EQ(c.extras.ramp_up_start, 0.25);
    EXPECT_DOUBLE_EQ(c.extras.timeout_weight, 2.0);
}

TEST(BreakerToml, ChoiceByName) {
    const BreakerConfig c = parse_breaker_toml(
        "[breaker]\npreset = \"resilience4j\"\nsliding_window_type = \"time_based\"\n", "t.toml");
    EXPECT_EQ(std::get<Resilience4jSettings>(c.settings).sliding_window_type,
              Resilience4jSettings::WindowType::time_based);
}

// [SECTION] TOML errors --------------------------------------------------------------------

/// The ConfigError that parsing `text` throws (fails the test if none).
ConfigError error_of(const std::string& text) {
    try {
        parse_breaker_toml(text, "bad.toml");
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return ConfigError("", 0, "", "");
}

TEST(BreakerTomlErrors, UnknownKeyNamesFileLineAndKey) {
    const ConfigError e = error_of("[breaker]\npreset = \"gobreaker\"\ntimeout = 5\n");
    EXPECT_EQ(e.file(), "bad.toml");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "breaker.timeout");
    EXPECT_THAT(e.message(), HasSubstr("unknown key"));
    EXPECT_THAT(e.message(), HasSubstr("timeout_ms"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("bad.toml:3: key 'breaker.timeout': "));
}

TEST(BreakerTomlErrors, KeyOfAnotherPresetIsUnknown) {
    const ConfigError e = error_of("[breaker]\npreset = \"hystrix\"\nmax_requests = 3\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "breaker.max_requests");
}

TEST(BreakerTomlErrors, OutOfRangeNamesTheRange) {
    const ConfigError e = error_of("[breaker]\n\n[breaker.trip]\nfailure_ratio = 1.5\n");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.key(), "breaker.trip.failure_ratio");
    EXPECT_EQ(e.message(), "1.5 is out of range; expected a number in [0, 1]");
}

TEST(BreakerTomlErrors, NegativeDurationIsOutOfRange) {
    const ConfigError e = error_of("[breaker]\ntimeout_ms = -5\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.message(), "-5 is out of range; expected an integer in [0, 1000000000]");
}

TEST(BreakerTomlErrors, WrongTypes) {
    ConfigError e = error_of("[breaker]\ntimeout_ms = \"5s\"\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_THAT(e.message(), HasSubstr("a string is not allowed; expected an integer in [0, "));
    e = error_of("[breaker]\ninterval_ms = 2.5\n");
    EXPECT_THAT(e.message(), HasSubstr("2.5 is not an integer"));
    e = error_of("[breaker]\npreset = \"polly\"\nisolate = 1\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_THAT(e.message(), HasSubstr("expected true or false"));
    e = error_of("[breaker]\npreset = 3\n");
    EXPECT_EQ(e.key(), "breaker.preset");
    EXPECT_THAT(e.message(), HasSubstr("gobreaker, resilience4j, polly, hystrix"));
    e = error_of("[breaker]\nmax_requests = [1, 2]\n");
    EXPECT_THAT(e.message(), HasSubstr("an array is not allowed"));
}

TEST(BreakerTomlErrors, TooManyRollingBuckets) {
    const ConfigError e = error_of("[breaker]\ninterval_ms = 1000000000\nbucket_period_ms = 1\n");
    EXPECT_TRUE(e.line() == 2 || e.line() == 3);
    EXPECT_THAT(e.message(), HasSubstr("buckets; at most 100000"));
}

TEST(BreakerTomlErrors, NanAndInfinity) {
    ConfigError e = error_of("[breaker]\n[breaker.trip]\nfailure_ratio = nan\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_THAT(e.message(), HasSubstr("nan is not allowed; expected a number in [0, 1]"));
    e = error_of("[breaker]\n[breaker.extras]\ntimeout_weight = inf\n");
    EXPECT_EQ(e.key(), "breaker.extras.timeout_weight");
    EXPECT_THAT(e.message(), HasSubstr("inf is not allowed"));
}

TEST(BreakerTomlErrors, UnknownPreset) {
    const ConfigError e = error_of("[breaker]\n\npreset = \"hystrixx\"\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_THAT(e.message(), HasSubstr("'hystrixx' is not a preset"));
}

TEST(BreakerTomlErrors, BadChoiceListsTheChoices) {
    const ConfigError e =
        error_of("[breaker]\npreset = \"resilience4j\"\nsliding_window_type = \"sliding\"\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_THAT(e.message(), HasSubstr("'sliding' is not allowed; expected one of: "));
}

TEST(BreakerTomlErrors, TwoTripFormsAtOnce) {
    const ConfigError e =
        error_of("[breaker]\n[breaker.trip]\nconsecutive_failures = 3\nfailure_ratio = 0.5\n");
    EXPECT_EQ(e.key().rfind("breaker.trip.", 0), 0u);
    EXPECT_THAT(e.message(), HasSubstr("two trip forms at once"));
    EXPECT_TRUE(e.line() == 3 || e.line() == 4);
}

TEST(BreakerTomlErrors, MinRequestsBelongsToTheRatioForm) {
    const ConfigError e =
        error_of("[breaker]\n[breaker.trip]\ntotal_failures = 3\nmin_requests = 5\n");
    EXPECT_THAT(e.message(), HasSubstr("two trip forms at once"));
}

TEST(BreakerTomlErrors, UnknownTripKey) {
    const ConfigError e = error_of("[breaker]\n[breaker.trip]\nconsecutive = 3\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "breaker.trip.consecutive");
}

TEST(BreakerTomlErrors, UnknownSubtable) {
    const ConfigError e = error_of("[breaker]\n[breaker.window]\nsize = 3\n");
    EXPECT_EQ(e.key(), "breaker.window");
    EXPECT_THAT(e.message(), HasSubstr("unknown table"));
}

TEST(BreakerTomlErrors, SyntaxErrorHasItsLine) {
    const ConfigError e = error_of("[breaker]\ntimeout_ms = 5000\nmax_requests = = 3\n");
    EXPECT_EQ(e.file(), "bad.toml");
    EXPECT_EQ(e.line(), 3);
}

TEST(BreakerTomlErrors, MissingBreakerTableAndStrayKeys) {
    ConfigError e = error_of("preset = \"gobreaker\"\n");
    EXPECT_EQ(e.key(), "preset");
    EXPECT_EQ(e.line(), 1);
    e = error_of("[breakr]\n");
    EXPECT_EQ(e.key(), "breakr");
    e = error_of("");
    EXPECT_EQ(e.key(), "breaker");
    EXPECT_THAT(e.message(), HasSubstr("missing [breaker] table"));
    e = error_of("breaker = 3\n");
    EXPECT_THAT(e.message(), HasSubstr("expected a table"));
}

TEST(BreakerTomlErrors, MissingFile) {
    try {
        load_breaker_file("/nonexistent/dir/breaker.toml");
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), "/nonexistent/dir/breaker.toml");
        EXPECT_THAT(e.message(), HasSubstr("cannot read"));
    }
}

// [SECTION] Round trip ---------------------------------------------------------------------

/// A config of `preset` with every parameter moved away from its default (within range).
BreakerConfig everything_changed(Preset preset, int variant) {
    BreakerConfig c = BreakerConfig::defaults(preset);
    for (const ParamSpec& spec : breaker_params(preset)) {
        const double current = *get_param(c, spec.key);
        double value = 0;
        switch (spec.kind) {
            case ParamKind::boolean:
                value = 1.0 - current;
                break;
            case ParamKind::choice:
                value = std::fmod(current + 1 + variant, static_cast<double>(spec.choices.size()));
                break;
            case ParamKind::integer:
                value = std::floor(spec.min + (spec.max - spec.min) / (3.0 + variant));
                break;
            case ParamKind::real:
                value = spec.min + (spec.max - spec.min) / (7.0 + variant);  // not a short decimal
                break;
        }
        if (std::string_view(spec.key) == "force_closed") continue;  // exclusive with force_open
        EXPECT_EQ(set_param(c, spec.key, value), "") << spec.key << " = " << value;
    }
    return c;
}

TEST(BreakerRoundTrip, DefaultsOfEveryPreset) {
    for (Preset p : kPresets) {
        const BreakerConfig c = BreakerConfig::defaults(p);
        const std::string text = to_toml(c);
        EXPECT_EQ(parse_breaker_toml(text, "rt.toml"), c) << text;
    }
}

TEST(BreakerRoundTrip, EveryParameterChanged) {
    for (Preset p : kPresets) {
        for (int variant = 0; variant < 4; ++variant) {
            const BreakerConfig c = everything_changed(p, variant);
            const std::string text = to_toml(c);
            EXPECT_EQ(parse_breaker_toml(text, "rt.toml"), c) << text;
            EXPECT_EQ(to_toml(parse_breaker_toml(text, "rt.toml")), text);
        }
    }
}

TEST(BreakerRoundTrip, EveryTripForm) {
    for (const char* key : {"trip.consecutive_failures", "trip.failure_ratio", "trip.min_requests",
                            "trip.total_failures"}) {
        BreakerConfig c = BreakerConfig::defaults(Preset::gobreaker);
        ASSERT_EQ(set_param(c, key, 1), "");
        const std::string text = to_toml(c);
        EXPECT_EQ(parse_breaker_toml(text, "rt.toml"), c) << text;
    }
}

TEST(BreakerRoundTrip, WritesDefaultsSoTheFileDocumentsItself) {
    const std::string text = to_toml(BreakerConfig::defaults(Preset::gobreaker));
    EXPECT_THAT(text, HasSubstr("[breaker]\npreset = \"gobreaker\"\n"));
    EXPECT_THAT(text, HasSubstr("max_requests = 0\n"));
    EXPECT_THAT(text, HasSubstr("timeout_ms = 0\n"));
    EXPECT_THAT(text, HasSubstr("[breaker.trip]\n"));
    EXPECT_EQ(text.find("[breaker.extras]"), std::string::npos);  // extras off: not written
}

TEST(BreakerRoundTrip, OtherTableName) {
    BreakerConfig c = gobreaker({{"trip.total_failures", 4}, {"extras.ramp_up_ms", 100}});
    const std::string text = to_toml(c, "service.dependency.breaker");
    EXPECT_THAT(text, HasSubstr("[service.dependency.breaker.trip]\ntotal_failures = 4\n"));
    EXPECT_THAT(text, HasSubstr("[service.dependency.breaker.extras]\n"));
}

TEST(BreakerRoundTrip, ThroughAFile) {
    const test::TempDir scratch("cbsim_breaker_config_test");
    const std::filesystem::path& dir = scratch.path;
    const std::string path = (dir / "b.toml").string();
    const BreakerConfig c = everything_changed(Preset::resilience4j, 1);
    std::ofstream(path) << to_toml(c);
    EXPECT_EQ(load_breaker_file(path), c);
}

// [SECTION] Factory ------------------------------------------------------------------------

TEST(BreakerFactory, BuildsEveryPresetClosed) {
    for (Preset p : kPresets) {
        const auto b = make_breaker(BreakerConfig::defaults(p));
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(b->state(0), State::closed) << to_string(p);
        EXPECT_TRUE(b->acquire(0).allowed()) << to_string(p);
    }
}

TEST(BreakerFactory, ReconfigureRefusesAnotherPreset) {
    for (Preset p : kPresets) {
        const auto b = make_breaker(BreakerConfig::defaults(p));
        const Preset other = p == Preset::gobreaker ? Preset::polly : Preset::gobreaker;
        EXPECT_FALSE(b->reconfigure(BreakerConfig::defaults(other), 0));
        EXPECT_TRUE(b->reconfigure(BreakerConfig::defaults(p), 0));
    }
}

}  // namespace
}  // namespace cbsim::test
