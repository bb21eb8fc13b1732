// cockatiel_test.cpp: the cockatiel preset (cockatiel 4.0.0's CircuitBreakerPolicy with its
// three breakers) on a virtual clock, through the public API, at every boundary docs/BREAKERS.md
// "cockatiel: the rules" states; then the library's own reference traces, replayed row for row.
//
// [SECTION] Helpers
// [SECTION] Parameters and files
// [SECTION] ConsecutiveBreaker
// [SECTION] CountBreaker
// [SECTION] SamplingBreaker
// [SECTION] Open, lazy half-open and the backoff
// [SECTION] Half-open trials and the wait answer
// [SECTION] Late results: counted in the state their call started in
// [SECTION] Counts, window view, reconfigure
// [SECTION] Replay: held calls and the reference traces
#include "breaker_test_util.hpp"

#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cbsim::test {
namespace {

// [SECTION] Helpers -------------------------------------------------------------------------

using Params = std::initializer_list<std::pair<const char*, double>>;

BreakerConfig cockatiel(Params params) {
    return config_with(Preset::cockatiel, params);
}

constexpr double kCount = 1;     // index of "count" in the breaker choice
constexpr double kSampling = 2;  // index of "sampling"

/// The shared harness plus two-step calls (a result arriving later than its admission).
struct Rig : Harness {
    using Harness::Harness;
    Admission start(SimTime t) { return breaker->acquire(t); }
    void finish(const Admission& a, Outcome outcome, SimTime t) {
        ASSERT_TRUE(a.allowed());
        breaker->record(a.permit, outcome, t - a.permit.admitted_at, t);
    }
    std::string last_text() const { return log.empty() ? "" : log.back().text(); }
    /// Opens the circuit with one failing call finishing at `t` (threshold-1 breakers).
    void open_at(SimTime t) {
        ASSERT_TRUE(fail(t));
        ASSERT_EQ(state(t), State::open);
    }
};

/// ConsecutiveBreaker(1), constant backoff of `after` ms.
BreakerConfig one_strike(std::int64_t after, Params extra = {}) {
    BreakerConfig c = cockatiel(
        {{"consecutive.threshold", 1}, {"half_open_after_ms", static_cast<double>(after)}});
    for (const auto& [key, value] : extra)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

// [SECTION] Parameters and files ------------------------------------------------------------

TEST(CockatielParams, DefaultsAreTheLibrarysAndItsReadmes) {
    const BreakerConfig c = BreakerConfig::defaults(Preset::cockatiel);
    EXPECT_EQ(to_string(Preset::cockatiel), std::string("cockatiel"));
    EXPECT_EQ(preset_from_string("cockatiel"), Preset::cockatiel);
    EXPECT_EQ(*get_param(c, "breaker"), 0);  // consecutive
    EXPECT_EQ(*get_param(c, "consecutive.threshold"), 5);
    EXPECT_EQ(*get_param(c, "count.threshold"), 0.2);
    EXPECT_EQ(*get_param(c, "count.size"), 100);
    EXPECT_EQ(*get_param(c, "count.minimum_number_of_calls"), 0);
    EXPECT_EQ(*get_param(c, "sampling.threshold"), 0.2);
    EXPECT_EQ(*get_param(c, "sampling.duration_ms"), 30000);
    EXPECT_EQ(*get_param(c, "sampling.minimum_rps"), 0);
    EXPECT_EQ(*get_param(c, "half_open_after"), 0);  // constant
    EXPECT_EQ(*get_param(c, "half_open_after_ms"), 10000);
    EXPECT_EQ(*get_param(c, "exponential.initial_delay_ms"), 128);
    EXPECT_EQ(*get_param(c, "exponential.max_delay_ms"), 30000);
    EXPECT_EQ(*get_param(c, "half_open_sampling.calls"), 1);
    EXPECT_EQ(*get_param(c, "half_open_sampling.threshold"), 0);
}

TEST(CockatielParams, EveryKeyHasHelpAndTheExtrasFollow) {
    const auto params = breaker_params(Preset::cockatiel);
    ASSERT_GE(params.size(), 14u);
    EXPECT_EQ(std::string(params[0].key), "breaker");
    for (const ParamSpec& p : params)
        EXPECT_GT(std::string(p.help).size(), 20u) << p.key;
    EXPECT_NE(find_param(Preset::cockatiel, "extras.open_jitter"), nullptr);
}

TEST(CockatielParams, TheLibrarysExclusiveBoundsAreRefused) {
    BreakerConfig c = BreakerConfig::defaults(Preset::cockatiel);
    for (const char* key : {"count.threshold", "sampling.threshold"}) {
        EXPECT_NE(set_param(c, key, 0.0).find("(0, 1)"), std::string::npos) << key;
        EXPECT_NE(set_param(c, key, 1.0).find("(0, 1)"), std::string::npos) << key;
        EXPECT_EQ(set_param(c, key, 0.999), "") << key;
    }
    EXPECT_NE(set_param(c, "half_open_sampling.threshold", 1.0).find("[0, 1)"), std::string::npos);
    EXPECT_EQ(set_param(c, "half_open_sampling.threshold", 0.0), "");
    EXPECT_NE(set_param(c, "half_open_sampling.calls", 0), "");
    EXPECT_NE(set_param(c, "consecutive.threshold", 0), "");
    // minimumNumberOfCalls in [1, size]; 0 stands for size.
    EXPECT_EQ(set_param(c, "count.size", 10), "");
    EXPECT_EQ(set_param(c, "count.minimum_number_of_calls", 10), "");
    const std::string above = set_param(c, "count.minimum_number_of_calls", 11);
    EXPECT_NE(above.find("count.size 10"), std::string::npos) << above;
    EXPECT_EQ(*get_param(c, "count.minimum_number_of_calls"), 10) << "refused: unchanged";
    EXPECT_NE(set_param(c, "count.size", 9), "") << "would put the minimum above the size";
    EXPECT_EQ(set_param(c, "breaker", 3).empty(), false);
}

TEST(CockatielParams, TomlRoundTripWithSubtables) {
    const BreakerConfig c = cockatiel({{"breaker", kSampling},
                                       {"sampling.threshold", 0.35},
                                       {"sampling.duration_ms", 7300},
                                       {"sampling.minimum_rps", 3},
                                       {"half_open_after", 1},
                                       {"exponential.initial_delay_ms", 100},
                                       {"half_open_sampling.calls", 3},
                                       {"half_open_sampling.threshold", 0.34}});
    const std::string text = to_toml(c);
    EXPECT_NE(text.find("breaker = \"sampling\""), std::string::npos) << text;
    EXPECT_NE(text.find("[breaker.half_open_sampling]"), std::string::npos) << text;
    EXPECT_EQ(parse_breaker_toml(text, "x.toml"), c);
}

TEST(CockatielParams, FileErrorsNameTheKeyAndTheRange) {
    try {
        parse_breaker_toml("[breaker]\npreset = \"cockatiel\"\n[breaker.count]\nthreshold = 1.0\n",
                           "b.toml");
        FAIL() << "threshold 1 accepted";
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("b.toml"), std::string::npos) << what;
        EXPECT_NE(what.find("count.threshold"), std::string::npos) << what;
        EXPECT_NE(what.find("(0, 1)"), std::string::npos) << what;
    }
}

TEST(CockatielParams, PresetFileHoldsTheDefaults) {
    const BreakerConfig c =
        load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/cockatiel.toml");
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::cockatiel));
}

// [SECTION] ConsecutiveBreaker ----------------------------------------------------------------

TEST(CockatielConsecutive, OpensOnTheThresholdthFailureInARow) {
    Rig r(cockatiel({{"consecutive.threshold", 3}}));
    EXPECT_TRUE(r.fail(ms(0)));
    EXPECT_TRUE(r.fail(ms(1)));
    EXPECT_TRUE(r.ok(ms(2)));  // resets the count
    EXPECT_TRUE(r.fail(ms(3)));
    EXPECT_TRUE(r.fail(ms(4)));
    EXPECT_EQ(r.state(ms(4)), State::closed);
    EXPECT_TRUE(r.fail(ms(5)));
    EXPECT_EQ(r.state(ms(5)), State::open);
    EXPECT_EQ(r.last_text(), "opened: consecutive_failures 3 >= 3");
}

TEST(CockatielConsecutive, AnUnhandledErrorInClosedIsNotRecorded) {
    Rig r(cockatiel({{"consecutive.threshold", 2}}));
    EXPECT_TRUE(r.fail(ms(0)));
    EXPECT_TRUE(r.call(ms(1), Outcome::ignored));  // neither resets nor counts
    EXPECT_TRUE(r.fail(ms(2)));
    EXPECT_EQ(r.state(ms(2)), State::open);
}

TEST(CockatielConsecutive, ATimeoutIsAFailure) {
    Rig r(cockatiel({{"consecutive.threshold", 1}}));
    EXPECT_TRUE(r.call(ms(0), Outcome::timeout));
    EXPECT_EQ(r.state(ms(0)), State::open);
}

// [SECTION] CountBreaker ----------------------------------------------------------------------

BreakerConfig count(double threshold, double size, double minimum) {
    return cockatiel({{"breaker", kCount},
                      {"count.threshold", threshold},
                      {"count.size", size},
                      {"count.minimum_number_of_calls", minimum},
                      {"half_open_after_ms", 100}});
}

TEST(CockatielCount, EqualityDoesNotOpenTheRingOverwritesTheOldest) {
    Rig r(count(0.5, 4, 4));
    EXPECT_TRUE(r.ok(ms(0)));
    EXPECT_TRUE(r.fail(ms(1)));
    EXPECT_TRUE(r.ok(ms(2)));
    EXPECT_TRUE(r.fail(ms(3)));  // 2 of 4: 2 > 2 is false
    EXPECT_EQ(r.state(ms(3)), State::closed);
    EXPECT_TRUE(r.fail(ms(4)));  // overwrites the first success: 3 of 4
    EXPECT_EQ(r.state(ms(4)), State::open);
    EXPECT_EQ(r.last_text(), "opened: failures 3 > 2");
}

TEST(CockatielCount, BelowTheMinimumNumberOfCallsNeverOpens) {
    Rig r(count(0.5, 10, 3));
    EXPECT_TRUE(r.fail(ms(0)));
    EXPECT_TRUE(r.fail(ms(1)));
    EXPECT_EQ(r.state(ms(1)), State::closed) << "2 of 2 failed, but 2 < 3 calls";
    EXPECT_TRUE(r.fail(ms(2)));
    EXPECT_EQ(r.state(ms(2)), State::open);
}

TEST(CockatielCount, MinimumZeroMeansTheSize) {
    Rig r(count(0.5, 3, 0));
    EXPECT_TRUE(r.fail(ms(0)));
    EXPECT_TRUE(r.fail(ms(1)));
    EXPECT_EQ(r.state(ms(1)), State::closed);
    EXPECT_TRUE(r.fail(ms(2)));
    EXPECT_EQ(r.state(ms(2)), State::open);
}

TEST(CockatielCount, NoResetOnOpenAFailedTrialAddsToTheOldWindow) {
    Rig r(count(0.5, 10, 3));
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(r.fail(ms(i)));
    EXPECT_EQ(r.breaker->counts().total_failures, 3u);
    EXPECT_TRUE(r.fail(ms(102)));  // the trial fails
    EXPECT_EQ(r.state(ms(102)), State::open);
    EXPECT_EQ(r.breaker->counts().total_failures, 4u);
}

TEST(CockatielCount, ClosingResetsTheWindowToOneSuccess) {
    Rig r(count(0.5, 4, 1));
    ASSERT_TRUE(r.fail(ms(0)));
    ASSERT_EQ(r.state(ms(0)), State::open);
    EXPECT_TRUE(r.ok(ms(100)));  // the trial closes
    EXPECT_EQ(r.state(ms(100)), State::closed);
    EXPECT_EQ(r.breaker->counts().total_successes, 1u);
    EXPECT_EQ(r.breaker->counts().total_failures, 0u);
    EXPECT_TRUE(r.fail(ms(101)));  // 1 of 2: 1 > 1 is false
    EXPECT_EQ(r.state(ms(101)), State::closed);
    EXPECT_TRUE(r.fail(ms(102)));  // 2 of 3 > 1.5
    EXPECT_EQ(r.state(ms(102)), State::open);
}

// [SECTION] SamplingBreaker -------------------------------------------------------------------

BreakerConfig sampling(double threshold, double duration, double rps) {
    return cockatiel({{"breaker", kSampling},
                      {"sampling.threshold", threshold},
                      {"sampling.duration_ms", duration},
                      {"sampling.minimum_rps", rps},
                      {"half_open_after_ms", 1000}});
}

TEST(CockatielSampling, MinimumIsDurationTimesRpsUnrounded) {
    EXPECT_EQ(make_breaker(sampling(0.5, 5000, 2))->window(0).minimum_calls, 10u);
    // 7300 ms: 8 buckets of 913 ms = 7304 ms; 7304 * 0.003 = 21.912 -> 22 calls.
    EXPECT_EQ(make_breaker(sampling(0.5, 7300, 3))->window(0).minimum_calls, 22u);
    // minimum_rps 0: the library's 5 / threshold per second; 0.2 over 30 s -> 750.
    EXPECT_EQ(make_breaker(sampling(0.2, 30000, 0))->window(0).minimum_calls, 750u);
}

TEST(CockatielSampling, BelowTheMinimumNeverOpens) {
    Rig r(sampling(0.5, 5000, 2));
    for (int i = 1; i <= 9; ++i)
        ASSERT_TRUE(r.fail(ms(100 * i)));
    EXPECT_EQ(r.state(ms(900)), State::closed) << "9 < 10";
    EXPECT_TRUE(r.fail(ms(1000)));
    EXPECT_EQ(r.state(ms(1000)), State::open);
}

TEST(CockatielSampling, StrictGreaterThan) {
    Rig r(sampling(0.5, 5000, 1));  // minimum 5
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(r.ok(ms(10 + i)));
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(r.fail(ms(20 + i)));
    EXPECT_EQ(r.state(ms(30)), State::closed) << "5 of 10: 5 > 5 is false";
    EXPECT_TRUE(r.fail(ms(31)));
    EXPECT_EQ(r.state(ms(31)), State::open) << "6 of 11 > 5.5";
}

TEST(CockatielSampling, ARotationDropsExactlyTheBucketItLandsOn) {
    Rig r(sampling(0.5, 5000, 1));  // 5 buckets of 1000 ms
    for (int i = 1; i <= 3; ++i)
        ASSERT_TRUE(r.fail(ms(100 * i)));  // bucket 0 (started at 0)
    for (int t : {1100, 2100, 3100, 4100})
        ASSERT_TRUE(r.ok(ms(t)));  // buckets 1..4
    EXPECT_EQ(r.breaker->counts().total_failures, 3u);
    ASSERT_TRUE(r.ok(ms(5099)));  // 5099 - 4100 < 1000: still bucket 4
    EXPECT_EQ(r.breaker->counts().total_failures, 3u);
    ASSERT_TRUE(r.ok(ms(5100)));  // 5100 - 4100 >= 1000: rotates onto bucket 0
    EXPECT_EQ(r.breaker->counts().total_failures, 0u);
    EXPECT_EQ(r.breaker->counts().total_successes, 6u);
}

TEST(CockatielSampling, AfterAnIdleGapOnlyOneBucketExpires) {
    Rig r(sampling(0.5, 5000, 1));
    for (int i = 1; i <= 4; ++i)
        ASSERT_TRUE(r.fail(ms(100 * i)));
    EXPECT_EQ(r.state(ms(400)), State::closed);
    EXPECT_TRUE(r.fail(ms(20000)));  // 19.6 s later: the 4 old failures still count
    EXPECT_EQ(r.state(ms(20000)), State::open);
    EXPECT_EQ(r.last_text(), "opened: failures 5 > 2.5");
}

TEST(CockatielSampling, ClosingResetsEveryBucket) {
    Rig r(sampling(0.5, 5000, 0.2));  // minimum 1
    ASSERT_TRUE(r.fail(ms(10)));
    ASSERT_EQ(r.state(ms(10)), State::open);
    EXPECT_TRUE(r.ok(ms(1010)));  // trial closes: windows reset, then one success
    EXPECT_EQ(r.breaker->counts().total_successes, 1u);
    EXPECT_EQ(r.breaker->counts().total_failures, 0u);
}

// [SECTION] Open, lazy half-open and the backoff --------------------------------------------

TEST(CockatielOpen, OpenedAtIsTheFailingCallsFinishTime) {
    Rig r(one_strike(500));
    const Admission a = r.start(ms(0));
    r.finish(a, Outcome::failure, ms(40));
    EXPECT_EQ(r.rejection(ms(539)), Rejection::open);
    EXPECT_EQ(r.rejection(ms(540) - 1), Rejection::open);
    const Admission trial = r.start(ms(540));  // now - openedAt == duration: admitted
    EXPECT_TRUE(trial.allowed());
    EXPECT_EQ(r.state(ms(540)), State::half_open);
    EXPECT_EQ(r.last_text(), "half-open: open_elapsed_ms 500 >= 500");
}

TEST(CockatielOpen, NothingHappensWithoutACall) {
    Rig r(one_strike(100));
    r.open_at(ms(0));
    EXPECT_EQ(r.state(ms(5000)), State::open) << "no timer: still open long after the backoff";
    EXPECT_EQ(r.breaker->window(ms(5000)).calls, 1u);
    EXPECT_EQ(r.log.size(), 1u);
    EXPECT_TRUE(r.start(ms(5000)).allowed());
    EXPECT_EQ(r.state(ms(5000)), State::half_open);
}

TEST(CockatielOpen, ExponentialBackoffAdvancesPerReopenAndRestartsOnClose) {
    Rig r(one_strike(0, {{"half_open_after", 1},
                         {"exponential.initial_delay_ms", 100},
                         {"exponential.max_delay_ms", 1000}}));
    SimTime t = ms(0);
    r.open_at(t);
    for (std::int64_t wait : {100, 200, 400, 800, 1000, 1000}) {
        EXPECT_EQ(r.rejection(t + ms(wait) - 1), Rejection::open) << wait;
        t += ms(wait);
        ASSERT_TRUE(r.fail(t)) << wait;  // the trial fails: reopen, next element
    }
    t += ms(1000);
    ASSERT_TRUE(r.ok(t));  // the trial closes: the sequence is forgotten
    t += ms(10);
    r.open_at(t);
    EXPECT_EQ(r.rejection(t + ms(99)), Rejection::open);
    EXPECT_TRUE(r.start(t + ms(100)).allowed());
}

TEST(CockatielOpen, NoJitterIgnoresNothingButCapsAtMaxDelay) {
    // 128, 256, ... 16384, then the 30000 cap.
    Rig r(one_strike(0, {{"half_open_after", 1}}));
    SimTime t = 0;
    r.open_at(t);
    for (std::int64_t wait : {128, 256, 512, 1024, 2048, 4096, 8192, 16384, 30000, 30000}) {
        EXPECT_EQ(r.rejection(t + ms(wait) - 1), Rejection::open) << wait;
        t += ms(wait);
        ASSERT_TRUE(r.fail(t)) << wait;
    }
}

TEST(CockatielOpen, OpenJitterDrawsFromItsSeed) {
    const BreakerConfig c =
        one_strike(1000, {{"extras.open_jitter", 0.5}, {"extras.jitter_seed", 7}});
    auto first_admission = [&] {
        Rig r(c);
        r.open_at(0);
        SimTime t = ms(499);
        while (!r.start(t).allowed())
            t += ms(1);
        return t;
    };
    const SimTime a = first_admission();
    EXPECT_EQ(a, first_admission());
    EXPECT_GE(a, ms(500));
    EXPECT_LE(a, ms(1500));
}

// [SECTION] Half-open trials and the wait answer ---------------------------------------------

TEST(CockatielWait, CallsDuringTheTrialWaitAndAreNotCounted) {
    Rig r(one_strike(100));
    r.open_at(0);
    const Admission trial = r.start(ms(100));
    ASSERT_TRUE(trial.allowed());
    const Admission held = r.start(ms(150));
    EXPECT_TRUE(held.waits());
    EXPECT_FALSE(held.allowed());
    EXPECT_EQ(held.rejection, Rejection::wait);
    EXPECT_EQ(std::string(to_string(Rejection::wait)), "wait");
    EXPECT_EQ(r.breaker->counts().requests, 1u) << "a held call counts nowhere";
    EXPECT_EQ(r.state(ms(150)), State::half_open);
}

TEST(CockatielWait, TrialSuccessClosesAndTheWaiterRunsAsAClosedCall) {
    Rig r(one_strike(100));
    r.open_at(0);
    const Admission trial = r.start(ms(100));
    EXPECT_TRUE(r.start(ms(150)).waits());
    const std::size_t before = r.log.size();
    r.finish(trial, Outcome::success, ms(500));
    EXPECT_EQ(r.log.size(), before + 1) << "the transition a waiter asks again at";
    EXPECT_EQ(r.last_text(), "closed: trials_done 1 >= 1");
    const Admission again = r.start(ms(500));
    ASSERT_TRUE(again.allowed());
    r.finish(again, Outcome::failure, ms(520));  // a closed call: it can open the circuit
    EXPECT_EQ(r.state(ms(520)), State::open);
}

TEST(CockatielWait, TrialFailureReopensAndTheWaiterIsRejected) {
    Rig r(one_strike(100));
    r.open_at(0);
    const Admission trial = r.start(ms(100));
    EXPECT_TRUE(r.start(ms(150)).waits());
    r.finish(trial, Outcome::failure, ms(500));
    EXPECT_EQ(r.last_text(), "opened: trial_failures 1 > 0");
    EXPECT_EQ(r.rejection(ms(500)), Rejection::open) << "0 < 100 since the reopen";
}

TEST(CockatielWait, WithNoBackoffTheFirstReleasedWaiterIsTheNextTrial) {
    Rig r(one_strike(0));
    r.open_at(0);
    const Admission trial = r.start(ms(1));
    EXPECT_TRUE(r.start(ms(2)).waits());
    EXPECT_TRUE(r.start(ms(3)).waits());
    r.finish(trial, Outcome::failure, ms(10));
    EXPECT_TRUE(r.start(ms(10)).allowed()) << "0 < 0 is false: a new half-open, its trial";
    EXPECT_TRUE(r.start(ms(10)).waits()) << "the second waiter waits again";
}

TEST(CockatielWait, SamplingAdmitsCallsTrialsInTotalThenWaits) {
    Rig r(one_strike(100, {{"half_open_sampling.calls", 2}}));
    r.open_at(0);
    EXPECT_TRUE(r.ok(ms(100)));  // trial 1, finished at once
    EXPECT_EQ(r.state(ms(100)), State::half_open);
    const Admission second = r.start(ms(110));  // trial 2 (finished ones count too)
    ASSERT_TRUE(second.allowed());
    EXPECT_TRUE(r.start(ms(120)).waits());
    r.finish(second, Outcome::success, ms(130));
    EXPECT_EQ(r.state(ms(130)), State::closed);
    EXPECT_EQ(r.last_text(), "closed: trials_done 2 >= 2");
}

TEST(CockatielWait, TrialFailuresAboveThresholdTimesCallsReopenAtOnce) {
    // 0.34 * 3 = 1.02: one failure is tolerated, the second reopens with a trial in flight.
    Rig r(
        one_strike(100, {{"half_open_sampling.calls", 3}, {"half_open_sampling.threshold", 0.34}}));
    r.open_at(0);
    const Admission a = r.start(ms(100));
    const Admission b = r.start(ms(101));
    const Admission c = r.start(ms(102));
    ASSERT_TRUE(a.allowed() && b.allowed() && c.allowed());
    EXPECT_TRUE(r.start(ms(103)).waits());
    r.finish(a, Outcome::failure, ms(110));
    EXPECT_EQ(r.state(ms(110)), State::half_open) << "1 > 1.02 is false";
    r.finish(b, Outcome::failure, ms(120));
    EXPECT_EQ(r.state(ms(120)), State::open);
    EXPECT_EQ(r.last_text(), "opened: trial_failures 2 > 1.02");
    r.finish(c, Outcome::success, ms(130));  // its episode is over: ignored
    EXPECT_EQ(r.state(ms(130)), State::open);
}

TEST(CockatielWait, OneToleratedFailureStillCloses) {
    Rig r(
        one_strike(100, {{"half_open_sampling.calls", 3}, {"half_open_sampling.threshold", 0.34}}));
    r.open_at(0);
    EXPECT_TRUE(r.fail(ms(100)));
    EXPECT_TRUE(r.ok(ms(101)));
    EXPECT_EQ(r.state(ms(101)), State::half_open);
    EXPECT_TRUE(r.ok(ms(102)));
    EXPECT_EQ(r.state(ms(102)), State::closed);
}

TEST(CockatielWait, AnUnhandledErrorInATrialIsASuccess) {
    Rig r(one_strike(100));
    r.open_at(0);
    EXPECT_TRUE(r.call(ms(100), Outcome::ignored));
    EXPECT_EQ(r.state(ms(100)), State::closed);
}

// [SECTION] Late results: counted in the state their call started in --------------------------

TEST(CockatielLate, AClosedStartedFailureWhileOpenChangesNothing) {
    Rig r(cockatiel({{"consecutive.threshold", 2}, {"half_open_after_ms", 1000}}));
    const Admission slow = r.start(ms(0));
    ASSERT_TRUE(r.fail(ms(10)));
    ASSERT_TRUE(r.fail(ms(40)));
    ASSERT_EQ(r.state(ms(40)), State::open);
    r.finish(slow, Outcome::failure, ms(500));  // counted (3), but open() does nothing
    EXPECT_EQ(r.breaker->counts().total_failures, 3u);
    EXPECT_EQ(r.log.size(), 1u);
    EXPECT_EQ(r.rejection(ms(1039)), Rejection::open) << "openedAt is still 40";
    EXPECT_TRUE(r.start(ms(1040)).allowed());
}

TEST(CockatielLate, AClosedStartedSuccessWhileOpenResetsTheStreak) {
    Rig r(cockatiel({{"consecutive.threshold", 2}, {"half_open_after_ms", 1000}}));
    const Admission slow = r.start(ms(0));
    ASSERT_TRUE(r.fail(ms(10)));
    ASSERT_TRUE(r.fail(ms(20)));
    r.finish(slow, Outcome::success, ms(30));
    EXPECT_EQ(r.breaker->counts().total_failures, 0u);
}

TEST(CockatielLate, AClosedStartedFailureDuringHalfOpenReopensIt) {
    Rig r(cockatiel({{"consecutive.threshold", 2}, {"half_open_after_ms", 100}}));
    const Admission slow = r.start(ms(0));
    ASSERT_TRUE(r.fail(ms(10)));
    ASSERT_TRUE(r.ok(ms(20)));
    ASSERT_TRUE(r.fail(ms(30)));
    ASSERT_TRUE(r.fail(ms(40)));  // opens at 40
    const Admission trial = r.start(ms(140));
    ASSERT_TRUE(trial.allowed());
    EXPECT_TRUE(r.start(ms(200)).waits());
    r.finish(slow, Outcome::failure, ms(300));  // 3 >= 2: reopens from half-open
    EXPECT_EQ(r.state(ms(300)), State::open);
    EXPECT_EQ(r.last_text(), "opened: consecutive_failures 3 >= 2");
    EXPECT_EQ(r.rejection(ms(300)), Rejection::open) << "the waiter is rejected";
    r.finish(trial, Outcome::success, ms(640));  // the trial's episode is over: dropped
    EXPECT_EQ(r.state(ms(640)), State::open);
    EXPECT_TRUE(r.start(ms(640)).allowed()) << "300 + 100 (the backoff did not reset)";
}

TEST(CockatielLate, ATrialOfAnEarlierEpisodeIsDropped) {
    Rig r(one_strike(100, {{"half_open_sampling.calls", 2}}));
    r.open_at(0);
    const Admission a = r.start(ms(100));
    const Admission b = r.start(ms(101));
    r.finish(a, Outcome::failure, ms(110));  // reopens; b belongs to episode 1
    ASSERT_EQ(r.state(ms(110)), State::open);
    ASSERT_TRUE(r.start(ms(210)).allowed());  // episode 2
    r.finish(b, Outcome::success, ms(220));   // dropped: not a trial of episode 2
    EXPECT_EQ(r.breaker->counts().consecutive_successes, 0u);
    EXPECT_EQ(r.state(ms(220)), State::half_open);
}

// [SECTION] Counts, window view, reconfigure ---------------------------------------------------

TEST(CockatielView, WindowShowsTheRuleOfTheChosenBreaker) {
    Rig r(count(0.5, 10, 3));
    ASSERT_TRUE(r.fail(ms(0)));
    ASSERT_TRUE(r.ok(ms(1)));
    const WindowView v = r.breaker->window(ms(1));
    EXPECT_EQ(v.calls, 2u);
    EXPECT_EQ(v.minimum_calls, 3u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.5);
    EXPECT_DOUBLE_EQ(v.failure_threshold, 0.5);
    EXPECT_GT(v.slow_call_threshold, 1.0);
}

TEST(CockatielView, ReconfigureKeepsTheWindowForNewThresholdsAndEmptiesItForANewShape) {
    const BreakerConfig c = count(0.5, 10, 3);
    Rig r(c);
    ASSERT_TRUE(r.fail(ms(0)));
    ASSERT_TRUE(r.fail(ms(1)));
    BreakerConfig lower = c;
    ASSERT_EQ(set_param(lower, "count.minimum_number_of_calls", 2), "");
    EXPECT_TRUE(r.breaker->reconfigure(lower, ms(2)));
    EXPECT_EQ(r.breaker->counts().total_failures, 2u);
    EXPECT_TRUE(r.fail(ms(3)));
    EXPECT_EQ(r.state(ms(3)), State::open);
    BreakerConfig bigger = lower;
    ASSERT_EQ(set_param(bigger, "count.size", 20), "");
    EXPECT_TRUE(r.breaker->reconfigure(bigger, ms(4)));
    EXPECT_EQ(r.breaker->counts().total_failures, 0u);
    EXPECT_EQ(r.state(ms(4)), State::open) << "the state is kept";
    EXPECT_FALSE(r.breaker->reconfigure(BreakerConfig::defaults(Preset::polly), ms(5)));
}

TEST(CockatielView, FewerTrialCallsDecideAHalfOpenWithNoneInFlight) {
    const BreakerConfig c = one_strike(100, {{"half_open_sampling.calls", 3}});
    Rig r(c);
    r.open_at(0);
    ASSERT_TRUE(r.ok(ms(100)));
    BreakerConfig one = c;
    ASSERT_EQ(set_param(one, "half_open_sampling.calls", 1), "");
    EXPECT_TRUE(r.breaker->reconfigure(one, ms(101)));
    EXPECT_EQ(r.state(ms(101)), State::closed);
}

// [SECTION] Replay: held calls and the reference traces ----------------------------------------

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(CockatielReplay, HeldCallsAreAskedAgainAtTheTransitionInOrder) {
    const Trace t = parse_trace(
        "t_ms,outcome,duration_ms\n0,failure,10\n110,success,400\n200,failure,5\n300,success,5\n",
        "t.csv");
    const auto d = replay(one_strike(100), t);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_TRUE(d[2].waited);
    EXPECT_TRUE(d[2].allowed);
    EXPECT_EQ(d[2].released_at, ms(510));
    EXPECT_EQ(d[2].state, State::open) << "released into closed at 510, failed at 515";
    EXPECT_TRUE(d[3].waited);
    EXPECT_TRUE(d[3].allowed) << "both ask at 510, before the first one's failure at 515";
    EXPECT_EQ(decisions_csv(t, d),
              "t_ms,outcome,decision,state,duration_ms,released_ms\n"
              "0,failure,allowed,open,10,\n"
              "110,success,allowed,closed,400,\n"
              "200,failure,waited_allowed,open,5,510\n"
              "300,success,waited_allowed,open,5,510\n");
}

TEST(CockatielReplay, ASilentTrialFailedByTheProbeTimeoutReleasesTheHeldRows) {
    // The trial (110 + 10 s) is failed at 160 by extras.probe_timeout_ms; the held row asks
    // again when the next row arrives, before it, and is rejected (reopened at 160 for 100 ms).
    const Trace t = parse_trace(
        "t_ms,outcome,duration_ms\n0,failure,10\n110,success,10000\n150,success,10\n"
        "200,success,10\n",
        "t.csv");
    const auto d = replay(one_strike(100, {{"extras.probe_timeout_ms", 50}}), t);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_TRUE(d[2].waited);
    EXPECT_FALSE(d[2].allowed);
    EXPECT_EQ(d[2].rejection, Rejection::open);
    EXPECT_EQ(d[2].released_at, ms(200));
    EXPECT_FALSE(d[3].waited);
    EXPECT_EQ(d[3].rejection, Rejection::open);
    EXPECT_TRUE(d[1].allowed) << "the trial itself was admitted; its late result is dropped";
}

TEST(CockatielReplay, WithoutWaitsTheFormatIsUnchanged) {
    const Trace t = parse_trace("t_ms,outcome\n0,failure\n1,success\n", "t.csv");
    EXPECT_EQ(decisions_csv(t, replay(one_strike(100), t)),
              "t_ms,outcome,decision,state\n0,failure,allowed,open\n1,success,rejected,open\n");
}

TEST(CockatielReplay, TheLibrarysReferenceTracesReplayRowForRow) {
    const std::filesystem::path dir = std::filesystem::path(CBSIM_TEST_DATA_DIR) / "traces";
    int traces = 0, waited = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string file = entry.path().filename().string();
        if (!file.starts_with("cockatiel_") || entry.path().extension() != ".toml") continue;
        const std::string base = (dir / entry.path().stem()).string();
        const BreakerConfig config = load_breaker_file(base + ".toml");
        const Trace trace = load_trace(base + ".csv");
        const std::string expected = read(base + ".expected.csv");
        ASSERT_FALSE(expected.empty()) << base;
        const auto decisions = replay(config, trace);
        EXPECT_EQ(decisions_csv(trace, decisions), expected) << base;
        for (const Decision& d : decisions)
            waited += d.waited ? 1 : 0;
        ++traces;
    }
    EXPECT_EQ(traces, 12);
    EXPECT_GE(waited, 8) << "the wait scenarios hold calls";
}

}  // namespace
}  // namespace cbsim::test
