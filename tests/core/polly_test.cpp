// polly_test.cpp: the polly preset (Polly v8 advanced circuit breaker) on a virtual clock,
// through the public API. Expected values follow docs/BREAKERS.md: 10 lazily started
// sub-windows dropped once now - start >= sampling, trip on a failure when throughput >=
// minimum and ratio >= failure_ratio, non-strict break boundary, one probe, backoff, isolate.
//
// [SECTION] Helpers
// [SECTION] Parameters and files
// [SECTION] Trip rule
// [SECTION] Sampling sub-windows
// [SECTION] Break, probe and backoff
// [SECTION] Isolate
// [SECTION] Late results, ignored and timeouts
// [SECTION] Counts, window view, reconfigure, jitter
// [SECTION] Longer runs against the rule
#include <gtest/gtest.h>

#include <cbsim/breaker.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/rng.hpp>

#include "scripted_run.hpp"

#include <algorithm>
#include <initializer_list>
#include <memory>
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

BreakerConfig polly(Params params) {
    BreakerConfig c = BreakerConfig::defaults(Preset::polly);
    for (const auto& [key, value] : params)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

/// Ratio 0.5 over at least 4 calls in 1 s (sub-windows of 100 ms), 500 ms break.
BreakerConfig small(Params extra = {}) {
    BreakerConfig c = polly({{"failure_ratio", 0.5},
                             {"minimum_throughput", 4},
                             {"sampling_duration_ms", 1000},
                             {"break_duration_ms", 500}});
    for (const auto& [key, value] : extra)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

struct Rig {
    explicit Rig(const BreakerConfig& config) : breaker(make_breaker(config)) {
        breaker->set_transition_sink([this](const Transition& t) { log.push_back(t); });
    }
    bool call(SimTime t, Outcome outcome) {
        const Admission a = breaker->acquire(t);
        if (!a.allowed()) return false;
        breaker->record(a.permit, outcome, 0, t);
        return true;
    }
    bool ok(SimTime t) { return call(t, Outcome::success); }
    bool fail(SimTime t) { return call(t, Outcome::failure); }
    State state(SimTime t) { return breaker->state(t); }
    Rejection rejection(SimTime t) { return breaker->acquire(t).rejection; }
    /// A call admitted at `t` and left running (after a break: the probe, which half-opens).
    bool admits(SimTime t) { return breaker->acquire(t).allowed(); }
    std::string last_text() const { return log.empty() ? "" : log.back().text(); }
    std::vector<std::string> moves() const {
        std::vector<std::string> out;
        for (const Transition& t : log)
            out.push_back(std::string(to_string(t.from)) + "->" + to_string(t.to));
        return out;
    }

    std::unique_ptr<Breaker> breaker;
    std::vector<Transition> log;
};

/// Trips a small() breaker with four failures at `t`.
SimTime trip(Rig& rig, SimTime t) {
    for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(rig.fail(t));
    EXPECT_EQ(rig.state(t), State::open);
    return t;
}

// [SECTION] Parameters and files ------------------------------------------------------------

TEST(PollyParams, DefaultsAreTheLibraryDefaults) {
    const BreakerConfig c = BreakerConfig::defaults(Preset::polly);
    EXPECT_EQ(*get_param(c, "failure_ratio"), 0.1);
    EXPECT_EQ(*get_param(c, "minimum_throughput"), 100.0);
    EXPECT_EQ(*get_param(c, "sampling_duration_ms"), 30000.0);
    EXPECT_EQ(*get_param(c, "break_duration_ms"), 5000.0);
    EXPECT_EQ(*get_param(c, "break_duration_backoff"), 0.0);
    EXPECT_EQ(*get_param(c, "max_break_duration_ms"), 0.0);
    EXPECT_EQ(*get_param(c, "isolate"), 0.0);
}

TEST(PollyParams, EveryKeyIsListedWithATooltipNamingTheLibrary) {
    const char* keys[] = {"failure_ratio",
                          "minimum_throughput",
                          "sampling_duration_ms",
                          "break_duration_ms",
                          "break_duration_backoff",
                          "max_break_duration_ms",
                          "isolate"};
    const auto params = breaker_params(Preset::polly);
    for (const char* key : keys) {
        const ParamSpec* spec = find_param(Preset::polly, key);
        ASSERT_NE(spec, nullptr) << key;
        EXPECT_NE(std::string(spec->help).find("Polly"), std::string::npos) << key;
        EXPECT_LE(spec->min, spec->max) << key;
        const bool listed = std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) {
            return std::string(p.key) == key;
        });
        EXPECT_TRUE(listed) << key;
    }
    EXPECT_EQ(find_param(Preset::polly, "isolate")->kind, ParamKind::boolean);
    EXPECT_EQ(find_param(Preset::polly, "timeout_ms"), nullptr);
}

TEST(PollyParams, SetAndGetRoundTripEveryKey) {
    BreakerConfig c = BreakerConfig::defaults(Preset::polly);
    const std::pair<const char*, double> values[] = {{"failure_ratio", 0.25},
                                                     {"minimum_throughput", 7},
                                                     {"sampling_duration_ms", 2000},
                                                     {"break_duration_ms", 750},
                                                     {"break_duration_backoff", 2},
                                                     {"max_break_duration_ms", 6000},
                                                     {"isolate", 1}};
    for (const auto& [key, value] : values)
        ASSERT_EQ(set_param(c, key, value), "") << key;
    for (const auto& [key, value] : values)
        EXPECT_EQ(*get_param(c, key), value) << key;
    const auto& s = std::get<PollySettings>(c.settings);
    EXPECT_TRUE(s.isolate);
    EXPECT_EQ(s.minimum_throughput, 7);
}

TEST(PollyParams, PollysOwnLimitsAreTheRanges) {
    BreakerConfig c = BreakerConfig::defaults(Preset::polly);
    EXPECT_NE(set_param(c, "minimum_throughput", 1), "");  // at least 2
    EXPECT_NE(set_param(c, "failure_ratio", 1.5), "");
    EXPECT_NE(set_param(c, "sampling_duration_ms", 499), "");
    EXPECT_NE(set_param(c, "break_duration_ms", 499), "");
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::polly));
    EXPECT_EQ(set_param(c, "minimum_throughput", 2), "");
}

TEST(PollyParams, ShippedPresetFileLoadsAsTheLibraryDefaults) {
    const BreakerConfig c = load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/polly.toml");
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::polly));
}

TEST(PollyParams, TomlRoundTripKeepsEveryValue) {
    const BreakerConfig c = small({{"break_duration_backoff", 1.5}, {"isolate", 1}});
    EXPECT_EQ(parse_breaker_toml(to_toml(c), "roundtrip.toml"), c);
}

TEST(PollyParams, OtherPresetsAreRefusedByReconfigure) {
    Rig rig(small());
    EXPECT_FALSE(rig.breaker->reconfigure(BreakerConfig::defaults(Preset::hystrix), 0));
}

// [SECTION] Trip rule -----------------------------------------------------------------------

TEST(PollyTrip, BreaksWhenThroughputAndRatioAreReached) {
    Rig rig(small());
    rig.ok(ms(0));
    rig.ok(ms(1));
    rig.fail(ms(2));
    EXPECT_EQ(rig.state(ms(2)), State::closed);  // throughput 3 < 4
    rig.fail(ms(3));                             // 2 of 4 = 0.5 >= 0.5
    EXPECT_EQ(rig.state(ms(3)), State::open);
    ASSERT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.log[0].at, ms(3));
    EXPECT_STREQ(rig.log[0].reason.rule, "failure_ratio");
    EXPECT_DOUBLE_EQ(rig.log[0].reason.value, 0.5);
    EXPECT_STREQ(rig.log[0].reason.comparison, ">=");
    EXPECT_DOUBLE_EQ(rig.log[0].reason.threshold, 0.5);
    EXPECT_EQ(rig.last_text(), "opened: failure_ratio 0.5 >= 0.5");
}

TEST(PollyTrip, ASuccessNeverBreaks) {
    // F F F (throughput 3) then S: throughput 4, ratio 0.75, but only failures are checked.
    Rig rig(small());
    rig.fail(ms(0));
    rig.fail(ms(1));
    rig.fail(ms(2));
    rig.ok(ms(3));
    EXPECT_EQ(rig.state(ms(3)), State::closed);
    rig.fail(ms(4));  // 4 of 5 = 0.8
    EXPECT_EQ(rig.state(ms(4)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_ratio 0.8 >= 0.5");
}

TEST(PollyTrip, JustBelowTheRatioStaysClosed) {
    Rig rig(small({{"failure_ratio", 0.51}}));
    rig.ok(ms(0));
    rig.ok(ms(1));
    rig.fail(ms(2));
    rig.fail(ms(3));  // 0.5 < 0.51
    EXPECT_EQ(rig.state(ms(3)), State::closed);
}

TEST(PollyTrip, EveryThirdFailingNeverReachesAHalf) {
    Rig rig(small());
    for (int i = 0; i < 300; ++i)
        rig.call(ms(i), i % 3 == 2 ? Outcome::failure : Outcome::success);
    EXPECT_EQ(rig.state(ms(300)), State::closed);
    EXPECT_TRUE(rig.log.empty());
}

TEST(PollyTrip, MinimumThroughputOfTwo) {
    Rig rig(small({{"minimum_throughput", 2}, {"failure_ratio", 1}}));
    rig.fail(ms(0));
    EXPECT_EQ(rig.state(ms(0)), State::closed);
    rig.fail(ms(1));
    EXPECT_EQ(rig.state(ms(1)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_ratio 1 >= 1");
}

TEST(PollyTrip, LibraryDefaultsNeedAHundredCalls) {
    Rig rig(BreakerConfig::defaults(Preset::polly));
    for (int i = 0; i < 89; ++i)
        rig.ok(ms(i));
    for (int i = 0; i < 10; ++i)
        rig.fail(ms(100 + i));  // 99 calls
    EXPECT_EQ(rig.state(ms(200)), State::closed);
    rig.fail(ms(200));  // 11 of 100 = 0.11 >= 0.1
    EXPECT_EQ(rig.state(ms(200)), State::open);
    // default break 5 s, non-strict
    EXPECT_EQ(rig.rejection(ms(5199)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(ms(5200)).allowed());
}

// [SECTION] Sampling sub-windows ----------------------------------------------------------

TEST(PollyWindow, AnOutcomeExactlySamplingAfterTheFirstSubWindowDropsIt) {
    Rig rig(small({{"minimum_throughput", 2}}));
    rig.fail(ms(0));
    rig.fail(ms(1000));  // the sub-window of t = 0 is dropped (1000 - 0 >= 1000)
    EXPECT_EQ(rig.state(ms(1000)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(1000)).calls, 1u);
}

TEST(PollyWindow, OneMillisecondEarlierItStillCounts) {
    Rig rig(small({{"minimum_throughput", 2}}));
    rig.fail(ms(0));
    rig.fail(ms(999));
    EXPECT_EQ(rig.state(ms(999)), State::open);
}

TEST(PollyWindow, SubWindowsStartAtTheFirstEventNotOnAGrid) {
    // The first sub-window starts at 50 ms, so it lives until 1050 ms (not 1000 ms).
    Rig kept(small({{"minimum_throughput", 3}, {"failure_ratio", 0.6}}));
    kept.fail(ms(50));
    kept.ok(ms(149));
    kept.fail(ms(1049));  // F S F = 0.667 over 3 calls
    EXPECT_EQ(kept.state(ms(1049)), State::open);

    Rig dropped(small({{"minimum_throughput", 3}, {"failure_ratio", 0.6}}));
    dropped.fail(ms(50));
    dropped.ok(ms(149));
    dropped.fail(ms(1050));
    EXPECT_EQ(dropped.state(ms(1050)), State::closed);
    EXPECT_EQ(dropped.breaker->window(ms(1050)).calls, 1u);
}

TEST(PollyWindow, ASubWindowTakesEventsForATenthOfTheSamplingDuration) {
    // S at 149 ms shares the sub-window started at 50 ms and leaves with it at 1050 ms ...
    Rig shared(small({{"minimum_throughput", 2}}));
    shared.fail(ms(50));
    shared.ok(ms(149));
    shared.fail(ms(1050));
    EXPECT_EQ(shared.state(ms(1050)), State::closed);
    // ... S at 150 ms starts its own sub-window, which is still alive at 1050 ms.
    Rig own(small({{"minimum_throughput", 2}}));
    own.fail(ms(50));
    own.ok(ms(150));
    own.fail(ms(1050));  // S F = 0.5 over 2
    EXPECT_EQ(own.state(ms(1050)), State::open);
}

TEST(PollyWindow, SubWindowsExpireOneByOne) {
    Rig rig(small({{"minimum_throughput", 100}}));
    for (int i = 0; i < 10; ++i)
        rig.ok(ms(100 * i));  // one outcome in each of 10 sub-windows
    EXPECT_EQ(rig.breaker->window(ms(999)).calls, 10u);
    EXPECT_EQ(rig.breaker->window(ms(1000)).calls, 9u);
    EXPECT_EQ(rig.breaker->window(ms(1099)).calls, 9u);
    EXPECT_EQ(rig.breaker->window(ms(1100)).calls, 8u);
    EXPECT_EQ(rig.breaker->window(ms(1799)).calls, 2u);
    EXPECT_EQ(rig.breaker->window(ms(1800)).calls, 1u);
    EXPECT_EQ(rig.breaker->window(ms(1899)).calls, 1u);
    EXPECT_EQ(rig.breaker->window(ms(1900)).calls, 0u);
}

TEST(PollyWindow, ReadingTheWindowStartsNoSubWindow) {
    // window() at 60 ms must not start a sub-window there: the S at 140 ms still joins the
    // sub-window started at 50 ms, which is dropped at 1050 ms.
    Rig rig(small({{"minimum_throughput", 2}}));
    rig.fail(ms(50));
    EXPECT_EQ(rig.breaker->window(ms(60)).calls, 1u);
    EXPECT_EQ(rig.state(ms(130)), State::closed);
    rig.ok(ms(140));
    rig.fail(ms(1050));
    EXPECT_EQ(rig.state(ms(1050)), State::closed);
}

// [SECTION] Break, probe and backoff --------------------------------------------------------

TEST(PollyBreak, HalfOpensExactlyAtTheEndOfTheBreak) {
    Rig rig(small());
    const SimTime t0 = trip(rig, ms(100));
    EXPECT_EQ(rig.rejection(t0 + ms(499)), Rejection::open);
    EXPECT_EQ(rig.state(t0 + ms(499)), State::open);
    EXPECT_TRUE(rig.admits(t0 + ms(500)));  // now >= blocked_until: this call is the probe
    EXPECT_EQ(rig.state(t0 + ms(500)), State::half_open);
    ASSERT_EQ(rig.log.size(), 2u);
    EXPECT_EQ(rig.log[1].at, t0 + ms(500));
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 500 >= 500");
}

TEST(PollyBreak, OneMicrosecondBeforeTheEndIsStillOpen) {
    Rig rig(small());
    const SimTime t0 = trip(rig, 0);
    EXPECT_EQ(rig.rejection(t0 + ms(500) - 1), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(t0 + ms(500)).allowed());
}

TEST(PollyBreak, ExactlyOneProbe) {
    Rig rig(small());
    const SimTime t = trip(rig, 0) + ms(500);
    const Admission probe = rig.breaker->acquire(t);
    ASSERT_TRUE(probe.allowed());
    EXPECT_EQ(rig.rejection(t), Rejection::too_many_requests);
    EXPECT_EQ(rig.rejection(t + ms(10000)), Rejection::too_many_requests);
    EXPECT_EQ(rig.state(t + ms(10000)), State::half_open);
}

TEST(PollyBreak, ProbeSuccessClosesAndResetsTheMetrics) {
    Rig rig(small());
    const SimTime t = trip(rig, 0) + ms(500);
    ASSERT_TRUE(rig.ok(t));
    EXPECT_EQ(rig.state(t), State::closed);
    EXPECT_EQ(rig.last_text(), "closed: probe_successes 1 >= 1");
    EXPECT_EQ(rig.breaker->window(t).calls, 0u);
    // the four failures before the break are gone: three new ones do not break
    for (int i = 1; i <= 3; ++i)
        rig.fail(t + ms(i));
    EXPECT_EQ(rig.state(t + ms(3)), State::closed);
    EXPECT_EQ(rig.moves(),
              (std::vector<std::string>{"closed->open", "open->half_open", "half_open->closed"}));
}

TEST(PollyBreak, ProbeFailureReopensForANewBreak) {
    Rig rig(small());
    const SimTime t = trip(rig, 0) + ms(500);
    ASSERT_TRUE(rig.fail(t));
    EXPECT_EQ(rig.state(t), State::open);
    EXPECT_EQ(rig.last_text(), "opened: probe_failures 1 >= 1");
    EXPECT_EQ(rig.rejection(t + ms(499)), Rejection::open);
    EXPECT_TRUE(rig.admits(t + ms(500)));
    EXPECT_EQ(rig.state(t + ms(500)), State::half_open);
}

TEST(PollyBreak, ProbeFailureIsNotAddedToTheMetrics) {
    Rig rig(small());
    const SimTime t = trip(rig, 0) + ms(500);
    ASSERT_EQ(rig.breaker->window(t).calls, 4u);
    ASSERT_TRUE(rig.fail(t));
    EXPECT_EQ(rig.breaker->window(t).calls, 4u);
}

TEST(PollyBackoff, BreakGrowsWithHalfOpenAttemptsUpToTheCap) {
    Rig rig(small({{"break_duration_backoff", 2}, {"max_break_duration_ms", 1500}}));
    const SimTime t0 = trip(rig, 0);  // attempts 0: 500
    EXPECT_EQ(rig.rejection(t0 + ms(499)), Rejection::open);
    ASSERT_TRUE(rig.fail(t0 + ms(500)));  // attempts 1: 1000
    const SimTime t1 = t0 + ms(500);
    EXPECT_EQ(rig.rejection(t1 + ms(999)), Rejection::open);
    ASSERT_TRUE(rig.fail(t1 + ms(1000)));  // attempts 2: min(2000, 1500)
    const SimTime t2 = t1 + ms(1000);
    EXPECT_EQ(rig.rejection(t2 + ms(1499)), Rejection::open);
    ASSERT_TRUE(rig.fail(t2 + ms(1500)));  // attempts 3: min(4000, 1500)
    const SimTime t3 = t2 + ms(1500);
    EXPECT_EQ(rig.rejection(t3 + ms(1499)), Rejection::open);
    ASSERT_TRUE(rig.ok(t3 + ms(1500)));
    EXPECT_EQ(rig.state(t3 + ms(1500)), State::closed);
    // closing resets the attempts: the next break is 500 again
    const SimTime t4 = trip(rig, t3 + ms(2000));
    EXPECT_EQ(rig.rejection(t4 + ms(499)), Rejection::open);
    EXPECT_TRUE(rig.admits(t4 + ms(500)));
    std::vector<std::string> texts;
    for (const Transition& t : rig.log)
        texts.push_back(t.text());
    ASSERT_EQ(texts.size(), 11u);
    EXPECT_EQ(texts[3], "half-open: open_elapsed_ms 1000 >= 1000");
    EXPECT_EQ(texts[5], "half-open: open_elapsed_ms 1500 >= 1500");
    EXPECT_EQ(texts[7], "half-open: open_elapsed_ms 1500 >= 1500");
    EXPECT_EQ(texts[10], "half-open: open_elapsed_ms 500 >= 500");
}

TEST(PollyBackoff, WithoutACapTheBreakKeepsGrowing) {
    Rig rig(small({{"break_duration_backoff", 3}}));
    const SimTime t0 = trip(rig, 0);
    ASSERT_TRUE(rig.fail(t0 + ms(500)));   // 1500
    ASSERT_TRUE(rig.fail(t0 + ms(2000)));  // 4500
    EXPECT_EQ(rig.rejection(t0 + ms(6499)), Rejection::open);
    EXPECT_TRUE(rig.admits(t0 + ms(6500)));
}

TEST(PollyBackoff, WithoutABackoffTheCapIsIgnored) {
    Rig rig(small({{"max_break_duration_ms", 100}}));
    const SimTime t0 = trip(rig, 0);
    EXPECT_EQ(rig.rejection(t0 + ms(499)), Rejection::open);
    ASSERT_TRUE(rig.fail(t0 + ms(500)));
    EXPECT_EQ(rig.rejection(t0 + ms(999)), Rejection::open);
    EXPECT_TRUE(rig.admits(t0 + ms(1000)));
}

// [SECTION] Isolate -------------------------------------------------------------------------

TEST(PollyIsolate, IsolatedFromTheStartRejectsEverything) {
    Rig rig(small({{"isolate", 1}}));
    EXPECT_EQ(rig.state(0), State::forced_open);
    EXPECT_EQ(rig.rejection(0), Rejection::open);
    EXPECT_EQ(rig.rejection(ms(1000000)), Rejection::open);
    EXPECT_TRUE(rig.log.empty());
}

TEST(PollyIsolate, IsolateAndCloseByReconfigure) {
    Rig rig(small());
    rig.fail(ms(0));
    rig.fail(ms(1));
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"isolate", 1}}), ms(10)));
    EXPECT_EQ(rig.state(ms(10)), State::forced_open);
    EXPECT_EQ(rig.last_text(), "forced open: isolate 1 == 1");
    EXPECT_EQ(rig.rejection(ms(100000)), Rejection::open);
    ASSERT_TRUE(rig.breaker->reconfigure(small(), ms(100000)));
    EXPECT_EQ(rig.state(ms(100000)), State::closed);
    EXPECT_EQ(rig.last_text(), "closed: isolate 0 == 0");
    EXPECT_EQ(rig.breaker->window(ms(100000)).calls, 0u);  // like Polly's manual Close
    EXPECT_EQ(rig.moves(),
              (std::vector<std::string>{"closed->forced_open", "forced_open->closed"}));
}

TEST(PollyIsolate, IsolatingAnOpenCircuitAndClosingResetsTheBackoff) {
    Rig rig(small({{"break_duration_backoff", 2}}));
    const SimTime t0 = trip(rig, 0);
    ASSERT_TRUE(rig.fail(t0 + ms(500)));  // attempts 1
    ASSERT_TRUE(
        rig.breaker->reconfigure(small({{"break_duration_backoff", 2}, {"isolate", 1}}), ms(600)));
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"break_duration_backoff", 2}}), ms(700)));
    const SimTime t1 = trip(rig, ms(800));
    EXPECT_TRUE(rig.admits(t1 + ms(500)));  // 500 * 2^0
}

TEST(PollyIsolate, ResultsWhileIsolatedAreAddedToTheMetrics) {
    Rig rig(small());
    const Admission a = rig.breaker->acquire(0);
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"isolate", 1}}), ms(1)));
    rig.breaker->record(a.permit, Outcome::failure, 0, ms(2));
    EXPECT_EQ(rig.breaker->window(ms(2)).calls, 1u);
    EXPECT_EQ(rig.state(ms(2)), State::forced_open);
}

// [SECTION] Late results, ignored and timeouts --------------------------------------------

TEST(PollyLate, ResultsWhileOpenOnlyCount) {
    Rig rig(small());
    const Admission a = rig.breaker->acquire(0);
    const Admission b = rig.breaker->acquire(0);
    trip(rig, ms(1));
    rig.breaker->record(a.permit, Outcome::failure, 0, ms(2));
    rig.breaker->record(b.permit, Outcome::success, 0, ms(3));
    EXPECT_EQ(rig.state(ms(3)), State::open);
    EXPECT_EQ(rig.breaker->window(ms(3)).calls, 6u);
    EXPECT_EQ(rig.log.size(), 1u);
    // the break is not extended by the late failure
    EXPECT_EQ(rig.rejection(ms(500)), Rejection::open);
    EXPECT_TRUE(rig.admits(ms(501)));
}

TEST(PollyLate, OutcomesArrivingAfterTheBreakLeaveItOpen) {
    // OnUnhandledOutcomeAsync / OnHandledOutcomeAsync change nothing while open ("only time
    // passing governs transitioning from Open to HalfOpen", and only in
    // OnActionPreExecuteAsync): a success after the break neither half-opens nor closes, a
    // failure does not start a new break. The next call is the probe.
    Rig rig(small());
    const Admission a = rig.breaker->acquire(0);
    const Admission b = rig.breaker->acquire(0);
    ASSERT_TRUE(a.allowed() && b.allowed());
    const SimTime t0 = trip(rig, ms(1));
    rig.breaker->record(a.permit, Outcome::success, 0, t0 + ms(600));
    EXPECT_EQ(rig.state(t0 + ms(600)), State::open);
    rig.breaker->record(b.permit, Outcome::failure, 0, t0 + ms(700));
    EXPECT_EQ(rig.state(t0 + ms(700)), State::open);
    EXPECT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.breaker->window(t0 + ms(700)).calls, 6u);  // both added to the metrics
    EXPECT_TRUE(rig.admits(t0 + ms(800)));
    EXPECT_EQ(rig.state(t0 + ms(800)), State::half_open);
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 800 >= 500");
}

TEST(PollyLate, ReadingTheStateOrTheWindowNeverChangesWhatHappens) {
    // The CircuitState getter only reads: a run read every 1, 7 or 250 ms (a GUI) makes the
    // same decisions and transitions as one never read.
    const test::ScriptedRun run =
        test::expect_reading_changes_nothing(small({{"break_duration_backoff", 1.5}}));
    EXPECT_GE(run.transitions.size(), 4u);  // the script does break and half-open
}

TEST(PollyLate, ALateSuccessWhileHalfOpenCloses) {
    Rig rig(small());
    const Admission late = rig.breaker->acquire(0);
    const SimTime t = trip(rig, ms(1)) + ms(500);
    ASSERT_TRUE(rig.breaker->acquire(t).allowed());  // the probe, still running
    rig.breaker->record(late.permit, Outcome::success, 0, t + ms(1));
    EXPECT_EQ(rig.state(t + ms(1)), State::closed);
}

TEST(PollyLate, ALateFailureWhileHalfOpenReopens) {
    Rig rig(small());
    const Admission late = rig.breaker->acquire(0);
    const SimTime t = trip(rig, ms(1)) + ms(500);
    ASSERT_TRUE(rig.admits(t));  // the probe, still running
    ASSERT_EQ(rig.state(t), State::half_open);
    rig.breaker->record(late.permit, Outcome::failure, 0, t + ms(1));
    EXPECT_EQ(rig.state(t + ms(1)), State::open);
}

TEST(PollyIgnored, AnUnhandledOutcomeCountsAsASuccess) {
    // F F F I F: with I a success, 4 of 5 = 0.8 < 0.9; were it excluded, 4 of 4 would break.
    Rig rig(small({{"failure_ratio", 0.9}}));
    rig.fail(ms(0));
    rig.fail(ms(1));
    rig.fail(ms(2));
    rig.call(ms(3), Outcome::ignored);
    rig.fail(ms(4));
    EXPECT_EQ(rig.state(ms(4)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(4)).calls, 5u);
    EXPECT_EQ(rig.breaker->counts().total_successes, 1u);
}

TEST(PollyIgnored, AnUnhandledProbeOutcomeCloses) {
    Rig rig(small());
    const SimTime t = trip(rig, 0) + ms(500);
    ASSERT_TRUE(rig.call(t, Outcome::ignored));
    EXPECT_EQ(rig.state(t), State::closed);
}

TEST(PollyTimeouts, ATimeoutIsAHandledFailure) {
    Rig rig(small());
    for (int i = 0; i < 4; ++i)
        rig.call(ms(i), Outcome::timeout);
    EXPECT_EQ(rig.state(ms(3)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: failure_ratio 1 >= 0.5");
}

// [SECTION] Counts, window view, reconfigure, jitter ----------------------------------------

TEST(PollyCounts, CountsShowTheHealthWindowAndTheStreaks) {
    Rig rig(small({{"minimum_throughput", 100}}));
    rig.fail(ms(0));
    rig.ok(ms(1));
    rig.ok(ms(2));
    const Admission pending = rig.breaker->acquire(ms(3));
    ASSERT_TRUE(pending.allowed());
    Counts c = rig.breaker->counts();
    EXPECT_EQ(c.requests, 4u);
    EXPECT_EQ(c.total_successes, 2u);
    EXPECT_EQ(c.total_failures, 1u);
    EXPECT_EQ(c.consecutive_successes, 2u);
    EXPECT_EQ(c.consecutive_failures, 0u);
    rig.fail(ms(1500));  // the first sub-window (0 ms) has left
    c = rig.breaker->counts();
    EXPECT_EQ(c.total_successes, 0u);
    EXPECT_EQ(c.total_failures, 1u);
    EXPECT_EQ(c.consecutive_failures, 1u);
}

TEST(PollyWindowView, ReportsThroughputRatioAndThresholds) {
    Rig rig(small());
    WindowView v = rig.breaker->window(0);
    EXPECT_EQ(v.calls, 0u);
    EXPECT_EQ(v.minimum_calls, 4u);
    EXPECT_LT(v.failure_rate, 0.0);
    EXPECT_DOUBLE_EQ(v.failure_threshold, 0.5);
    EXPECT_GT(v.slow_call_threshold, 1.0);  // no slow-call rule
    rig.ok(ms(1));
    rig.fail(ms(2));
    rig.ok(ms(3));
    v = rig.breaker->window(ms(3));
    EXPECT_EQ(v.calls, 3u);
    EXPECT_NEAR(v.failure_rate, 1.0 / 3.0, 1e-12);
}

TEST(PollyReconfigure, ANewBreakAppliesToTheCurrentBreak) {
    Rig rig(small());
    const SimTime t0 = trip(rig, 0);
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"break_duration_ms", 2000}}), ms(10)));
    EXPECT_EQ(rig.rejection(t0 + ms(1999)), Rejection::open);
    EXPECT_TRUE(rig.admits(t0 + ms(2000)));
}

TEST(PollyReconfigure, ThresholdChangesKeepTheMetrics) {
    Rig rig(small());
    rig.ok(ms(0));
    rig.fail(ms(1));
    rig.ok(ms(2));
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"minimum_throughput", 3}, {"failure_ratio", 0.4}}),
                                         ms(3)));
    EXPECT_EQ(rig.breaker->window(ms(3)).calls, 3u);
    rig.fail(ms(4));  // 2 of 4 = 0.5 >= 0.4
    EXPECT_EQ(rig.state(ms(4)), State::open);
}

TEST(PollyReconfigure, AShorterSamplingDurationDropsOlderSubWindows) {
    Rig rig(small({{"minimum_throughput", 100}}));
    rig.ok(ms(0));
    rig.ok(ms(600));
    ASSERT_TRUE(rig.breaker->reconfigure(
        small({{"minimum_throughput", 100}, {"sampling_duration_ms", 500}}), ms(700)));
    EXPECT_EQ(rig.breaker->window(ms(700)).calls, 1u);
    EXPECT_EQ(rig.breaker->window(ms(1099)).calls, 1u);
    EXPECT_EQ(rig.breaker->window(ms(1100)).calls, 0u);
}

TEST(PollyReconfigure, SameSettingsChangeNothing) {
    Rig rig(small());
    rig.fail(ms(0));
    rig.ok(ms(1));
    const Counts before = rig.breaker->counts();
    ASSERT_TRUE(rig.breaker->reconfigure(small(), ms(2)));
    EXPECT_EQ(rig.breaker->counts(), before);
    EXPECT_TRUE(rig.log.empty());
}

TEST(PollyJitter, BreakDurationIsJitteredAndReproducible) {
    BreakerConfig c = small();
    ASSERT_EQ(set_param(c, "extras.open_jitter", 0.5), "");
    ASSERT_EQ(set_param(c, "extras.jitter_seed", 11), "");
    Rig first(c);
    trip(first, 0);
    ASSERT_TRUE(first.admits(ms(100000)));
    const double break_ms = first.log.back().reason.threshold;
    EXPECT_GE(break_ms, 250.0);
    EXPECT_LE(break_ms, 750.0);
    EXPECT_NE(break_ms, 500.0);
    const auto pause = static_cast<SimTime>(break_ms * 1000.0 + 0.5);
    Rig second(c);
    trip(second, 0);
    EXPECT_EQ(second.rejection(pause - 1), Rejection::open);
    EXPECT_TRUE(second.admits(pause));
}

// [SECTION] Longer runs against the rule ----------------------------------------------------

struct Event {
    SimTime at;
    bool failure;
};

/// Random calls at whole milliseconds (gaps of 0..150 ms, so sub-window boundaries are hit
/// exactly), failing with probability p.
std::vector<Event> random_events(std::uint64_t seed, double p) {
    Rng rng(seed, stream_id("polly-test"));
    std::vector<Event> events;
    SimTime t = 0;
    for (int i = 0; i < 3000; ++i) {
        t += ms(static_cast<std::int64_t>(rng.below(151)));
        events.push_back({t, rng.bernoulli(p)});
    }
    return events;
}

/// The trip instant by the rule, computed from the event list: each event's sub-window start
/// (a new sub-window at an event >= width after the current one started), and at each
/// failure the events whose sub-window started less than `sampling` ago.
SimTime expected_trip(const std::vector<Event>& events, SimTime sampling, int minimum,
                      double ratio) {
    const SimTime width = sampling / 10;
    std::vector<SimTime> start(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        const bool fresh = i == 0 || events[i].at - start[i - 1] >= width;
        start[i] = fresh ? events[i].at : start[i - 1];
        if (!events[i].failure) continue;
        int calls = 0;
        int failures = 0;
        for (std::size_t k = 0; k <= i; ++k) {
            if (events[i].at - start[k] >= sampling) continue;
            ++calls;
            failures += events[k].failure ? 1 : 0;
        }
        if (calls >= minimum && static_cast<double>(failures) / static_cast<double>(calls) >= ratio)
            return events[i].at;
    }
    return -1;
}

SimTime first_trip(const std::vector<Event>& events, const BreakerConfig& config) {
    Rig rig(config);
    for (const Event& e : events) {
        rig.call(e.at, e.failure ? Outcome::failure : Outcome::success);
        if (!rig.log.empty()) return rig.log[0].at;
    }
    return -1;
}

TEST(PollyRule, RandomRunsTripWhereTheRuleSays) {
    struct Case {
        std::uint64_t seed;
        double p;
        int minimum;
        double ratio;
    };
    const Case cases[] = {{1, 0.2, 10, 0.5},  {2, 0.3, 5, 0.6},  {3, 0.1, 3, 0.5},
                          {4, 0.25, 20, 0.4}, {5, 0.4, 8, 0.75}, {6, 0.35, 2, 1.0},
                          {7, 0.3, 12, 0.45}, {8, 0.15, 4, 0.5}};
    int tripped = 0;
    for (const Case& c : cases) {
        const std::vector<Event> events = random_events(c.seed, c.p);
        const BreakerConfig config = small(
            {{"minimum_throughput", static_cast<double>(c.minimum)}, {"failure_ratio", c.ratio}});
        const SimTime expected = expected_trip(events, ms(1000), c.minimum, c.ratio);
        EXPECT_EQ(first_trip(events, config), expected) << "seed " << c.seed;
        tripped += expected >= 0 ? 1 : 0;
    }
    EXPECT_GE(tripped, 5);  // the cases exercise trips, not just quiet runs
}

}  // namespace
}  // namespace cbsim
