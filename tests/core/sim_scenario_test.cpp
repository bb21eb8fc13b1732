// Scenario: settable paths with their ranges, apply_setting, get_setting, validate().
#include <gtest/gtest.h>

#include <algorithm>

#include "cbsim/number_text.hpp"
#include "cbsim/scenario.hpp"

namespace cbsim {
namespace {

bool has_path(const std::vector<SettingSpec>& specs, const std::string& path) {
    return std::any_of(specs.begin(), specs.end(),
                       [&](const SettingSpec& s) { return s.path == path; });
}

TEST(SimScenario, DefaultScenarioIsValid) {
    EXPECT_TRUE(validate(default_scenario()).empty());
    EXPECT_EQ(default_scenario().duration(), from_s(120));
}

TEST(SimScenario, SpecsListTrafficServiceEdgeAndBreakerPaths) {
    const auto specs = setting_specs(default_scenario());
    for (const char* p :
         {"traffic.rate_rps", "traffic.arrival", "B.failure_rate", "B.hang_rate",
          "B.latency_p50_ms", "A.instances", "A->B.timeout_ms", "A->B.retry.max_attempts",
          "A->B.retry.jitter", "A->B.max_in_flight", "A->B.fallback", "A->B.breaker.preset",
          "A->B.breaker.timeout_ms", "A->B.breaker.trip.consecutive_failures"})
        EXPECT_TRUE(has_path(specs, p)) << p;
    const auto rate = find_setting(default_scenario(), "B.failure_rate");
    ASSERT_TRUE(rate);
    EXPECT_EQ(rate->min, 0.0);
    EXPECT_EQ(rate->max, 1.0);
    EXPECT_FALSE(rate->help.empty());
    const auto jitter = find_setting(default_scenario(), "A->B.retry.jitter");
    ASSERT_TRUE(jitter);
    EXPECT_EQ(jitter->kind, ParamKind::choice);
    EXPECT_EQ(jitter->choices.size(), 4u);
    EXPECT_FALSE(find_setting(default_scenario(), "C.failure_rate"));
    EXPECT_FALSE(find_setting(default_scenario(), "B->A.timeout_ms"));
    EXPECT_FALSE(find_setting(default_scenario(), "B.nope"));
}

TEST(SimScenario, ApplySettingValidatesAndNamesTheRange) {
    Scenario sc = default_scenario();
    EXPECT_EQ(apply_setting(sc, "B.failure_rate", 0.25), "");
    EXPECT_EQ(sc.services[1].failure_rate, 0.25);
    const std::string e = apply_setting(sc, "B.failure_rate", 1.5);
    EXPECT_NE(e.find("B.failure_rate"), std::string::npos) << e;
    EXPECT_NE(e.find("[0, 1]"), std::string::npos) << e;
    EXPECT_EQ(sc.services[1].failure_rate, 0.25);
    EXPECT_NE(apply_setting(sc, "A.instances", 2.5).find("integer"), std::string::npos);
    EXPECT_EQ(apply_setting(sc, "A->B.retry.jitter", std::string("wild")),
              "A->B.retry.jitter: \"wild\" is not allowed; expected one of: none, full, equal, "
              "decorrelated");
    EXPECT_EQ(apply_setting(sc, "A->B.retry.jitter", std::string("equal")), "");
    EXPECT_EQ(sc.services[0].dependencies[0].retry.jitter, Jitter::equal);
    EXPECT_EQ(apply_setting(sc, "A->B.fallback", std::string("true")), "");
    EXPECT_TRUE(sc.services[0].dependencies[0].fallback);
    EXPECT_NE(apply_setting(sc, "nothing", 1.0).find("not a settable path"), std::string::npos);
    // p50 <= p99: the ranges follow the other value.
    EXPECT_NE(apply_setting(sc, "B.latency_p50_ms", 500.0), "");
    EXPECT_EQ(find_setting(sc, "B.latency_p50_ms")->max, 80.0);
}

TEST(SimScenario, AnIntegerNoDoubleHoldsIsEchoedAsTyped) {
    EXPECT_FALSE(text::inexact_integer_literal("9007199254740992"));  // 2^53 itself is exact
    EXPECT_TRUE(text::inexact_integer_literal("9007199254740993"));
    EXPECT_TRUE(text::inexact_integer_literal("-9007199254740993"));
    EXPECT_TRUE(text::inexact_integer_literal("+00099999999999999999"));
    EXPECT_FALSE(text::inexact_integer_literal("0009007199254740992"));
    for (const char* s : {"", "-", "+", "1.5", "1e20", "12a", "99999999999999999.0"})
        EXPECT_FALSE(text::inexact_integer_literal(s)) << s;

    Scenario sc = default_scenario();
    EXPECT_EQ(apply_setting(sc, "A.capacity", setting_value_from_text("9007199254740993")),
              "A.capacity: 9007199254740993 is out of range; expected an integer in [0, 1000000]");
    EXPECT_EQ(apply_setting(sc, "A.capacity", setting_value_from_text("-99999999999999999999")),
              "A.capacity: -99999999999999999999 is out of range; expected an integer in [0, "
              "1000000]");
    EXPECT_EQ(apply_setting(sc, "B.failure_rate", setting_value_from_text("12345678901234567")),
              "B.failure_rate: 12345678901234567 is out of range; expected a number in [0, 1]");
    // 2^53 is a double: the numeric message, the same digits.
    EXPECT_EQ(apply_setting(sc, "A.capacity", setting_value_from_text("9007199254740992")),
              "A.capacity: 9007199254740992 is out of range; expected an integer in [0, 1000000]");
    // A choice is told its choices.
    EXPECT_EQ(apply_setting(sc, "A->B.retry.jitter", setting_value_from_text("9007199254740993")),
              "A->B.retry.jitter: \"9007199254740993\" is not allowed; expected one of: none, "
              "full, equal, decorrelated");
}

TEST(SimScenario, BreakerPresetAndParametersByPath) {
    Scenario sc = default_scenario();
    EXPECT_EQ(std::get<std::string>(*get_setting(sc, "A->B.breaker.preset")), "gobreaker");
    EXPECT_EQ(std::get<double>(*get_setting(sc, "A->B.breaker.trip.consecutive_failures")), 3.0);
    EXPECT_EQ(apply_setting(sc, "A->B.breaker.timeout_ms", 2500.0), "");
    EXPECT_EQ(std::get<double>(*get_setting(sc, "A->B.breaker.timeout_ms")), 2500.0);
    EXPECT_EQ(apply_setting(sc, "A->B.breaker.preset", std::string("none")), "");
    EXPECT_FALSE(sc.services[0].dependencies[0].breaker);
    EXPECT_FALSE(find_setting(sc, "A->B.breaker.timeout_ms"));
    EXPECT_EQ(apply_setting(sc, "A->B.breaker.preset", 1.0), "");  // by index: gobreaker
    EXPECT_EQ(sc.services[0].dependencies[0].breaker, BreakerConfig::defaults(Preset::gobreaker));
}

TEST(SimScenario, ABreakerKeyOnAnEdgeWithoutBreakerSaysToSetThePreset) {
    Scenario sc = default_scenario();
    ASSERT_EQ(apply_setting(sc, "A->B.breaker.preset", std::string("none")), "");
    EXPECT_EQ(apply_setting(sc, "A->B.breaker.timeout_ms", 2500.0),
              "A->B.breaker.timeout_ms: the edge A->B has no breaker; set A->B.breaker.preset too "
              "(one of: gobreaker, resilience4j, polly, hystrix, opossum, cockatiel), and its keys "
              "apply on top of that preset's defaults");
    EXPECT_EQ(missing_breaker(sc, "A->B.timeout_ms"), "");          // not a breaker key
    EXPECT_EQ(missing_breaker(sc, "A->C.breaker.timeout_ms"), "");  // no such edge
}

TEST(SimScenario, SettingsTogetherApplyInAnyOrder) {
    // What a file says at once has no order: p50 above the old p99 with the new p99, a breaker
    // key given before the preset that creates it, in both orders, give one scenario.
    const std::vector<Change> one = {{"B.latency_p50_ms", 500.0},
                                     {"B.latency_p99_ms", 1000.0},
                                     {"A->B.breaker.preset", std::string("resilience4j")},
                                     {"A->B.breaker.wait_duration_in_open_state_ms", 2500.0}};
    std::vector<Change> reversed(one.rbegin(), one.rend());
    Scenario a = default_scenario();
    Scenario b = default_scenario();
    ASSERT_EQ(apply_settings_together(a, one), "");
    ASSERT_EQ(apply_settings_together(b, reversed), "");
    EXPECT_EQ(a, b);
    EXPECT_EQ(std::get<double>(*get_setting(a, "B.latency_p50_ms")), 500.0);
    EXPECT_EQ(std::get<double>(*get_setting(a, "A->B.breaker.wait_duration_in_open_state_ms")),
              2500.0);
    // One by one, in the first order, the p50 is refused (above the p99 of 80 then).
    Scenario c = default_scenario();
    EXPECT_NE(apply_setting(c, "B.latency_p50_ms", 500.0), "");

    // The refusal is that of the first change that cannot apply, with its index.
    Scenario d = default_scenario();
    std::size_t failed = 99;
    EXPECT_EQ(
        apply_settings_together(d, {{"B.failure_rate", 0.5}, {"B.failure_rate", 0.6}}, &failed),
        "B.failure_rate: given twice; give each path once");
    EXPECT_EQ(failed, 1u);
    Scenario e = default_scenario();
    EXPECT_EQ(
        apply_settings_together(e, {{"B.failure_rate", 0.5}, {"B.latency_p50_ms", 500.0}}, &failed),
        apply_setting(e, "B.latency_p50_ms", 500.0));
    EXPECT_EQ(failed, 1u);
}

TEST(SimScenario, ValidateFindsStructuralProblems) {
    Scenario sc = default_scenario();
    sc.services[0].dependencies[0].target = "Z";
    auto p = validate(sc);
    ASSERT_FALSE(p.empty());
    EXPECT_EQ(p[0].key, "service[0].dependency[0].target");

    sc = default_scenario();
    sc.services[1].dependencies.push_back(Dependency{});
    sc.services[1].dependencies[0].target = "A";
    p = validate(sc);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].message.find("cycle"), std::string::npos);

    sc = default_scenario();
    sc.services[1].name = "A";
    EXPECT_FALSE(validate(sc).empty());

    sc = default_scenario();
    sc.services[1].latency.p99_ms = 10;  // below p50 = 20
    p = validate(sc);
    ASSERT_FALSE(p.empty());
    EXPECT_EQ(p[0].key, "service[1].latency_ms.p99");

    sc = default_scenario();
    sc.services[1].hang_rate = 2;
    p = validate(sc);
    ASSERT_FALSE(p.empty());
    EXPECT_EQ(p[0].key, "service[1].hang_rate");

    sc = default_scenario();
    sc.timeline.push_back({from_s(1), "B.failure_rate", 3.0});
    p = validate(sc);
    ASSERT_FALSE(p.empty());
    EXPECT_EQ(p[0].key, "timeline[0].value");
    sc.timeline[0].path = "B.nope";
    EXPECT_EQ(validate(sc)[0].key, "timeline[0].set");

    sc = default_scenario();
    sc.traffic.target = "Q";
    EXPECT_EQ(validate(sc)[0].key, "traffic.target");
}

TEST(SimScenario, TimelineIsCheckedAgainstTheScenarioAsItIsThen) {
    // The breaker parameter is valid only after the preset entry that precedes it in time.
    Scenario sc = default_scenario();
    sc.services[0].dependencies[0].breaker.reset();
    sc.timeline = {{from_s(2), "A->B.breaker.timeout_ms", 1000.0},
                   {from_s(1), "A->B.breaker.preset", std::string("gobreaker")}};
    EXPECT_TRUE(validate(sc).empty());
    sc.timeline[1].at = from_s(3);
    EXPECT_FALSE(validate(sc).empty());
}

TEST(SimScenario, FaultyInstancesAreBoundByInstances) {
    Scenario sc = default_scenario();
    Service& b = sc.services[1];
    EXPECT_EQ(b.faulty_instances, 0);
    EXPECT_EQ(find_setting(sc, "B.faulty_instances")->max, 1.0) << "at most instances (1)";
    ASSERT_EQ(apply_setting(sc, "B.instances", 4.0), "");
    EXPECT_EQ(apply_setting(sc, "B.faulty_instances", 1.0), "");
    EXPECT_EQ(b.faulty_instances, 1);
    EXPECT_EQ(std::get<double>(*get_setting(sc, "B.faulty_instances")), 1.0);
    EXPECT_EQ(apply_setting(sc, "B.faulty_instances", 5.0),
              "B.faulty_instances: 5 is out of range; expected an integer in [0, 4]");
    ASSERT_EQ(apply_setting(sc, "B.faulty_instances", 3.0), "");
    EXPECT_EQ(apply_setting(sc, "B.instances", 2.0),
              "B.instances: 2 is out of range; expected an integer in [3, 1000]");
    EXPECT_EQ(b.instances, 4);

    // A file asking for more faulty instances than instances: the problem names both.
    sc = default_scenario();
    sc.services[1].instances = 4;
    sc.services[1].faulty_instances = 5;
    auto p = validate(sc);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].key, "service[1].faulty_instances");
    EXPECT_EQ(p[0].message, "5 is above instances (4); expected faulty_instances <= instances");
    sc.services[1].faulty_instances = 1001;
    p = validate(sc);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].message, "1001 is out of range; expected an integer in [0, 1000]");
}

TEST(SimScenario, RangeErrorsHaveOneShape) {
    // Scenario keys, breaker parameters and file checks all say "V is out of range; expected
    // <an integer|a number> in [min, max]", integers written in full.
    Scenario sc = default_scenario();
    EXPECT_EQ(apply_setting(sc, "B.failure_rate", 1.5),
              "B.failure_rate: 1.5 is out of range; expected a number in [0, 1]");
    EXPECT_EQ(apply_setting(sc, "B.every_nth", -1.0),
              "B.every_nth: -1 is out of range; expected an integer in [0, 1000000000]");
    EXPECT_EQ(apply_setting(sc, "A->B.breaker.timeout_ms", -1.0),
              "A->B.breaker.timeout_ms: -1 is out of range; expected an integer in [0, "
              "1000000000]");
    sc.services[1].queue_limit = -3;
    const auto p = validate(sc);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].message, "-3 is out of range; expected an integer in [0, 10000000]");
}

TEST(SimScenario, SettingValuesPrintShortest) {
    EXPECT_EQ(to_string(SettingValue(0.1)), "0.1");
    EXPECT_EQ(to_string(SettingValue(200.0)), "200");
    EXPECT_EQ(to_string(SettingValue(std::string("full"))), "full");
}

}  // namespace
}  // namespace cbsim
