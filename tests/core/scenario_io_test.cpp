// Scenario TOML: lossless round trips (every asset, the default, every settable parameter at
// random values), the format's conveniences, and every kind of error with its exact
// file:line:key. Plus a mutation fuzz: no input may do anything but load or throw ConfigError.
//
// [SECTION] Helpers
// [SECTION] Round trips
// [SECTION] Conveniences of the format
// [SECTION] Errors: file:line:key and the allowed range
// [SECTION] Files
// [SECTION] Fuzz: nothing but a scenario or a ConfigError
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <cbsim/compare.hpp>
#include <cbsim/error.hpp>
#include <cbsim/rng.hpp>
#include <cbsim/scenario.hpp>
#include <cbsim/scenario_io.hpp>

namespace cbsim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace fs = std::filesystem;

// [SECTION] Helpers ----------------------------------------------------------------------------

/// The scenario files of assets/scenarios (compare files, which name a scenario and its
/// variants, left out: compare_test.cpp reads them).
std::vector<fs::path> scenario_assets() {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(fs::path(CBSIM_ASSET_DIR) / "scenarios")) {
        if (entry.path().extension() != ".toml") continue;
        if (load_compare_file(entry.path().string())) continue;
        out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_text(const fs::path& path) {
    return read_config_file(path.string());
}

/// Checks both halves of the round-trip contract and returns the saved text.
std::string expect_round_trip(const Scenario& s) {
    const std::string text = scenario_to_toml(s);
    const Scenario back = parse_scenario_toml(text, "saved.toml");
    EXPECT_TRUE(back == s) << text;
    EXPECT_EQ(scenario_to_toml(back), text);
    return text;
}

/// A small valid scenario; the error tests change one line of it. Line numbers matter.
constexpr std::string_view kBase = R"(name = "t"
duration_s = 10

[traffic]
target = "A"
rate_rps = 10

[[service]]
name = "A"
capacity = 10
latency_ms = { p50 = 1, p99 = 5 }

[[service.dependency]]
target = "B"
timeout_ms = 100

[service.dependency.breaker]
preset = "gobreaker"
timeout_ms = 5000

[[service]]
name = "B"
failure_rate = 0.1

[[timeline]]
at_s = 5
set = "B.failure_rate"
value = 0.5
)";

/// kBase with the one occurrence of `from` replaced by `to`.
std::string edit(std::string_view from, std::string_view to) {
    std::string text(kBase);
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "ambiguous edit: " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

/// The ConfigError that parsing `text` as "t.toml" throws; nullopt (and a failure) if none.
std::optional<ConfigError> error_of(const std::string& text) {
    try {
        parse_scenario_toml(text, "t.toml");
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << text;
    return std::nullopt;
}

/// Expects an error at `line` for `key` whose message has each of `parts`, and that what()
/// reads "t.toml:<line>: key '<key>': ...".
void expect_error(const std::string& text, int line, const std::string& key,
                  std::initializer_list<std::string_view> parts) {
    const auto e = error_of(text);
    if (!e) return;
    EXPECT_EQ(e->file(), "t.toml");
    EXPECT_EQ(e->line(), line) << e->what();
    EXPECT_EQ(e->key(), key) << e->what();
    std::string prefix = "t.toml";
    if (line > 0) prefix += ":" + std::to_string(line);
    prefix += ": ";
    if (!key.empty()) prefix += "key '" + key + "': ";
    EXPECT_THAT(e->what(), StartsWith(prefix));
    for (std::string_view part : parts)
        EXPECT_THAT(e->message(), HasSubstr(std::string(part)));
}

// [SECTION] Round trips ------------------------------------------------------------------------

TEST(ScenarioIo, BaseTextLoads) {
    const Scenario s = parse_scenario_toml(std::string(kBase), "t.toml");
    ASSERT_EQ(s.services.size(), 2u);
    EXPECT_EQ(s.services[0].dependencies.at(0).target, "B");
    ASSERT_TRUE(s.services[0].dependencies[0].breaker.has_value());
    EXPECT_EQ(s.services[0].dependencies[0].breaker->preset(), Preset::gobreaker);
    ASSERT_EQ(s.timeline.size(), 1u);
    EXPECT_EQ(s.timeline[0].at, from_s(5));
    EXPECT_EQ(s.timeline[0].value, SettingValue(0.5));
    expect_round_trip(s);
}

TEST(ScenarioIo, EveryAssetRoundTripsLosslessly) {
    const auto assets = scenario_assets();
    ASSERT_GE(assets.size(), 11u);
    for (const fs::path& path : assets) {
        SCOPED_TRACE(path.filename().string());
        const Scenario s = load_scenario_file(path.string());
        EXPECT_FALSE(s.name.empty());
        EXPECT_NE(s.name, Scenario{}.name) << "every asset names its story";
        expect_round_trip(s);
    }
}

TEST(ScenarioIo, EveryAssetOpensWithAStoryComment) {
    for (const fs::path& path : scenario_assets()) {
        SCOPED_TRACE(path.filename().string());
        const std::string text = read_text(path);
        std::size_t comment_lines = 0;
        std::size_t at = 0;
        while (at < text.size() && text[at] == '#') {
            ++comment_lines;
            at = text.find('\n', at);
            at = at == std::string::npos ? text.size() : at + 1;
        }
        EXPECT_GE(comment_lines, 4u) << "the header comment tells the scenario's story";
    }
}

TEST(ScenarioIo, TheDocumentedExampleLoads) {
    // docs/SCENARIOS.md opens with a complete example: it must stay a valid scenario.
    const std::string doc =
        read_text(fs::path(CBSIM_ASSET_DIR).parent_path() / "docs" / "SCENARIOS.md");
    const auto begin = doc.find("```toml\n");
    ASSERT_NE(begin, std::string::npos);
    const auto end = doc.find("```", begin + 8);
    ASSERT_NE(end, std::string::npos);
    const Scenario s = parse_scenario_toml(doc.substr(begin + 8, end - begin - 8), "SCENARIOS.md");
    EXPECT_EQ(s.services.size(), 2u);
    EXPECT_EQ(s.traffic.phases.size(), 1u);
    EXPECT_EQ(s.services[0].dependencies.at(0).retry.jitter, Jitter::full);
    expect_round_trip(s);
}

TEST(ScenarioIo, DefaultScenarioRoundTrips) {
    expect_round_trip(default_scenario());
}

TEST(ScenarioIo, TimelineBooleansSetOnlyBooleanSettings) {
    Scenario sc = default_scenario();
    std::string boolean_path;
    for (const SettingSpec& spec : setting_specs(sc))
        if (spec.kind == ParamKind::boolean && boolean_path.empty()) boolean_path = spec.path;
    ASSERT_FALSE(boolean_path.empty()) << "the default scenario has no boolean setting";
    const std::string base = scenario_to_toml(sc);
    const auto entry = [](const std::string& path, const char* value) {
        return "\n[[timeline]]\nat_s = 1\nset = \"" + path + "\"\nvalue = " + value + "\n";
    };
    // true for a boolean: loads (as 1), saves and loads back equal.
    const Scenario on = parse_scenario_toml(base + entry(boolean_path, "true"), "on.toml");
    ASSERT_EQ(on.timeline.size(), 1u);
    EXPECT_EQ(on.timeline[0].value, SettingValue(1.0));
    EXPECT_EQ(parse_scenario_toml(scenario_to_toml(on), "again.toml"), on);
    // true for a number: refused, naming the allowed range.
    try {
        parse_scenario_toml(base + entry("B.failure_rate", "true"), "bad.toml");
        ADD_FAILURE() << "true accepted for B.failure_rate";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "timeline[0].value");
        EXPECT_THAT(e.message(),
                    HasSubstr("B.failure_rate: \"true\" is not allowed; expected a number in"));
    }
}

TEST(ScenarioIo, SavedTextIsCanonical) {
    const std::string text = scenario_to_toml(default_scenario());
    EXPECT_THAT(text, StartsWith("# cbsim scenario"));
    // Fixed order: top-level keys, traffic, then services with their dependencies.
    const auto pos = [&](std::string_view s) { return text.find(s); };
    EXPECT_LT(pos("name = "), pos("seed = "));
    EXPECT_LT(pos("seed = "), pos("duration_s = 120.0"));
    EXPECT_LT(pos("duration_s"), pos("[traffic]"));
    EXPECT_LT(pos("[traffic]"), pos("[[service]]"));
    EXPECT_LT(pos("[[service.dependency]]"), pos("[service.dependency.retry]"));
    EXPECT_LT(pos("[service.dependency.retry]"), pos("[service.dependency.breaker]"));
    // Defaults are written too, reals always look like reals.
    EXPECT_THAT(text, HasSubstr("queue_limit = 1000\n"));
    EXPECT_THAT(text, HasSubstr("rate_rps = 50.0\n"));
    EXPECT_THAT(text, HasSubstr("failure_latency_ms = -1.0\n"));
    EXPECT_EQ(text, scenario_to_toml(default_scenario())) << "same scenario, same bytes";
}

/// A scenario touching every part of the format with awkward values.
Scenario rich_scenario() {
    Scenario s = default_scenario();
    s.name = "quotes \" backslash \\ tab \t newline \n control \x01 unicode \xCE\xA9 end";
    s.seed = 18446744073709551615ull;  // past the TOML integer range
    s.duration_s = 1234.567891;
    s.resolution_ms = 7;
    s.traffic.rate_rps = 0.1 + 0.2;  // 0.30000000000000004
    s.traffic.arrival = Arrival::constant;
    s.traffic.phases = {TrafficPhase{1, 1.0 / 3.0, 0}, TrafficPhase{from_s(60) + 999999, 200.0, 1},
                        TrafficPhase{from_s(9999999), 1e-7, from_s(10)}};
    Service& a = s.services[0];
    a.latency = Latency{LatencyDist::exponential, 3.5, 9.25, 2.0 / 3.0, 0.0};
    a.failure_pattern = FailurePattern::every_nth;
    a.every_nth = 7;
    a.failure_latency_ms = 0.001;
    a.hang_rate = 1e-9;
    a.faulty_instances = 1;
    Dependency& ab = a.dependencies[0];
    ab.retry = RetryPolicy{5, 0, 3600000, Jitter::decorrelated, 123.456, 1.0};
    ab.max_in_flight = 17;
    ab.fallback = true;
    ab.breaker_scope = BreakerScope::shared;
    ab.store_sync_ms = 600000;
    // Through set_param, as the GUI does: choosing a trip form resets the other forms' values.
    EXPECT_EQ(set_param(*ab.breaker, "trip.failure_ratio", 0.123456789012345), "");
    EXPECT_EQ(set_param(*ab.breaker, "trip.min_requests", 11), "");
    EXPECT_EQ(set_param(*ab.breaker, "bucket_period_ms", 1000), "");
    EXPECT_EQ(set_param(*ab.breaker, "interval_ms", 10000), "");
    ab.breaker->extras.open_jitter = 0.25;
    Service& b = s.services[1];
    b.latency = Latency{LatencyDist::constant, 2.0, 2.5, 1.0, 0.0};
    b.failure_rate = 0.7;
    b.instances = 1000;
    b.capacity = 0;
    Service c;
    c.name = "C-3_x";
    c.latency = Latency{LatencyDist::lognormal, 0.001, 3600000.0, 5.0, 6.0};
    Dependency bc;
    bc.target = "C-3_x";
    bc.breaker = BreakerConfig::defaults(Preset::resilience4j);
    b.dependencies.push_back(bc);
    Dependency ac;
    ac.target = "C-3_x";
    ac.breaker = BreakerConfig::defaults(Preset::polly);
    a.dependencies.push_back(ac);
    Service d;
    d.name = "D";
    d.latency = Latency{LatencyDist::constant, 1.0, 5.0, 1.0, 7.5};
    Dependency cd;
    cd.target = "D";
    cd.breaker = BreakerConfig::defaults(Preset::hystrix);
    c.dependencies.push_back(cd);
    s.services.push_back(c);
    s.services.push_back(d);
    s.timeline = {
        TimelineEntry{1, "B.failure_rate", 0.1},
        TimelineEntry{from_s(2), "A->B.retry.jitter", std::string("full")},
        TimelineEntry{from_s(2), "A->B.breaker.preset", std::string("resilience4j")},
        TimelineEntry{from_s(2) + 1, "A->B.breaker.failure_rate_threshold", 12.5},
        TimelineEntry{from_s(3), "A->B.fallback", 0.0},
        TimelineEntry{from_s(4), "traffic.rate_rps", 1e6},
        TimelineEntry{from_s(5), "A->B.breaker.preset", std::string("none")},
        TimelineEntry{from_s(1000000000), "A.instances", 3.0},
    };
    return s;
}

TEST(ScenarioIo, RichScenarioRoundTrips) {
    const Scenario s = rich_scenario();
    ASSERT_THAT(validate(s), ::testing::IsEmpty());
    const std::string text = expect_round_trip(s);
    EXPECT_THAT(text, HasSubstr("seed = \"18446744073709551615\"\n"));
    EXPECT_THAT(text, HasSubstr("rate_rps = 0.30000000000000004\n"));
    EXPECT_THAT(text, HasSubstr("{ at_s = 0.000001, rate_rps = 0.3333333333333333, ramp_s = 0 }"));
    EXPECT_THAT(text, HasSubstr("{ at_s = 60.999999, rate_rps = 200.0, ramp_s = 0.000001 }"));
    EXPECT_THAT(text, HasSubstr("at_s = 1000000000\n"));
    EXPECT_THAT(text, HasSubstr("value = \"full\"\n"));
    EXPECT_THAT(text, HasSubstr("value = 1000000\n"));
    // Fields of the inactive latency distributions survive (the GUI switches back and forth).
    EXPECT_THAT(text, HasSubstr("latency_ms = { dist = \"exponential\", mean = 0.6666666666666666, "
                                "p50 = 3.5, p99 = 9.25, constant = 0.0 }"));
}

TEST(ScenarioIo, EverySettableParameterRoundTripsAtRandomValues) {
    // Every parameter setting_specs() offers, set to random in-range values (reals with all 53
    // bits), then recorded in a timeline at random microsecond times: the file keeps them all.
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        SCOPED_TRACE(seed);
        Rng rng(seed, stream_id("scenario_io_test"));
        Scenario s = rich_scenario();
        s.timeline.clear();
        for (int round = 0; round < 2; ++round) {
            for (const SettingSpec& spec : setting_specs(s)) {
                SettingValue value;
                if (spec.kind == ParamKind::choice) {
                    value = spec.choices[rng.below(spec.choices.size())];
                } else if (spec.kind == ParamKind::real) {
                    value = rng.uniform(spec.min, spec.max);
                } else {
                    const auto span = static_cast<std::uint64_t>(spec.max - spec.min);
                    value = spec.min + static_cast<double>(rng.below(std::min<std::uint64_t>(
                                           span + 1, std::uint64_t{1} << 52)));
                }
                if (spec.path.ends_with("breaker.preset") && rng.below(2) == 0) continue;
                Scenario before = s;
                if (!apply_setting(s, spec.path, value).empty()) continue;
                if (!validate(s).empty()) s = before;  // e.g. a hystrix window it does not allow
            }
        }
        const Scenario initial = s;
        for (const SettingSpec& spec : setting_specs(initial)) {
            if (rng.below(4) != 0) continue;
            const auto v = get_setting(initial, spec.path);
            ASSERT_TRUE(v.has_value()) << spec.path;
            s.timeline.push_back(
                TimelineEntry{static_cast<SimTime>(rng.below(from_s(100000))), spec.path, *v});
        }
        ASSERT_THAT(validate(s), ::testing::IsEmpty());
        expect_round_trip(s);
    }
}

// [SECTION] Conveniences of the format ---------------------------------------------------------

TEST(ScenarioIo, OmittedKeysTakeTheStructDefaults) {
    const Scenario s = parse_scenario_toml("[[service]]\nname = \"A\"\n", "t.toml");
    Scenario expected;
    Service a;
    a.name = "A";
    expected.services = {a};
    EXPECT_TRUE(s == expected);
}

TEST(ScenarioIo, LatencyKeysTellTheDistribution) {
    const auto latency_of = [](std::string_view table) {
        const std::string text =
            "[[service]]\nname = \"A\"\nlatency_ms = " + std::string(table) + "\n";
        return parse_scenario_toml(text, "t.toml").services.at(0).latency;
    };
    EXPECT_EQ(latency_of("{ p50 = 20, p99 = 80 }").dist, LatencyDist::lognormal);
    EXPECT_EQ(latency_of("{ p50 = 20, p99 = 80 }").p99_ms, 80.0);
    EXPECT_EQ(latency_of("{ constant = 5 }").dist, LatencyDist::constant);
    EXPECT_EQ(latency_of("{ constant = 5 }").constant_ms, 5.0);
    EXPECT_EQ(latency_of("{ mean = 10 }").dist, LatencyDist::exponential);
    EXPECT_EQ(latency_of("{ mean = 10, dist = \"exponential\" }").mean_ms, 10.0);
    const Latency mixed = latency_of("{ dist = \"constant\", constant = 3, p50 = 2, p99 = 4 }");
    EXPECT_EQ(mixed.dist, LatencyDist::constant);
    EXPECT_EQ(mixed.p50_ms, 2.0);
    EXPECT_EQ(mixed.p99_ms, 4.0);
}

TEST(ScenarioIo, RetryAsInlineTableOrSubtableIsTheSame) {
    const std::string sub = edit("timeout_ms = 100\n",
                                 "timeout_ms = 100\n[service.dependency.retry]\n"
                                 "max_attempts = 3\njitter = \"equal\"\n");
    const std::string inline_table =
        edit("timeout_ms = 100\n",
             "timeout_ms = 100\nretry = { max_attempts = 3, jitter = \"equal\" }\n");
    const Scenario a = parse_scenario_toml(sub, "t.toml");
    EXPECT_TRUE(a == parse_scenario_toml(inline_table, "t.toml"));
    EXPECT_EQ(a.services[0].dependencies[0].retry.max_attempts, 3);
    EXPECT_EQ(a.services[0].dependencies[0].retry.jitter, Jitter::equal);
}

TEST(ScenarioIo, TimesHaveMicrosecondPrecision) {
    EXPECT_EQ(parse_scenario_toml(edit("at_s = 5", "at_s = 0.000001"), "t.toml").timeline[0].at, 1);
    EXPECT_EQ(parse_scenario_toml(edit("at_s = 5", "at_s = 1.5"), "t.toml").timeline[0].at,
              1500000);
    EXPECT_EQ(parse_scenario_toml(edit("at_s = 5", "at_s = 2.0000004"), "t.toml").timeline[0].at,
              2000000);
}

TEST(ScenarioIo, TimelineValuesAreNumbersBooleansOrChoices) {
    const Scenario s = parse_scenario_toml(
        std::string(kBase) +
            "\n[[timeline]]\nat_s = 6\nset = \"A->B.fallback\"\nvalue = true\n"
            "\n[[timeline]]\nat_s = 7\nset = \"A->B.retry.jitter\"\nvalue = \"full\"\n"
            "\n[[timeline]]\nat_s = 8\nset = \"A->B.retry.max_attempts\"\nvalue = 3\n",
        "t.toml");
    ASSERT_EQ(s.timeline.size(), 4u);
    EXPECT_EQ(s.timeline[1].value, SettingValue(1.0));
    EXPECT_EQ(s.timeline[2].value, SettingValue(std::string("full")));
    EXPECT_EQ(s.timeline[3].value, SettingValue(3.0));
}

TEST(ScenarioIo, SeedsCoverTheWholeUnsignedRange) {
    EXPECT_EQ(
        parse_scenario_toml(edit("name = \"t\"", "seed = 9223372036854775807"), "t.toml").seed,
        9223372036854775807ull);
    EXPECT_EQ(
        parse_scenario_toml(edit("name = \"t\"", "seed = \"9223372036854775808\""), "t.toml").seed,
        9223372036854775808ull);
    expect_error(edit("name = \"t\"", "seed = -1"), 1, "seed", {"negative"});
    expect_error(edit("name = \"t\"", "seed = \"12x\""), 1, "seed", {"not a seed"});
    expect_error(edit("name = \"t\"", "seed = \"18446744073709551616\""), 1, "seed",
                 {"18446744073709551615"});
}

// [SECTION] Errors: file:line:key and the allowed range ---------------------------------------

TEST(ScenarioIoErrors, SyntaxErrorNamesTheLine) {
    expect_error(edit("rate_rps = 10", "rate_rps = = 10"), 6, "", {"not valid TOML"});
    expect_error(edit("value = 0.5", "value = [1,"), 28, "", {"not valid TOML"});
    expect_error(edit("duration_s = 10", "duration_s = 10\nduration_s = 11"), 3, "",
                 {"not valid TOML"});
}

TEST(ScenarioIoErrors, UnknownKeysListTheKnownOnes) {
    expect_error(edit("duration_s = 10", "duration_s = 10\ncolour = 1"), 3, "colour",
                 {"unknown key", "duration_s", "timeline"});
    expect_error(edit("rate_rps = 10", "rate = 10"), 6, "traffic.rate",
                 {"unknown key", "rate_rps"});
    expect_error(edit("capacity = 10", "capcity = 10"), 10, "service[0].capcity",
                 {"unknown key", "capacity"});
    expect_error(edit("p99 = 5", "p90 = 5"), 11, "service[0].latency_ms.p90", {"p99"});
    expect_error(edit("timeout_ms = 100", "timeout = 100"), 15, "service[0].dependency[0].timeout",
                 {"timeout_ms", "breaker_scope"});
    expect_error(edit("timeout_ms = 5000", "timeout_s = 5"), 19,
                 "service[0].dependency[0].breaker.timeout_s", {"timeout_ms"});
    expect_error(edit("value = 0.5", "value = 0.5\nwhen = 3"), 29, "timeline[0].when",
                 {"at_s", "set", "value"});
}

TEST(ScenarioIoErrors, WrongTypesNameWhatWasExpected) {
    expect_error(edit("capacity = 10", "capacity = \"10\""), 10, "service[0].capacity",
                 {"expected an integer, got a string"});
    expect_error(edit("capacity = 10", "capacity = 10.5"), 10, "service[0].capacity",
                 {"10.5 is not an integer"});
    expect_error(edit("name = \"A\"", "name = 5"), 9, "service[0].name",
                 {"expected a string, got an integer"});
    expect_error(edit("failure_rate = 0.1", "failure_rate = \"high\""), 23,
                 "service[1].failure_rate", {"expected a number, got a string"});
    expect_error(edit("timeout_ms = 100", "timeout_ms = 100\nfallback = \"yes\""), 16,
                 "service[0].dependency[0].fallback", {"expected true or false"});
    expect_error(edit("latency_ms = { p50 = 1, p99 = 5 }", "latency_ms = 5"), 11,
                 "service[0].latency_ms", {"expected a table"});
    expect_error(edit("rate_rps = 10", "rate_rps = 10\narrival = \"burst\""), 7, "traffic.arrival",
                 {"\"burst\" is not allowed", "poisson, constant"});
    expect_error(edit("[traffic]", "traffic = 3\n[other]"), 5, "other", {"unknown key"});
    expect_error(edit("value = 0.5", "value = 1979-05-27"), 28, "timeline[0].value",
                 {"got a date or time"});
    expect_error("[service]\nname = \"A\"\n", 1, "service", {"expected an array of tables"});
    expect_error("traffic = 5\n", 1, "traffic", {"expected a table"});
}

TEST(ScenarioIoErrors, OutOfRangeValuesNameTheRange) {
    expect_error(edit("failure_rate = 0.1", "failure_rate = 1.5"), 23, "service[1].failure_rate",
                 {"1.5", "[0, 1]"});
    expect_error(edit("capacity = 10", "capacity = 10\ninstances = 0"), 11, "service[0].instances",
                 {"[1, 1000]"});
    expect_error(edit("p99 = 5", "p99 = 0.5"), 11, "service[0].latency_ms.p99", {"p50"});
    // An omitted key whose default does not fit is reported at the line of its table.
    expect_error(edit("{ p50 = 1, p99 = 5 }", "{ p50 = 10 }"), 11, "service[0].latency_ms.p99",
                 {"below p50"});
    expect_error(edit("timeout_ms = 5000", "timeout_ms = -3"), 19,
                 "service[0].dependency[0].breaker.timeout_ms", {"-3"});
    expect_error(edit("rate_rps = 10", "rate_rps = 2e6"), 6, "traffic.rate_rps", {"[0, 1000000]"});
}

TEST(ScenarioIoErrors, NanAndInfinityAreRefused) {
    expect_error(edit("failure_rate = 0.1", "failure_rate = nan"), 23, "service[1].failure_rate",
                 {"nan is not allowed", "finite"});
    expect_error(edit("duration_s = 10", "duration_s = inf"), 2, "duration_s",
                 {"inf is not allowed"});
    expect_error(edit("value = 0.5", "value = -inf"), 28, "timeline[0].value",
                 {"-inf is not allowed"});
    expect_error(edit("timeout_ms = 5000", "failure_ratio = nan"), 19,
                 "service[0].dependency[0].breaker.failure_ratio", {});
}

TEST(ScenarioIoErrors, NegativeTimesAndDurationsAreRefused) {
    expect_error(edit("duration_s = 10", "duration_s = -1"), 2, "duration_s",
                 {"[1e-06, 10000000]"});
    expect_error(edit("duration_s = 10", "duration_s = 0"), 2, "duration_s", {"[1e-06, 10000000]"});
    expect_error(edit("timeout_ms = 100", "timeout_ms = -1"), 15,
                 "service[0].dependency[0].timeout_ms", {"[0, 3600000]"});
    expect_error(edit("at_s = 5", "at_s = -5"), 26, "timeline[0].at_s",
                 {"-5 is out of range", "[0, 1000000000]"});
    expect_error(edit("rate_rps = 10",
                      "rate_rps = 10\nphases = [{ at_s = 1, rate_rps = 5, "
                      "ramp_s = -2 }]"),
                 7, "traffic.phases[0].ramp_s", {"[0, 1000000000]"});
    expect_error(edit("rate_rps = 10",
                      "rate_rps = 10\nphases = [{ at_s = 9, rate_rps = 5 },\n"
                      "  { at_s = 3, rate_rps = 5 }]"),
                 8, "traffic.phases[1].at_s", {"sorted"});
}

TEST(ScenarioIoErrors, AbsurdSizesAreRefused) {
    expect_error(edit("capacity = 10", "capacity = 10\ninstances = 1000000"), 11,
                 "service[0].instances", {"1000000 is out of range", "[1, 1000]"});
    expect_error(edit("capacity = 10", "capacity = 10\nqueue_limit = 99999999999"), 11,
                 "service[0].queue_limit", {"99999999999", "[0, 10000000]"});
    expect_error(edit("capacity = 10", "capacity = 9223372036854775807"), 10, "service[0].capacity",
                 {"[0, 1000000]"});
    expect_error(edit("name = \"t\"", "name = \"" + std::string(300, 'x') + "\""), 1, "name",
                 {"300 bytes", "at most 256"});
    std::string many;
    for (std::size_t i = 0; i <= kMaxServices; ++i)
        many += "[[service]]\nname = \"S\"\n";
    expect_error(many, 1, "service", {"1001 entries", "at most 1000"});
    expect_error(edit("capacity = 10", "capacity = 10\nretry = 3"), 11, "service[0].retry",
                 {"unknown key"});
}

TEST(ScenarioIoErrors, DeepNestingIsRefusedBeforeItReachesTheParser) {
    // A million-level dotted key would exhaust the stack inside toml++.
    std::string deep = "traffic";
    for (int i = 0; i < 1000000; ++i)
        deep += ".x";
    expect_error(std::string(kBase) + deep + " = 1\n", 29, "", {"more than 4096 dots"});
    std::string header = "[t";
    for (int i = 0; i < 5000; ++i)
        header += ".t";
    expect_error("name = \"x\"\n" + header + "]\n", 2, "", {"dots on one line"});
    // Dots in strings and comments do not count; nor do a few thousand phases on one line.
    const std::string dots(10000, '.');
    std::string phases = "phases = [";
    for (int i = 0; i < 1000; ++i)
        phases += "{ at_s = 1.5, rate_rps = 2.5, ramp_s = 0.5 }, ";
    const Scenario s = parse_scenario_toml(
        edit("rate_rps = 10", "rate_rps = 10 # " + dots + "\n" + phases + "]") +
            "[[timeline]]\nat_s = 1.5\nset = \"B.failure_rate\"\nvalue = 0.25 # " + dots + "\n",
        "t.toml");
    EXPECT_EQ(s.traffic.phases.size(), 1000u);
    expect_error(edit("name = \"t\"", "name = '" + dots + "'"), 1, "name", {"at most 256"});
    expect_error(edit("name = \"t\"", "name = \"\"\"\n" + dots + "\"\"\""), 1, "name",
                 {"at most 256"});
}

TEST(ScenarioIoErrors, StructuralProblems) {
    expect_error(edit("name = \"B\"", "name = \"A\""), 22, "service[1].name",
                 {"\"A\" is used by another service"});
    expect_error(edit("name = \"B\"", "name = \"B C\""), 22, "service[1].name",
                 {"not a valid name"});
    expect_error(edit("target = \"B\"", "target = \"Z\""), 14, "service[0].dependency[0].target",
                 {"\"Z\" is not a service"});
    expect_error(edit("target = \"A\"", "target = \"Q\""), 5, "traffic.target",
                 {"\"Q\" is not a service"});
    expect_error(
        edit("failure_rate = 0.1", "failure_rate = 0.1\n[[service.dependency]]\ntarget = \"A\""),
        13, "service[0].dependency", {"cycle"});
    expect_error("name = \"empty\"\n", 0, "service", {"at least one [[service]]"});
}

TEST(ScenarioIoErrors, MissingRequiredKeys) {
    expect_error(edit("name = \"B\"\n", ""), 21, "service[1].name", {"missing"});
    expect_error(edit("target = \"B\"\n", ""), 13, "service[0].dependency[0].target", {"missing"});
    expect_error(edit("value = 0.5\n", ""), 25, "timeline[0].value", {"missing"});
    expect_error(edit("at_s = 5\n", ""), 25, "timeline[0].at_s", {"missing"});
    expect_error(edit("rate_rps = 10", "rate_rps = 10\nphases = [{ rate_rps = 5 }]"), 7,
                 "traffic.phases[0].at_s", {"missing"});
}

TEST(ScenarioIoErrors, TimelinePathsAndValuesAreChecked) {
    expect_error(edit("set = \"B.failure_rate\"", "set = \"B.colour\""), 27, "timeline[0].set",
                 {"not a settable path"});
    expect_error(edit("set = \"B.failure_rate\"", "set = \"Z.failure_rate\""), 27,
                 "timeline[0].set", {"not a settable path"});
    expect_error(edit("value = 0.5", "value = 2"), 28, "timeline[0].value", {"[0, 1]"});
    // An integer no double holds is echoed as written, not as the nearest double (...992).
    expect_error(edit("set = \"B.failure_rate\"\nvalue = 0.5",
                      "set = \"B.capacity\"\nvalue = 9007199254740993"),
                 28, "timeline[0].value",
                 {"9007199254740993 is out of range; expected an integer in [0, 1000000]"});
    expect_error(edit("set = \"B.failure_rate\"\nvalue = 0.5",
                      "set = \"A->B.retry.jitter\"\nvalue = \"wild\""),
                 28, "timeline[0].value", {"\"wild\"", "decorrelated"});
    // A path is checked against the scenario as it is at that time: no breaker, no key.
    expect_error(std::string(kBase) +
                     "\n[[timeline]]\nat_s = 6\nset = \"A->B.breaker.preset\"\nvalue = \"none\"\n"
                     "\n[[timeline]]\nat_s = 7\nset = \"A->B.breaker.timeout_ms\"\nvalue = 100\n",
                 37, "timeline[2].set",
                 {"the edge A->B has no breaker", "set A->B.breaker.preset too"});
}

TEST(ScenarioIoErrors, BreakerTableErrorsNameTheDependency) {
    expect_error(edit("preset = \"gobreaker\"", "preset = \"netflix\""), 18,
                 "service[0].dependency[0].breaker.preset", {"gobreaker, resilience4j"});
    expect_error(edit("timeout_ms = 5000",
                      "timeout_ms = 5000\n[service.dependency.breaker.trip]\n"
                      "consecutive_failures = 3\ntotal_failures = 4"),
                 22, "service[0].dependency[0].breaker.trip.total_failures", {"two trip forms"});
}

TEST(ScenarioIoErrors, UnreadableFiles) {
    try {
        load_scenario_file("/nonexistent/dir/s.toml");
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), "/nonexistent/dir/s.toml");
        EXPECT_THAT(e.message(), HasSubstr("cannot read"));
    }
    try {
        load_scenario_file(CBSIM_ASSET_DIR);
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.message(), HasSubstr("is a directory"));
    }
}

// [SECTION] Files ------------------------------------------------------------------------------

fs::path temp_file(std::string_view name, std::string_view content) {
    const fs::path path = fs::path(::testing::TempDir()) / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

TEST(ScenarioIoFiles, SaveThenLoadGivesTheSameScenario) {
    const fs::path path = fs::path(::testing::TempDir()) / "scenario_io_saved.toml";
    const Scenario s = rich_scenario();
    ASSERT_EQ(save_scenario_file(s, path.string()), "");
    EXPECT_TRUE(load_scenario_file(path.string()) == s);
    EXPECT_EQ(read_text(path), scenario_to_toml(s));
    EXPECT_THAT(save_scenario_file(s, "/nonexistent/dir/s.toml"), HasSubstr("/nonexistent/dir"));
}

TEST(ScenarioIoFiles, ErrorsOfAFileNameItsPath) {
    const fs::path path = temp_file("scenario_io_bad.toml", edit("capacity = 10", "capacity = -1"));
    try {
        load_scenario_file(path.string());
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), StartsWith(path.string() + ":10: key 'service[0].capacity': "));
    }
}

TEST(ScenarioIoFiles, DetectsScenarioBreakerCompareAndSweepFiles) {
    EXPECT_EQ(detect_config_file_kind(
                  temp_file("kind_breaker.toml", "[breaker]\npreset = \"polly\"\n").string()),
              ConfigFileKind::breaker);
    EXPECT_EQ(detect_config_file_kind(temp_file("kind_scenario.toml", std::string(kBase)).string()),
              ConfigFileKind::scenario);
    EXPECT_EQ(
        detect_config_file_kind(
            temp_file("kind_both.toml", "name = \"x\"\n[breaker]\npreset = \"polly\"\n").string()),
        ConfigFileKind::scenario);
    EXPECT_EQ(detect_config_text_kind("scenario = \"s.toml\"\nvariants = [\"a\"]\n", "c.toml"),
              ConfigFileKind::compare);
    EXPECT_EQ(detect_config_text_kind("scenario = \"s.toml\"\n[[axis]]\npath = \"x\"\n", "w.toml"),
              ConfigFileKind::sweep);
    EXPECT_THROW(detect_config_file_kind(temp_file("kind_bad.toml", "a = = 1\n").string()),
                 ConfigError);
    EXPECT_THROW(detect_config_file_kind("/nonexistent/kind.toml"), ConfigError);
}

// [SECTION] Fuzz: nothing but a scenario or a ConfigError ---------------------------------------

TEST(ScenarioIoFuzz, MutatedAssetsLoadOrThrowConfigError) {
    std::vector<std::string> corpus{std::string(kBase)};
    for (const fs::path& path : scenario_assets())
        corpus.push_back(read_text(path));
    const std::string alphabet = "=[]{}\".,#\n -+0123456789eE_abcnrtuxAB>\\\x01\xff";
    Rng rng(7, stream_id("fuzz"));
    int loaded = 0, refused = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string text = corpus[rng.below(corpus.size())];
        const auto edits = 1 + rng.below(4);
        for (std::uint64_t k = 0; k < edits && !text.empty(); ++k) {
            const auto at = rng.below(text.size());
            switch (rng.below(5)) {
                case 0:
                    text.erase(at, 1 + rng.below(8));
                    break;
                case 1:
                    text.insert(at, 1, alphabet[rng.below(alphabet.size())]);
                    break;
                case 2:
                    text[at] = alphabet[rng.below(alphabet.size())];
                    break;
                case 3: {  // duplicate a slice (repeated tables and keys)
                    const auto len = 1 + rng.below(60);
                    text.insert(at, text.substr(rng.below(text.size()), len));
                    break;
                }
                default:
                    text.insert(at, std::to_string(static_cast<std::int64_t>(rng.next() >> 1)));
            }
        }
        try {
            const Scenario s = parse_scenario_toml(text, "fuzz.toml");
            ++loaded;
            EXPECT_TRUE(validate(s).empty());
            const std::string saved = scenario_to_toml(s);
            EXPECT_TRUE(parse_scenario_toml(saved, "fuzz.toml") == s) << text;
        } catch (const ConfigError& e) {
            ++refused;
            EXPECT_EQ(e.file(), "fuzz.toml");
            EXPECT_FALSE(e.message().empty());
        }
    }
    EXPECT_GT(loaded, 100);
    EXPECT_GT(refused, 100);
}

TEST(ScenarioIoFuzz, RandomBytesThrowConfigError) {
    Rng rng(11, stream_id("bytes"));
    for (int i = 0; i < 500; ++i) {
        std::string text(rng.below(2000), '\0');
        for (char& c : text)
            c = static_cast<char>(rng.below(256));
        EXPECT_THROW(parse_scenario_toml(text, "bytes.toml"), ConfigError);
    }
}

}  // namespace
}  // namespace cbsim
