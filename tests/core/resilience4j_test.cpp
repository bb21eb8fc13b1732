// resilience4j_test.cpp: the resilience4j preset on a virtual clock, through the public API
// (set_param, make_breaker). Expected values follow docs/BREAKERS.md: windows, minimum
// calls, float percentage rates with `>=`, slow = strictly above the duration, strict retry
// boundary, half-open decision after min(minimum calls, permitted), backoff, modes.
//
// [SECTION] Helpers
// [SECTION] Parameters and files
// [SECTION] Count-based window
// [SECTION] Time-based window
// [SECTION] Slow calls
// [SECTION] Open and half-open
// [SECTION] Backoff and max wait in half-open
// [SECTION] Modes
// [SECTION] Late results, ignored and timeouts
// [SECTION] Counts, window view, reconfigure, jitter
// [SECTION] Longer runs against the rule
#include <gtest/gtest.h>

#include <cbsim/breaker.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>
#include <cbsim/rng.hpp>

#include "scripted_run.hpp"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cbsim {
namespace {

// [SECTION] Helpers -------------------------------------------------------------------------

constexpr SimTime ms(std::int64_t v) {
    return from_ms(v);
}

using Params = std::initializer_list<std::pair<const char*, double>>;

BreakerConfig r4j(Params params) {
    BreakerConfig c = BreakerConfig::defaults(Preset::resilience4j);
    for (const auto& [key, value] : params)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

/// A small, fast-deciding configuration most tests start from: a ring of 4, all 4 needed,
/// 50 % failures, 1 s open, 2 probes.
BreakerConfig small(Params extra = {}) {
    BreakerConfig c = r4j({{"sliding_window_size", 4},
                           {"minimum_number_of_calls", 4},
                           {"failure_rate_threshold", 50},
                           {"wait_duration_in_open_state_ms", 1000},
                           {"permitted_number_of_calls_in_half_open_state", 2}});
    for (const auto& [key, value] : extra)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

struct Rig {
    explicit Rig(const BreakerConfig& config) : Rig(make_breaker(config)) {}
    explicit Rig(std::unique_ptr<Breaker> b) : breaker(std::move(b)) {
        breaker->set_transition_sink([this](const Transition& t) { log.push_back(t); });
    }
    /// One call admitted and completed at `t`; false if rejected.
    bool call(SimTime t, Outcome outcome, SimTime duration = 0) {
        const Admission a = breaker->acquire(t);
        if (!a.allowed()) return false;
        breaker->record(a.permit, outcome, duration, t);
        return true;
    }
    bool ok(SimTime t) { return call(t, Outcome::success); }
    bool fail(SimTime t) { return call(t, Outcome::failure); }
    State state(SimTime t) { return breaker->state(t); }
    Rejection rejection(SimTime t) { return breaker->acquire(t).rejection; }
    /// A call admitted at `t` and left running (after the wait: a probe, which half-opens).
    bool admits(SimTime t) { return breaker->acquire(t).allowed(); }
    std::string last_text() const { return log.empty() ? "" : log.back().text(); }

    std::unique_ptr<Breaker> breaker;
    std::vector<Transition> log;
};

/// Trips `rig` (built from small()) with four failures at `t`; returns the trip instant.
SimTime trip(Rig& rig, SimTime t) {
    for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(rig.fail(t));
    EXPECT_EQ(rig.state(t), State::open);
    return t;
}

// [SECTION] Parameters and files ------------------------------------------------------------

TEST(Resilience4jParams, DefaultsAreTheLibraryDefaults) {
    const BreakerConfig c = BreakerConfig::defaults(Preset::resilience4j);
    EXPECT_EQ(*get_param(c, "sliding_window_type"), 0.0);  // COUNT_BASED
    EXPECT_EQ(*get_param(c, "sliding_window_size"), 100.0);
    EXPECT_EQ(*get_param(c, "minimum_number_of_calls"), 100.0);
    EXPECT_EQ(*get_param(c, "failure_rate_threshold"), 50.0);
    EXPECT_EQ(*get_param(c, "slow_call_rate_threshold"), 100.0);
    EXPECT_EQ(*get_param(c, "slow_call_duration_threshold_ms"), 60000.0);
    EXPECT_EQ(*get_param(c, "wait_duration_in_open_state_ms"), 60000.0);
    EXPECT_EQ(*get_param(c, "exponential_backoff_multiplier"), 0.0);
    EXPECT_EQ(*get_param(c, "exponential_max_wait_duration_in_open_state_ms"), 0.0);
    EXPECT_EQ(*get_param(c, "permitted_number_of_calls_in_half_open_state"), 10.0);
    EXPECT_EQ(*get_param(c, "max_wait_duration_in_half_open_state_ms"), 0.0);
    EXPECT_EQ(*get_param(c, "automatic_transition_from_open_to_half_open_enabled"), 0.0);
    EXPECT_EQ(*get_param(c, "mode"), 0.0);
}

TEST(Resilience4jParams, EveryKeyIsListedWithATooltipNamingTheLibrary) {
    const char* keys[] = {"sliding_window_type",
                          "sliding_window_size",
                          "minimum_number_of_calls",
                          "failure_rate_threshold",
                          "slow_call_rate_threshold",
                          "slow_call_duration_threshold_ms",
                          "wait_duration_in_open_state_ms",
                          "exponential_backoff_multiplier",
                          "exponential_max_wait_duration_in_open_state_ms",
                          "permitted_number_of_calls_in_half_open_state",
                          "max_wait_duration_in_half_open_state_ms",
                          "automatic_transition_from_open_to_half_open_enabled",
                          "mode"};
    const auto params = breaker_params(Preset::resilience4j);
    for (const char* key : keys) {
        const ParamSpec* spec = find_param(Preset::resilience4j, key);
        ASSERT_NE(spec, nullptr) << key;
        EXPECT_EQ(std::string(spec->help).rfind("Resilience4j", 0), 0u) << key;
        EXPECT_LE(spec->min, spec->max) << key;
        const bool listed = std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) {
            return std::string(p.key) == key;
        });
        EXPECT_TRUE(listed) << key;
    }
    EXPECT_EQ(find_param(Preset::resilience4j, "max_requests"), nullptr);
}

TEST(Resilience4jParams, ChoicesNameTheWindowTypesAndModes) {
    const ParamSpec* type = find_param(Preset::resilience4j, "sliding_window_type");
    ASSERT_NE(type, nullptr);
    ASSERT_EQ(type->kind, ParamKind::choice);
    ASSERT_EQ(type->choices.size(), 2u);
    EXPECT_EQ(std::string(type->choices[0]), "count_based");
    EXPECT_EQ(std::string(type->choices[1]), "time_based");
    const ParamSpec* mode = find_param(Preset::resilience4j, "mode");
    ASSERT_NE(mode, nullptr);
    ASSERT_EQ(mode->choices.size(), 4u);
    EXPECT_EQ(std::string(mode->choices[0]), "normal");
    EXPECT_EQ(std::string(mode->choices[1]), "forced_open");
    EXPECT_EQ(std::string(mode->choices[2]), "disabled");
    EXPECT_EQ(std::string(mode->choices[3]), "metrics_only");
}

TEST(Resilience4jParams, SetAndGetRoundTripEveryKey) {
    BreakerConfig c = BreakerConfig::defaults(Preset::resilience4j);
    const std::pair<const char*, double> values[] = {
        {"sliding_window_type", 1},
        {"sliding_window_size", 7},
        {"minimum_number_of_calls", 3},
        {"failure_rate_threshold", 37.5},
        {"slow_call_rate_threshold", 80},
        {"slow_call_duration_threshold_ms", 250},
        {"wait_duration_in_open_state_ms", 1500},
        {"exponential_backoff_multiplier", 1.5},
        {"exponential_max_wait_duration_in_open_state_ms", 9000},
        {"permitted_number_of_calls_in_half_open_state", 4},
        {"max_wait_duration_in_half_open_state_ms", 2500},
        {"automatic_transition_from_open_to_half_open_enabled", 1},
        {"mode", 3}};
    for (const auto& [key, value] : values)
        ASSERT_EQ(set_param(c, key, value), "") << key;
    for (const auto& [key, value] : values)
        EXPECT_EQ(*get_param(c, key), value) << key;
    const auto& s = std::get<Resilience4jSettings>(c.settings);
    EXPECT_EQ(s.sliding_window_type, Resilience4jSettings::WindowType::time_based);
    EXPECT_EQ(s.mode, Resilience4jSettings::Mode::metrics_only);
    EXPECT_EQ(s.slow_call_duration_threshold_ms, 250);
    EXPECT_TRUE(s.automatic_transition_from_open_to_half_open_enabled);
}

TEST(Resilience4jParams, OutOfRangeValuesAreRefusedAndLeaveTheValue) {
    BreakerConfig c = BreakerConfig::defaults(Preset::resilience4j);
    EXPECT_NE(set_param(c, "failure_rate_threshold", 101), "");
    EXPECT_NE(set_param(c, "sliding_window_size", 0), "");
    EXPECT_NE(set_param(c, "permitted_number_of_calls_in_half_open_state", 0), "");
    EXPECT_NE(set_param(c, "mode", 4), "");
    EXPECT_NE(set_param(c, "no_such_key", 1), "");
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::resilience4j));
}

TEST(Resilience4jParams, ShippedPresetFileLoadsAsTheLibraryDefaults) {
    const BreakerConfig c =
        load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/resilience4j.toml");
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::resilience4j));
}

TEST(Resilience4jParams, TomlRoundTripKeepsEveryValue) {
    const BreakerConfig c = small({{"sliding_window_type", 1},
                                   {"exponential_backoff_multiplier", 2},
                                   {"mode", 1},
                                   {"automatic_transition_from_open_to_half_open_enabled", 1},
                                   {"slow_call_rate_threshold", 12.5}});
    EXPECT_EQ(parse_breaker_toml(to_toml(c), "roundtrip.toml"), c);
}

TEST(Resilience4jParams, OtherPresetsAreRefusedByReconfigure) {
    Rig rig(small());
    rig.fail(0);
    EXPECT_FALSE(rig.breaker->reconfigure(BreakerConfig::defaults(Preset::gobreaker), ms(1)));
    EXPECT_EQ(rig.breaker->counts().total_failures, 1u);
}

// [SECTION] Count-based window --------------------------------------------------------------

TEST(Resilience4jCount, BelowMinimumCallsNeverTrips) {
    Rig rig(small());
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(rig.fail(ms(i)));
    EXPECT_EQ(rig.state(ms(3)), State::closed);
    EXPECT_TRUE(rig.log.empty());
}

TEST(Resilience4jCount, TripsOnTheOutcomeThatReachesTheMinimum) {
    Rig rig(small());
    rig.fail(ms(0));
    rig.fail(ms(1));
    rig.fail(ms(2));
    rig.ok(ms(3));  // 3 of 4 = 75 % >= 50 %
    EXPECT_EQ(rig.state(ms(3)), State::open);
    ASSERT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.log[0].at, ms(3));
    EXPECT_EQ(rig.log[0].from, State::closed);
    EXPECT_EQ(rig.log[0].to, State::open);
    EXPECT_STREQ(rig.log[0].reason.rule, "failure_rate_percent");
    EXPECT_DOUBLE_EQ(rig.log[0].reason.value, 75.0);
    EXPECT_STREQ(rig.log[0].reason.comparison, ">=");
    EXPECT_DOUBLE_EQ(rig.log[0].reason.threshold, 50.0);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 75 >= 50");
}

TEST(Resilience4jCount, ExactlyAtTheThresholdTrips) {
    Rig rig(small());
    rig.ok(ms(0));
    rig.ok(ms(1));
    rig.fail(ms(2));
    rig.fail(ms(3));  // 2 of 4 = 50 %
    EXPECT_EQ(rig.state(ms(3)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 50 >= 50");
}

TEST(Resilience4jCount, JustBelowTheThresholdStaysClosed) {
    Rig rig(small({{"failure_rate_threshold", 50.1}}));
    rig.ok(ms(0));
    rig.ok(ms(1));
    rig.fail(ms(2));
    rig.fail(ms(3));  // 50 % < 50.1 %
    EXPECT_EQ(rig.state(ms(3)), State::closed);
}

TEST(Resilience4jCount, TheRingKeepsOnlyTheLastNOutcomes) {
    // F S S S S F F: after the 7th the ring holds S S F F = 50 % (cumulatively 3/7 = 43 %).
    Rig rig(small());
    rig.fail(ms(0));
    for (int i = 1; i <= 4; ++i)
        rig.ok(ms(i));
    rig.fail(ms(5));  // ring S S S F = 25 %
    EXPECT_EQ(rig.state(ms(5)), State::closed);
    rig.fail(ms(6));
    EXPECT_EQ(rig.state(ms(6)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 50 >= 50");
}

TEST(Resilience4jCount, MinimumIsCappedAtTheWindowSize) {
    Rig rig(small({{"minimum_number_of_calls", 10}}));
    for (int i = 0; i < 3; ++i)
        rig.fail(ms(i));
    EXPECT_EQ(rig.state(ms(3)), State::closed);
    rig.fail(ms(3));  // 4 outcomes = the whole ring: min(10, 4) reached
    EXPECT_EQ(rig.state(ms(3)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 100 >= 50");
}

TEST(Resilience4jCount, SuccessesAloneNeverTrip) {
    Rig rig(small());
    for (int i = 0; i < 50; ++i)
        rig.ok(ms(i));
    EXPECT_EQ(rig.state(ms(50)), State::closed);
    EXPECT_TRUE(rig.log.empty());
}

TEST(Resilience4jCount, FractionalRatesAreFloatPercentages) {
    // 1 of 3 = 33.333332 % as a float: trips a threshold of 33.3 but not 33.34.
    Rig low(r4j({{"sliding_window_size", 3},
                 {"minimum_number_of_calls", 3},
                 {"failure_rate_threshold", 33.3}}));
    low.ok(ms(0));
    low.ok(ms(1));
    low.fail(ms(2));
    EXPECT_EQ(low.state(ms(2)), State::open);
    ASSERT_EQ(low.log.size(), 1u);
    EXPECT_NEAR(low.log[0].reason.value, 100.0 / 3.0, 1e-5);

    Rig high(r4j({{"sliding_window_size", 3},
                  {"minimum_number_of_calls", 3},
                  {"failure_rate_threshold", 33.34}}));
    high.ok(ms(0));
    high.ok(ms(1));
    high.fail(ms(2));
    EXPECT_EQ(high.state(ms(2)), State::closed);
}

// [SECTION] Time-based window ---------------------------------------------------------------

BreakerConfig timed(std::int64_t seconds, std::int64_t minimum) {
    return r4j({{"sliding_window_type", 1},
                {"sliding_window_size", static_cast<double>(seconds)},
                {"minimum_number_of_calls", static_cast<double>(minimum)},
                {"failure_rate_threshold", 50},
                {"wait_duration_in_open_state_ms", 1000}});
}

TEST(Resilience4jTime, OutcomesOfTheLastNSecondsCount) {
    // Window of 2 s: a failure at 0.999 s (second 0) still counts at 1.999 s (second 1).
    Rig rig(timed(2, 2));
    rig.fail(ms(999));
    rig.ok(ms(1999));  // 1 of 2 = 50 %
    EXPECT_EQ(rig.state(ms(1999)), State::open);
}

TEST(Resilience4jTime, ASecondLeavesTheWindowWhenTheEpochSecondMovesPastIt) {
    // At 2.000 s the window holds seconds 1 and 2: the failure of second 0 is gone.
    Rig rig(timed(2, 2));
    rig.fail(ms(999));
    rig.ok(ms(2000));
    EXPECT_EQ(rig.state(ms(2000)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(2000)).calls, 1u);
}

TEST(Resilience4jTime, BucketsAreEpochSecondsNotRelativeToTheFirstCall) {
    // A 1 s window: 0.999 s and 1.000 s fall in different seconds although 1 ms apart.
    Rig rig(timed(1, 2));
    rig.fail(ms(999));
    rig.ok(ms(1000));
    EXPECT_EQ(rig.state(ms(1000)), State::closed);
    rig.fail(ms(1500));  // second 1 now holds S F = 50 %
    EXPECT_EQ(rig.state(ms(1500)), State::open);
}

TEST(Resilience4jTime, MinimumIsNotCappedAtTheWindowSize) {
    Rig rig(timed(2, 5));
    for (int i = 0; i < 4; ++i)
        rig.fail(ms(100 + i));
    EXPECT_EQ(rig.state(ms(200)), State::closed);
    rig.fail(ms(300));
    EXPECT_EQ(rig.state(ms(300)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 100 >= 50");
}

TEST(Resilience4jTime, ALongGapEmptiesTheWholeWindow) {
    Rig rig(timed(3, 2));
    rig.ok(ms(100));
    rig.ok(ms(200));
    rig.fail(ms(300));  // 1 of 3 = 33 %
    EXPECT_EQ(rig.state(ms(300)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(300)).calls, 3u);
    EXPECT_EQ(rig.breaker->window(ms(3000 + 999)).calls, 0u);  // seconds 1..3: empty
    rig.fail(ms(100000));
    EXPECT_EQ(rig.state(ms(100000)), State::closed);  // 1 call < 2
    rig.fail(ms(100001));
    EXPECT_EQ(rig.state(ms(100001)), State::open);
}

TEST(Resilience4jTime, WindowViewDropsExpiredSecondsWithoutARecord) {
    Rig rig(timed(2, 1));
    rig.ok(ms(500));
    rig.ok(ms(1500));
    EXPECT_EQ(rig.breaker->window(ms(1999)).calls, 2u);
    EXPECT_EQ(rig.breaker->window(ms(2000)).calls, 1u);
    EXPECT_EQ(rig.breaker->window(ms(3000)).calls, 0u);
}

// [SECTION] Slow calls ------------------------------------------------------------------------

BreakerConfig slow_config(double failure_threshold) {
    return small({{"failure_rate_threshold", failure_threshold},
                  {"slow_call_rate_threshold", 50},
                  {"slow_call_duration_threshold_ms", 100}});
}

TEST(Resilience4jSlow, ACallExactlyAtTheDurationIsNotSlow) {
    Rig rig(slow_config(100));
    for (int i = 0; i < 8; ++i)
        rig.call(ms(i), Outcome::success, ms(100));
    EXPECT_EQ(rig.state(ms(8)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(8)).slow_call_rate, 0.0);
}

TEST(Resilience4jSlow, OneMicrosecondAboveIsSlowAndTheSlowRateTrips) {
    Rig rig(slow_config(100));
    rig.call(ms(0), Outcome::success, ms(100));
    rig.call(ms(1), Outcome::success, ms(100) + 1);
    rig.call(ms(2), Outcome::success, ms(100));
    EXPECT_EQ(rig.state(ms(2)), State::closed);
    rig.call(ms(3), Outcome::success, ms(101));  // 2 slow of 4 = 50 %
    EXPECT_EQ(rig.state(ms(3)), State::open);
    ASSERT_EQ(rig.log.size(), 1u);
    EXPECT_STREQ(rig.log[0].reason.rule, "slow_call_rate_percent");
    EXPECT_EQ(rig.last_text(), "opened: slow_call_rate_percent 50 >= 50");
}

TEST(Resilience4jSlow, ASlowFailureCountsAsFailureAndAsSlow) {
    // failures 2/4 = 50 % < 100 %; slow 2/4 = 50 % >= 50 %: the slow rule fires.
    Rig rig(slow_config(100));
    rig.call(ms(0), Outcome::failure, ms(200));
    rig.call(ms(1), Outcome::success, ms(10));
    rig.call(ms(2), Outcome::failure, ms(200));
    rig.call(ms(3), Outcome::success, ms(10));
    EXPECT_EQ(rig.state(ms(3)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: slow_call_rate_percent 50 >= 50");
}

TEST(Resilience4jSlow, TheFailureRuleIsNamedFirstWhenBothFire) {
    Rig rig(slow_config(50));
    rig.call(ms(0), Outcome::failure, ms(200));
    rig.call(ms(1), Outcome::failure, ms(200));
    rig.call(ms(2), Outcome::success, ms(10));
    rig.call(ms(3), Outcome::success, ms(10));
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 50 >= 50");
}

TEST(Resilience4jSlow, DefaultSlowThresholdIsOneMinuteAndHundredPercent) {
    Rig rig(small({{"failure_rate_threshold", 100}}));
    for (int i = 0; i < 4; ++i)
        rig.call(ms(i), Outcome::success, ms(60000));
    EXPECT_EQ(rig.state(ms(4)), State::closed);
    for (int i = 0; i < 3; ++i)
        rig.call(ms(10 + i), Outcome::success, ms(60001));
    EXPECT_EQ(rig.state(ms(13)), State::closed);  // 3 slow of 4 = 75 % < 100 %
    rig.call(ms(14), Outcome::success, ms(60001));
    EXPECT_EQ(rig.state(ms(14)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: slow_call_rate_percent 100 >= 100");
}

// [SECTION] Open and half-open ----------------------------------------------------------------

TEST(Resilience4jOpen, RejectsAtTheRetryTimeAndHalfOpensOneMillisecondAfter) {
    Rig rig(small());
    const SimTime t0 = trip(rig, ms(1000));
    EXPECT_EQ(rig.rejection(t0 + ms(999)), Rejection::open);
    EXPECT_EQ(rig.rejection(t0 + ms(1000)), Rejection::open);
    EXPECT_EQ(rig.state(t0 + ms(1000)), State::open);
    const Admission a = rig.breaker->acquire(t0 + ms(1001));
    EXPECT_TRUE(a.allowed());
    EXPECT_EQ(rig.state(t0 + ms(1001)), State::half_open);
    ASSERT_EQ(rig.log.size(), 2u);
    EXPECT_EQ(rig.log[1].at, t0 + ms(1001));
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 1001 > 1000");
}

TEST(Resilience4jOpen, StrictlyAfterMeansOneMicrosecondIsEnough) {
    Rig rig(small());
    const SimTime t0 = trip(rig, ms(0));
    EXPECT_EQ(rig.rejection(t0 + ms(1000)), Rejection::open);
    EXPECT_TRUE(rig.admits(t0 + ms(1000) + 1));
    EXPECT_EQ(rig.state(t0 + ms(1000) + 1), State::half_open);
}

TEST(Resilience4jOpen, OnlyAPermissionRequestHalfOpensAndItStampsTheTransition) {
    // getState() returns OPEN with no clock check; OpenState.tryAcquirePermission() is the one
    // place that moves to HALF_OPEN, at the instant of that request.
    Rig rig(small());
    const SimTime t0 = trip(rig, ms(0));
    EXPECT_EQ(rig.state(t0 + ms(5000)), State::open);
    EXPECT_EQ(rig.breaker->window(t0 + ms(5000)).calls, 4u);  // still the window that tripped
    EXPECT_EQ(rig.log.size(), 1u);
    EXPECT_TRUE(rig.admits(t0 + ms(7000)));
    ASSERT_EQ(rig.log.size(), 2u);
    EXPECT_EQ(rig.log[1].at, t0 + ms(7000));
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 7000 > 1000");
}

TEST(Resilience4jHalfOpen, AdmitsThePermittedCallsThenRejects) {
    Rig rig(small());
    const SimTime t = trip(rig, ms(0)) + ms(1001);
    const Admission a1 = rig.breaker->acquire(t);
    const Admission a2 = rig.breaker->acquire(t);
    EXPECT_TRUE(a1.allowed());
    EXPECT_TRUE(a2.allowed());
    EXPECT_EQ(rig.rejection(t), Rejection::too_many_requests);
    EXPECT_EQ(rig.rejection(t + ms(10)), Rejection::too_many_requests);
}

TEST(Resilience4jHalfOpen, DecidesAfterMinOfMinimumAndPermitted) {
    // minimum 4, permitted 2: the decision comes after 2 outcomes.
    Rig rig(small());
    const SimTime t = trip(rig, ms(0)) + ms(1001);
    const Admission a1 = rig.breaker->acquire(t);
    const Admission a2 = rig.breaker->acquire(t);
    rig.breaker->record(a1.permit, Outcome::success, 0, t + ms(1));
    EXPECT_EQ(rig.state(t + ms(1)), State::half_open);
    rig.breaker->record(a2.permit, Outcome::success, 0, t + ms(2));
    EXPECT_EQ(rig.state(t + ms(2)), State::closed);
    EXPECT_EQ(rig.last_text(), "closed: failure_rate_percent 0 < 50");
}

TEST(Resilience4jHalfOpen, ARateAtTheThresholdReopens) {
    Rig rig(small());
    const SimTime t = trip(rig, ms(0)) + ms(1001);
    EXPECT_TRUE(rig.ok(t));
    EXPECT_TRUE(rig.fail(t + ms(1)));  // 1 of 2 = 50 %
    EXPECT_EQ(rig.state(t + ms(1)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 50 >= 50");
    // a new wait from the reopening
    EXPECT_EQ(rig.rejection(t + ms(1001)), Rejection::open);
    EXPECT_TRUE(rig.admits(t + ms(1001) + 1));
}

TEST(Resilience4jHalfOpen, MinimumBelowPermittedDecidesEarly) {
    // permitted 3, minimum 2: closed after 2 successes, the third permit unused.
    Rig rig(small(
        {{"permitted_number_of_calls_in_half_open_state", 3}, {"minimum_number_of_calls", 2}}));
    for (int i = 0; i < 2; ++i)
        rig.fail(ms(i));  // min(2, 4) = 2 reached at 100 %
    ASSERT_EQ(rig.state(ms(1)), State::open);
    const SimTime t = ms(1) + ms(1001);
    EXPECT_TRUE(rig.ok(t));
    EXPECT_EQ(rig.state(t), State::half_open);
    EXPECT_TRUE(rig.ok(t));
    EXPECT_EQ(rig.state(t), State::closed);
}

TEST(Resilience4jHalfOpen, StartsFromAFreshWindow) {
    // The closed window held 4 failures; the half-open window starts empty.
    Rig rig(small());
    const SimTime t = trip(rig, ms(0)) + ms(1001);
    ASSERT_TRUE(rig.admits(t));  // the first probe half-opens
    EXPECT_EQ(rig.breaker->window(t).calls, 0u);
    EXPECT_EQ(rig.breaker->window(t).minimum_calls, 2u);
    rig.ok(t);
    EXPECT_EQ(rig.breaker->window(t).calls, 1u);
}

TEST(Resilience4jHalfOpen, ClosingStartsAnEmptyClosedWindow) {
    Rig rig(small());
    const SimTime t = trip(rig, ms(0)) + ms(1001);
    rig.ok(t);
    rig.ok(t);
    ASSERT_EQ(rig.state(t), State::closed);
    EXPECT_EQ(rig.breaker->window(t).calls, 0u);
    // three failures are not enough again: the minimum counts from zero
    for (int i = 0; i < 3; ++i)
        rig.fail(t + ms(1 + i));
    EXPECT_EQ(rig.state(t + ms(4)), State::closed);
}

// [SECTION] Backoff and max wait in half-open -----------------------------------------------

/// One failure trips (window 1, minimum 1); one probe decides.
BreakerConfig single(Params extra) {
    BreakerConfig c = r4j({{"sliding_window_size", 1},
                           {"minimum_number_of_calls", 1},
                           {"wait_duration_in_open_state_ms", 1000},
                           {"permitted_number_of_calls_in_half_open_state", 1}});
    for (const auto& [key, value] : extra)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

TEST(Resilience4jBackoff, WaitGrowsWithEachReopenUpToTheCapAndResetsOnClose) {
    Rig rig(single({{"exponential_backoff_multiplier", 2},
                    {"exponential_max_wait_duration_in_open_state_ms", 3000}}));
    rig.fail(ms(0));  // attempt 1: 1000
    EXPECT_EQ(rig.rejection(ms(1000)), Rejection::open);
    ASSERT_TRUE(rig.fail(ms(1001)));  // attempt 2: 2000
    EXPECT_EQ(rig.rejection(ms(3001)), Rejection::open);
    ASSERT_TRUE(rig.fail(ms(3002)));  // attempt 3: min(4000, 3000)
    EXPECT_EQ(rig.rejection(ms(6002)), Rejection::open);
    ASSERT_TRUE(rig.fail(ms(6003)));  // attempt 4: min(8000, 3000)
    EXPECT_EQ(rig.rejection(ms(9003)), Rejection::open);
    ASSERT_TRUE(rig.ok(ms(9004)));
    EXPECT_EQ(rig.state(ms(9004)), State::closed);
    rig.fail(ms(10000));  // attempt 1 again: 1000
    EXPECT_EQ(rig.rejection(ms(11000)), Rejection::open);
    EXPECT_TRUE(rig.ok(ms(11001)));
    std::vector<std::string> texts;
    for (const Transition& t : rig.log)
        texts.push_back(t.text());
    ASSERT_EQ(texts.size(), 12u);
    EXPECT_EQ(texts[1], "half-open: open_elapsed_ms 1001 > 1000");
    EXPECT_EQ(texts[3], "half-open: open_elapsed_ms 2001 > 2000");
    EXPECT_EQ(texts[5], "half-open: open_elapsed_ms 3001 > 3000");
    EXPECT_EQ(texts[7], "half-open: open_elapsed_ms 3001 > 3000");
    EXPECT_EQ(texts[9], "opened: failure_rate_percent 100 >= 50");
    EXPECT_EQ(texts[10], "half-open: open_elapsed_ms 1001 > 1000");
    EXPECT_EQ(texts[11], "closed: failure_rate_percent 0 < 50");
}

TEST(Resilience4jBackoff, WithoutACapTheWaitKeepsGrowing) {
    Rig rig(single({{"exponential_backoff_multiplier", 3}}));
    rig.fail(ms(0));                  // 1000
    ASSERT_TRUE(rig.fail(ms(1001)));  // 3000
    EXPECT_EQ(rig.rejection(ms(4001)), Rejection::open);
    ASSERT_TRUE(rig.fail(ms(4002)));  // 9000
    EXPECT_EQ(rig.rejection(ms(13002)), Rejection::open);
    EXPECT_TRUE(rig.ok(ms(13003)));
}

TEST(Resilience4jBackoff, WithoutAMultiplierTheWaitIsConstantAndTheCapIsIgnored) {
    Rig rig(single({{"exponential_max_wait_duration_in_open_state_ms", 500}}));
    rig.fail(ms(0));
    EXPECT_EQ(rig.rejection(ms(1000)), Rejection::open);
    ASSERT_TRUE(rig.fail(ms(1001)));
    EXPECT_EQ(rig.rejection(ms(2001)), Rejection::open);
    EXPECT_TRUE(rig.ok(ms(2002)));
}

/// Checks the open wait of each attempt of `rig` (built from single()) at its boundary: trips
/// it, then for each wait w a call at opened + w is rejected and one 1 us later is the probe,
/// which fails and reopens.
void expect_waits(Rig& rig, const std::vector<std::int64_t>& waits_ms) {
    SimTime opened = 0;
    ASSERT_TRUE(rig.fail(opened));
    for (std::size_t i = 0; i < waits_ms.size(); ++i) {
        const SimTime retry_at = opened + ms(waits_ms[i]);
        EXPECT_EQ(rig.rejection(retry_at), Rejection::open) << "attempt " << i + 1;
        const Admission probe = rig.breaker->acquire(retry_at + 1);
        ASSERT_TRUE(probe.allowed()) << "attempt " << i + 1;
        opened = retry_at + 1;
        rig.breaker->record(probe.permit, Outcome::failure, 0, opened);
        ASSERT_EQ(rig.state(opened), State::open);
    }
}

TEST(Resilience4jBackoff, EachStepIsTruncatedToWholeMillisecondsAsIntervalFunctionDoes) {
    // IntervalFunction.ofExponentialBackoff(333, 1.5): (long) (333 * 1.5) = 499, then
    // (long) (499 * 1.5) = 748, (long) (748 * 1.5) = 1122 -- not 333 * 1.5^n (499.5, 749.25,
    // 1123.875).
    Rig rig(
        single({{"wait_duration_in_open_state_ms", 333}, {"exponential_backoff_multiplier", 1.5}}));
    expect_waits(rig, {333, 499, 748, 1122, 1683});
}

TEST(Resilience4jBackoff, TheCapAppliesToTheTruncatedStepAndFromTheFirstAttempt) {
    // ofExponentialBackoff(initial, m, max) = Math.min(interval(n), max): 1000, 1500, 2250
    // capped at 2000; a cap below the first wait caps it too.
    Rig rig(single({{"exponential_backoff_multiplier", 1.5},
                    {"exponential_max_wait_duration_in_open_state_ms", 2000}}));
    expect_waits(rig, {1000, 1500, 2000, 2000});
    Rig low(single({{"exponential_backoff_multiplier", 2},
                    {"exponential_max_wait_duration_in_open_state_ms", 400}}));
    expect_waits(low, {400, 400});
}

TEST(Resilience4jBackoff, AMultiplierBelowOneIsRefusedAsTheLibraryRefusesIt) {
    // IntervalFunction.ofExponentialBackoff throws for a multiplier below 1; 0 is cbsim's
    // "no backoff" and 1 a constant wait.
    BreakerConfig c = BreakerConfig::defaults(Preset::resilience4j);
    for (const double m : {0.5, 0.999, 1e-9}) {
        const std::string e = set_param(c, "exponential_backoff_multiplier", m);
        EXPECT_NE(e.find("is below 1, which Resilience4j refuses"), std::string::npos) << m << e;
        EXPECT_NE(e.find("expected 0 (a constant wait) or a number in [1, 10]"), std::string::npos)
            << e;
        EXPECT_EQ(get_param(c, "exponential_backoff_multiplier"), 0.0);  // left unchanged
    }
    EXPECT_EQ(set_param(c, "exponential_backoff_multiplier", 0.5),
              "exponential_backoff_multiplier 0.5 is below 1, which Resilience4j refuses "
              "(IntervalFunction: \"Illegal argument multiplier\"); expected 0 (a constant wait) "
              "or a number in [1, 10]");
    for (const double m : {0.0, 1.0, 10.0})
        EXPECT_EQ(set_param(c, "exponential_backoff_multiplier", m), "") << m;
    EXPECT_THROW(parse_breaker_toml("[breaker]\npreset = \"resilience4j\"\n"
                                    "exponential_backoff_multiplier = 0.5\n",
                                    "r.toml"),
                 ConfigError);
    Rig one(single({{"wait_duration_in_open_state_ms", 5}, {"exponential_backoff_multiplier", 1}}));
    expect_waits(one, {5, 5, 5});
}

TEST(Resilience4jBackoff, AStepThatTruncatesToItselfStaysThere) {
    // (long) (10 * 1.05) = 10: the wait never grows (interval * m^(n-1) would reach 11 ms at n 3).
    Rig rig(
        single({{"wait_duration_in_open_state_ms", 10}, {"exponential_backoff_multiplier", 1.05}}));
    expect_waits(rig, {10, 10, 10, 10});
}

TEST(Resilience4jMaxWait, HalfOpenReopensWhenTheMaxWaitIsReached) {
    Rig rig(single({{"max_wait_duration_in_half_open_state_ms", 500}}));
    rig.fail(ms(0));
    const Admission probe = rig.breaker->acquire(ms(1001));
    ASSERT_TRUE(probe.allowed());
    ASSERT_EQ(rig.state(ms(1001)), State::half_open);
    EXPECT_EQ(rig.state(ms(1500)), State::half_open);  // 499 ms in half-open
    EXPECT_EQ(rig.state(ms(1501) + 1), State::open);   // 500 ms: >=
    EXPECT_EQ(rig.last_text(), "opened: half_open_elapsed_ms 500 >= 500");
    EXPECT_EQ(rig.log.back().at, ms(1501));
    // a new open wait from there
    EXPECT_EQ(rig.rejection(ms(2501)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(ms(2501) + 1).allowed());
}

TEST(Resilience4jMaxWait, AReopeningSeenLateHappenedAtTheDueInstantAndTheWaitCountsFromIt) {
    // HalfOpenState schedules toOpenState() maxWaitDurationInHalfOpenState after it began:
    // the new OpenState (and its wait) starts when that timer fires, not when someone looks.
    Rig rig(single({{"max_wait_duration_in_half_open_state_ms", 500}}));
    rig.fail(ms(0));
    ASSERT_TRUE(rig.admits(ms(1001)));
    EXPECT_EQ(rig.state(ms(1700)), State::open);
    ASSERT_EQ(rig.log.size(), 3u);
    EXPECT_EQ(rig.log[2].at, ms(1501));
    EXPECT_EQ(rig.last_text(), "opened: half_open_elapsed_ms 500 >= 500");
    EXPECT_EQ(rig.rejection(ms(2501)), Rejection::open);  // 1501 + 1000
    EXPECT_TRUE(rig.admits(ms(2501) + 1));
}

TEST(Resilience4jMaxWait, AtTheDueInstantACompletionComesFirstAndACallComesAfter) {
    // A completion at the timer's instant still decides in half-open; a call at that instant
    // finds the breaker reopened.
    Rig closes(single({{"max_wait_duration_in_half_open_state_ms", 500}}));
    closes.fail(ms(0));
    const Admission probe = closes.breaker->acquire(ms(1001));
    ASSERT_TRUE(probe.allowed());
    closes.breaker->record(probe.permit, Outcome::success, ms(500), ms(1501));
    EXPECT_EQ(closes.state(ms(1501)), State::closed);
    EXPECT_EQ(closes.last_text(), "closed: failure_rate_percent 0 < 50");

    Rig reopens(single({{"max_wait_duration_in_half_open_state_ms", 500},
                        {"permitted_number_of_calls_in_half_open_state", 2}}));
    reopens.fail(ms(0));
    ASSERT_TRUE(reopens.admits(ms(1001)));
    EXPECT_EQ(reopens.rejection(ms(1501)), Rejection::open);
    ASSERT_EQ(reopens.log.size(), 3u);
    EXPECT_EQ(reopens.log[2].at, ms(1501));
}

TEST(Resilience4jMaxWait, TheDueInstantIsExposedAndFiredAtIt) {
    Rig rig(single({{"max_wait_duration_in_half_open_state_ms", 500}}));
    Breaker& b = *rig.breaker;  // make_breaker() wraps it; the wrapper passes the timers on
    EXPECT_EQ(b.next_timed_transition(), std::nullopt);  // closed
    rig.fail(ms(0));
    EXPECT_EQ(b.next_timed_transition(), std::nullopt);  // open, no automatic transition
    ASSERT_TRUE(rig.admits(ms(1001)));
    EXPECT_EQ(b.next_timed_transition(), ms(1501));
    b.fire_timers(ms(1500));
    EXPECT_EQ(rig.log.size(), 2u);
    b.fire_timers(ms(1501));
    ASSERT_EQ(rig.log.size(), 3u);
    EXPECT_EQ(rig.log[2].at, ms(1501));
    EXPECT_EQ(rig.log[2].to, State::open);
    EXPECT_EQ(b.next_timed_transition(), std::nullopt);
}

TEST(Resilience4jMaxWait, ZeroWaitsForTheProbesForever) {
    Rig rig(single({}));
    rig.fail(ms(0));
    ASSERT_TRUE(rig.breaker->acquire(ms(1001)).allowed());
    EXPECT_EQ(rig.state(ms(1000000)), State::half_open);
    EXPECT_EQ(rig.rejection(ms(1000000)), Rejection::too_many_requests);
}

TEST(Resilience4jMaxWait, ReopeningFromMaxWaitCountsAsAnAttempt) {
    Rig rig(single(
        {{"max_wait_duration_in_half_open_state_ms", 100}, {"exponential_backoff_multiplier", 2}}));
    rig.fail(ms(0));  // attempt 1: 1000
    ASSERT_TRUE(rig.admits(ms(1001)));
    ASSERT_EQ(rig.state(ms(1101) + 1), State::open);  // at 1101, attempt 2: 2000
    EXPECT_EQ(rig.rejection(ms(3101)), Rejection::open);
    EXPECT_TRUE(rig.admits(ms(3101) + 1));
}

TEST(Resilience4jAutomatic, OffByDefaultTheBreakerStaysOpenWithNoCall) {
    Rig rig(single({}));
    rig.fail(ms(0));
    EXPECT_EQ(rig.breaker->next_timed_transition(), std::nullopt);
    EXPECT_EQ(rig.state(ms(1000000)), State::open);
    EXPECT_EQ(rig.log.size(), 1u);
}

TEST(Resilience4jAutomatic, OpenHalfOpensAtTheEndOfTheWaitWithNoCall) {
    // OpenState schedules toHalfOpenState() waitDurationInMillis after it began: half-open at
    // exactly opened + wait (the permission-request path needs strictly after).
    Rig rig(single({{"automatic_transition_from_open_to_half_open_enabled", 1}}));
    rig.fail(ms(0));
    EXPECT_EQ(rig.breaker->next_timed_transition(), ms(1000));
    EXPECT_EQ(rig.state(ms(1000)), State::open);  // a read at the instant comes before it
    EXPECT_EQ(rig.state(ms(5000)), State::half_open);
    ASSERT_EQ(rig.log.size(), 2u);
    EXPECT_EQ(rig.log[1].at, ms(1000));
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 1000 >= 1000");
    EXPECT_EQ(rig.breaker->next_timed_transition(), std::nullopt);

    Rig call(single({{"automatic_transition_from_open_to_half_open_enabled", 1}}));
    call.fail(ms(0));
    EXPECT_EQ(call.rejection(ms(1000) - 1), Rejection::open);
    EXPECT_TRUE(call.admits(ms(1000)));  // the timer fires before the calls of its instant
    EXPECT_EQ(call.log.back().at, ms(1000));
}

TEST(Resilience4jAutomatic, TimersChainWithTheMaxWaitAndTheBackoff) {
    // wait 1000 * 2^(n-1), max wait 300, no call at all: half-open at 1000, open at 1300
    // (attempt 2: 2000), half-open at 3300, open at 3600 (attempt 3: 4000), half-open at 7600.
    Rig rig(single({{"automatic_transition_from_open_to_half_open_enabled", 1},
                    {"max_wait_duration_in_half_open_state_ms", 300},
                    {"exponential_backoff_multiplier", 2}}));
    rig.fail(ms(0));
    EXPECT_EQ(rig.state(ms(7000)), State::open);
    EXPECT_EQ(rig.breaker->next_timed_transition(), ms(7600));
    std::vector<std::string> seen;
    for (const Transition& t : rig.log)
        seen.push_back(std::to_string(t.at / kMillisecond) + " " + to_string(t.to));
    EXPECT_EQ(seen, (std::vector<std::string>{"0 open", "1000 half_open", "1300 open",
                                              "3300 half_open", "3600 open"}));
}

TEST(Resilience4jAutomatic, ReadingTheStateNeverChangesWhatTheTimersDo) {
    const test::ScriptedRun run = test::expect_reading_changes_nothing(
        small({{"automatic_transition_from_open_to_half_open_enabled", 1},
               {"max_wait_duration_in_half_open_state_ms", 150},
               {"exponential_backoff_multiplier", 1.5}}));
    EXPECT_GE(run.transitions.size(), 4u);
}

TEST(Resilience4jAutomatic, TurningItOnAfterTheWaitHalfOpensAtThatInstant) {
    Rig rig(single({}));
    rig.fail(ms(0));
    ASSERT_TRUE(rig.breaker->reconfigure(
        single({{"automatic_transition_from_open_to_half_open_enabled", 1}}), ms(5000)));
    ASSERT_EQ(rig.log.size(), 2u);
    EXPECT_EQ(rig.log[1].at, ms(5000));
    EXPECT_EQ(rig.log[1].to, State::half_open);
}

TEST(Resilience4jMaxWait, AShorterMaxWaitThatHasPassedReopensAtTheReconfigureInstant) {
    Rig rig(single({{"max_wait_duration_in_half_open_state_ms", 5000}}));
    rig.fail(ms(0));
    ASSERT_TRUE(rig.admits(ms(1001)));
    ASSERT_TRUE(rig.breaker->reconfigure(single({{"max_wait_duration_in_half_open_state_ms", 100}}),
                                         ms(2000)));
    ASSERT_EQ(rig.log.size(), 3u);
    EXPECT_EQ(rig.log[2].at, ms(2000));
    EXPECT_EQ(rig.log[2].to, State::open);
}

// [SECTION] Modes ---------------------------------------------------------------------------

TEST(Resilience4jModes, ForcedOpenRejectsEverything) {
    Rig rig(small({{"mode", 1}}));
    EXPECT_EQ(rig.state(0), State::forced_open);
    EXPECT_EQ(rig.rejection(0), Rejection::open);
    EXPECT_EQ(rig.rejection(ms(1000000)), Rejection::open);
    EXPECT_EQ(rig.state(ms(1000000)), State::forced_open);
    EXPECT_TRUE(rig.log.empty());
}

TEST(Resilience4jModes, DisabledAdmitsEverythingAndCountsNothing) {
    Rig rig(small({{"mode", 2}}));
    for (int i = 0; i < 20; ++i)
        EXPECT_TRUE(rig.fail(ms(i)));
    EXPECT_EQ(rig.state(ms(20)), State::disabled);
    EXPECT_EQ(rig.breaker->counts(), Counts{});
    EXPECT_EQ(rig.breaker->window(ms(20)).calls, 0u);
    EXPECT_TRUE(rig.log.empty());
}

TEST(Resilience4jModes, MetricsOnlyCountsButNeverTransitions) {
    Rig rig(small({{"mode", 3}}));
    for (int i = 0; i < 6; ++i)
        EXPECT_TRUE(rig.fail(ms(i)));
    EXPECT_EQ(rig.state(ms(6)), State::metrics_only);
    const WindowView v = rig.breaker->window(ms(6));
    EXPECT_EQ(v.calls, 4u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 1.0);
    EXPECT_EQ(rig.breaker->counts().requests, 6u);
    EXPECT_EQ(rig.breaker->counts().total_failures, 4u);
    EXPECT_TRUE(rig.log.empty());
}

TEST(Resilience4jModes, SwitchingModesTransitionsWithAFreshWindow) {
    Rig rig(small({{"failure_rate_threshold", 80}}));
    rig.fail(ms(0));
    rig.fail(ms(1));
    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"failure_rate_threshold", 80}, {"mode", 1}}), ms(10)));
    EXPECT_EQ(rig.state(ms(10)), State::forced_open);
    EXPECT_EQ(rig.last_text(), "forced open: mode_forced_open 1 == 1");
    EXPECT_EQ(rig.log.back().from, State::closed);

    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"failure_rate_threshold", 80}, {"mode", 3}}), ms(20)));
    EXPECT_EQ(rig.state(ms(20)), State::metrics_only);
    EXPECT_EQ(rig.last_text(), "metrics only: mode_metrics_only 1 == 1");

    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"failure_rate_threshold", 80}, {"mode", 2}}), ms(30)));
    EXPECT_EQ(rig.last_text(), "disabled: mode_disabled 1 == 1");

    ASSERT_TRUE(rig.breaker->reconfigure(small({{"failure_rate_threshold", 80}}), ms(40)));
    EXPECT_EQ(rig.state(ms(40)), State::closed);
    EXPECT_EQ(rig.last_text(), "closed: mode_normal 1 == 1");
    EXPECT_EQ(rig.breaker->window(ms(40)).calls, 0u);  // the two failures are gone
    EXPECT_EQ(rig.log.size(), 4u);
}

TEST(Resilience4jModes, ForcingOpenWhileOpenAndBackClosesAndResetsTheBackoff) {
    Rig rig(single({{"exponential_backoff_multiplier", 2}}));
    rig.fail(ms(0));
    ASSERT_TRUE(rig.fail(ms(1001)));  // attempt 2
    ASSERT_TRUE(rig.breaker->reconfigure(
        single({{"exponential_backoff_multiplier", 2}, {"mode", 1}}), ms(1100)));
    EXPECT_EQ(rig.state(ms(5000)), State::forced_open);
    ASSERT_TRUE(
        rig.breaker->reconfigure(single({{"exponential_backoff_multiplier", 2}}), ms(5000)));
    EXPECT_EQ(rig.state(ms(5000)), State::closed);
    rig.fail(ms(5001));  // attempt 1 again: 1000 ms
    EXPECT_EQ(rig.rejection(ms(6001)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(ms(6002)).allowed());
}

TEST(Resilience4jModes, LateResultsInForcedOpenAreNotCounted) {
    Rig rig(small({{"failure_rate_threshold", 80}}));
    const Admission a = rig.breaker->acquire(0);
    ASSERT_TRUE(a.allowed());
    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"failure_rate_threshold", 80}, {"mode", 1}}), ms(1)));
    rig.breaker->record(a.permit, Outcome::failure, 0, ms(2));
    EXPECT_EQ(rig.breaker->window(ms(2)).calls, 0u);
    EXPECT_EQ(rig.breaker->counts().total_failures, 0u);
}

// [SECTION] Late results, ignored and timeouts --------------------------------------------

TEST(Resilience4jLate, AResultArrivingWhileOpenIsRecordedWithoutACheck) {
    Rig rig(small());
    const Admission late = rig.breaker->acquire(0);
    ASSERT_TRUE(late.allowed());
    trip(rig, ms(1));  // ring: F F F F
    rig.breaker->record(late.permit, Outcome::success, 0, ms(2));
    EXPECT_EQ(rig.state(ms(2)), State::open);
    EXPECT_EQ(rig.log.size(), 1u);
    const WindowView v = rig.breaker->window(ms(2));
    EXPECT_EQ(v.calls, 4u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.75);  // the success replaced the oldest failure
}

TEST(Resilience4jLate, AResultFromClosedCountsInHalfOpen) {
    Rig rig(small());
    const Admission late = rig.breaker->acquire(0);
    ASSERT_TRUE(late.allowed());
    const SimTime t = trip(rig, ms(1)) + ms(1001);
    EXPECT_TRUE(rig.ok(t));  // one probe: success
    EXPECT_EQ(rig.state(t), State::half_open);
    rig.breaker->record(late.permit, Outcome::failure, 0, t + ms(1));  // 1 of 2 = 50 %
    EXPECT_EQ(rig.state(t + ms(1)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 50 >= 50");
}

TEST(Resilience4jLate, ResultsArrivingAfterTheWaitLeaveItOpen) {
    // OpenState.onSuccess / onError only record into the metrics of the open state: results
    // that arrive once the wait is over neither half-open nor close the breaker (two
    // successes would close it were they counted in half-open); the next permission request
    // half-opens, with a fresh window.
    Rig rig(small());
    const Admission a = rig.breaker->acquire(0);
    const Admission b = rig.breaker->acquire(0);
    ASSERT_TRUE(a.allowed() && b.allowed());
    const SimTime t0 = trip(rig, ms(1));
    rig.breaker->record(a.permit, Outcome::success, ms(1500), t0 + ms(1500));
    rig.breaker->record(b.permit, Outcome::success, ms(1600), t0 + ms(1600));
    EXPECT_EQ(rig.state(t0 + ms(1600)), State::open);
    EXPECT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.breaker->counts().total_successes, 2u);  // recorded into the tripped ring
    EXPECT_TRUE(rig.admits(t0 + ms(1700)));
    EXPECT_EQ(rig.state(t0 + ms(1700)), State::half_open);
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 1700 > 1000");
    EXPECT_EQ(rig.breaker->window(t0 + ms(1700)).calls, 0u);
}

TEST(Resilience4jLate, ReadingTheStateOrTheWindowNeverChangesWhatHappens) {
    // A GUI reads state() and window() every frame; getState() does not transition, so a run
    // read every 1, 7 or 250 ms makes the same decisions and transitions (at the same
    // instants) as one never read.
    const test::ScriptedRun run =
        test::expect_reading_changes_nothing(small({{"exponential_backoff_multiplier", 1.5}}));
    EXPECT_GE(run.transitions.size(), 4u);  // the script does trip and half-open
}

TEST(Resilience4jIgnored, IgnoredOutcomesAreNotCounted) {
    Rig rig(small());
    rig.fail(ms(0));
    rig.fail(ms(1));
    rig.call(ms(2), Outcome::ignored);
    rig.call(ms(3), Outcome::ignored);  // counted, this would be 4 calls at 50 %
    EXPECT_EQ(rig.state(ms(3)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(3)).calls, 2u);
    EXPECT_EQ(rig.breaker->counts().total_exclusions, 2u);
    rig.ok(ms(4));
    rig.ok(ms(5));  // F F S S = 50 %
    EXPECT_EQ(rig.state(ms(5)), State::open);
}

TEST(Resilience4jIgnored, AnIgnoredProbeGivesItsPermitBack) {
    Rig rig(single({}));
    rig.fail(ms(0));
    const Admission probe = rig.breaker->acquire(ms(1001));
    ASSERT_TRUE(probe.allowed());
    EXPECT_EQ(rig.rejection(ms(1001)), Rejection::too_many_requests);
    rig.breaker->record(probe.permit, Outcome::ignored, 0, ms(1002));
    EXPECT_EQ(rig.state(ms(1002)), State::half_open);
    EXPECT_TRUE(rig.ok(ms(1003)));
    EXPECT_EQ(rig.state(ms(1003)), State::closed);
}

TEST(Resilience4jIgnored, AnIgnoredProbeOfAnEarlierHalfOpenPeriodReleasesAPermitOfTheNewOne) {
    // An ignored exception calls releasePermission() on the *current* state: the permit goes
    // to the half-open period the result arrives in, not to the one that admitted the call.
    Rig rig(small({{"minimum_number_of_calls", 1}}));
    ASSERT_TRUE(rig.fail(0));  // min(1, 4) = 1 outcome at 100 %: open, 1000 ms
    const Admission p1 = rig.breaker->acquire(ms(1001));  // half-open period 1: 2 permits
    const Admission p2 = rig.breaker->acquire(ms(1001));
    ASSERT_TRUE(p1.allowed() && p2.allowed());
    rig.breaker->record(p2.permit, Outcome::failure, 0, ms(1002));  // reopens, 1000 ms
    ASSERT_EQ(rig.state(ms(1002)), State::open);
    EXPECT_TRUE(rig.admits(ms(2003)));  // half-open period 2: 2 permits
    EXPECT_TRUE(rig.admits(ms(2003)));
    EXPECT_EQ(rig.rejection(ms(2003)), Rejection::too_many_requests);
    rig.breaker->record(p1.permit, Outcome::ignored, 0, ms(2004));
    EXPECT_EQ(rig.state(ms(2004)), State::half_open);
    EXPECT_TRUE(rig.admits(ms(2005)));
    EXPECT_EQ(rig.rejection(ms(2005)), Rejection::too_many_requests);
}

TEST(Resilience4jIgnored, AnIgnoredCallFromClosedAddsAPermitAboveThePermittedNumber) {
    // HalfOpenState.releasePermission() is permittedNumberOfCalls.incrementAndGet(): no
    // check of where the call came from and no cap, so a half-open state of 1 permit admits
    // a second call.
    Rig rig(single({}));
    const Admission early = rig.breaker->acquire(0);
    ASSERT_TRUE(early.allowed());
    ASSERT_TRUE(rig.fail(ms(1)));
    ASSERT_TRUE(rig.admits(ms(1002)));  // the one permit
    EXPECT_EQ(rig.rejection(ms(1002)), Rejection::too_many_requests);
    rig.breaker->record(early.permit, Outcome::ignored, 0, ms(1003));
    EXPECT_TRUE(rig.admits(ms(1004)));
    EXPECT_EQ(rig.rejection(ms(1004)), Rejection::too_many_requests);
    EXPECT_EQ(rig.breaker->counts().requests, 2u);
}

TEST(Resilience4jIgnored, AnIgnoredResultWhileOpenReleasesNothing) {
    // OpenState.releasePermission() is a no-op: the half-open period that follows has its
    // own permits only.
    Rig rig(single({}));
    const Admission early = rig.breaker->acquire(0);
    ASSERT_TRUE(early.allowed());
    ASSERT_TRUE(rig.fail(ms(1)));
    rig.breaker->record(early.permit, Outcome::ignored, 0, ms(500));
    EXPECT_EQ(rig.state(ms(500)), State::open);
    EXPECT_TRUE(rig.admits(ms(1002)));
    EXPECT_EQ(rig.rejection(ms(1002)), Rejection::too_many_requests);
}

TEST(Resilience4jTimeouts, ATimeoutCountsAsAFailure) {
    Rig rig(small());
    for (int i = 0; i < 4; ++i)
        rig.call(ms(i), Outcome::timeout);
    EXPECT_EQ(rig.state(ms(3)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_rate_percent 100 >= 50");
}

// [SECTION] Counts, window view, reconfigure, jitter ----------------------------------------

TEST(Resilience4jCounts, CountsFollowTheWindowAndTheStreaks) {
    Rig rig(small({{"failure_rate_threshold", 100}}));
    rig.fail(ms(0));
    rig.ok(ms(1));
    rig.ok(ms(2));
    rig.call(ms(3), Outcome::ignored);
    const Admission pending = rig.breaker->acquire(ms(4));
    ASSERT_TRUE(pending.allowed());
    Counts c = rig.breaker->counts();
    EXPECT_EQ(c.requests, 5u);
    EXPECT_EQ(c.total_successes, 2u);
    EXPECT_EQ(c.total_failures, 1u);
    EXPECT_EQ(c.consecutive_successes, 2u);
    EXPECT_EQ(c.consecutive_failures, 0u);
    EXPECT_EQ(c.total_exclusions, 1u);
    rig.fail(ms(5));
    rig.fail(ms(6));  // ring: S S F F (the first failure left)
    c = rig.breaker->counts();
    EXPECT_EQ(c.total_successes, 2u);
    EXPECT_EQ(c.total_failures, 2u);
    EXPECT_EQ(c.consecutive_failures, 2u);
    EXPECT_EQ(c.consecutive_successes, 0u);
}

TEST(Resilience4jCounts, ATransitionRestartsRequestsAndStreaks) {
    Rig rig(small());
    trip(rig, ms(0));
    Counts c = rig.breaker->counts();
    EXPECT_EQ(c.requests, 0u);
    EXPECT_EQ(c.consecutive_failures, 0u);
    EXPECT_EQ(c.total_failures, 4u);  // the window that tripped stays while open
}

TEST(Resilience4jWindow, ViewReportsMinimumRatesAndThresholds) {
    Rig rig(small({{"slow_call_rate_threshold", 80}, {"slow_call_duration_threshold_ms", 10}}));
    WindowView v = rig.breaker->window(0);
    EXPECT_EQ(v.calls, 0u);
    EXPECT_EQ(v.minimum_calls, 4u);
    EXPECT_LT(v.failure_rate, 0.0);
    EXPECT_LT(v.slow_call_rate, 0.0);
    EXPECT_DOUBLE_EQ(v.failure_threshold, 0.5);
    EXPECT_DOUBLE_EQ(v.slow_call_threshold, 0.8);
    rig.call(ms(1), Outcome::success, ms(20));
    rig.call(ms(2), Outcome::success, ms(5));
    rig.call(ms(3), Outcome::failure, ms(5));
    v = rig.breaker->window(ms(3));
    EXPECT_EQ(v.calls, 3u);
    EXPECT_LT(v.failure_rate, 0.0);  // undefined below the minimum
    rig.call(ms(4), Outcome::success, ms(5));
    v = rig.breaker->window(ms(4));
    EXPECT_EQ(v.calls, 4u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.25);
    EXPECT_DOUBLE_EQ(v.slow_call_rate, 0.25);
}

TEST(Resilience4jWindow, MinimumShownIsTheEffectiveOne) {
    Rig capped(small({{"minimum_number_of_calls", 50}}));
    EXPECT_EQ(capped.breaker->window(0).minimum_calls, 4u);
    Rig timed_rig(timed(2, 50));
    EXPECT_EQ(timed_rig.breaker->window(0).minimum_calls, 50u);
}

TEST(Resilience4jReconfigure, ShrinkingTheRingKeepsTheNewestOutcomes) {
    Rig rig(small({{"failure_rate_threshold", 60}}));
    rig.fail(ms(0));
    rig.ok(ms(1));
    rig.ok(ms(2));
    rig.fail(ms(3));  // F S S F = 50 % < 60 %
    ASSERT_EQ(rig.state(ms(3)), State::closed);
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"failure_rate_threshold", 60},
                                                {"sliding_window_size", 2},
                                                {"minimum_number_of_calls", 2}}),
                                         ms(4)));
    const WindowView v = rig.breaker->window(ms(4));
    EXPECT_EQ(v.calls, 2u);  // S F
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.5);
    EXPECT_EQ(rig.state(ms(4)), State::closed);  // checked on the next outcome only
    rig.fail(ms(5));                             // F F
    EXPECT_EQ(rig.state(ms(5)), State::open);
}

TEST(Resilience4jReconfigure, GrowingTheRingKeepsEverything) {
    Rig rig(small({{"failure_rate_threshold", 60}}));
    rig.fail(ms(0));
    rig.ok(ms(1));
    rig.ok(ms(2));
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"failure_rate_threshold", 60},
                                                {"sliding_window_size", 6},
                                                {"minimum_number_of_calls", 6}}),
                                         ms(3)));
    EXPECT_EQ(rig.breaker->window(ms(3)).calls, 3u);
    rig.fail(ms(4));
    rig.fail(ms(5));
    EXPECT_EQ(rig.state(ms(5)), State::closed);  // 5 < 6
    rig.fail(ms(6));                             // F S S F F F = 66.7 %
    EXPECT_EQ(rig.state(ms(6)), State::open);
}

TEST(Resilience4jReconfigure, ChangingTheWindowTypeEmptiesTheWindow) {
    Rig rig(small());
    rig.fail(ms(0));
    rig.fail(ms(1));
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"sliding_window_type", 1}}), ms(2)));
    EXPECT_EQ(rig.breaker->window(ms(2)).calls, 0u);
}

TEST(Resilience4jReconfigure, ShrinkingTheTimeWindowKeepsTheRecentSeconds) {
    Rig rig(timed(5, 1));
    rig.ok(ms(500));   // second 0
    rig.ok(ms(2500));  // second 2
    rig.ok(ms(3500));  // second 3
    ASSERT_EQ(rig.breaker->window(ms(3500)).calls, 3u);
    BreakerConfig c = timed(2, 1);
    ASSERT_TRUE(rig.breaker->reconfigure(c, ms(3600)));
    EXPECT_EQ(rig.breaker->window(ms(3600)).calls, 2u);  // seconds 2 and 3
    EXPECT_EQ(rig.breaker->window(ms(4000)).calls, 1u);  // seconds 3 and 4
}

TEST(Resilience4jReconfigure, ANewWaitAppliesToTheCurrentOpenPeriod) {
    Rig rig(small());
    const SimTime t0 = trip(rig, ms(0));
    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"wait_duration_in_open_state_ms", 5000}}), ms(10)));
    EXPECT_EQ(rig.rejection(t0 + ms(5000)), Rejection::open);
    EXPECT_TRUE(rig.admits(t0 + ms(5001)));
}

TEST(Resilience4jReconfigure, AShorterWaitThatHasPassedHalfOpensAtTheNextCall) {
    // Reconfiguring is no permission request: the breaker stays open until the next call.
    Rig rig(small());
    trip(rig, ms(0));
    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"wait_duration_in_open_state_ms", 100}}), ms(500)));
    EXPECT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.state(ms(500)), State::open);
    EXPECT_TRUE(rig.admits(ms(600)));
    ASSERT_EQ(rig.log.size(), 2u);
    EXPECT_EQ(rig.log[1].to, State::half_open);
    EXPECT_EQ(rig.log[1].at, ms(600));
}

TEST(Resilience4jReconfigure, FewerPermitsInHalfOpenKeepTheOnesAlreadyUsed) {
    Rig rig(small({{"permitted_number_of_calls_in_half_open_state", 4}}));
    const SimTime t = trip(rig, ms(0)) + ms(1001);
    ASSERT_TRUE(rig.breaker->acquire(t).allowed());
    ASSERT_TRUE(rig.breaker->acquire(t).allowed());
    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"permitted_number_of_calls_in_half_open_state", 3}}), t));
    EXPECT_TRUE(rig.breaker->acquire(t).allowed());  // 2 used, 3 permitted
    EXPECT_EQ(rig.rejection(t), Rejection::too_many_requests);
    EXPECT_EQ(rig.state(t), State::half_open);
}

TEST(Resilience4jReconfigure, SameSettingsChangeNothing) {
    Rig rig(small());
    rig.fail(ms(0));
    rig.ok(ms(1));
    const Counts before = rig.breaker->counts();
    ASSERT_TRUE(rig.breaker->reconfigure(small(), ms(2)));
    EXPECT_EQ(rig.breaker->counts(), before);
    EXPECT_TRUE(rig.log.empty());
}

TEST(Resilience4jJitter, OpenDurationIsJitteredAndReproducible) {
    BreakerConfig c = small();
    ASSERT_EQ(set_param(c, "extras.open_jitter", 0.5), "");
    ASSERT_EQ(set_param(c, "extras.jitter_seed", 7), "");
    // Learn the drawn wait from the half-open reason of one breaker ...
    Rig first(c);
    trip(first, 0);
    ASSERT_TRUE(first.admits(ms(100000)));
    const double wait_ms = first.log.back().reason.threshold;
    EXPECT_GE(wait_ms, 500.0);
    EXPECT_LE(wait_ms, 1500.0);
    EXPECT_NE(wait_ms, 1000.0);
    // ... and check its exact boundary on a second breaker with the same seed.
    const auto wait = static_cast<SimTime>(wait_ms * 1000.0 + 0.5);
    Rig second(c);
    trip(second, 0);
    EXPECT_EQ(second.rejection(wait), Rejection::open);
    EXPECT_TRUE(second.admits(wait + 1));
}

TEST(Resilience4jParams, ChoicesAreWrittenAndReadByName) {
    const BreakerConfig c = small({{"sliding_window_type", 1}, {"mode", 3}});
    const std::string text = to_toml(c);
    EXPECT_NE(text.find("sliding_window_type = \"time_based\""), std::string::npos) << text;
    EXPECT_NE(text.find("mode = \"metrics_only\""), std::string::npos) << text;
    const BreakerConfig parsed = parse_breaker_toml(
        "[breaker]\npreset = \"resilience4j\"\nmode = \"forced_open\"\n", "mode.toml");
    EXPECT_EQ(std::get<Resilience4jSettings>(parsed.settings).mode,
              Resilience4jSettings::Mode::forced_open);
}

TEST(Resilience4jParams, AnUnknownChoiceNamesTheKeyAndTheChoices) {
    try {
        parse_breaker_toml(
            "[breaker]\npreset = \"resilience4j\"\nsliding_window_type = \"sliding\"\n",
            "bad.toml");
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line(), 3);
        EXPECT_NE(e.key().find("sliding_window_type"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("count_based"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("time_based"), std::string::npos) << e.what();
    }
}

TEST(Resilience4jParams, OmittedKeysTakeTheLibraryDefaults) {
    const BreakerConfig c = parse_breaker_toml(
        "[breaker]\npreset = \"resilience4j\"\nfailure_rate_threshold = 25\n", "partial.toml");
    Resilience4jSettings expected;
    expected.failure_rate_threshold = 25;
    EXPECT_EQ(std::get<Resilience4jSettings>(c.settings), expected);
}

TEST(Resilience4jTime, HalfOpenCountsItsProbesAndClosingReturnsToSeconds) {
    Rig rig(r4j({{"sliding_window_type", 1},
                 {"sliding_window_size", 2},
                 {"minimum_number_of_calls", 2},
                 {"wait_duration_in_open_state_ms", 1000},
                 {"permitted_number_of_calls_in_half_open_state", 3}}));
    rig.fail(ms(100));
    rig.fail(ms(200));
    ASSERT_EQ(rig.state(ms(200)), State::open);
    // half-open: a count window of 3 probes; the decision after min(2, 3) = 2 outcomes,
    // whatever seconds they fall in
    EXPECT_TRUE(rig.ok(ms(1201)));
    EXPECT_TRUE(rig.ok(ms(5000)));
    ASSERT_EQ(rig.state(ms(5000)), State::closed);
    // closed again: seconds; one failure per 2 s never gathers 2 calls in the window
    for (int i = 0; i < 5; ++i)
        rig.fail(ms(6000 + 2000 * i));
    EXPECT_EQ(rig.state(ms(20000)), State::closed);
    rig.fail(ms(20500));  // seconds 19 and 20 hold this failure only
    EXPECT_EQ(rig.state(ms(20500)), State::closed);
    rig.fail(ms(20600));  // two failures in second 20
    EXPECT_EQ(rig.state(ms(20600)), State::open);
}

TEST(Resilience4jSlow, SlowProbesReopenTheHalfOpenCircuit) {
    Rig rig(small({{"slow_call_rate_threshold", 50}, {"slow_call_duration_threshold_ms", 100}}));
    const SimTime t = trip(rig, 0) + ms(1001);
    EXPECT_TRUE(rig.call(t, Outcome::success, ms(150)));
    EXPECT_TRUE(rig.call(t, Outcome::success, ms(10)));  // 1 slow of 2 = 50 %
    EXPECT_EQ(rig.state(t), State::open);
    EXPECT_EQ(rig.last_text(), "opened: slow_call_rate_percent 50 >= 50");
}

TEST(Resilience4jWindow, OpenShowsTheWindowThatTripped) {
    Rig rig(small());
    rig.ok(ms(0));
    rig.fail(ms(1));
    rig.fail(ms(2));
    rig.ok(ms(3));
    ASSERT_EQ(rig.state(ms(3)), State::open);
    const WindowView v = rig.breaker->window(ms(500));
    EXPECT_EQ(v.calls, 4u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.5);
}

TEST(Resilience4jReconfigure, MetricsOnlyKeepsItsWindowWhenResized) {
    Rig rig(small({{"mode", 3}}));
    rig.fail(ms(0));
    rig.ok(ms(1));
    rig.fail(ms(2));
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"mode", 3}, {"sliding_window_size", 2}}), ms(3)));
    EXPECT_EQ(rig.state(ms(3)), State::metrics_only);
    const WindowView v = rig.breaker->window(ms(3));
    EXPECT_EQ(v.calls, 2u);  // S F
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.5);
}

TEST(Resilience4jLate, ALateProbeResultCountsInTheClosedPeriodAfterIt) {
    Rig rig(single({}));
    rig.fail(ms(0));
    const Admission first_probe = rig.breaker->acquire(ms(1001));
    ASSERT_TRUE(first_probe.allowed());
    // the probe is slow; the operator forces open and back (a new closed period) ...
    ASSERT_TRUE(rig.breaker->reconfigure(single({{"mode", 1}}), ms(1100)));
    ASSERT_TRUE(rig.breaker->reconfigure(single({}), ms(1200)));
    ASSERT_EQ(rig.state(ms(1200)), State::closed);
    // ... and its failure lands in the new closed window, where it trips
    rig.breaker->record(first_probe.permit, Outcome::failure, 0, ms(1300));
    EXPECT_EQ(rig.state(ms(1300)), State::open);
}

// [SECTION] Longer runs against the rule ----------------------------------------------------

/// Replays `n` outcomes (one per millisecond, failure with probability p) into a count-based
/// breaker of window `size` and minimum `minimum` that never leaves closed by itself before
/// the trip; returns the index of the call whose outcome tripped it, or -1.
int first_trip(std::uint64_t seed, double p, int size, int minimum, double threshold) {
    Rig rig(r4j({{"sliding_window_size", static_cast<double>(size)},
                 {"minimum_number_of_calls", static_cast<double>(minimum)},
                 {"failure_rate_threshold", threshold}}));
    Rng rng(seed, stream_id("r4j-test"));
    for (int i = 0; i < 2000; ++i) {
        rig.call(ms(i), rng.bernoulli(p) ? Outcome::failure : Outcome::success);
        if (rig.state(ms(i)) == State::open) return i;
    }
    return -1;
}

/// The same rule computed directly: the last min(i + 1, size) outcomes, once there are at
/// least min(minimum, size) of them, trip when failures * 100 / n >= threshold.
int expected_trip(std::uint64_t seed, double p, int size, int minimum, double threshold) {
    Rng rng(seed, stream_id("r4j-test"));
    std::vector<bool> outcomes;
    const int needed = std::min(minimum, size);
    for (int i = 0; i < 2000; ++i) {
        outcomes.push_back(rng.bernoulli(p));
        const int n = std::min<int>(static_cast<int>(outcomes.size()), size);
        if (n < needed) continue;
        int failures = 0;
        for (int k = static_cast<int>(outcomes.size()) - n; k < static_cast<int>(outcomes.size());
             ++k)
            failures += outcomes[static_cast<std::size_t>(k)] ? 1 : 0;
        const float rate = static_cast<float>(failures) * 100.0f / static_cast<float>(n);
        if (rate >= static_cast<float>(threshold)) return i;
    }
    return -1;
}

TEST(Resilience4jRule, RandomRunsTripWhereTheRuleSays) {
    struct Case {
        std::uint64_t seed;
        double p;
        int size;
        int minimum;
        double threshold;
    };
    const Case cases[] = {{1, 0.2, 10, 10, 50},  {2, 0.3, 20, 5, 60},  {3, 0.1, 5, 3, 60},
                          {4, 0.25, 50, 50, 40}, {5, 0.4, 7, 100, 75}, {6, 0.05, 3, 3, 100},
                          {7, 0.3, 100, 20, 45}, {8, 0.5, 4, 4, 100},  {9, 0.15, 12, 6, 33.3}};
    int tripped = 0;
    for (const Case& c : cases) {
        const int expected = expected_trip(c.seed, c.p, c.size, c.minimum, c.threshold);
        EXPECT_EQ(first_trip(c.seed, c.p, c.size, c.minimum, c.threshold), expected)
            << "seed " << c.seed;
        tripped += expected >= 0 ? 1 : 0;
    }
    EXPECT_GE(tripped, 6);  // the cases exercise trips, not just quiet runs
}

}  // namespace
}  // namespace cbsim
