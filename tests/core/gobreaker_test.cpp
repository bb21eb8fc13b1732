// gobreaker_test.cpp: the gobreaker preset against sony/gobreaker v2's rules
// (docs/BREAKERS.md), every boundary on a virtual clock.
//
// [SECTION] Normalisation and defaults
// [SECTION] Trip forms and their reasons
// [SECTION] Open -> half-open (strict expiry)
// [SECTION] Half-open admission and closing
// [SECTION] Fixed window and generations
// [SECTION] Rolling window (bucket_period_ms)
// [SECTION] Exclusions and timeouts
// [SECTION] The seeds' breakers
// [SECTION] Reconfiguration
// [SECTION] The shipped preset files
// [SECTION] Corner cases of the rules
#include "breaker_test_util.hpp"

namespace cbsim::test {
namespace {

using ::testing::ElementsAre;

// [SECTION] Normalisation and defaults -----------------------------------------------------

TEST(Gobreaker, StartsClosedWithEmptyCounts) {
    Harness h(gobreaker({}));
    EXPECT_EQ(h.state(0), State::closed);
    EXPECT_EQ(h.breaker->counts(), Counts{});
}

TEST(Gobreaker, DefaultTripNeedsSixConsecutiveFailures) {
    Harness h(gobreaker({}));
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(h.fail(ms(i)));
    EXPECT_EQ(h.state(ms(5)), State::closed);
    EXPECT_EQ(h.breaker->counts().consecutive_failures, 5u);
    ASSERT_TRUE(h.fail(ms(5)));
    EXPECT_EQ(h.state(ms(5)), State::open);
    EXPECT_THAT(h.texts(), ElementsAre("opened: consecutive_failures 6 > 5"));
}

TEST(Gobreaker, ZeroTimeoutMeansSixtySeconds) {
    Harness h(gobreaker({{"timeout_ms", 0}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(ms(100)));
    EXPECT_EQ(h.rejection(ms(60100)), Rejection::open);
    EXPECT_EQ(h.state(ms(60100)), State::open);
    EXPECT_EQ(h.state(ms(60101)), State::half_open);
}

TEST(Gobreaker, ZeroMaxRequestsMeansOneProbe) {
    Harness h(
        gobreaker({{"max_requests", 0}, {"timeout_ms", 1000}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    const Admission probe = h.breaker->acquire(ms(1001));
    ASSERT_TRUE(probe.allowed());
    EXPECT_EQ(h.rejection(ms(1001)), Rejection::too_many_requests);
    h.breaker->record(probe.permit, Outcome::success, 0, ms(1002));
    EXPECT_EQ(h.state(ms(1002)), State::closed);  // one success closes with max_requests 1
}

TEST(Gobreaker, ZeroIntervalNeverClearsCountsWhileClosed) {
    Harness h(gobreaker({{"interval_ms", 0}, {"trip.consecutive_failures", 3}}));
    ASSERT_TRUE(h.fail(0));
    ASSERT_TRUE(h.fail(ms(3'600'000)));
    EXPECT_EQ(h.breaker->counts().consecutive_failures, 2u);
    ASSERT_TRUE(h.fail(ms(7'200'000)));
    EXPECT_EQ(h.state(ms(7'200'000)), State::open);
}

TEST(Gobreaker, RejectedCallsAreCountedNowhere) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 1000}}));
    ASSERT_TRUE(h.fail(0));
    const Counts before = h.breaker->counts();
    for (int i = 1; i < 10; ++i)
        EXPECT_FALSE(h.ok(ms(i)));
    EXPECT_EQ(h.breaker->counts(), before);
}

// [SECTION] Trip forms and their reasons ---------------------------------------------------

TEST(Gobreaker, ConsecutiveFailuresTripsAtThreshold) {
    Harness h(gobreaker({{"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1)));
    EXPECT_EQ(h.state(ms(1)), State::closed);
    EXPECT_TRUE(h.fail(ms(2)));
    EXPECT_EQ(h.state(ms(2)), State::open);
    EXPECT_THAT(h.texts(), ElementsAre("opened: consecutive_failures 3 >= 3"));
    EXPECT_EQ(h.log[0].at, ms(2));
}

TEST(Gobreaker, SuccessResetsTheStreak) {
    Harness h(gobreaker({{"trip.consecutive_failures", 3}}));
    for (int round = 0; round < 50; ++round) {
        ASSERT_TRUE(h.fail(ms(3 * round)));
        ASSERT_TRUE(h.fail(ms(3 * round + 1)));
        ASSERT_TRUE(h.ok(ms(3 * round + 2)));
    }
    EXPECT_EQ(h.state(ms(200)), State::closed);
    EXPECT_EQ(h.breaker->counts().total_failures, 100u);
    EXPECT_EQ(h.breaker->counts().consecutive_successes, 1u);
}

TEST(Gobreaker, TotalFailuresIgnoresSuccessesBetween) {
    Harness h(gobreaker({{"trip.total_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.ok(ms(1)));
    EXPECT_TRUE(h.fail(ms(2)));
    EXPECT_TRUE(h.ok(ms(3)));
    EXPECT_EQ(h.state(ms(3)), State::closed);
    EXPECT_TRUE(h.fail(ms(4)));
    EXPECT_EQ(h.state(ms(4)), State::open);
    EXPECT_THAT(h.texts(), ElementsAre("opened: total_failures 3 >= 3"));
}

TEST(Gobreaker, FailureRatioNeedsMinRequests) {
    Harness h(gobreaker({{"trip.failure_ratio", 0.6}, {"trip.min_requests", 3}}));
    EXPECT_TRUE(h.fail(0));      // 1/1 but requests 1 < 3
    EXPECT_TRUE(h.fail(ms(1)));  // 2/2 but requests 2 < 3
    EXPECT_EQ(h.state(ms(1)), State::closed);
    EXPECT_TRUE(h.ok(ms(2)));  // a success never trips, even at 2/3
    EXPECT_EQ(h.state(ms(2)), State::closed);
    EXPECT_TRUE(h.fail(ms(3)));  // 3/4 = 0.75 >= 0.6
    EXPECT_EQ(h.state(ms(3)), State::open);
    EXPECT_THAT(h.texts(), ElementsAre("opened: failure_ratio 0.75 >= 0.6"));
}

TEST(Gobreaker, FailureRatioBoundaryIsInclusive) {
    // 3 failures of 5 requests = 0.6 exactly.
    Harness h(gobreaker({{"trip.failure_ratio", 0.6}, {"trip.min_requests", 5}}));
    EXPECT_TRUE(h.ok(0));
    EXPECT_TRUE(h.ok(ms(1)));
    EXPECT_TRUE(h.fail(ms(2)));
    EXPECT_TRUE(h.fail(ms(3)));
    EXPECT_EQ(h.state(ms(3)), State::closed);
    EXPECT_TRUE(h.fail(ms(4)));
    EXPECT_EQ(h.state(ms(4)), State::open);
}

TEST(Gobreaker, TripSeesRequestsStillInFlight) {
    // Three admitted, two failed: 2/3 >= 0.6 with requests 3 >= 3, the third still in flight.
    Harness h(gobreaker({{"trip.failure_ratio", 0.6}, {"trip.min_requests", 3}}));
    const Admission a = h.breaker->acquire(0);
    const Admission b = h.breaker->acquire(0);
    const Admission c = h.breaker->acquire(0);
    ASSERT_TRUE(a.allowed() && b.allowed() && c.allowed());
    h.breaker->record(a.permit, Outcome::failure, 0, ms(1));
    EXPECT_EQ(h.state(ms(1)), State::closed);  // 1/3 < 0.6
    h.breaker->record(b.permit, Outcome::failure, 0, ms(2));
    EXPECT_EQ(h.state(ms(2)), State::open);
    // The third result belongs to the closed generation: dropped.
    h.breaker->record(c.permit, Outcome::success, 0, ms(3));
    EXPECT_EQ(h.breaker->counts(), Counts{});
}

// [SECTION] Open -> half-open (strict expiry) ----------------------------------------------

TEST(Gobreaker, OpenToHalfOpenIsStrictlyAfterTimeout) {
    Harness h(gobreaker({{"timeout_ms", 5000}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(ms(1000)));
    EXPECT_EQ(h.rejection(ms(5999)), Rejection::open);
    EXPECT_EQ(h.rejection(ms(6000)), Rejection::open);  // exactly at expiry: still open
    EXPECT_EQ(h.state(ms(6000)), State::open);
    EXPECT_TRUE(h.ok(ms(6001)));  // 1 ms after: the first probe
    EXPECT_THAT(h.moves(), ElementsAre("closed->open", "open->half_open", "half_open->closed"));
    EXPECT_EQ(h.log[1].text(), "half-open: open_elapsed_ms 5001 > 5000");
    EXPECT_EQ(h.log[1].at, ms(6001));
}

TEST(Gobreaker, OneMicrosecondAfterExpiryIsHalfOpen) {
    Harness h(gobreaker({{"timeout_ms", 5000}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    EXPECT_EQ(h.state(ms(5000)), State::open);
    EXPECT_EQ(h.state(ms(5000) + 1), State::half_open);
}

TEST(Gobreaker, StateQueryPerformsTheTransition) {
    Harness h(gobreaker({{"timeout_ms", 100}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    EXPECT_EQ(h.state(ms(500)), State::half_open);
    ASSERT_EQ(h.log.size(), 2u);
    EXPECT_EQ(h.log[1].at, ms(500));  // lazily, when observed
    EXPECT_EQ(h.log[1].text(), "half-open: open_elapsed_ms 500 > 100");
}

// [SECTION] Half-open admission and closing ------------------------------------------------

struct HalfOpen : ::testing::Test {
    // max_requests 3, timeout 1 s, opened at 0 by one failure; half-open from 1001 ms.
    Harness h{
        gobreaker({{"max_requests", 3}, {"timeout_ms", 1000}, {"trip.consecutive_failures", 1}})};
    void SetUp() override {
        ASSERT_TRUE(h.fail(0));
        ASSERT_EQ(h.state(ms(1001)), State::half_open);
    }
};

TEST_F(HalfOpen, AdmitsMaxRequestsThenRejectsTooManyRequests) {
    std::vector<Admission> probes;
    for (int i = 0; i < 3; ++i)
        probes.push_back(h.breaker->acquire(ms(1001)));
    for (const auto& p : probes)
        EXPECT_TRUE(p.allowed());
    EXPECT_EQ(h.rejection(ms(1001)), Rejection::too_many_requests);
    EXPECT_EQ(h.breaker->counts().requests, 3u);
}

TEST_F(HalfOpen, ClosesAfterMaxRequestsConsecutiveSuccesses) {
    EXPECT_TRUE(h.ok(ms(1001)));
    EXPECT_TRUE(h.ok(ms(1002)));
    EXPECT_EQ(h.state(ms(1002)), State::half_open);
    EXPECT_TRUE(h.ok(ms(1003)));
    EXPECT_EQ(h.state(ms(1003)), State::closed);
    EXPECT_EQ(h.log.back().text(), "closed: consecutive_successes 3 >= 3");
    EXPECT_EQ(h.breaker->counts(), Counts{});  // a new generation
}

TEST_F(HalfOpen, OneFailureReopensEvenAfterSuccesses) {
    EXPECT_TRUE(h.ok(ms(1001)));
    EXPECT_TRUE(h.ok(ms(1002)));
    EXPECT_TRUE(h.fail(ms(1003)));
    EXPECT_EQ(h.state(ms(1003)), State::open);
    EXPECT_EQ(h.log.back().text(), "opened: half_open_failures 1 >= 1");
    // a fresh open period from 1003 ms
    EXPECT_EQ(h.rejection(ms(2003)), Rejection::open);
    EXPECT_EQ(h.state(ms(2004)), State::half_open);
}

TEST_F(HalfOpen, BudgetIsPerGenerationNotRefilledBySuccesses) {
    // Two successes leave requests at 2: one more probe, then too many requests.
    EXPECT_TRUE(h.ok(ms(1001)));
    EXPECT_TRUE(h.ok(ms(1002)));
    const Admission third = h.breaker->acquire(ms(1003));
    ASSERT_TRUE(third.allowed());
    EXPECT_EQ(h.rejection(ms(1004)), Rejection::too_many_requests);
    h.breaker->record(third.permit, Outcome::success, 0, ms(1005));
    EXPECT_EQ(h.state(ms(1005)), State::closed);
}

TEST_F(HalfOpen, SilentProbeKeepsItHalfOpenForever) {
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(h.breaker->acquire(ms(1001)).allowed());
    EXPECT_EQ(h.rejection(ms(3'600'000)), Rejection::too_many_requests);
    EXPECT_EQ(h.state(ms(86'400'000)), State::half_open);
}

TEST_F(HalfOpen, ProbeResultAfterReopenIsStale) {
    const Admission slow = h.breaker->acquire(ms(1001));
    ASSERT_TRUE(h.fail(ms(1002)));                   // reopens
    ASSERT_EQ(h.state(ms(2003)), State::half_open);  // next half-open generation
    h.breaker->record(slow.permit, Outcome::success, 0, ms(2003));
    EXPECT_EQ(h.breaker->counts().total_successes, 0u);
    EXPECT_EQ(h.state(ms(2003)), State::half_open);
}

TEST_F(HalfOpen, ExcludedProbeGivesItsSlotBack) {
    for (int i = 0; i < 3; ++i) {
        const Admission a = h.breaker->acquire(ms(1001));
        ASSERT_TRUE(a.allowed());
        h.breaker->record(a.permit, Outcome::ignored, 0, ms(1001));
    }
    // requests 3, exclusions 3: valid requests 0 < 3, so more probes pass
    EXPECT_EQ(h.breaker->counts().total_exclusions, 3u);
    EXPECT_TRUE(h.ok(ms(1002)));
    EXPECT_EQ(h.state(ms(1002)), State::half_open);
    EXPECT_EQ(h.breaker->counts().consecutive_successes, 1u);
}

// [SECTION] Fixed window and generations ---------------------------------------------------

TEST(GobreakerWindow, ExactlyAtExpiryStillCounts) {
    Harness h(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(500)));
    EXPECT_TRUE(h.fail(ms(1000)));  // expiry 1000 is not < 1000: same window
    EXPECT_EQ(h.state(ms(1000)), State::open);
}

TEST(GobreakerWindow, OneMillisecondAfterExpiryClears) {
    Harness h(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(500)));
    EXPECT_TRUE(h.fail(ms(1001)));  // a new window: this is its first failure
    EXPECT_EQ(h.state(ms(1001)), State::closed);
    EXPECT_EQ(h.breaker->counts().consecutive_failures, 1u);
    EXPECT_TRUE(h.log.empty());  // a new window is no transition
}

TEST(GobreakerWindow, ReanchorsAtFirstObservationAfterExpiry) {
    // Window [0, 1000]; the next observation at 1500 starts [1500, 2500], not [2000, 3000].
    Harness h(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1500)));
    EXPECT_TRUE(h.fail(ms(2400)));
    EXPECT_TRUE(h.fail(ms(2500)));
    EXPECT_EQ(h.state(ms(2500)), State::open);
}

TEST(GobreakerWindow, ReanchorDoesNotHappenAtTheBoundaryItself) {
    Harness h(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1500)));  // window [1500, 2500]
    EXPECT_TRUE(h.fail(ms(2400)));
    EXPECT_TRUE(h.ok(ms(2501)));  // window [2501, 3501]
    EXPECT_EQ(h.breaker->counts().total_failures, 0u);
    EXPECT_EQ(h.breaker->counts().requests, 1u);
}

TEST(GobreakerWindow, ReadingTheStateNeverStartsTheNextWindow) {
    // Window [0, 1000]. A read at 1500 leaves the new window to the next call: [1600, 2600], as
    // with no read (a window started by the read, [1500, 2500], would end before 2550).
    for (const bool read : {false, true}) {
        Harness h(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 3}}));
        EXPECT_TRUE(h.fail(0));
        if (read) {
            EXPECT_EQ(h.state(ms(1500)), State::closed);
            EXPECT_EQ(h.breaker->window(ms(1500)).calls, 0u);  // what the next call starts from
        }
        EXPECT_TRUE(h.fail(ms(1600)));
        EXPECT_TRUE(h.fail(ms(2550)));
        EXPECT_TRUE(h.fail(ms(2580)));
        EXPECT_EQ(h.state(ms(2580)), State::open) << (read ? "read at 1500 ms" : "no read");
    }
}

TEST(GobreakerWindow, ResultOfAnExpiredWindowIsDropped) {
    Harness h(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 1}}));
    const Admission old = h.breaker->acquire(0);
    ASSERT_TRUE(old.allowed());
    h.breaker->record(old.permit, Outcome::failure, 0, ms(1001));  // the window expired
    EXPECT_EQ(h.state(ms(1001)), State::closed);
    EXPECT_EQ(h.breaker->counts(), Counts{});
}

TEST(GobreakerWindow, ResultInsideItsWindowCounts) {
    Harness h(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 1}}));
    const Admission a = h.breaker->acquire(0);
    h.breaker->record(a.permit, Outcome::failure, 0, ms(1000));
    EXPECT_EQ(h.state(ms(1000)), State::open);
}

TEST(GobreakerWindow, ClosingStartsAFreshWindow) {
    Harness h(
        gobreaker({{"interval_ms", 1000}, {"timeout_ms", 100}, {"trip.consecutive_failures", 2}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1)));
    EXPECT_TRUE(h.ok(ms(102)));  // half-open probe closes at 102: window [102, 1102]
    EXPECT_EQ(h.state(ms(102)), State::closed);
    EXPECT_TRUE(h.fail(ms(1102)));
    EXPECT_TRUE(h.fail(ms(1102)));
    EXPECT_EQ(h.state(ms(1102)), State::open);
}

// [SECTION] Rolling window (bucket_period_ms) ----------------------------------------------

TEST(GobreakerRolling, BucketBoundaryIsInclusive) {
    // 3 buckets of 1 s. The bucket [0, 1000) leaves the window at exactly 3000.
    Harness h(
        gobreaker({{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.total_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1000)));
    EXPECT_TRUE(h.fail(ms(3000)));  // the failure at 0 is gone: total 2
    EXPECT_EQ(h.state(ms(3000)), State::closed);
    EXPECT_EQ(h.breaker->counts().total_failures, 2u);
    EXPECT_TRUE(h.fail(ms(3999)));
    EXPECT_EQ(h.state(ms(3999)), State::open);
}

TEST(GobreakerRolling, LastMomentInsideTheWindowStillCounts) {
    Harness h(
        gobreaker({{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.total_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1000)));
    EXPECT_TRUE(h.fail(ms(2999)));
    EXPECT_EQ(h.state(ms(2999)), State::open);
}

TEST(GobreakerRolling, IntervalIsRoundedUpToWholeBuckets) {
    // 10 s / 3 s -> 12 s, 4 buckets: a failure at 0 lives until 12 s.
    Harness kept(gobreaker(
        {{"interval_ms", 10000}, {"bucket_period_ms", 3000}, {"trip.total_failures", 2}}));
    EXPECT_TRUE(kept.fail(0));
    EXPECT_TRUE(kept.fail(ms(11999)));
    EXPECT_EQ(kept.state(ms(11999)), State::open);

    Harness gone(gobreaker(
        {{"interval_ms", 10000}, {"bucket_period_ms", 3000}, {"trip.total_failures", 2}}));
    EXPECT_TRUE(gone.fail(0));
    EXPECT_TRUE(gone.fail(ms(12000)));
    EXPECT_EQ(gone.state(ms(12000)), State::closed);
    EXPECT_EQ(gone.breaker->counts().total_failures, 1u);
}

TEST(GobreakerRolling, BucketNotSmallerThanIntervalIsAFixedWindow) {
    // bucket_period >= interval: one bucket of bucket_period, with the strict fixed-window expiry.
    Harness same(gobreaker(
        {{"interval_ms", 1000}, {"bucket_period_ms", 5000}, {"trip.consecutive_failures", 2}}));
    EXPECT_TRUE(same.fail(0));
    EXPECT_TRUE(same.fail(ms(5000)));
    EXPECT_EQ(same.state(ms(5000)), State::open);

    Harness next(gobreaker(
        {{"interval_ms", 1000}, {"bucket_period_ms", 5000}, {"trip.consecutive_failures", 2}}));
    EXPECT_TRUE(next.fail(0));
    EXPECT_TRUE(next.fail(ms(5001)));
    EXPECT_EQ(next.state(ms(5001)), State::closed);
}

TEST(GobreakerRolling, BucketPeriodIgnoredWithoutInterval) {
    Harness h(
        gobreaker({{"interval_ms", 0}, {"bucket_period_ms", 1000}, {"trip.total_failures", 2}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(100'000)));
    EXPECT_EQ(h.state(ms(100'000)), State::open);
}

TEST(GobreakerRolling, JumpBeyondTheWindowClearsEverything) {
    Harness h(
        gobreaker({{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.total_failures", 9}}));
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(h.fail(ms(i * 500)));
    EXPECT_EQ(h.breaker->counts().total_failures, 5u);
    EXPECT_EQ(h.state(ms(10'000)), State::closed);
    EXPECT_EQ(h.breaker->counts(), Counts{});
}

TEST(GobreakerRolling, EvictionSubtractsEachCounter) {
    Harness h(
        gobreaker({{"interval_ms", 2000}, {"bucket_period_ms", 1000}, {"trip.total_failures", 9}}));
    EXPECT_TRUE(h.ok(0));
    EXPECT_TRUE(h.fail(ms(100)));
    EXPECT_TRUE(h.call(ms(200), Outcome::ignored));
    EXPECT_TRUE(h.ok(ms(1000)));
    Counts c = h.breaker->counts();
    EXPECT_EQ(c.requests, 4u);
    EXPECT_EQ(c.total_successes, 2u);
    EXPECT_EQ(c.total_failures, 1u);
    EXPECT_EQ(c.total_exclusions, 1u);
    EXPECT_EQ(h.state(ms(2000)), State::closed);  // age 2: bucket 0 evicted
    c = h.breaker->counts();
    EXPECT_EQ(c.requests, 1u);
    EXPECT_EQ(c.total_successes, 1u);
    EXPECT_EQ(c.total_failures, 0u);
    EXPECT_EQ(c.total_exclusions, 0u);
    EXPECT_EQ(c.consecutive_successes, 1u);  // the streak did not reach into bucket 0
}

TEST(GobreakerRolling, StreakReachingIntoEvictedBucketShrinks) {
    Harness h(gobreaker(
        {{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1000)));
    EXPECT_TRUE(h.fail(ms(3000)));  // at age 3 the streak loses bucket 0's failure: 2
    EXPECT_EQ(h.state(ms(3000)), State::closed);
    EXPECT_EQ(h.breaker->counts().consecutive_failures, 2u);
    EXPECT_TRUE(h.fail(ms(3001)));
    EXPECT_EQ(h.state(ms(3001)), State::open);
}

TEST(GobreakerRolling, StreakNotReachingIntoEvictedBucketStays) {
    Harness h(gobreaker(
        {{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.ok(ms(500)));  // bucket 0 ends with a success
    EXPECT_TRUE(h.fail(ms(1000)));
    EXPECT_TRUE(h.fail(ms(2000)));
    EXPECT_TRUE(h.fail(ms(3000)));  // evicting bucket 0 leaves the streak of 2 alone: 3
    EXPECT_EQ(h.state(ms(3000)), State::open);
}

TEST(GobreakerRolling, LateResultCountsInItsAdmissionBucket) {
    Harness h(
        gobreaker({{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.total_failures", 9}}));
    const Admission a = h.breaker->acquire(ms(500));             // age 0
    h.breaker->record(a.permit, Outcome::failure, 0, ms(2500));  // age 2: counted in bucket 0
    EXPECT_EQ(h.breaker->counts().total_failures, 1u);
    EXPECT_EQ(h.state(ms(3000)), State::closed);  // bucket 0 leaves
    EXPECT_EQ(h.breaker->counts().total_failures, 0u);
    EXPECT_EQ(h.breaker->counts().requests, 0u);
}

TEST(GobreakerRolling, ResultWhoseBucketLeftTheWindowIsDropped) {
    Harness h(
        gobreaker({{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.total_failures", 1}}));
    const Admission a = h.breaker->acquire(ms(999));             // age 0
    h.breaker->record(a.permit, Outcome::failure, 0, ms(3000));  // age 3: bucket 0 is gone
    EXPECT_EQ(h.state(ms(3000)), State::closed);
    EXPECT_EQ(h.breaker->counts(), Counts{});
}

TEST(GobreakerRolling, NoGenerationChangeWhileRolling) {
    // A rolling window never starts a new generation while closed: a result admitted two
    // buckets ago still counts.
    Harness h(gobreaker(
        {{"interval_ms", 3000}, {"bucket_period_ms", 1000}, {"trip.consecutive_failures", 1}}));
    const Admission a = h.breaker->acquire(0);
    EXPECT_EQ(h.state(ms(2999)), State::closed);
    h.breaker->record(a.permit, Outcome::failure, 0, ms(2999));
    EXPECT_EQ(h.state(ms(2999)), State::open);
}

TEST(GobreakerRolling, BucketsRestartWithEachGeneration) {
    // Buckets are aligned to the generation start (the close at 1 s + 101 ms), not to 0.
    Harness h(gobreaker({{"interval_ms", 2000},
                         {"bucket_period_ms", 1000},
                         {"timeout_ms", 100},
                         {"trip.total_failures", 2}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1)));  // open at 1
    EXPECT_TRUE(h.ok(ms(102)));  // closes at 102: buckets [102, 1102), [1102, 2102)
    EXPECT_TRUE(h.fail(ms(1101)));
    EXPECT_TRUE(h.fail(ms(2101)));  // age 1: bucket 0 still inside
    EXPECT_EQ(h.state(ms(2101)), State::open);
}

// [SECTION] Exclusions and timeouts --------------------------------------------------------

TEST(Gobreaker, ExcludedOutcomeOnlyCountsExclusions) {
    Harness h(gobreaker({{"trip.consecutive_failures", 2}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.call(ms(1), Outcome::ignored));
    const Counts c = h.breaker->counts();
    EXPECT_EQ(c.requests, 2u);
    EXPECT_EQ(c.total_exclusions, 1u);
    EXPECT_EQ(c.consecutive_failures, 1u);  // the streak is not broken
    EXPECT_TRUE(h.fail(ms(2)));
    EXPECT_EQ(h.state(ms(2)), State::open);
}

TEST(Gobreaker, TimeoutCountsAsAFailure) {
    Harness h(gobreaker({{"trip.consecutive_failures", 2}}));
    EXPECT_TRUE(h.call(0, Outcome::timeout));
    EXPECT_TRUE(h.call(ms(1), Outcome::timeout));
    EXPECT_EQ(h.state(ms(1)), State::open);
}

TEST(Gobreaker, ExclusionsDoNotOpenTheBudgetWhileClosed) {
    // Exclusions only matter for half-open admission; closed admits everything anyway.
    Harness h(gobreaker({{"trip.consecutive_failures", 1}}));
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(h.call(ms(i), Outcome::ignored));
    EXPECT_EQ(h.state(ms(100)), State::closed);
    EXPECT_EQ(h.breaker->counts().total_exclusions, 100u);
}

// [SECTION] The seeds' breakers ------------------------------------------------------------

TEST(GobreakerSeeds, AlwaysFailingServiceBehindThreeConsecutive) {
    Harness h(gobreaker({{"trip.consecutive_failures", 3}, {"timeout_ms", 60000}}));
    int reached = 0;
    for (int i = 0; i < 100; ++i)
        reached += h.fail(ms(10 * i)) ? 1 : 0;
    EXPECT_EQ(reached, 3);
    EXPECT_THAT(h.moves(), ElementsAre("closed->open"));
}

TEST(GobreakerSeeds, GrpcStyleOpensWaitsFiveSecondsAndRecovers) {
    Harness h(gobreaker({{"max_requests", 3},
                         {"interval_ms", 10000},
                         {"timeout_ms", 5000},
                         {"trip.consecutive_failures", 3}}));
    EXPECT_TRUE(h.fail(ms(100)));
    EXPECT_TRUE(h.fail(ms(200)));
    EXPECT_TRUE(h.fail(ms(300)));  // trips at 300
    EXPECT_EQ(h.state(ms(300)), State::open);
    EXPECT_FALSE(h.ok(ms(5300)));  // exactly 5000 ms after the trip: rejected
    EXPECT_EQ(h.state(ms(5300)), State::open);
    EXPECT_TRUE(h.ok(ms(5301)));  // 5001 ms: admitted as a probe
    EXPECT_EQ(h.state(ms(5301)), State::half_open);
    EXPECT_TRUE(h.ok(ms(5302)));
    EXPECT_TRUE(h.ok(ms(5303)));  // three successes: recovered
    EXPECT_EQ(h.state(ms(5303)), State::closed);
    EXPECT_THAT(h.moves(), ElementsAre("closed->open", "open->half_open", "half_open->closed"));
    EXPECT_THAT(h.texts(), ElementsAre("opened: consecutive_failures 3 >= 3",
                                       "half-open: open_elapsed_ms 5001 > 5000",
                                       "closed: consecutive_successes 3 >= 3"));
}

TEST(GobreakerSeeds, EveryThirdFailureNeverTripsRatioPointSix) {
    for (int phase = 0; phase < 3; ++phase) {
        Harness h(gobreaker({{"max_requests", 3},
                             {"interval_ms", 5000},
                             {"timeout_ms", 10000},
                             {"trip.failure_ratio", 0.6},
                             {"trip.min_requests", 3}}));
        for (int i = 0; i < 3000; ++i) {
            const bool fails = (i + phase) % 3 == 2;
            ASSERT_TRUE(h.call(ms(20 * i), fails ? Outcome::failure : Outcome::success))
                << "phase " << phase << " call " << i;
        }
        EXPECT_TRUE(h.log.empty());
    }
}

TEST(GobreakerSeeds, TwoFailuresInThreeDoTripRatioPointSix) {
    // The same breaker is not blind: f, f, s, f -> 3/4 >= 0.6 trips.
    Harness h(gobreaker({{"max_requests", 3},
                         {"interval_ms", 5000},
                         {"timeout_ms", 10000},
                         {"trip.failure_ratio", 0.6},
                         {"trip.min_requests", 3}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(20)));
    EXPECT_TRUE(h.ok(ms(40)));
    EXPECT_TRUE(h.fail(ms(60)));
    EXPECT_EQ(h.state(ms(60)), State::open);
}

// [SECTION] Reconfiguration ----------------------------------------------------------------

TEST(GobreakerReconfigure, OtherPresetIsRefused) {
    Harness h(gobreaker({}));
    EXPECT_FALSE(h.breaker->reconfigure(BreakerConfig::defaults(Preset::hystrix), 0));
}

TEST(GobreakerReconfigure, KeepsStateAndCounts) {
    Harness h(gobreaker({{"trip.consecutive_failures", 5}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1)));
    ASSERT_TRUE(h.breaker->reconfigure(gobreaker({{"trip.consecutive_failures", 3}}), ms(2)));
    EXPECT_EQ(h.breaker->counts().consecutive_failures, 2u);
    EXPECT_TRUE(h.fail(ms(3)));
    EXPECT_EQ(h.state(ms(3)), State::open);
}

TEST(GobreakerReconfigure, NewTimeoutAppliesToTheCurrentOpenPeriod) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 10000}}));
    EXPECT_TRUE(h.fail(0));
    ASSERT_TRUE(h.breaker->reconfigure(
        gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 2000}}), ms(500)));
    EXPECT_EQ(h.state(ms(2000)), State::open);
    EXPECT_EQ(h.state(ms(2001)), State::half_open);
}

TEST(GobreakerReconfigure, NewWindowShapeStartsAFreshWindow) {
    Harness h(gobreaker({{"trip.consecutive_failures", 3}, {"interval_ms", 0}}));
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(1)));
    ASSERT_TRUE(h.breaker->reconfigure(
        gobreaker({{"trip.consecutive_failures", 3}, {"interval_ms", 1000}}), ms(2)));
    EXPECT_EQ(h.breaker->counts(), Counts{});
    EXPECT_TRUE(h.fail(ms(1002)));  // window [2, 1002]
    EXPECT_TRUE(h.fail(ms(1002)));
    EXPECT_TRUE(h.fail(ms(1002)));
    EXPECT_EQ(h.state(ms(1002)), State::open);
}

TEST(Gobreaker, WindowViewShowsTheRatioRule) {
    Harness h(gobreaker({{"trip.failure_ratio", 0.5}, {"trip.min_requests", 4}}));
    EXPECT_TRUE(h.ok(0));
    EXPECT_TRUE(h.fail(ms(1)));
    WindowView v = h.breaker->window(ms(1));
    EXPECT_EQ(v.calls, 2u);
    EXPECT_EQ(v.minimum_calls, 4u);
    EXPECT_LT(v.failure_rate, 0.0);  // below the minimum: undefined
    EXPECT_DOUBLE_EQ(v.failure_threshold, 0.5);
    EXPECT_TRUE(h.ok(ms(2)));
    EXPECT_TRUE(h.ok(ms(3)));
    v = h.breaker->window(ms(3));
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.25);
}

}  // namespace
}  // namespace cbsim::test

// [SECTION] The shipped preset files -------------------------------------------------------

namespace cbsim::test {
namespace {

BreakerConfig asset(const std::string& name) {
    return load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/" + name);
}

TEST(GobreakerAssets, LibraryDefaults) {
    EXPECT_EQ(asset("gobreaker.toml"), BreakerConfig::defaults(Preset::gobreaker));
}

TEST(GobreakerAssets, ConsecutiveThreeLetsThreeCallsThrough) {
    Harness h(asset("gobreaker_consecutive_3.toml"));
    int reached = 0;
    for (int i = 0; i < 50; ++i)
        reached += h.fail(ms(100 * i)) ? 1 : 0;
    EXPECT_EQ(reached, 3);
}

TEST(GobreakerAssets, GrpcOpensHalfOpensAfterFiveSecondsAndCloses) {
    Harness h(asset("gobreaker_grpc.toml"));
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(h.fail(ms(i)));
    EXPECT_FALSE(h.ok(ms(5002)));
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(h.ok(ms(5003 + i)));
    EXPECT_THAT(h.moves(), ElementsAre("closed->open", "open->half_open", "half_open->closed"));
}

TEST(GobreakerAssets, EveryThirdNeverTrips) {
    Harness h(asset("gobreaker_every_third.toml"));
    for (int i = 0; i < 1000; ++i)
        ASSERT_TRUE(h.call(ms(37 * i), i % 3 == 2 ? Outcome::failure : Outcome::success));
    EXPECT_TRUE(h.log.empty());
}

TEST(GobreakerAssets, MaxFailuresResetTimeoutSuccessThreshold) {
    Harness h(asset("gobreaker_max_failures.toml"));
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(h.fail(ms(i)));
    EXPECT_EQ(h.state(ms(4)), State::closed);
    ASSERT_TRUE(h.fail(ms(4)));  // the 5th failure in a row
    EXPECT_EQ(h.state(ms(10004)), State::open);
    EXPECT_TRUE(h.ok(ms(10005)));
    EXPECT_EQ(h.state(ms(10005)), State::half_open);
    EXPECT_TRUE(h.ok(ms(10006)));
    EXPECT_EQ(h.state(ms(10006)), State::closed);
}

TEST(GobreakerAssets, EveryShippedGobreakerFileLoadsAndRoundTrips) {
    for (const char* name :
         {"gobreaker.toml", "gobreaker_consecutive_3.toml", "gobreaker_grpc.toml",
          "gobreaker_every_third.toml", "gobreaker_max_failures.toml", "gobreaker_rolling.toml",
          "gobreaker_probe_timeout.toml"}) {
        const BreakerConfig c = asset(name);
        EXPECT_EQ(c.preset(), Preset::gobreaker) << name;
        EXPECT_EQ(parse_breaker_toml(to_toml(c), name), c) << name;
    }
}

}  // namespace
}  // namespace cbsim::test

// [SECTION] Corner cases of the rules --------------------------------------------------------

namespace cbsim::test {
namespace {

TEST(GobreakerCorners, HalfOpenCountsDoNotRollWithARollingWindow) {
    // Half-open keeps one bucket age (0): probes far apart in time still add up.
    Harness h(gobreaker({{"interval_ms", 3000},
                         {"bucket_period_ms", 1000},
                         {"timeout_ms", 1000},
                         {"max_requests", 2},
                         {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    const Admission first = h.breaker->acquire(ms(1001));
    ASSERT_TRUE(first.allowed());
    h.breaker->record(first.permit, Outcome::success, 0, ms(1001));
    const Admission second = h.breaker->acquire(ms(9001));  // eight bucket periods later
    ASSERT_TRUE(second.allowed());
    h.breaker->record(second.permit, Outcome::success, 0, ms(9002));
    EXPECT_EQ(h.state(ms(9002)), State::closed);
}

TEST(GobreakerCorners, TripIsCheckedEvenWhenTheFailureFellOutOfTheWindow) {
    // gobreaker's onFailure counts (a no-op for an evicted bucket) and then asks ReadyToTrip.
    Harness h(gobreaker({{"interval_ms", 3000},
                         {"bucket_period_ms", 1000},
                         {"trip.failure_ratio", 0.5},
                         {"trip.min_requests", 1}}));
    const Admission late = h.breaker->acquire(0);  // bucket 0
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(h.ok(ms(i)));   // bucket 0: 4 requests, 3 successes
    ASSERT_TRUE(h.fail(ms(1000)));  // 1 failure of 5 requests
    EXPECT_EQ(h.state(ms(1000)), State::closed);
    // At 3000 bucket 0 leaves: 1 failure of 1 request. The late failure itself is not
    // counted, but the check after it sees 1/1 >= 0.5.
    h.breaker->record(late.permit, Outcome::failure, 0, ms(3000));
    EXPECT_EQ(h.state(ms(3000)), State::open);
    EXPECT_EQ(h.log.back().text(), "opened: failure_ratio 1 >= 0.5");
}

TEST(GobreakerCorners, LateSuccessOutsideTheWindowDoesNotResetTheStreak) {
    Harness h(gobreaker(
        {{"interval_ms", 2000}, {"bucket_period_ms", 1000}, {"trip.consecutive_failures", 3}}));
    const Admission late = h.breaker->acquire(0);  // bucket 0
    ASSERT_TRUE(h.fail(ms(1000)));
    ASSERT_TRUE(h.fail(ms(2000)));  // bucket 0 gone at 2000: streak 2
    h.breaker->record(late.permit, Outcome::success, 0, ms(2000));  // not counted
    EXPECT_EQ(h.breaker->counts().consecutive_failures, 2u);
    ASSERT_TRUE(h.fail(ms(2001)));
    EXPECT_EQ(h.state(ms(2001)), State::open);
}

TEST(GobreakerCorners, TimeoutInHalfOpenReopens) {
    Harness h(gobreaker({{"timeout_ms", 100}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    EXPECT_TRUE(h.call(ms(101), Outcome::timeout));
    EXPECT_EQ(h.state(ms(101)), State::open);
}

TEST(GobreakerCorners, ExcludedProbeThenFailureStillReopens) {
    Harness h(
        gobreaker({{"timeout_ms", 100}, {"max_requests", 2}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    EXPECT_TRUE(h.call(ms(101), Outcome::ignored));
    EXPECT_TRUE(h.ok(ms(102)));
    EXPECT_TRUE(h.fail(ms(103)));  // one success was not enough to close with max 2
    EXPECT_EQ(h.state(ms(103)), State::open);
}

TEST(GobreakerCorners, ConsecutiveSuccessesCountedWhileClosedDoNotMatter) {
    // Closing needs max_requests consecutive successes counted in half-open only.
    Harness h(
        gobreaker({{"timeout_ms", 100}, {"max_requests", 3}, {"trip.consecutive_failures", 2}}));
    for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(h.ok(ms(i)));
    ASSERT_TRUE(h.fail(ms(10)));
    ASSERT_TRUE(h.fail(ms(11)));
    ASSERT_EQ(h.state(ms(11)), State::open);
    EXPECT_TRUE(h.ok(ms(112)));
    EXPECT_EQ(h.breaker->counts().consecutive_successes, 1u);
    EXPECT_EQ(h.state(ms(112)), State::half_open);
}

TEST(GobreakerCorners, TransitionsCarryTheirInstants) {
    Harness h(gobreaker({{"timeout_ms", 250}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(ms(40)));
    ASSERT_TRUE(h.ok(ms(300)));
    ASSERT_EQ(h.log.size(), 3u);
    EXPECT_EQ(h.log[0].at, ms(40));
    EXPECT_EQ(h.log[1].at, ms(300));
    EXPECT_EQ(h.log[2].at, ms(300));
    EXPECT_EQ(h.log[1].text(), "half-open: open_elapsed_ms 260 > 250");
}

TEST(GobreakerCorners, SubMillisecondElapsedShowsInTheReason) {
    Harness h(gobreaker({{"timeout_ms", 5000}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    EXPECT_EQ(h.state(ms(5000) + 1), State::half_open);
    EXPECT_EQ(h.log.back().text(), "half-open: open_elapsed_ms 5000.001 > 5000");
}

TEST(GobreakerCorners, WindowViewWithoutARateRule) {
    Harness h(gobreaker({{"trip.consecutive_failures", 3}}));
    EXPECT_LT(h.breaker->window(0).failure_rate, 0.0);  // no calls yet
    ASSERT_TRUE(h.fail(0));
    ASSERT_TRUE(h.ok(ms(1)));
    const WindowView v = h.breaker->window(ms(1));
    EXPECT_EQ(v.calls, 2u);
    EXPECT_DOUBLE_EQ(v.failure_rate, 0.5);
    EXPECT_GT(v.failure_threshold, 1.0);  // no rate rule
    EXPECT_GT(v.slow_call_threshold, 1.0);
}

TEST(GobreakerCorners, ReconfigureInHalfOpenAppliesTheNewProbeBudget) {
    Harness h(
        gobreaker({{"timeout_ms", 100}, {"max_requests", 1}, {"trip.consecutive_failures", 1}}));
    ASSERT_TRUE(h.fail(0));
    ASSERT_TRUE(h.breaker->acquire(ms(101)).allowed());
    EXPECT_EQ(h.rejection(ms(102)), Rejection::too_many_requests);
    ASSERT_TRUE(h.breaker->reconfigure(
        gobreaker({{"timeout_ms", 100}, {"max_requests", 3}, {"trip.consecutive_failures", 1}}),
        ms(103)));
    EXPECT_EQ(h.state(ms(103)), State::half_open);
    EXPECT_TRUE(h.breaker->acquire(ms(104)).allowed());
    EXPECT_TRUE(h.breaker->acquire(ms(105)).allowed());
    EXPECT_EQ(h.rejection(ms(106)), Rejection::too_many_requests);
}

TEST(GobreakerCorners, ReconfigureToARollingWindowWhileOpen) {
    Harness h(gobreaker({{"timeout_ms", 100}, {"trip.total_failures", 2}}));
    ASSERT_TRUE(h.fail(0));
    ASSERT_TRUE(h.fail(ms(1)));
    ASSERT_TRUE(h.breaker->reconfigure(gobreaker({{"timeout_ms", 100},
                                                  {"interval_ms", 2000},
                                                  {"bucket_period_ms", 1000},
                                                  {"trip.total_failures", 2}}),
                                       ms(50)));
    EXPECT_TRUE(h.ok(ms(102)));  // half-open probe closes: rolling from 102
    ASSERT_EQ(h.state(ms(102)), State::closed);
    ASSERT_TRUE(h.fail(ms(103)));
    ASSERT_TRUE(h.fail(ms(2102)));  // the failure at 103 left with bucket 0 at 2102
    EXPECT_EQ(h.state(ms(2102)), State::closed);
    ASSERT_TRUE(h.fail(ms(2103)));
    EXPECT_EQ(h.state(ms(2103)), State::open);
}

TEST(GobreakerCorners, ResultsAreOnlyCountedOnce) {
    // Recording a permit twice counts twice (gobreaker keeps no per-call state either); the
    // decorator's timeout weight relies on it.
    Harness h(gobreaker({{"trip.consecutive_failures", 2}}));
    const Admission a = h.breaker->acquire(0);
    h.breaker->record(a.permit, Outcome::failure, 0, 0);
    h.breaker->record(a.permit, Outcome::failure, 0, 0);
    EXPECT_EQ(h.state(0), State::open);
}

TEST(GobreakerCorners, LongRunsKeepExactWindows) {
    // 10 minutes of calls every 7 ms with a failure every 5th: with a 1 s fixed window and
    // total_failures 40 the count never reaches 40 (at most 143 calls, 29 failures per window).
    Harness h(gobreaker({{"interval_ms", 1000}, {"trip.total_failures", 40}}));
    for (int i = 0; i < 600000 / 7; ++i)
        ASSERT_TRUE(h.call(ms(7 * i), i % 5 == 0 ? Outcome::failure : Outcome::success));
    EXPECT_TRUE(h.log.empty());
    EXPECT_LE(h.breaker->counts().requests, 144u);
}

}  // namespace
}  // namespace cbsim::test

namespace cbsim::test {
namespace {

TEST(GobreakerCorners, OversizedWindowBuiltInCodeIsClampedNotAllocated) {
    // set_param and the TOML reader refuse it; a config built in code is clamped to
    // 100000 buckets (here of 10 s) instead of a billion.
    BreakerConfig c = BreakerConfig::defaults(Preset::gobreaker);
    auto& g = std::get<GobreakerSettings>(c.settings);
    g.interval_ms = 1'000'000'000;
    g.bucket_period_ms = 1;
    g.trip = GobreakerSettings::Trip::total_failures;
    g.total_failures = 2;
    Harness h(c);
    EXPECT_TRUE(h.fail(0));
    EXPECT_TRUE(h.fail(ms(9999)));  // same 10 s bucket
    EXPECT_EQ(h.state(ms(9999)), State::open);
}

}  // namespace
}  // namespace cbsim::test
