// hystrix_test.cpp: the hystrix preset on a virtual clock, through the public API. Expected
// values follow docs/BREAKERS.md and HystrixCircuitBreakerImpl: decisions only at health
// snapshot instants from completed buckets, volume threshold, integer error percentage,
// strict sleep window, one probe, stream reset on close, force_open / force_closed.
//
// Most tests anchor the health grid at t = 0 with state(0): snapshots then fall at multiples
// of the snapshot interval.
//
// [SECTION] Helpers
// [SECTION] Parameters and files
// [SECTION] Health snapshots and the trip rule
// [SECTION] Rolling window
// [SECTION] Sleep window and probe
// [SECTION] Force open / force closed
// [SECTION] Late results, ignored and timeouts
// [SECTION] Counts, window view, reconfigure, jitter
// [SECTION] Longer runs against the rule
#include <gtest/gtest.h>

#include <cbsim/breaker.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/rng.hpp>

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

BreakerConfig hystrix(Params params) {
    BreakerConfig c = BreakerConfig::defaults(Preset::hystrix);
    for (const auto& [key, value] : params)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

/// 4 calls at 50 % errors over a 1 s window, snapshots every 100 ms, 1 s sleep.
BreakerConfig small(Params extra = {}) {
    BreakerConfig c = hystrix({{"request_volume_threshold", 4},
                               {"error_threshold_percentage", 50},
                               {"sleep_window_ms", 1000},
                               {"rolling_window_ms", 1000},
                               {"rolling_window_buckets", 10},
                               {"health_snapshot_interval_ms", 100}});
    for (const auto& [key, value] : extra)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

struct Rig {
    /// The breaker, its health grid anchored at `anchor`.
    explicit Rig(const BreakerConfig& config, SimTime anchor = 0) : breaker(make_breaker(config)) {
        breaker->set_transition_sink([this](const Transition& t) { log.push_back(t); });
        breaker->state(anchor);
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

/// Four failures at 10..40 ms: the snapshot at 100 ms opens a small() breaker.
SimTime trip(Rig& rig) {
    for (int i = 1; i <= 4; ++i)
        EXPECT_TRUE(rig.fail(ms(10 * i)));
    EXPECT_EQ(rig.state(ms(100)), State::open);
    return ms(100);
}

// [SECTION] Parameters and files ------------------------------------------------------------

TEST(HystrixParams, DefaultsAreTheLibraryDefaults) {
    const BreakerConfig c = BreakerConfig::defaults(Preset::hystrix);
    EXPECT_EQ(*get_param(c, "request_volume_threshold"), 20.0);
    EXPECT_EQ(*get_param(c, "error_threshold_percentage"), 50.0);
    EXPECT_EQ(*get_param(c, "sleep_window_ms"), 5000.0);
    EXPECT_EQ(*get_param(c, "rolling_window_ms"), 10000.0);
    EXPECT_EQ(*get_param(c, "rolling_window_buckets"), 10.0);
    EXPECT_EQ(*get_param(c, "health_snapshot_interval_ms"), 500.0);
    EXPECT_EQ(*get_param(c, "force_open"), 0.0);
    EXPECT_EQ(*get_param(c, "force_closed"), 0.0);
}

TEST(HystrixParams, EveryKeyIsListedWithATooltipNamingTheLibrary) {
    const char* keys[] = {"request_volume_threshold",
                          "error_threshold_percentage",
                          "sleep_window_ms",
                          "rolling_window_ms",
                          "rolling_window_buckets",
                          "health_snapshot_interval_ms",
                          "force_open",
                          "force_closed"};
    const auto params = breaker_params(Preset::hystrix);
    for (const char* key : keys) {
        const ParamSpec* spec = find_param(Preset::hystrix, key);
        ASSERT_NE(spec, nullptr) << key;
        EXPECT_EQ(std::string(spec->help).rfind("Hystrix", 0), 0u) << key;
        EXPECT_LE(spec->min, spec->max) << key;
        const bool listed = std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) {
            return std::string(p.key) == key;
        });
        EXPECT_TRUE(listed) << key;
    }
    EXPECT_EQ(find_param(Preset::hystrix, "force_open")->kind, ParamKind::boolean);
    EXPECT_EQ(find_param(Preset::hystrix, "error_threshold_percentage")->kind, ParamKind::integer);
}

TEST(HystrixParams, SetAndGetRoundTripEveryKey) {
    BreakerConfig c = BreakerConfig::defaults(Preset::hystrix);
    const std::pair<const char*, double> values[] = {{"request_volume_threshold", 5},
                                                     {"error_threshold_percentage", 30},
                                                     {"sleep_window_ms", 2500},
                                                     {"rolling_window_ms", 2000},
                                                     {"rolling_window_buckets", 4},
                                                     {"health_snapshot_interval_ms", 250},
                                                     {"force_open", 1},
                                                     {"force_closed", 1}};
    for (const auto& [key, value] : values)
        ASSERT_EQ(set_param(c, key, value), "") << key;
    for (const auto& [key, value] : values)
        EXPECT_EQ(*get_param(c, key), value) << key;
    const auto& s = std::get<HystrixSettings>(c.settings);
    EXPECT_TRUE(s.force_open);
    EXPECT_TRUE(s.force_closed);
    EXPECT_EQ(s.rolling_window_buckets, 4);
}

TEST(HystrixParams, OutOfRangeValuesAreRefused) {
    BreakerConfig c = BreakerConfig::defaults(Preset::hystrix);
    EXPECT_NE(set_param(c, "error_threshold_percentage", 101), "");
    EXPECT_NE(set_param(c, "error_threshold_percentage", 0), "");
    EXPECT_NE(set_param(c, "health_snapshot_interval_ms", 0), "");
    EXPECT_NE(set_param(c, "rolling_window_buckets", 0), "");
    EXPECT_NE(set_param(c, "error_threshold_percentage", 50.5), "");  // an integer key
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::hystrix));
}

TEST(HystrixParams, ShippedPresetFileLoadsAsTheLibraryDefaults) {
    const BreakerConfig c =
        load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/hystrix.toml");
    EXPECT_EQ(c, BreakerConfig::defaults(Preset::hystrix));
}

TEST(HystrixParams, TomlRoundTripKeepsEveryValue) {
    const BreakerConfig c = small({{"force_closed", 1}, {"rolling_window_buckets", 5}});
    EXPECT_EQ(parse_breaker_toml(to_toml(c), "roundtrip.toml"), c);
}

TEST(HystrixParams, OtherPresetsAreRefusedByReconfigure) {
    Rig rig(small());
    EXPECT_FALSE(rig.breaker->reconfigure(BreakerConfig::defaults(Preset::polly), 0));
}

// [SECTION] Health snapshots and the trip rule ----------------------------------------------

TEST(HystrixSnapshots, TripsOnlyAtTheNextSnapshotInstant) {
    Rig rig(small());
    for (int i = 1; i <= 4; ++i)
        rig.fail(ms(10 * i));  // 100 % errors by 40 ms
    EXPECT_EQ(rig.state(ms(99)), State::closed);
    EXPECT_TRUE(rig.breaker->acquire(ms(99)).allowed());
    EXPECT_EQ(rig.state(ms(100)), State::open);
    ASSERT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.log[0].at, ms(100));
    EXPECT_STREQ(rig.log[0].reason.rule, "error_percentage");
    EXPECT_DOUBLE_EQ(rig.log[0].reason.value, 100.0);
    EXPECT_STREQ(rig.log[0].reason.comparison, ">=");
    EXPECT_DOUBLE_EQ(rig.log[0].reason.threshold, 50.0);
    EXPECT_EQ(rig.last_text(), "opened: error_percentage 100 >= 50");
}

TEST(HystrixSnapshots, TheOpenInstantIsTheSnapshotEvenWhenObservedLater) {
    Rig rig(small());
    for (int i = 1; i <= 4; ++i)
        rig.fail(ms(10 * i));
    EXPECT_EQ(rig.state(ms(350)), State::open);
    ASSERT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.log[0].at, ms(100));
    // the sleep window counts from the snapshot: strictly after 1100 ms
    EXPECT_EQ(rig.rejection(ms(1100)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(ms(1101)).allowed());
}

TEST(HystrixSnapshots, AnOutcomeAtASnapshotInstantBelongsToTheNextBucket) {
    Rig rig(small());
    rig.fail(ms(10));
    rig.fail(ms(20));
    rig.fail(ms(30));
    rig.fail(ms(100));  // bucket [100, 200): not in the snapshot at 100 ms
    EXPECT_EQ(rig.state(ms(199)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(199)).calls, 3u);
    EXPECT_EQ(rig.state(ms(200)), State::open);
    EXPECT_EQ(rig.log.back().at, ms(200));
}

TEST(HystrixSnapshots, BelowTheVolumeThresholdNeverTrips) {
    Rig rig(small());
    for (int i = 1; i <= 3; ++i)
        rig.fail(ms(10 * i));
    EXPECT_EQ(rig.state(ms(5000)), State::closed);
    EXPECT_TRUE(rig.log.empty());
}

TEST(HystrixSnapshots, ExactlyAtTheThresholdTrips) {
    Rig rig(small());
    rig.ok(ms(10));
    rig.ok(ms(20));
    rig.fail(ms(30));
    rig.fail(ms(40));  // 50 %
    EXPECT_EQ(rig.state(ms(100)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: error_percentage 50 >= 50");
}

TEST(HystrixSnapshots, ThePercentageIsTruncatedToAnInteger) {
    // 2 of 3 = 66.67 %, truncated to 66: trips at 66, not at 67.
    Rig at66(small({{"request_volume_threshold", 3}, {"error_threshold_percentage", 66}}));
    at66.ok(ms(10));
    at66.fail(ms(20));
    at66.fail(ms(30));
    EXPECT_EQ(at66.state(ms(100)), State::open);
    EXPECT_EQ(at66.last_text(), "opened: error_percentage 66 >= 66");

    Rig at67(small({{"request_volume_threshold", 3}, {"error_threshold_percentage", 67}}));
    at67.ok(ms(10));
    at67.fail(ms(20));
    at67.fail(ms(30));
    EXPECT_EQ(at67.state(ms(100)), State::closed);
    EXPECT_DOUBLE_EQ(at67.breaker->window(ms(100)).failure_rate, 0.66);
}

TEST(HystrixSnapshots, TruncationFollowsHystrixsDoubleFormula) {
    // (int) ((double) 29 / 100 * 100) is 28 in IEEE doubles (0.29 * 100 = 28.999...).
    Rig rig(small({{"request_volume_threshold", 100}, {"error_threshold_percentage", 29}}));
    for (int i = 0; i < 71; ++i)
        rig.ok(ms(1));
    for (int i = 0; i < 29; ++i)
        rig.fail(ms(2));
    EXPECT_EQ(rig.state(ms(100)), State::closed);
    EXPECT_DOUBLE_EQ(rig.breaker->window(ms(100)).failure_rate, 0.28);
}

TEST(HystrixSnapshots, SuccessesAloneNeverTrip) {
    Rig rig(small());
    for (int i = 0; i < 100; ++i)
        rig.ok(ms(i));
    EXPECT_EQ(rig.state(ms(2000)), State::closed);
}

TEST(HystrixSnapshots, LibraryDefaultsDecideEveryHalfSecond) {
    Rig rig(BreakerConfig::defaults(Preset::hystrix));
    for (int i = 0; i < 19; ++i)
        rig.fail(ms(i));
    EXPECT_EQ(rig.state(ms(600)), State::closed);  // 19 < 20 at the 500 ms snapshot
    rig.fail(ms(600));                             // 20 calls, in the bucket [500, 1000)
    EXPECT_EQ(rig.state(ms(999)), State::closed);
    EXPECT_EQ(rig.state(ms(1000)), State::open);
    EXPECT_EQ(rig.log.back().at, ms(1000));
    // sleep window 5 s, strict
    EXPECT_EQ(rig.rejection(ms(6000)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(ms(6001)).allowed());
}

TEST(HystrixSnapshots, TheGridIsAnchoredAtTimeZeroNotAtTheFirstObservation) {
    Rig rig(small(), ms(37));  // first observed at 37 ms: snapshots still at 100, 200, ...
    for (int i = 0; i < 4; ++i)
        rig.fail(ms(40 + i));
    EXPECT_EQ(rig.state(ms(99)), State::closed);
    EXPECT_EQ(rig.state(ms(100)), State::open);
}

TEST(HystrixSnapshots, PollingTheStateChangesNoDecision) {
    // The same calls, one breaker polled every millisecond and one only at its calls: the
    // same admissions, and the trip at the same snapshot instant.
    const auto drive = [](Rig& rig, bool poll) {
        std::vector<int> admitted;
        for (int t = 1; t < 2500; ++t) {
            if (poll) rig.state(ms(t));
            if (t % 7 == 0)
                admitted.push_back(
                    rig.call(ms(t), t % 21 == 0 ? Outcome::success : Outcome::failure) ? 1 : 0);
        }
        return admitted;
    };
    Rig polled(small(), ms(1));
    Rig quiet(small(), ms(7));
    const std::vector<int> a = drive(polled, true);
    const std::vector<int> b = drive(quiet, false);
    EXPECT_EQ(a, b);
    EXPECT_GT(std::count(a.begin(), a.end(), 0), 100);  // the run does reject calls
    ASSERT_FALSE(polled.log.empty());
    ASSERT_FALSE(quiet.log.empty());
    EXPECT_EQ(polled.log[0].at, ms(100));
    EXPECT_EQ(quiet.log[0].at, ms(100));
}

TEST(HystrixSnapshots, ALongQuietGapKeepsTheGrid) {
    Rig rig(small());
    rig.ok(ms(10));
    const SimTime later = ms(3600000);  // an hour: a multiple of 100 ms
    for (int i = 0; i < 4; ++i)
        rig.fail(later + ms(10 + i));
    EXPECT_EQ(rig.state(later + ms(99)), State::closed);
    EXPECT_EQ(rig.state(later + ms(100)), State::open);
    EXPECT_EQ(rig.log.back().at, later + ms(100));
}

// [SECTION] Rolling window ------------------------------------------------------------------

TEST(HystrixRolling, BucketsOlderThanTheWindowLeaveTheSnapshot) {
    // Window 1 s: the snapshot at 1100 ms sums buckets [100, 1100).
    Rig rig(small());
    rig.fail(ms(99));  // bucket [0, 100)
    rig.fail(ms(500));
    rig.fail(ms(1050));
    rig.fail(ms(1060));
    EXPECT_EQ(rig.state(ms(1100)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(1100)).calls, 3u);
}

TEST(HystrixRolling, TheFirstBucketOfTheWindowStillCounts) {
    Rig rig(small());
    rig.fail(ms(100));  // bucket [100, 200)
    rig.fail(ms(500));
    rig.fail(ms(1050));
    rig.fail(ms(1060));
    EXPECT_EQ(rig.state(ms(1099)), State::closed);
    EXPECT_EQ(rig.state(ms(1100)), State::open);
}

TEST(HystrixRolling, LaterSnapshotsSeeTheWindowSlide) {
    // Errors at 50 and 950 ms; successes at 1050..1070 ms. The snapshot at 1000 ms sees
    // 2 errors of 2 (below volume 4); at 1100 ms [100, 1100): 1 error + 3 successes = 25 %;
    // from 2000 ms on only the 3 successes, then nothing.
    Rig rig(small());
    rig.fail(ms(50));
    rig.fail(ms(950));
    rig.ok(ms(1050));
    rig.ok(ms(1060));
    rig.ok(ms(1070));
    EXPECT_EQ(rig.breaker->window(ms(1000)).calls, 2u);
    EXPECT_EQ(rig.breaker->window(ms(1100)).calls, 4u);
    EXPECT_DOUBLE_EQ(rig.breaker->window(ms(1100)).failure_rate, 0.25);
    EXPECT_EQ(rig.breaker->window(ms(2000)).calls, 3u);
    EXPECT_EQ(rig.breaker->window(ms(2100)).calls, 0u);
    EXPECT_EQ(rig.state(ms(3000)), State::closed);
}

TEST(HystrixRolling, EverySnapshotOfAQuietGapIsChecked) {
    // Nothing observes the breaker between 40 ms and 5 s: the trip still happens at the
    // 100 ms snapshot (the latest snapshots alone would be empty), and the sleep window
    // counts from there.
    Rig rig(small());
    for (int i = 1; i <= 4; ++i)
        rig.fail(ms(10 * i));
    EXPECT_EQ(rig.state(ms(5000)), State::half_open);
    EXPECT_EQ(rig.moves(), (std::vector<std::string>{"closed->open", "open->half_open"}));
    EXPECT_EQ(rig.log[0].at, ms(100));
    EXPECT_EQ(rig.log[1].at, ms(5000));
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 4900 > 1000");
}

// [SECTION] Sleep window and probe ----------------------------------------------------------

TEST(HystrixSleep, RejectsAtTheEndOfTheSleepWindowAndProbesOneMillisecondAfter) {
    Rig rig(small());
    const SimTime t0 = trip(rig);
    EXPECT_EQ(rig.rejection(t0 + ms(1000)), Rejection::open);
    EXPECT_EQ(rig.state(t0 + ms(1000)), State::open);
    EXPECT_TRUE(rig.breaker->acquire(t0 + ms(1001)).allowed());
    EXPECT_EQ(rig.state(t0 + ms(1001)), State::half_open);
    EXPECT_EQ(rig.last_text(), "half-open: open_elapsed_ms 1001 > 1000");
}

TEST(HystrixSleep, OnlyOneProbe) {
    Rig rig(small());
    const SimTime t = trip(rig) + ms(1001);
    ASSERT_TRUE(rig.breaker->acquire(t).allowed());
    EXPECT_EQ(rig.rejection(t), Rejection::too_many_requests);
    EXPECT_EQ(rig.rejection(t + ms(60000)), Rejection::too_many_requests);
}

TEST(HystrixSleep, ProbeSuccessClosesAndRestartsTheStreams) {
    Rig rig(small());
    const SimTime t = trip(rig) + ms(1001);  // 1101 ms
    ASSERT_TRUE(rig.ok(t));
    EXPECT_EQ(rig.state(t), State::closed);
    EXPECT_EQ(rig.last_text(), "closed: probe_successes 1 >= 1");
    EXPECT_EQ(rig.breaker->window(t).calls, 0u);
    // the new grid starts at the close: snapshots at 1201, 1301, ...
    for (int i = 0; i < 4; ++i)
        rig.fail(t + ms(10 + i));
    EXPECT_EQ(rig.state(t + ms(99)), State::closed);
    EXPECT_EQ(rig.state(t + ms(100)), State::open);
    EXPECT_EQ(rig.log.back().at, t + ms(100));
    EXPECT_EQ(rig.moves(), (std::vector<std::string>{"closed->open", "open->half_open",
                                                     "half_open->closed", "closed->open"}));
}

TEST(HystrixSleep, TheProbesSuccessIsNotCountedAfterTheReset) {
    Rig rig(small({{"request_volume_threshold", 1}, {"error_threshold_percentage", 1}}));
    rig.fail(ms(10));
    ASSERT_EQ(rig.state(ms(100)), State::open);
    ASSERT_TRUE(rig.ok(ms(1101)));
    ASSERT_EQ(rig.state(ms(1101)), State::closed);
    EXPECT_EQ(rig.state(ms(1201)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(1201)).calls, 0u);
}

TEST(HystrixSleep, ProbeFailureReopensWithANewSleepWindow) {
    Rig rig(small());
    const SimTime t = trip(rig) + ms(1001);
    ASSERT_TRUE(rig.fail(t));
    EXPECT_EQ(rig.state(t), State::open);
    EXPECT_EQ(rig.last_text(), "opened: probe_failures 1 >= 1");
    EXPECT_EQ(rig.log.back().at, t);
    EXPECT_EQ(rig.rejection(t + ms(1000)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(t + ms(1001)).allowed());
}

// [SECTION] Force open / force closed -----------------------------------------------------

TEST(HystrixForce, ForceOpenRejectsEverything) {
    Rig rig(small({{"force_open", 1}}));
    EXPECT_EQ(rig.state(0), State::forced_open);
    EXPECT_EQ(rig.rejection(ms(1)), Rejection::open);
    EXPECT_EQ(rig.rejection(ms(100000)), Rejection::open);
    EXPECT_TRUE(rig.log.empty());
}

TEST(HystrixForce, ForceClosedAdmitsEverythingAndKeepsCounting) {
    Rig rig(small({{"force_closed", 1}}));
    for (int i = 1; i <= 8; ++i)
        EXPECT_TRUE(rig.fail(ms(10 * i)));
    EXPECT_EQ(rig.state(ms(500)), State::metrics_only);
    EXPECT_TRUE(rig.fail(ms(500)));
    const WindowView v = rig.breaker->window(ms(500));
    EXPECT_EQ(v.calls, 8u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 1.0);
    EXPECT_TRUE(rig.log.empty());
}

TEST(HystrixForce, ForceOpenWinsOverForceClosed) {
    Rig rig(small({{"force_open", 1}, {"force_closed", 1}}));
    EXPECT_EQ(rig.state(0), State::forced_open);
    EXPECT_EQ(rig.rejection(0), Rejection::open);
}

TEST(HystrixForce, ClearingForceClosedRevealsTheCircuitUnderneath) {
    // Hystrix keeps evaluating the health stream while force-closed: the circuit opened at
    // the 100 ms snapshot, hidden; clearing the flag shows it open.
    Rig rig(small({{"force_closed", 1}}));
    for (int i = 1; i <= 4; ++i)
        rig.fail(ms(10 * i));
    EXPECT_EQ(rig.state(ms(200)), State::metrics_only);
    ASSERT_TRUE(rig.breaker->reconfigure(small(), ms(200)));
    EXPECT_EQ(rig.state(ms(200)), State::open);
    ASSERT_EQ(rig.log.size(), 1u);
    EXPECT_EQ(rig.log[0].from, State::metrics_only);
    EXPECT_EQ(rig.log[0].to, State::open);
    EXPECT_EQ(rig.last_text(), "opened: force_closed 0 == 0");
    // its sleep window started at the hidden opening (100 ms)
    EXPECT_EQ(rig.rejection(ms(1100)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(ms(1101)).allowed());
}

TEST(HystrixForce, ForcingAndReleasingByReconfigure) {
    Rig rig(small());
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"force_open", 1}}), ms(10)));
    EXPECT_EQ(rig.state(ms(10)), State::forced_open);
    EXPECT_EQ(rig.last_text(), "forced open: force_open 1 == 1");
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"force_closed", 1}}), ms(20)));
    EXPECT_EQ(rig.state(ms(20)), State::metrics_only);
    EXPECT_EQ(rig.last_text(), "metrics only: force_open 0 == 0");
    ASSERT_TRUE(rig.breaker->reconfigure(small(), ms(30)));
    EXPECT_EQ(rig.state(ms(30)), State::closed);
    EXPECT_EQ(rig.last_text(), "closed: force_closed 0 == 0");
    EXPECT_EQ(rig.moves(),
              (std::vector<std::string>{"closed->forced_open", "forced_open->metrics_only",
                                        "metrics_only->closed"}));
}

TEST(HystrixForce, TheSleepWindowDoesNotProbeWhileForced) {
    Rig rig(small());
    const SimTime t0 = trip(rig);
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"force_open", 1}}), t0 + ms(10)));
    EXPECT_EQ(rig.state(t0 + ms(5000)), State::forced_open);
    ASSERT_TRUE(rig.breaker->reconfigure(small(), t0 + ms(5000)));
    // released long after the sleep window: half-open at once, one probe
    EXPECT_EQ(rig.state(t0 + ms(5000)), State::half_open);
    EXPECT_TRUE(rig.breaker->acquire(t0 + ms(5000)).allowed());
    EXPECT_EQ(rig.rejection(t0 + ms(5000)), Rejection::too_many_requests);
}

// [SECTION] Late results, ignored and timeouts --------------------------------------------

TEST(HystrixLate, ALateSuccessWhileHalfOpenCloses) {
    Rig rig(small());
    const Admission late = rig.breaker->acquire(ms(5));
    ASSERT_TRUE(late.allowed());
    const SimTime t = trip(rig) + ms(1001);
    ASSERT_TRUE(rig.breaker->acquire(t).allowed());  // the probe, still running
    rig.breaker->record(late.permit, Outcome::success, 0, t + ms(1));
    EXPECT_EQ(rig.state(t + ms(1)), State::closed);
}

TEST(HystrixLate, AResultWhileOpenIsCountedButChangesNothing) {
    Rig rig(small());
    const Admission late = rig.breaker->acquire(ms(5));
    const SimTime t0 = trip(rig);
    rig.breaker->record(late.permit, Outcome::success, 0, t0 + ms(50));
    EXPECT_EQ(rig.state(t0 + ms(50)), State::open);
    EXPECT_EQ(rig.breaker->window(t0 + ms(100)).calls, 5u);  // snapshot at 200 ms
    EXPECT_EQ(rig.log.size(), 1u);
}

TEST(HystrixIgnored, BadRequestsAreNotCounted) {
    Rig rig(small());
    rig.fail(ms(10));
    rig.fail(ms(20));
    rig.call(ms(30), Outcome::ignored);
    rig.call(ms(40), Outcome::ignored);  // counted, this would be 4 calls at 50 %
    EXPECT_EQ(rig.state(ms(100)), State::closed);
    EXPECT_EQ(rig.breaker->window(ms(100)).calls, 2u);
    EXPECT_EQ(rig.breaker->counts().total_exclusions, 2u);
}

TEST(HystrixIgnored, AnIgnoredProbeLetsAnotherCallProbe) {
    Rig rig(small());
    const SimTime t = trip(rig) + ms(1001);
    const Admission probe = rig.breaker->acquire(t);
    ASSERT_TRUE(probe.allowed());
    rig.breaker->record(probe.permit, Outcome::ignored, 0, t + ms(1));
    EXPECT_EQ(rig.state(t + ms(1)), State::half_open);
    EXPECT_TRUE(rig.ok(t + ms(2)));
    EXPECT_EQ(rig.state(t + ms(2)), State::closed);
}

TEST(HystrixTimeouts, ATimeoutIsAnError) {
    Rig rig(small());
    for (int i = 1; i <= 4; ++i)
        rig.call(ms(10 * i), Outcome::timeout);
    EXPECT_EQ(rig.state(ms(100)), State::open);
}

// [SECTION] Counts, window view, reconfigure, jitter ----------------------------------------

TEST(HystrixCounts, RollingStatisticsShowCompletedBucketsOnly) {
    // rolling_window_buckets 2: buckets of 500 ms; counts change at 500 ms, not at 100 ms.
    Rig rig(small({{"rolling_window_buckets", 2}, {"request_volume_threshold", 100}}));
    rig.ok(ms(10));
    rig.fail(ms(20));
    rig.ok(ms(30));
    EXPECT_EQ(rig.state(ms(499)), State::closed);
    Counts c = rig.breaker->counts();
    EXPECT_EQ(c.total_successes, 0u);
    EXPECT_EQ(c.total_failures, 0u);
    EXPECT_EQ(c.requests, 3u);
    EXPECT_EQ(c.consecutive_successes, 1u);
    rig.state(ms(500));
    c = rig.breaker->counts();
    EXPECT_EQ(c.total_successes, 2u);
    EXPECT_EQ(c.total_failures, 1u);
    rig.state(ms(1499));  // buckets [0, 500) and [500, 1000) complete
    EXPECT_EQ(rig.breaker->counts().total_failures, 1u);
    rig.state(ms(1500));  // [0, 500) left the window
    EXPECT_EQ(rig.breaker->counts().total_failures, 0u);
    EXPECT_EQ(rig.breaker->counts().total_successes, 0u);
}

TEST(HystrixCounts, TenBucketsMoveEveryHundredMilliseconds) {
    Rig rig(small({{"request_volume_threshold", 100}}));
    rig.fail(ms(10));
    rig.state(ms(99));
    EXPECT_EQ(rig.breaker->counts().total_failures, 0u);
    rig.state(ms(100));
    EXPECT_EQ(rig.breaker->counts().total_failures, 1u);
    rig.state(ms(1099));
    EXPECT_EQ(rig.breaker->counts().total_failures, 1u);
    rig.state(ms(1100));
    EXPECT_EQ(rig.breaker->counts().total_failures, 0u);
}

TEST(HystrixWindowView, ShowsTheLastSnapshot) {
    Rig rig(small());
    WindowView v = rig.breaker->window(0);
    EXPECT_EQ(v.calls, 0u);
    EXPECT_EQ(v.minimum_calls, 4u);
    EXPECT_LT(v.failure_rate, 0.0);
    EXPECT_DOUBLE_EQ(v.failure_threshold, 0.5);
    EXPECT_GT(v.slow_call_threshold, 1.0);
    rig.ok(ms(10));
    rig.ok(ms(20));
    rig.fail(ms(30));
    EXPECT_EQ(rig.breaker->window(ms(99)).calls, 0u);  // no snapshot since
    v = rig.breaker->window(ms(100));
    EXPECT_EQ(v.calls, 3u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.33);  // (int) 33.33 / 100
}

TEST(HystrixReconfigure, ANewSleepWindowAppliesToTheCurrentOpenPeriod) {
    Rig rig(small());
    const SimTime t0 = trip(rig);
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"sleep_window_ms", 3000}}), t0 + ms(10)));
    EXPECT_EQ(rig.rejection(t0 + ms(3000)), Rejection::open);
    EXPECT_TRUE(rig.breaker->acquire(t0 + ms(3001)).allowed());
}

TEST(HystrixReconfigure, ThresholdsKeepTheStreams) {
    Rig rig(small());
    rig.ok(ms(10));
    rig.ok(ms(20));
    rig.fail(ms(30));  // 33 % at the 100 ms snapshot
    ASSERT_TRUE(rig.breaker->reconfigure(
        small({{"error_threshold_percentage", 30}, {"request_volume_threshold", 3}}), ms(50)));
    EXPECT_EQ(rig.state(ms(99)), State::closed);
    EXPECT_EQ(rig.state(ms(100)), State::open);
    EXPECT_EQ(rig.last_text(), "opened: error_percentage 33 >= 30");
}

TEST(HystrixReconfigure, ANewBucketGeometryRestartsTheStreams) {
    Rig rig(small());
    for (int i = 1; i <= 4; ++i)
        rig.fail(ms(10 * i));
    ASSERT_TRUE(rig.breaker->reconfigure(small({{"health_snapshot_interval_ms", 200}}), ms(50)));
    EXPECT_EQ(rig.state(ms(1000)), State::closed);  // the four failures were dropped
    // new grid from 50 ms with 200 ms buckets
    for (int i = 0; i < 4; ++i)
        rig.fail(ms(1000 + i));
    // (bucket [850, 1050), snapshot at 1050)
    EXPECT_EQ(rig.state(ms(1049)), State::closed);
    EXPECT_EQ(rig.state(ms(1050)), State::open);
}

TEST(HystrixReconfigure, SameSettingsChangeNothing) {
    Rig rig(small());
    rig.fail(ms(10));
    rig.ok(ms(20));
    rig.state(ms(100));
    const Counts before = rig.breaker->counts();
    ASSERT_TRUE(rig.breaker->reconfigure(small(), ms(100)));
    EXPECT_EQ(rig.breaker->counts(), before);
    EXPECT_EQ(rig.breaker->window(ms(100)).calls, 2u);
    EXPECT_TRUE(rig.log.empty());
}

TEST(HystrixJitter, SleepWindowIsJitteredAndReproducible) {
    BreakerConfig c = small();
    ASSERT_EQ(set_param(c, "extras.open_jitter", 0.5), "");
    ASSERT_EQ(set_param(c, "extras.jitter_seed", 3), "");
    Rig first(c);
    const SimTime t0 = trip(first);
    ASSERT_EQ(first.state(ms(100000)), State::half_open);
    const double sleep_ms = first.log.back().reason.threshold;
    EXPECT_GE(sleep_ms, 500.0);
    EXPECT_LE(sleep_ms, 1500.0);
    EXPECT_NE(sleep_ms, 1000.0);
    const auto sleep = static_cast<SimTime>(sleep_ms * 1000.0 + 0.5);
    Rig second(c);
    trip(second);
    EXPECT_EQ(second.state(t0 + sleep), State::open);
    EXPECT_EQ(second.state(t0 + sleep + 1), State::half_open);
}

// [SECTION] Longer runs against the rule ----------------------------------------------------

struct Event {
    SimTime at;
    bool error;
};

std::vector<Event> random_events(std::uint64_t seed, double p) {
    Rng rng(seed, stream_id("hystrix-test"));
    std::vector<Event> events;
    SimTime t = 0;
    for (int i = 0; i < 3000; ++i) {
        t += ms(static_cast<std::int64_t>(rng.below(60)));
        events.push_back({t, rng.bernoulli(p)});
    }
    return events;
}

/// The first snapshot instant k * interval (k >= 1) whose window, the events in
/// [(k - n) * interval, k * interval), has total >= volume and (int)(errors / total * 100)
/// >= threshold; -1 if none before the last event.
SimTime expected_trip(const std::vector<Event>& events, SimTime interval, std::int64_t n,
                      std::uint64_t volume, std::int64_t threshold) {
    for (std::int64_t k = 1; k * interval <= events.back().at; ++k) {
        std::uint64_t total = 0;
        std::uint64_t errors = 0;
        for (const Event& e : events) {
            if (e.at >= (k - n) * interval && e.at < k * interval) {
                ++total;
                errors += e.error ? 1 : 0;
            }
        }
        if (total == 0 || total < volume) continue;
        const auto pct = static_cast<std::int64_t>(static_cast<double>(errors) /
                                                   static_cast<double>(total) * 100.0);
        if (pct >= threshold) return k * interval;
    }
    return -1;
}

TEST(HystrixRule, RandomRunsTripAtTheSnapshotTheRuleSays) {
    struct Case {
        std::uint64_t seed;
        double p;
        int volume;
        int threshold;
    };
    const Case cases[] = {{1, 0.4, 10, 50}, {2, 0.3, 5, 45},  {3, 0.2, 3, 35},  {4, 0.35, 20, 45},
                          {5, 0.5, 8, 65},  {6, 0.1, 15, 60}, {7, 0.3, 12, 40}, {8, 0.25, 4, 40}};
    int tripped = 0;
    for (const Case& c : cases) {
        const std::vector<Event> events = random_events(c.seed, c.p);
        Rig rig(small({{"request_volume_threshold", static_cast<double>(c.volume)},
                       {"error_threshold_percentage", static_cast<double>(c.threshold)}}));
        for (const Event& e : events) {
            rig.call(e.at, e.error ? Outcome::failure : Outcome::success);
            if (!rig.log.empty()) break;
        }
        rig.state(events.back().at);
        const SimTime got = rig.log.empty() ? -1 : rig.log[0].at;
        const SimTime expected =
            expected_trip(events, ms(100), 10, static_cast<std::uint64_t>(c.volume), c.threshold);
        EXPECT_EQ(got, expected) << "seed " << c.seed;
        tripped += expected >= 0 ? 1 : 0;
    }
    EXPECT_GE(tripped, 5);
}

}  // namespace
}  // namespace cbsim
