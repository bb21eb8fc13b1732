// opossum_test.cpp: the opossum preset on a virtual clock, through the public API. Expected
// values follow docs/BREAKERS.md ("opossum: the rules") and opossum 10.0.0's circuit.js and
// status.js: every call a fire, the strict IEEE error percentage, buckets on a grid from
// creation, the reset timer with no call, one half-open trial decided by any result, the
// semaphore counted as a failure, the call timeout, warm-up.
//
// [SECTION] Helpers
// [SECTION] Parameters and files
// [SECTION] Trip rule: percentage, IEEE, volume
// [SECTION] Rolling window
// [SECTION] Reset timer and half-open
// [SECTION] Capacity
// [SECTION] Call timeout, ignored, warm-up
// [SECTION] Counts, window view, reconfigure, jitter
#include "breaker_test_util.hpp"

#include <cbsim/concurrent_breaker.hpp>

#include <chrono>
#include <thread>

#include <optional>

namespace cbsim::test {
namespace {

// [SECTION] Helpers -------------------------------------------------------------------------

using Params = std::initializer_list<std::pair<const char*, double>>;

BreakerConfig opossum(Params params) {
    return config_with(Preset::opossum, params);
}

/// Threshold 50, reset 1000 ms, window 1000 ms / 10 buckets, no call timeout.
BreakerConfig small(Params extra = {}) {
    BreakerConfig c = opossum({{"error_threshold_percentage", 50},
                               {"reset_timeout_ms", 1000},
                               {"rolling_count_timeout_ms", 1000},
                               {"rolling_count_buckets", 10},
                               {"timeout_ms", 0}});
    for (const auto& [key, value] : extra)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

/// An admitted call, recorded later.
struct Pending {
    Permit permit;
    SimTime at;
};

Pending start(Harness& h, SimTime t) {
    const Admission a = h.breaker->acquire(t);
    EXPECT_TRUE(a.allowed()) << "at " << t;
    return Pending{a.permit, t};
}

void finish(Harness& h, const Pending& p, Outcome outcome, SimTime t) {
    h.breaker->record(p.permit, outcome, t - p.at, t);
}

// [SECTION] Parameters and files ------------------------------------------------------------

TEST(OpossumParams, DefaultsAreTheLibrarys) {
    const BreakerConfig c = BreakerConfig::defaults(Preset::opossum);
    EXPECT_EQ(get_param(c, "timeout_ms"), 10000.0);
    EXPECT_EQ(get_param(c, "error_threshold_percentage"), 50.0);
    EXPECT_EQ(get_param(c, "reset_timeout_ms"), 30000.0);
    EXPECT_EQ(get_param(c, "rolling_count_timeout_ms"), 10000.0);
    EXPECT_EQ(get_param(c, "rolling_count_buckets"), 10.0);
    EXPECT_EQ(get_param(c, "volume_threshold"), 0.0);
    EXPECT_EQ(get_param(c, "allow_warm_up"), 0.0);
    EXPECT_EQ(get_param(c, "capacity"), 9007199254740991.0);
    EXPECT_STREQ(to_string(Preset::opossum), "opossum");
    EXPECT_EQ(preset_from_string("opossum"), Preset::opossum);
}

TEST(OpossumParams, RangesAreRefusedWithTheRange) {
    BreakerConfig c = BreakerConfig::defaults(Preset::opossum);
    EXPECT_THAT(set_param(c, "error_threshold_percentage", 100.5), ::testing::HasSubstr("100"));
    EXPECT_NE(set_param(c, "reset_timeout_ms", 0), "");
    EXPECT_NE(set_param(c, "rolling_count_buckets", 0), "");
    EXPECT_NE(set_param(c, "capacity", -1), "");
    EXPECT_EQ(set_param(c, "timeout_ms", 0), "");  // 0 = off
    EXPECT_EQ(set_param(c, "capacity", 0), "");
    EXPECT_EQ(set_param(c, "error_threshold_percentage", 55.5), "");
    EXPECT_EQ(get_param(c, "error_threshold_percentage"), 55.5);
    EXPECT_NE(set_param(c, "sleep_window_ms", 5), "");  // another preset's key
}

TEST(OpossumParams, TomlRoundTripsEveryKey) {
    const BreakerConfig c = opossum({{"timeout_ms", 0},
                                     {"error_threshold_percentage", 12.5},
                                     {"reset_timeout_ms", 7},
                                     {"rolling_count_timeout_ms", 999},
                                     {"rolling_count_buckets", 3},
                                     {"volume_threshold", 4},
                                     {"allow_warm_up", 1},
                                     {"capacity", 9007199254740991.0}});
    const std::string text = to_toml(c);
    EXPECT_THAT(text, ::testing::HasSubstr("preset = \"opossum\""));
    EXPECT_THAT(text, ::testing::HasSubstr("capacity = 9007199254740991"));
    EXPECT_EQ(parse_breaker_toml(text, "x.toml"), c);
}

TEST(OpossumParams, EveryKeyHasHelp) {
    for (const ParamSpec& p : breaker_params(Preset::opossum)) {
        ASSERT_NE(p.help, nullptr);
        EXPECT_GT(std::string(p.help).size(), 20u) << p.key;
    }
}

// [SECTION] Trip rule: percentage, IEEE, volume ---------------------------------------------

TEST(OpossumTrip, ExactlyTheThresholdDoesNotTripOneMoreDoes) {
    Harness h(small());
    EXPECT_TRUE(h.ok(ms(0)));
    EXPECT_TRUE(h.fail(ms(10)));  // 1/2 = 50: not > 50
    EXPECT_TRUE(h.ok(ms(20)));
    EXPECT_TRUE(h.fail(ms(30)));  // 2/4
    EXPECT_EQ(h.state(ms(30)), State::closed);
    EXPECT_TRUE(h.fail(ms(40)));  // 3/5 = 60
    EXPECT_EQ(h.state(ms(40)), State::open);
    ASSERT_EQ(h.log.size(), 1u);
    EXPECT_EQ(h.log[0].at, ms(40));
    EXPECT_EQ(h.log[0].text(), "opened: error_percentage 60 > 50");
}

/// Trips at `failures` of `fires` (fires - failures successes first, then the failures)?
bool trips_at(std::int64_t failures, std::int64_t fires, double threshold) {
    Harness h(opossum({{"error_threshold_percentage", threshold}, {"timeout_ms", 0}}));
    SimTime t = 0;
    for (std::int64_t i = 0; i < fires - failures; ++i)
        h.ok(t += ms(1));
    for (std::int64_t i = 0; i < failures; ++i) {
        if (!h.fail(t += ms(1))) return false;
    }
    return h.state(t) == State::open && h.log.size() == 1;
}

TEST(OpossumTrip, PercentageIsIeeeFailuresOverFiresTimesHundred) {
    // 11/20*100 = 55.00000000000001 > 55; 7/25*100 = 28.000000000000004 > 28;
    // 29/50*100 = 57.99999999999999, not > 58 (though 29/50 is 58 %).
    EXPECT_TRUE(trips_at(11, 20, 55));
    EXPECT_TRUE(trips_at(7, 25, 28));
    EXPECT_FALSE(trips_at(29, 50, 58));
    EXPECT_FALSE(trips_at(10, 20, 50));
    EXPECT_TRUE(trips_at(1, 1, 0));     // threshold 0: any failure
    EXPECT_FALSE(trips_at(5, 5, 100));  // 100 > 100 is false
}

TEST(OpossumTrip, VolumeThresholdCountsFiresIncludingTheFailingCall) {
    Harness h(small({{"volume_threshold", 5}}));
    for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(h.fail(ms(10 * i)));  // fires 1..4 < 5
    EXPECT_EQ(h.state(ms(30)), State::closed);
    EXPECT_TRUE(h.fail(ms(40)));  // fires == 5: evaluated, 5/5
    EXPECT_EQ(h.state(ms(40)), State::open);
}

TEST(OpossumTrip, OnlyFailuresEvaluate) {
    Harness h(small({{"volume_threshold", 5}}));
    for (int i = 0; i < 4; ++i)
        h.fail(ms(10 * i));
    EXPECT_TRUE(h.ok(ms(40)));  // 4/5 over the volume, but a success never trips
    EXPECT_TRUE(h.ok(ms(50)));
    EXPECT_EQ(h.state(ms(50)), State::closed);
    EXPECT_TRUE(h.fail(ms(60)));  // 5/7
    EXPECT_EQ(h.state(ms(60)), State::open);
}

TEST(OpossumTrip, RejectsCountAsFiresNotFailuresAndNothingResets) {
    // reset_halfopen_success: rejects in the open period dilute the rate after closing.
    Harness h(opossum({{"reset_timeout_ms", 500}, {"timeout_ms", 0}}));
    EXPECT_TRUE(h.fail(ms(0)));  // 1/1: open
    EXPECT_EQ(h.rejection(ms(100)), Rejection::open);
    EXPECT_EQ(h.rejection(ms(499)), Rejection::open);
    const Pending trial = start(h, ms(600));
    EXPECT_EQ(h.rejection(ms(620)), Rejection::too_many_requests);
    finish(h, trial, Outcome::success, ms(650));  // closes; the window keeps 1 of 5
    EXPECT_TRUE(h.fail(ms(660)));                 // 2/6
    EXPECT_TRUE(h.fail(ms(670)));                 // 3/7
    EXPECT_TRUE(h.fail(ms(680)));                 // 4/8 = 50
    EXPECT_EQ(h.state(ms(680)), State::closed);
    EXPECT_TRUE(h.fail(ms(690)));  // 5/9 > 50
    EXPECT_EQ(h.state(ms(690)), State::open);
    const Counts c = h.breaker->counts();
    EXPECT_EQ(c.requests, 9u);  // every fire, the 3 rejected ones included
    EXPECT_EQ(c.total_failures, 5u);
    EXPECT_EQ(c.total_successes, 1u);
}

// [SECTION] Rolling window ------------------------------------------------------------------

TEST(OpossumWindow, EventLeavesAtTheRotationBThBucketsLater) {
    // 100 ms buckets: failures at 10 and 20 (bucket 0) leave at exactly 1000.
    auto run = [](SimTime third) {
        Harness h(small({{"volume_threshold", 3}}));
        h.fail(ms(10));
        h.fail(ms(20));
        h.fail(third);
        return h.state(third);
    };
    EXPECT_EQ(run(ms(999)), State::open);     // 3/3
    EXPECT_EQ(run(ms(1000)), State::closed);  // 1/1, fires 1 < 3
    EXPECT_EQ(run(ms(1000) - 1), State::open);
}

TEST(OpossumWindow, IntervalIsTheFloorOfWindowOverBuckets) {
    // 1000 / 3 -> 333 ms: a t = 0 event leaves at 999, not 1000.
    Harness h(small({{"rolling_count_buckets", 3}, {"volume_threshold", 2}}));
    h.fail(ms(0));
    h.fail(ms(999));  // fires 1 < 2
    EXPECT_EQ(h.state(ms(999)), State::closed);
    h.fail(ms(1000));  // 2/2
    EXPECT_EQ(h.state(ms(1000)), State::open);
}

TEST(OpossumWindow, GridIsFromCreationNotFromTheFirstCall) {
    // A first call at 950 lands in bucket 9 (900..1000); it leaves at 1900, not at 1950.
    Harness h(small({{"volume_threshold", 2}}));
    h.fail(ms(950));
    h.fail(ms(1900));  // alone in the window: fires 1 < 2
    EXPECT_EQ(h.state(ms(1900)), State::closed);
}

TEST(OpossumWindow, LateFailureWithoutItsFireTripsAtAHundred) {
    // late_failure_zero_fires: fires 0, failures 1 -> +inf > 100.
    Harness h(small({{"error_threshold_percentage", 100}, {"reset_timeout_ms", 5000}}));
    const Pending p = start(h, ms(0));
    finish(h, p, Outcome::failure, ms(1500));
    EXPECT_EQ(h.state(ms(1500)), State::open);
    ASSERT_EQ(h.log.size(), 1u);
    EXPECT_EQ(h.log[0].text(), "opened: error_percentage inf > 100");
}

// [SECTION] Reset timer and half-open -------------------------------------------------------

TEST(OpossumReset, HalfOpenAtExactlyTheResetWithNoCall) {
    Harness h(small({{"reset_timeout_ms", 500}}));
    EXPECT_EQ(h.breaker->next_timed_transition(), std::nullopt);
    h.fail(ms(100));
    EXPECT_EQ(h.breaker->next_timed_transition(), ms(600));
    EXPECT_EQ(h.rejection(ms(600) - 1), Rejection::open);
    h.breaker->fire_timers(ms(599));  // not due yet
    EXPECT_EQ(h.log.size(), 1u);
    h.breaker->fire_timers(ms(600));
    ASSERT_EQ(h.log.size(), 2u);
    EXPECT_EQ(h.log[1].at, ms(600));
    EXPECT_EQ(h.log[1].text(), "half-open: open_elapsed_ms 500 >= 500");
    EXPECT_EQ(h.breaker->next_timed_transition(), std::nullopt);
    h.breaker->fire_timers(ms(700));  // nothing more due
    EXPECT_EQ(h.log.size(), 2u);
}

TEST(OpossumReset, ACallAtTheResetInstantIsTheTrial) {
    Harness h(small({{"reset_timeout_ms", 500}}));
    h.fail(ms(0));
    EXPECT_TRUE(h.fail(ms(500)));  // the timer fires first: half-open, the trial fails
    EXPECT_EQ(h.moves(),
              (std::vector<std::string>{"closed->open", "open->half_open", "half_open->open"}));
    EXPECT_EQ(h.log[1].at, ms(500));
    EXPECT_EQ(h.log[2].text(), "opened: half_open_failures 1 >= 1");
    EXPECT_EQ(h.breaker->next_timed_transition(), ms(1000));  // restarted from 500
    EXPECT_EQ(h.rejection(ms(999)), Rejection::open);
    EXPECT_TRUE(h.ok(ms(1000)));
    EXPECT_EQ(h.state(ms(1000)), State::closed);
}

TEST(OpossumReset, ReadsAndCompletionsAtTheDueInstantComeBeforeTheTimer) {
    // A call admitted before the trip completes at exactly the reset instant: its timer is
    // older than the reset timer, so its success lands while open (ignored), then half-open.
    Harness h(small({{"reset_timeout_ms", 500}, {"error_threshold_percentage", 10}}));
    const Pending old = start(h, ms(0));
    h.fail(ms(0));                             // 1/2 = 50 > 10: open at 0, reset due at 500
    EXPECT_EQ(h.state(ms(500)), State::open);  // a read at the instant fires nothing
    finish(h, old, Outcome::success, ms(500));
    EXPECT_EQ(h.state(ms(500)), State::open);
    h.breaker->fire_timers(ms(500));
    EXPECT_EQ(h.state(ms(500)), State::half_open);
    EXPECT_EQ(h.moves(), (std::vector<std::string>{"closed->open", "open->half_open"}));
}

TEST(OpossumReset, LazyObservationStampsTheDueInstant) {
    Harness h(small({{"reset_timeout_ms", 500}}));
    h.fail(ms(0));
    EXPECT_EQ(h.state(ms(501)), State::half_open);
    ASSERT_EQ(h.log.size(), 2u);
    EXPECT_EQ(h.log[1].at, ms(500));
}

TEST(OpossumReset, ReadingNeverChangesWhatHappensNext) {
    // The same calls with and without a state() and window() read every millisecond.
    auto run = [](bool poll) {
        Harness h(small({{"reset_timeout_ms", 300}, {"volume_threshold", 2}}));
        std::vector<Pending> pending;
        for (std::int64_t t = 0; t < 3000; ++t) {
            if (poll) {
                h.state(ms(t));
                h.breaker->window(ms(t));
                h.breaker->next_timed_transition();
            }
            if (t % 37 == 0) {
                const Admission a = h.breaker->acquire(ms(t));
                if (a.allowed()) pending.push_back(Pending{a.permit, ms(t)});
            }
            if (t % 53 == 0 && !pending.empty()) {
                finish(h, pending.front(), t % 106 == 0 ? Outcome::failure : Outcome::success,
                       ms(t));
                pending.erase(pending.begin());
            }
        }
        std::vector<std::string> out;
        for (const Transition& tr : h.log)
            out.push_back(std::to_string(tr.at) + " " + tr.text());
        return out;
    };
    const auto quiet = run(false);
    EXPECT_GT(quiet.size(), 3u);
    EXPECT_EQ(run(true), quiet);
}

TEST(OpossumHalfOpen, OneTrialOthersRejectedUntilItSettles) {
    Harness h(small({{"reset_timeout_ms", 500}}));
    h.fail(ms(0));
    const Pending trial = start(h, ms(600));
    EXPECT_EQ(h.rejection(ms(620)), Rejection::too_many_requests);
    finish(h, trial, Outcome::success, ms(650));
    EXPECT_EQ(h.state(ms(650)), State::closed);
    EXPECT_EQ(h.log.back().text(), "closed: half_open_successes 1 >= 1");
}

TEST(OpossumHalfOpen, AnOlderCallsLateResultDecides) {
    // late_results_while_open: an old failure reopens half-open, an old success closes it.
    Harness h(small({{"reset_timeout_ms", 200}}));
    const Pending a = start(h, ms(0));
    const Pending b = start(h, ms(10));
    h.fail(ms(20));
    h.fail(ms(30));
    h.fail(ms(40));  // 3/5: open, half-open at 240
    finish(h, a, Outcome::failure, ms(300));
    EXPECT_EQ(h.state(ms(300)), State::open);  // reopened by a call that is not the trial
    EXPECT_EQ(h.log[1].at, ms(240));
    EXPECT_EQ(h.breaker->next_timed_transition(), ms(500));
    finish(h, b, Outcome::success, ms(410));  // while open: counted, nothing else
    EXPECT_EQ(h.state(ms(410)), State::open);
    EXPECT_TRUE(h.ok(ms(510)));
    EXPECT_EQ(h.state(ms(510)), State::closed);

    Harness g(small({{"reset_timeout_ms", 200}}));
    const Pending old = start(g, ms(0));
    g.fail(ms(10));                             // 1/2: no
    g.fail(ms(20));                             // 2/3: open, half-open at 220
    finish(g, old, Outcome::success, ms(250));  // closes without any trial
    EXPECT_EQ(g.state(ms(250)), State::closed);
}

TEST(OpossumHalfOpen, FailureWhileOpenDoesNotRestartTheTimer) {
    Harness h(small({{"reset_timeout_ms", 500}}));
    const Pending p = start(h, ms(0));
    h.fail(ms(10));  // 1/2: no
    h.fail(ms(20));  // 2/3: open, due 520
    finish(h, p, Outcome::failure, ms(300));
    EXPECT_EQ(h.breaker->next_timed_transition(), ms(520));
    EXPECT_EQ(h.log.size(), 1u);
}

// [SECTION] Capacity ------------------------------------------------------------------------

TEST(OpossumCapacity, ALockedCallIsAFailureAndTheSlotFreesAtCompletion) {
    // capacity_semaphore
    Harness h(opossum({{"capacity", 2}, {"reset_timeout_ms", 1000}}));
    const Pending a = start(h, ms(0));
    const Pending b = start(h, ms(10));
    EXPECT_EQ(h.rejection(ms(20)), Rejection::capacity);  // 1/3
    EXPECT_EQ(h.rejection(ms(30)), Rejection::capacity);  // 2/4
    EXPECT_EQ(h.state(ms(30)), State::closed);
    finish(h, a, Outcome::success, ms(100));
    EXPECT_TRUE(h.ok(ms(100)));  // the freed slot
    start(h, ms(105));
    EXPECT_EQ(h.rejection(ms(106)), Rejection::capacity);  // 3/7
    EXPECT_EQ(h.rejection(ms(107)), Rejection::capacity);  // 4/8
    EXPECT_EQ(h.state(ms(107)), State::closed);
    EXPECT_EQ(h.rejection(ms(108)), Rejection::capacity);  // 5/9 trips
    EXPECT_EQ(h.state(ms(108)), State::open);
    finish(h, b, Outcome::success, ms(110));
    EXPECT_EQ(h.state(ms(110)), State::open);
    EXPECT_EQ(h.breaker->counts().total_failures, 5u);  // the 5 locked calls
}

TEST(OpossumCapacity, ALockedTrialReopens) {
    Harness h(opossum({{"capacity", 1}, {"timeout_ms", 0}, {"reset_timeout_ms", 200}}));
    const Pending hog = start(h, ms(0));
    EXPECT_EQ(h.rejection(ms(10)), Rejection::capacity);   // 1/2
    EXPECT_EQ(h.rejection(ms(20)), Rejection::capacity);   // 2/3: open
    EXPECT_EQ(h.rejection(ms(300)), Rejection::capacity);  // the trial, refused: reopen
    EXPECT_EQ(h.state(ms(300)), State::open);
    EXPECT_EQ(h.breaker->next_timed_transition(), ms(500));
    finish(h, hog, Outcome::success, ms(600));  // half-open since 500: closes
    EXPECT_EQ(h.state(ms(600)), State::closed);
}

TEST(OpossumCapacity, ZeroAdmitsNoCall) {
    Harness h(opossum({{"capacity", 0}}));
    EXPECT_EQ(h.rejection(ms(0)), Rejection::capacity);
    EXPECT_EQ(h.state(ms(0)), State::open);
    EXPECT_STREQ(to_string(Rejection::capacity), "capacity");
}

// [SECTION] Call timeout, ignored, warm-up --------------------------------------------------

TEST(OpossumTimeout, DurationAtTheTimeoutIsATimeoutAndAFailure) {
    Harness h(opossum({{"timeout_ms", 100}, {"error_threshold_percentage", 50}}));
    EXPECT_EQ(h.breaker->call_timeout(), ms(100));
    const Pending a = start(h, ms(0));
    finish(h, a, Outcome::success, ms(99));  // just under: a success
    const Pending b = start(h, ms(200));
    finish(h, b, Outcome::success, ms(300));  // exactly the timeout: timeout + failure
    EXPECT_EQ(h.breaker->counts().total_failures, 1u);
    EXPECT_EQ(h.breaker->counts().total_successes, 1u);
    EXPECT_EQ(h.state(ms(300)), State::closed);  // 1/2
    const Pending c = start(h, ms(400));
    finish(h, c, Outcome::timeout, ms(500));  // 2/3
    EXPECT_EQ(h.state(ms(500)), State::open);

    Harness off(opossum({{"timeout_ms", 0}}));
    EXPECT_EQ(off.breaker->call_timeout(), 0);
}

TEST(OpossumOutcome, IgnoredIsAnErrorFilteredIntoASuccess) {
    Harness h(small({{"reset_timeout_ms", 100}}));
    h.fail(ms(0));
    EXPECT_TRUE(h.call(ms(100), Outcome::ignored));  // the trial: errorFilter -> success
    EXPECT_EQ(h.state(ms(100)), State::closed);
}

TEST(OpossumWarmUp, NoTripBeforeTheWindowThenTheAccumulatedFailuresTrip) {
    Harness h(small({{"allow_warm_up", 1}, {"rolling_count_timeout_ms", 1000}}));
    for (std::int64_t t : {100, 200, 300, 999})
        EXPECT_TRUE(h.fail(ms(t)));
    EXPECT_EQ(h.state(ms(999)), State::closed);
    EXPECT_TRUE(h.fail(ms(1000)));  // warm-up over at 1000: 5/5 (buckets 1..9 and 10)
    EXPECT_EQ(h.state(ms(1000)), State::open);

    Harness cold(small());
    cold.fail(ms(100));
    EXPECT_EQ(cold.state(ms(100)), State::open);
}

// [SECTION] Counts, window view, reconfigure, jitter ----------------------------------------

TEST(OpossumView, WindowShowsFiresAgainstVolumeAndTheRate) {
    Harness h(small({{"volume_threshold", 7}}));
    h.ok(ms(0));
    h.fail(ms(1));
    h.ok(ms(2));
    const WindowView v = h.breaker->window(ms(3));
    EXPECT_EQ(v.calls, 3u);
    EXPECT_EQ(v.minimum_calls, 7u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(v.failure_threshold, 0.5);
    EXPECT_GT(v.slow_call_threshold, 1.0);
    const Counts c = h.breaker->counts();
    EXPECT_EQ(c.requests, 3u);
    EXPECT_EQ(c.total_failures, 1u);
    EXPECT_EQ(c.total_successes, 2u);
    EXPECT_EQ(c.consecutive_successes, 1u);
    EXPECT_EQ(h.breaker->window(ms(1100)).calls, 0u);  // rotated out
}

TEST(OpossumReconfigure, KeepsStateNewGeometryEmptiesTheWindow) {
    Harness h(small({{"volume_threshold", 3}}));
    h.fail(ms(0));
    h.fail(ms(10));
    BreakerConfig same = small({{"volume_threshold", 3}, {"error_threshold_percentage", 60}});
    EXPECT_TRUE(h.breaker->reconfigure(same, ms(20)));
    EXPECT_EQ(h.breaker->window(ms(20)).calls, 2u);  // kept
    BreakerConfig wider = small({{"volume_threshold", 3}, {"rolling_count_timeout_ms", 2000}});
    EXPECT_TRUE(h.breaker->reconfigure(wider, ms(30)));
    EXPECT_EQ(h.breaker->window(ms(30)).calls, 0u);
    EXPECT_FALSE(h.breaker->reconfigure(BreakerConfig::defaults(Preset::hystrix), ms(40)));
}

TEST(OpossumJitter, ResetDurationsAreJitteredAndSeeded) {
    auto due = [](std::uint64_t seed) {
        BreakerConfig c = small({{"extras.open_jitter", 0.5}});
        c.extras.jitter_seed = seed;
        Harness h(c);
        h.fail(ms(0));
        return h.breaker->next_timed_transition().value_or(-1);
    };
    EXPECT_EQ(due(3), due(3));
    EXPECT_GE(due(3), ms(500));
    EXPECT_LE(due(3), ms(1500));
    EXPECT_NE(due(3), due(4));
}

TEST(OpossumConcurrent, ResetTimerHappensLazilyStampedAtItsInstant) {
    ConcurrentBreaker b(small({{"reset_timeout_ms", 20}}));
    std::vector<Transition> log;
    b.set_transition_sink([&](const Transition& t) { log.push_back(t); });
    const Admission a = b.acquire();
    ASSERT_TRUE(a.allowed());
    b.record(a.permit, Outcome::failure);  // 1/1: open
    EXPECT_EQ(b.acquire().rejection, Rejection::open);
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    EXPECT_EQ(b.state(), State::half_open);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[1].at, log[0].at + ms(20));
    const Admission trial = b.acquire();
    ASSERT_TRUE(trial.allowed());
    EXPECT_THROW(b.execute([] { return 1; }), BreakerRejected);  // the trial is out
    b.record(trial.permit, Outcome::success);
    EXPECT_EQ(b.state(), State::closed);
}

}  // namespace
}  // namespace cbsim::test
