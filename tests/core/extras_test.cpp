// extras_test.cpp: the cbsim extras (probe timeout, jittered open duration, ramp-up after
// closing, weighted timeouts) on every preset.
#include "breaker_test_util.hpp"

#include <cmath>
#include <set>

namespace cbsim::test {
namespace {

using ::testing::ElementsAre;

/// A config of each preset that trips after a few failures and waits 1 s when open.
BreakerConfig quick_trip(Preset preset) {
    switch (preset) {
        case Preset::gobreaker:
            return gobreaker({{"trip.consecutive_failures", 2}, {"timeout_ms", 1000}});
        case Preset::resilience4j:
            return config_with(preset, {{"sliding_window_size", 2},
                                        {"minimum_number_of_calls", 2},
                                        {"wait_duration_in_open_state_ms", 1000},
                                        {"permitted_number_of_calls_in_half_open_state", 1}});
        case Preset::polly:
            return config_with(
                preset,
                {{"minimum_throughput", 2}, {"failure_ratio", 0.5}, {"break_duration_ms", 1000}});
        case Preset::hystrix:
            return config_with(preset,
                               {{"request_volume_threshold", 2}, {"sleep_window_ms", 1000}});
        case Preset::opossum:
            return config_with(preset, {{"volume_threshold", 2}, {"reset_timeout_ms", 1000}});
        case Preset::cockatiel:
            return config_with(preset,
                               {{"consecutive.threshold", 2}, {"half_open_after_ms", 1000}});
    }
    return {};
}

constexpr Preset kPresets[] = {Preset::gobreaker, Preset::resilience4j, Preset::polly,
                               Preset::hystrix,   Preset::opossum,      Preset::cockatiel};

/// Fails calls every 10 ms from `t` until the breaker rejects one; returns that time.
SimTime drive_open(Harness& h, SimTime t) {
    for (int i = 0; i < 1000; ++i, t += ms(10)) {
        if (!h.fail(t)) return t;
    }
    ADD_FAILURE() << "never opened";
    return t;
}

/// Asks every 10 ms from `t` until a call is admitted; returns its admission.
Admission first_admitted(Harness& h, SimTime& t) {
    for (int i = 0; i < 1000; ++i, t += ms(10)) {
        const Admission a = h.breaker->acquire(t);
        if (a.allowed()) return a;
    }
    ADD_FAILURE() << "never admitted";
    return {};
}

// [SECTION] Probe timeout ------------------------------------------------------------------

TEST(ExtrasProbeTimeout, SilentProbeCountsAsFailedAtItsDeadline) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1},
                         {"timeout_ms", 1000},
                         {"extras.probe_timeout_ms", 2000}}));
    ASSERT_TRUE(h.fail(0));
    const Admission probe = h.breaker->acquire(ms(1001));
    ASSERT_TRUE(probe.allowed());
    EXPECT_EQ(h.rejection(ms(3000)), Rejection::too_many_requests);
    EXPECT_EQ(h.state(ms(3001) - 1), State::half_open);
    EXPECT_EQ(h.state(ms(3001)), State::open);  // silent for exactly 2000 ms
    EXPECT_EQ(h.log.back().at, ms(3001));
    EXPECT_EQ(h.log.back().text(), "opened: probe_silent_ms 2000 >= 2000");
    // its late success is dropped: still open, no transition
    const std::size_t before = h.log.size();
    h.breaker->record(probe.permit, Outcome::success, ms(2500), ms(3500));
    EXPECT_EQ(h.state(ms(3500)), State::open);
    EXPECT_EQ(h.log.size(), before);
    // the next open period: half-open after 1000 ms from 3001
    EXPECT_EQ(h.rejection(ms(4001)), Rejection::open);
    EXPECT_TRUE(h.ok(ms(4002)));
    EXPECT_EQ(h.state(ms(4002)), State::closed);
}

TEST(ExtrasProbeTimeout, ProbeThatReportsInTimeIsNormal) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1},
                         {"timeout_ms", 1000},
                         {"extras.probe_timeout_ms", 2000}}));
    ASSERT_TRUE(h.fail(0));
    const Admission probe = h.breaker->acquire(ms(1001));
    h.breaker->record(probe.permit, Outcome::success, ms(1999), ms(3000));
    EXPECT_EQ(h.state(ms(10000)), State::closed);
    EXPECT_THAT(h.moves(), ElementsAre("closed->open", "open->half_open", "half_open->closed"));
}

TEST(ExtrasProbeTimeout, OnlyHalfOpenCallsAreProbes) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1}, {"extras.probe_timeout_ms", 10}}));
    const Admission slow = h.breaker->acquire(0);  // closed: not a probe
    ASSERT_TRUE(slow.allowed());
    EXPECT_EQ(h.state(ms(100'000)), State::closed);
    h.breaker->record(slow.permit, Outcome::success, ms(100'000), ms(100'000));
    EXPECT_EQ(h.breaker->counts().total_successes, 1u);
}

TEST(ExtrasProbeTimeout, FixesHalfOpenForeverOnEveryPreset) {
    for (Preset p : kPresets) {
        SCOPED_TRACE(to_string(p));
        for (const bool with_timeout : {false, true}) {
            BreakerConfig c = quick_trip(p);
            if (with_timeout) {
                ASSERT_EQ(set_param(c, "extras.probe_timeout_ms", 500), "");
            }
            Harness h(c);
            SimTime t = drive_open(h, 0);
            const Admission probe = first_admitted(h, t);  // half-open probe, never reported
            ASSERT_TRUE(probe.allowed());
            ASSERT_EQ(h.state(t), State::half_open);
            EXPECT_EQ(h.state(t + ms(500) - 1), State::half_open);
            if (with_timeout) {
                EXPECT_EQ(h.state(t + ms(500)), State::open);
            } else {
                EXPECT_EQ(h.state(t + ms(3'600'000)), State::half_open);
            }
        }
    }
}

// [SECTION] Jittered open duration ---------------------------------------------------------

/// Open durations (ms) of `cycles` open periods: trip, then observe until half-open.
std::vector<double> open_durations(const BreakerConfig& c, int cycles) {
    Harness h(c);
    std::vector<double> out;
    SimTime t = 0;
    for (int i = 0; i < cycles; ++i) {
        EXPECT_TRUE(h.fail(t));  // closed (or half-open probe) -> open
        t += ms(10'000);         // beyond 1 s * (1 + jitter)
        EXPECT_EQ(h.state(t), State::half_open);
        out.push_back(h.log.back().reason.threshold);
    }
    return out;
}

TEST(ExtrasJitter, ZeroJitterKeepsTheLibraryDuration) {
    const auto d =
        open_durations(gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 1000}}), 5);
    EXPECT_THAT(d, ElementsAre(1000, 1000, 1000, 1000, 1000));
}

TEST(ExtrasJitter, DurationsStayInsideTheBandAndVary) {
    const auto d = open_durations(gobreaker({{"trip.consecutive_failures", 1},
                                             {"timeout_ms", 1000},
                                             {"extras.open_jitter", 0.5},
                                             {"extras.jitter_seed", 7}}),
                                  50);
    std::set<double> distinct(d.begin(), d.end());
    EXPECT_GT(distinct.size(), 40u);
    for (double v : d) {
        EXPECT_GE(v, 500.0);
        EXPECT_LE(v, 1500.0);
    }
}

TEST(ExtrasJitter, SameSeedSameDurationsOtherSeedOthers) {
    auto with_seed = [](double seed) {
        return open_durations(gobreaker({{"trip.consecutive_failures", 1},
                                         {"timeout_ms", 1000},
                                         {"extras.open_jitter", 0.3},
                                         {"extras.jitter_seed", seed}}),
                              10);
    };
    EXPECT_EQ(with_seed(1), with_seed(1));
    EXPECT_NE(with_seed(1), with_seed(2));
}

TEST(ExtrasJitter, StrictBoundaryHoldsAtTheJitteredExpiry) {
    const BreakerConfig c = gobreaker({{"trip.consecutive_failures", 1},
                                       {"timeout_ms", 1000},
                                       {"extras.open_jitter", 0.4},
                                       {"extras.jitter_seed", 99}});
    const SimTime d = static_cast<SimTime>(std::llround(open_durations(c, 1)[0] * 1000.0));
    Harness h(c);  // the same seed draws the same first duration
    ASSERT_TRUE(h.fail(0));
    EXPECT_EQ(h.state(d), State::open);
    EXPECT_EQ(h.state(d + 1), State::half_open);
}

TEST(ExtrasJitter, AppliesToEveryPreset) {
    for (Preset p : kPresets) {
        SCOPED_TRACE(to_string(p));
        std::set<SimTime> half_open_after;
        for (double seed = 1; seed <= 6; ++seed) {
            BreakerConfig c = quick_trip(p);
            ASSERT_EQ(set_param(c, "extras.open_jitter", 0.5), "");
            ASSERT_EQ(set_param(c, "extras.jitter_seed", seed), "");
            Harness h(c);
            const SimTime rejected_at = drive_open(h, 0);
            SimTime t = rejected_at;
            first_admitted(h, t);
            half_open_after.insert(t - rejected_at);
        }
        EXPECT_GT(half_open_after.size(), 2u);  // the wait varies with the seed
    }
}

// [SECTION] Ramp-up after closing ----------------------------------------------------------

TEST(ExtrasRampUp, AdmitsAGrowingShareAfterClosing) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1},
                         {"timeout_ms", 1000},
                         {"extras.ramp_up_ms", 1000},
                         {"extras.ramp_up_start", 0.1}}));
    ASSERT_TRUE(h.fail(0));
    ASSERT_TRUE(h.ok(ms(1001)));  // closes at 1001
    ASSERT_EQ(h.state(ms(1001)), State::closed);
    EXPECT_EQ(h.rejection(ms(1001)), Rejection::ramp_up);  // credit 0.1 < 1
    int first_half = 0, second_half = 0;
    double expected_credit = 0.1;  // the rejected call above
    int expected = 0;
    for (int i = 1; i < 1000; ++i) {
        const double share = 0.1 + 0.9 * i / 1000.0;
        expected_credit += share;
        if (expected_credit >= 1.0) {
            expected_credit -= 1.0;
            ++expected;
        }
        const bool admitted = h.ok(ms(1001 + i));
        (i < 500 ? first_half : second_half) += admitted ? 1 : 0;
    }
    EXPECT_EQ(first_half + second_half, expected);
    EXPECT_LT(first_half, second_half);
    EXPECT_EQ(static_cast<int>(h.breaker->counts().requests), expected);  // rejections not counted
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(h.ok(ms(2001 + i)));  // ramp over
}

TEST(ExtrasRampUp, EndsWhenTheBreakerOpensAgain) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1},
                         {"timeout_ms", 1000},
                         {"extras.ramp_up_ms", 100'000},
                         {"extras.ramp_up_start", 1.0}}));
    ASSERT_TRUE(h.fail(0));
    ASSERT_TRUE(h.ok(ms(1001)));
    ASSERT_TRUE(h.fail(ms(1002)));  // share 1: admitted, and it trips again
    EXPECT_EQ(h.rejection(ms(1003)), Rejection::open);
    EXPECT_TRUE(h.ok(ms(2003)));  // half-open probe: not subject to the ramp
}

TEST(ExtrasRampUp, NotAfterTheInitialClosedState) {
    Harness h(gobreaker({{"extras.ramp_up_ms", 1000}, {"extras.ramp_up_start", 0.0}}));
    for (int i = 0; i < 10; ++i)
        EXPECT_TRUE(h.ok(ms(i)));
}

// [SECTION] Weighted timeouts --------------------------------------------------------------

TEST(ExtrasTimeoutWeight, DoubleWeightTripsTwiceAsFast) {
    Harness h(gobreaker({{"trip.consecutive_failures", 4}, {"extras.timeout_weight", 2}}));
    EXPECT_TRUE(h.call(0, Outcome::timeout));
    EXPECT_EQ(h.breaker->counts().total_failures, 2u);
    EXPECT_TRUE(h.call(ms(1), Outcome::timeout));
    EXPECT_EQ(h.state(ms(1)), State::open);
    EXPECT_EQ(h.log.back().text(), "opened: consecutive_failures 4 >= 4");
}

TEST(ExtrasTimeoutWeight, PlainFailuresKeepWeightOne) {
    Harness h(gobreaker({{"trip.consecutive_failures", 4}, {"extras.timeout_weight", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1)));
    EXPECT_EQ(h.breaker->counts().total_failures, 2u);
}

TEST(ExtrasTimeoutWeight, HalfWeightCountsEveryOtherTimeout) {
    Harness h(gobreaker({{"trip.consecutive_failures", 100}, {"extras.timeout_weight", 0.5}}));
    for (int i = 0; i < 10; ++i)
        EXPECT_TRUE(h.call(ms(i), Outcome::timeout));
    const Counts c = h.breaker->counts();
    EXPECT_EQ(c.total_failures, 5u);
    EXPECT_EQ(c.total_exclusions, 5u);
    EXPECT_EQ(c.requests, 10u);
}

TEST(ExtrasTimeoutWeight, ZeroWeightIgnoresTimeouts) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1}, {"extras.timeout_weight", 0}}));
    for (int i = 0; i < 10; ++i)
        EXPECT_TRUE(h.call(ms(i), Outcome::timeout));
    EXPECT_EQ(h.state(ms(10)), State::closed);
    EXPECT_EQ(h.breaker->counts().total_exclusions, 10u);
}

TEST(ExtrasTimeoutWeight, WeightsFailureRatesOfOtherPresets) {
    // resilience4j, window of 4, 50 %: one timeout of weight 2 among successes trips sooner.
    auto run = [](double weight) {
        BreakerConfig c = config_with(Preset::resilience4j, {{"sliding_window_size", 4},
                                                             {"minimum_number_of_calls", 4},
                                                             {"extras.timeout_weight", weight}});
        Harness h(c);
        h.ok(0);
        h.ok(ms(1));
        h.call(ms(2), Outcome::timeout);
        return h.state(ms(3));
    };
    EXPECT_EQ(run(1.0), State::closed);  // 3 calls: below the minimum
    EXPECT_EQ(run(2.0), State::open);    // 2 successes + 2 failures = 50 %
}

// [SECTION] Switching extras at run time ---------------------------------------------------

TEST(Extras, BareGobreakerAsksToBeRebuiltForDecoratorExtras) {
    // Without decorator extras make_breaker returns gobreaker bare (hot path); turning on a
    // decorator extra then needs a new breaker, like a change of preset.
    BreakerConfig c = gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 1000}});
    Harness h(c);
    ASSERT_TRUE(h.fail(0));
    BreakerConfig with_probe = c;
    ASSERT_EQ(set_param(with_probe, "extras.probe_timeout_ms", 100), "");
    EXPECT_FALSE(h.breaker->reconfigure(with_probe, ms(1)));
    EXPECT_EQ(h.state(ms(1)), State::open);  // unchanged
    BreakerConfig with_jitter = c;
    ASSERT_EQ(set_param(with_jitter, "extras.open_jitter", 0.1), "");
    EXPECT_TRUE(h.breaker->reconfigure(with_jitter, ms(2)));  // the preset draws the jitter
}

TEST(Extras, ReconfigureTurnsThemOnAndOff) {
    // Built with a decorator extra (timeout weight), the breaker takes others at run time.
    BreakerConfig c = gobreaker(
        {{"trip.consecutive_failures", 1}, {"timeout_ms", 1000}, {"extras.timeout_weight", 2}});
    Harness h(c);
    ASSERT_TRUE(h.fail(0));
    ASSERT_TRUE(h.breaker->acquire(ms(1001)).allowed());  // silent probe, no timeout yet
    ASSERT_EQ(set_param(c, "extras.probe_timeout_ms", 100), "");
    ASSERT_TRUE(h.breaker->reconfigure(c, ms(1002)));
    EXPECT_EQ(h.state(ms(5000)), State::half_open);  // that probe predates the timeout
    ASSERT_EQ(h.rejection(ms(5000)), Rejection::too_many_requests);
    ASSERT_EQ(set_param(c, "extras.probe_timeout_ms", 0), "");
    ASSERT_EQ(set_param(c, "extras.timeout_weight", 1), "");
    ASSERT_TRUE(h.breaker->reconfigure(c, ms(5001)));  // all extras off: a plain gobreaker
    EXPECT_EQ(h.state(ms(9000)), State::half_open);
}

TEST(Extras, ReconfiguredProbeTimeoutAppliesToNewProbes) {
    for (Preset p : kPresets) {
        SCOPED_TRACE(to_string(p));
        BreakerConfig c = quick_trip(p);
        ASSERT_EQ(set_param(c, "extras.timeout_weight", 1.5), "");
        Harness h(c);
        ASSERT_EQ(set_param(c, "extras.probe_timeout_ms", 100), "");
        ASSERT_TRUE(h.breaker->reconfigure(c, 0));
        SimTime t = drive_open(h, 0);
        ASSERT_TRUE(first_admitted(h, t).allowed());
        EXPECT_EQ(h.state(t + ms(100) - 1), State::half_open);
        EXPECT_EQ(h.state(t + ms(100)), State::open);
    }
}

}  // namespace
}  // namespace cbsim::test
