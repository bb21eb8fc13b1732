// Run: the models' behaviour (timeouts, retries, bulkhead, fallback, queues, breakers, shared
// store, attempts held by a breaker's wait answer) on scenarios built in code.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "cbsim/error.hpp"
#include "cbsim/export.hpp"
#include "cbsim/run.hpp"
#include "sim_test_util.hpp"

namespace cbsim {
namespace {

using namespace cbsim::test;

EdgeSummary edge(const cbsim::Run& run, const std::string& name) {
    for (const EdgeSummary& e : run.summary().edges)
        if (e.edge == name) return e;
    ADD_FAILURE() << "no edge " << name;
    return {};
}

TEST(SimRun, HealthyDefaultScenarioServesEverything) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(30));
    const Summary s = run.summary();
    EXPECT_NEAR(static_cast<double>(s.requests), 1500.0, 3 * std::sqrt(1500.0));
    EXPECT_EQ(s.availability, 1.0);
    EXPECT_EQ(s.rejected, 0u);
    ASSERT_EQ(s.edges.size(), 2u);
    EXPECT_EQ(s.edges[0].edge, "client->A");
    EXPECT_EQ(s.edges[1].edge, "A->B");
    EXPECT_EQ(s.edges[1].transitions, 0u);
    EXPECT_EQ(run.now(), from_s(30));
    EXPECT_EQ(run.recorder().row_count(), 300u);
}

TEST(SimRun, InvalidScenarioThrowsConfigError) {
    Scenario sc = default_scenario();
    sc.services[0].dependencies[0].target = "nope";
    EXPECT_THROW(cbsim::Run run(sc), ConfigError);
}

TEST(SimRun, TimeoutDoesNotCancelServerWork) {
    Service b = service("B", 1, 0, constant_ms(100));
    Scenario sc = a_calls_b(10, b);
    sc.services[0].dependencies[0].timeout_ms = 50;
    cbsim::Run run(sc);
    run.advance_to(from_s(20));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GT(e.allowed, 150u);
    EXPECT_EQ(e.timeouts, e.finished);  // every attempt timed out ...
    EXPECT_EQ(e.successes, 0u);
    std::uint64_t served = 0;
    for (const ServiceRow& r : run.recorder().service_rows(1))
        served += r.served;
    EXPECT_GE(served + 3, e.allowed);  // ... but B did the work (bar the last 100 ms)
    EXPECT_NEAR(e.latency_p50_ms, 50.0, 0.5);
}

TEST(SimRun, AnswerDueExactlyAtTheTimeoutComesFirst) {
    // B takes exactly the timeout: every answer is scheduled before its timeout fires, so
    // every attempt succeeds, with the timeout's duration.
    Service b = service("B", 1, 0, constant_ms(50));
    Scenario sc = a_calls_b(20, b);
    sc.services[0].dependencies[0].timeout_ms = 50;
    cbsim::Run run(sc);
    run.advance_to(from_s(10));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GT(e.allowed, 150u);
    EXPECT_EQ(e.timeouts, 0u);
    EXPECT_EQ(e.successes, e.finished);
    EXPECT_GE(e.finished + 1, e.allowed);  // (a last call may still be in flight)
    EXPECT_NEAR(e.latency_p50_ms, 50.0, 0.5);
    // One microsecond more and every one of them times out instead.
    sc.services[1].latency.constant_ms = 50.001;
    cbsim::Run slower(sc);
    slower.advance_to(from_s(10));
    const EdgeSummary s = edge(slower, "A->B");
    EXPECT_EQ(s.successes, 0u);
    EXPECT_EQ(s.timeouts, s.finished);
    EXPECT_GT(s.timeouts, 150u);
}

TEST(SimRun, HangingCallsAreDecidedByTheTimeout) {
    Service b = service("B", 1, 0, constant_ms(5));
    b.hang_rate = 1.0;
    Scenario sc = a_calls_b(20, b);
    sc.services[0].dependencies[0].timeout_ms = 200;
    cbsim::Run run(sc);
    run.advance_to(from_s(10));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GT(e.timeouts, 150u);
    EXPECT_EQ(e.timeouts, e.failures);
    EXPECT_EQ(e.successes, 0u);
}

/// client -> A -> B at 40 calls/s, evenly spaced, no breaker: B's balancer sees a fixed order.
Scenario evenly_to(const Service& b) {
    Scenario sc = a_calls_b(40, b);
    sc.traffic.arrival = Arrival::constant;
    return sc;
}

/// A->B after 10 simulated seconds of `sc`.
EdgeSummary ab_after_10s(const Scenario& sc) {
    cbsim::Run run(sc);
    run.advance_to(from_s(10));
    return edge(run, "A->B");
}

TEST(SimRun, OnlyTheFaultyInstancesFailAndHang) {
    // Round robin over 4 instances, the first of them faulty: exactly every 4th call fails.
    Service b = service("B", 4, 0, constant_ms(5));
    b.failure_rate = 1.0;
    b.faulty_instances = 1;
    const EdgeSummary e = ab_after_10s(evenly_to(b));
    ASSERT_GT(e.allowed, 350u);
    EXPECT_GE(e.failures * 4, e.finished);
    EXPECT_LE(e.failures * 4, e.finished + 3);

    // Hangs too: with 2 of 4 instances faulty, half the calls hang into the timeout.
    b.failure_rate = 0.0;
    b.hang_rate = 1.0;
    b.faulty_instances = 2;
    Scenario sc = evenly_to(b);
    sc.services[0].dependencies[0].timeout_ms = 100;
    const EdgeSummary h = ab_after_10s(sc);
    EXPECT_GE(h.timeouts * 2, h.finished - 1);
    EXPECT_LE(h.timeouts * 2, h.finished + 2);
    EXPECT_EQ(h.timeouts, h.failures);
}

TEST(SimRun, EveryNthCountsTheFaultyInstancesCallsOnly) {
    // 2 instances, the first faulty, every 2nd of its calls fails: 1 call in 4 overall.
    Service b = service("B", 2, 0, constant_ms(5));
    b.failure_pattern = FailurePattern::every_nth;
    b.every_nth = 2;
    b.faulty_instances = 1;
    const EdgeSummary e = ab_after_10s(evenly_to(b));
    ASSERT_GT(e.finished, 350u);
    EXPECT_GE(e.failures * 4, e.finished - 4);
    EXPECT_LE(e.failures * 4, e.finished + 4);
}

TEST(SimRun, FaultyInstancesChangeLive) {
    // All 4 instances fail; from 5 s on only the first one does.
    Service b = service("B", 4, 0, constant_ms(5));
    b.failure_rate = 1.0;
    cbsim::Run run(evenly_to(b));
    run.advance_to(from_s(5));
    const EdgeSummary before = edge(run, "A->B");
    EXPECT_EQ(before.successes, 0u);
    ASSERT_EQ(run.apply("B.faulty_instances", 1.0), "");
    run.advance_to(from_s(10));
    const EdgeSummary after = edge(run, "A->B");
    const std::uint64_t calls = after.finished - before.finished;
    const std::uint64_t failures = after.failures - before.failures;
    ASSERT_GT(calls, 150u);
    EXPECT_GE(failures * 4, calls - 4);
    EXPECT_LE(failures * 4, calls + 4);
}

TEST(SimRun, ShrinkingTheTimeoutLiveTimesOutNewCallsFirst) {
    // Calls made after timeout_ms drops from 1000 to 100 time out before the earlier ones (the
    // pending timeouts stay sorted by expiry); every attempt times out exactly once.
    Service b = service("B", 1, 0, constant_ms(5));
    b.hang_rate = 1.0;
    Scenario sc = a_calls_b(50, b);
    cbsim::Run run(sc);
    run.advance_to(from_ms(500));
    const std::uint64_t before = edge(run, "A->B").allowed;
    ASSERT_EQ(run.apply("A->B.timeout_ms", 100.0), "");
    run.advance_to(from_ms(950));
    const EdgeSummary mid = edge(run, "A->B");
    EXPECT_GT(mid.timeouts, 5u);  // calls from 0.5 s on, decided at +100 ms
    EXPECT_LT(mid.timeouts, mid.allowed - before + 1);
    ASSERT_EQ(run.apply("traffic.rate_rps", 0.0), "");
    run.advance_to(from_s(3));
    const EdgeSummary end = edge(run, "A->B");
    EXPECT_EQ(end.timeouts, end.allowed);
    EXPECT_EQ(end.finished, end.allowed);
    EXPECT_NEAR(end.latency_p99_ms, 1000.0, 10.0);  // the early calls waited the old timeout
}

TEST(SimRun, RetriesMultiplyAttemptsUpToMaxAttempts) {
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(50, b);
    sc.services[0].dependencies[0].retry.max_attempts = 4;
    sc.services[0].dependencies[0].retry.backoff_base_ms = 10;
    cbsim::Run run(sc);
    run.advance_to(from_s(20));
    const EdgeSummary e = edge(run, "A->B");
    ASSERT_GT(e.finished, 500u);
    EXPECT_NEAR(e.retry_amplification, 4.0, 0.01);
    EXPECT_EQ(e.retries, e.attempts - e.first_tries);
    EXPECT_EQ(e.availability, 0.0);
}

TEST(SimRun, RetryBudgetCapsRetries) {
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(100, b);
    Dependency& d = sc.services[0].dependencies[0];
    d.retry.max_attempts = 5;
    d.retry.backoff_base_ms = 1;
    d.retry.budget_rps = 10;
    d.retry.budget_burst = 5;
    cbsim::Run run(sc);
    run.advance_to(from_s(50));
    const EdgeSummary e = edge(run, "A->B");
    // At most burst + 50 s * 10/s retries.
    EXPECT_LE(e.retries, 5u + 500u);
    EXPECT_GE(e.retries, 450u);
}

TEST(SimRun, BackoffJitterStaysWithinItsBounds) {
    for (Jitter j : {Jitter::none, Jitter::full, Jitter::equal, Jitter::decorrelated}) {
        Service b = service("B", 1, 0, constant_ms(0));
        b.failure_rate = 1.0;
        Scenario sc = a_calls_b(1, b);
        sc.traffic.arrival = Arrival::constant;
        Dependency& d = sc.services[0].dependencies[0];
        d.retry.max_attempts = 2;
        d.retry.backoff_base_ms = 100;
        d.retry.backoff_cap_ms = 1000;
        d.retry.jitter = j;
        sc.services[0].latency = constant_ms(0);
        cbsim::Run run(sc);
        run.advance_to(from_s(101));  // requests at 1 s ... 100 s, all finished
        // Client latency = the one backoff (everything else takes 0 ms).
        const EdgeSummary c = edge(run, "client->A");
        ASSERT_EQ(c.finished, 100u);
        const double lo = j == Jitter::none || j == Jitter::decorrelated ? 100
                          : j == Jitter::equal                           ? 50
                                                                         : 0;
        EXPECT_GE(c.latency_p50_ms, lo * 0.99) << to_string(j);
        EXPECT_LE(c.latency_p99_ms, (j == Jitter::decorrelated ? 300 : 100) * 1.01) << to_string(j);
        if (j == Jitter::none) {
            EXPECT_NEAR(c.latency_mean_ms, 100.0, 0.01);
        }
    }
}

TEST(SimRun, BulkheadLimitsCallsInFlight) {
    Service b = service("B", 1, 0, constant_ms(100));
    Scenario sc = a_calls_b(100, b);
    sc.services[0].dependencies[0].max_in_flight = 3;
    cbsim::Run run(sc);
    run.advance_to(from_s(20));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GT(e.bulkhead_rejected, 1000u);
    for (const EdgeRow& r : run.recorder().edge_rows(1))
        ASSERT_LE(r.inflight, 3u);
    EXPECT_EQ(e.attempts, e.allowed + e.bulkhead_rejected + e.rejected);
}

TEST(SimRun, FallbackTurnsFailuresIntoAnswers) {
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(50, b);
    sc.services[0].dependencies[0].fallback = true;
    cbsim::Run run(sc);
    run.advance_to(from_s(10));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_EQ(e.fallbacks, e.finished);
    EXPECT_EQ(e.availability, 1.0);
    EXPECT_EQ(run.summary().availability, 1.0);
}

TEST(SimRun, FullQueueFailsCallsAtOnce) {
    Service b = service("B", 1, 1, constant_ms(100));
    b.queue_limit = 2;
    Scenario sc = a_calls_b(50, b);
    cbsim::Run run(sc);
    run.advance_to(from_s(10));
    std::uint64_t dropped = 0, served = 0;
    for (const ServiceRow& r : run.recorder().service_rows(1)) {
        dropped += r.dropped;
        served += r.served;
        ASSERT_LE(r.queue, 2u);
        ASSERT_LE(r.utilisation, 1.0f + 1e-6f);
    }
    EXPECT_NEAR(static_cast<double>(served), 100.0, 2.0);  // one at a time, 100 ms each
    EXPECT_GT(dropped, 300u);
    EXPECT_GT(edge(run, "A->B").failures, 300u);
}

TEST(SimRun, AlwaysFailingServiceBehindThreeConsecutiveFailures) {
    // The seeds' demo: the first 3 calls reach it, the 4th onwards are rejected.
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(10, b);
    sc.traffic.arrival = Arrival::constant;
    sc.services[0].dependencies[0].breaker = gobreaker_consecutive(3, 60000);
    cbsim::Run run(sc);
    run.advance_to(from_s(10));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_EQ(e.allowed, 3u);
    EXPECT_EQ(e.rejected, e.attempts - 3);
    EXPECT_EQ(e.opens, 1u);
    const auto events = run.recorder().events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].from, "closed");
    EXPECT_EQ(events[0].to, "open");
    EXPECT_EQ(events[0].reason, "opened: consecutive_failures 3 >= 3");
    EXPECT_EQ(events[0].at, from_ms(300) + from_ms(1) + from_ms(1));
}

TEST(SimRun, RetryStormAmplificationWithoutAndWithBreaker) {
    Service b = service("B", 2, 20, lognormal_ms(20, 80));
    b.failure_rate = 0.95;
    Scenario sc = a_calls_b(200, b, 2);
    Dependency& d = sc.services[0].dependencies[0];
    d.retry.max_attempts = 3;
    d.retry.backoff_base_ms = 20;
    d.retry.jitter = Jitter::full;
    {
        cbsim::Run run(sc);
        run.advance_to(from_s(60));
        EXPECT_GE(edge(run, "A->B").retry_amplification, 2.5);
    }
    d.breaker = gobreaker_consecutive(5, 5000);
    {
        cbsim::Run run(sc);
        run.advance_to(from_s(60));
        const EdgeSummary e = edge(run, "A->B");
        EXPECT_LT(e.retry_amplification, 1.3);
        EXPECT_GT(e.calls_saved, 10000u);
    }
}

TEST(SimRun, EveryThirdFailureNeverTripsRatioBreaker) {
    // The seeds' demo: ratio 1/3 < 0.6 never trips; two instances share the state.
    Service b = service("B", 1, 0, constant_ms(5));
    b.failure_pattern = FailurePattern::every_nth;
    b.every_nth = 3;
    Scenario sc = a_calls_b(20, b, 2);
    GobreakerSettings g;
    g.max_requests = 3;
    g.interval_ms = 5000;
    g.timeout_ms = 10000;
    g.trip = GobreakerSettings::Trip::failure_ratio;
    g.failure_ratio = 0.6;
    g.min_requests = 3;
    BreakerConfig c;
    c.settings = g;
    Dependency& d = sc.services[0].dependencies[0];
    d.breaker = c;
    d.breaker_scope = BreakerScope::shared;
    d.store_sync_ms = 20;
    cbsim::Run run(sc);
    run.advance_to(from_s(120));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_EQ(e.transitions, 0u);
    EXPECT_NEAR(static_cast<double>(e.failures) / static_cast<double>(e.allowed), 1.0 / 3, 0.01);
    EXPECT_EQ(run.recorder().live(1).breakers, 1u);
}

TEST(SimRun, SharedBreakerOpensOnceForAllInstances) {
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(50, b, 3);
    Dependency& d = sc.services[0].dependencies[0];
    d.breaker = gobreaker_consecutive(3, 60000);
    d.breaker_scope = BreakerScope::instance;
    cbsim::Run per_instance(sc);
    per_instance.advance_to(from_s(5));
    EXPECT_EQ(edge(per_instance, "A->B").opens, 3u);
    EXPECT_EQ(edge(per_instance, "A->B").allowed, 9u);
    d.breaker_scope = BreakerScope::shared;
    cbsim::Run shared(sc);
    shared.advance_to(from_s(5));
    EXPECT_EQ(edge(shared, "A->B").opens, 1u);
    EXPECT_EQ(edge(shared, "A->B").allowed, 3u);
    const auto ev = shared.recorder().events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].instance, -1);
}

TEST(SimRun, StoreSyncDelayLetsMoreCallsThroughBeforeOpening) {
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(200, b, 2);
    Dependency& d = sc.services[0].dependencies[0];
    d.breaker = gobreaker_consecutive(3, 60000);
    d.breaker_scope = BreakerScope::shared;
    d.store_sync_ms = 0;
    cbsim::Run fast(sc);
    fast.advance_to(from_s(5));
    d.store_sync_ms = 200;
    cbsim::Run slow(sc);
    slow.advance_to(from_s(5));
    EXPECT_EQ(edge(fast, "A->B").allowed, 3u);
    EXPECT_GT(edge(slow, "A->B").allowed, 20u);  // ~200 ms of calls pass before the store knows
    EXPECT_EQ(edge(slow, "A->B").opens, 1u);
}

TEST(SimRun, DetectionAndRecoveryDelays) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(20));
    ASSERT_EQ(run.apply("B.failure_rate", 1.0), "");
    run.advance_to(from_s(40));
    ASSERT_EQ(run.apply("B.failure_rate", 0.0), "");
    run.advance_to(from_s(60));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_EQ(e.faults, 1u);
    ASSERT_EQ(e.detections, 1u);
    ASSERT_TRUE(e.detection_delay_s.has_value());
    EXPECT_GT(*e.detection_delay_s, 0.0);
    EXPECT_LT(*e.detection_delay_s, 1.0);  // 3 failures at ~25 calls/s per instance
    ASSERT_EQ(e.recoveries, 1u);
    EXPECT_LE(*e.recovery_delay_s, 5.5);  // open 5 s, then a successful probe
    EXPECT_EQ(e.false_trips, 0u);
    EXPECT_GT(e.seconds_in_state[1], 15.0);
    EXPECT_NEAR(e.seconds_in_state[0] + e.seconds_in_state[1] + e.seconds_in_state[2], 60.0, 1e-6);
    const EdgeLive live = run.recorder().live(1);
    EXPECT_TRUE(live.has_breaker);
    EXPECT_EQ(live.state, State::closed);
    EXPECT_GE(live.transitions[0][1], 1u);
    EXPECT_FALSE(live.last_reason.empty());
}

TEST(SimRun, FalseTripIsCountedWhenHealthyServiceOpensBreaker) {
    // B never fails by configuration, but its tail latency exceeds the timeout.
    Service b = service("B", 1, 0, lognormal_ms(20, 400));
    Scenario sc = a_calls_b(100, b);
    sc.services[0].dependencies[0].timeout_ms = 50;
    sc.services[0].dependencies[0].breaker = gobreaker_consecutive(2, 1000);
    cbsim::Run run(sc);
    run.advance_to(from_s(30));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GT(e.opens, 0u);
    EXPECT_EQ(e.false_trips, e.opens);
}

TEST(SimRun, ChainCascadesAndFanOutCallsEveryDependency) {
    Scenario sc;
    sc.traffic.target = "A";
    sc.traffic.rate_rps = 50;
    Service a = service("A", 1, 0, constant_ms(1));
    a.dependencies = {edge_to("B", 500), edge_to("D", 500)};
    Service b = service("B", 1, 0, constant_ms(2));
    b.dependencies = {edge_to("C", 500)};
    Service c = service("C", 1, 0, constant_ms(3));
    Service d = service("D", 1, 0, constant_ms(4));
    sc.services = {a, b, c, d};
    cbsim::Run run(sc);
    run.advance_to(from_s(20));
    const EdgeSummary ab = edge(run, "A->B"), ad = edge(run, "A->D"), bc = edge(run, "B->C");
    EXPECT_EQ(ab.first_tries, ad.first_tries);
    EXPECT_EQ(ab.first_tries, bc.first_tries);
    EXPECT_NEAR(ab.latency_mean_ms, 5.0, 0.01);                            // B's 2 ms + C's 3 ms
    EXPECT_NEAR(edge(run, "client->A").latency_mean_ms, 1.0 + 5.0, 0.01);  // max(5, 4) after A
    // C hangs: B's calls time out, so does A's call to B; D is unaffected.
    ASSERT_EQ(run.apply("C.hang_rate", 1.0), "");
    run.advance_to(from_s(40));
    EXPECT_GT(edge(run, "B->C").timeouts, 500u);
    EXPECT_GT(edge(run, "A->B").failures, 500u);
    EXPECT_EQ(edge(run, "A->D").failures, 0u);
    EXPECT_LT(run.summary().availability, 0.6);
}

TEST(SimRun, LiveChangesApplyAndAreRecorded) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(5) + 123);
    EXPECT_EQ(run.apply("traffic.rate_rps", 200.0), "");
    EXPECT_NE(run.apply("B.failure_rate", 1.5).find("[0, 1]"), std::string::npos);
    EXPECT_EQ(run.apply("A->B.breaker.timeout_ms", 1000.0), "");
    EXPECT_EQ(run.apply("A->B.retry.jitter", std::string("full")), "");
    run.advance_to(from_s(10));
    ASSERT_EQ(run.scenario().timeline.size(), 3u);
    EXPECT_EQ(run.scenario().timeline[0].at, from_s(5) + 123);
    EXPECT_EQ(run.scenario().timeline[0].path, "traffic.rate_rps");
    EXPECT_EQ(run.live().traffic.rate_rps, 200.0);
    EXPECT_EQ(run.scenario().traffic.rate_rps, 50.0);  // initial values stay
    const auto rows = run.recorder().edge_rows(0);
    std::uint64_t after = 0;
    for (std::size_t i = 60; i < rows.size(); ++i)
        after += rows[i].calls;
    EXPECT_NEAR(static_cast<double>(after), 800.0, 3 * std::sqrt(800.0));
    const auto ev = run.recorder().events();
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].edge, "traffic.rate_rps");
    EXPECT_EQ(ev[0].from, "50");
    EXPECT_EQ(ev[0].to, "200");
    EXPECT_EQ(ev[2].to, "full");
}

TEST(SimRun, PhasesStepAndRampTheRate) {
    Scenario sc = default_scenario();
    sc.traffic.arrival = Arrival::constant;
    sc.traffic.rate_rps = 10;
    sc.traffic.phases = {{from_s(10), 100, 0}, {from_s(20), 0, from_s(10)}};
    cbsim::Run run(sc);
    run.advance_to(from_s(40));
    const auto rows = run.recorder().edge_rows(0);
    auto count = [&](int from_s_, int to_s_) {
        std::uint64_t n = 0;
        for (int i = from_s_ * 10; i < to_s_ * 10; ++i)
            n += rows[static_cast<std::size_t>(i)].calls;
        return n;
    };
    EXPECT_NEAR(static_cast<double>(count(0, 10)), 100, 1);
    EXPECT_NEAR(static_cast<double>(count(10, 20)), 1000, 2);
    // Linear ramp 100 -> 0 over 10 s: about 500 calls.
    EXPECT_NEAR(static_cast<double>(count(20, 30)), 500, 30);
    EXPECT_EQ(count(31, 40), 0u);
}

TEST(SimRun, BreakerPresetCanBeSwitchedOffAndOnLive) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(1));
    EXPECT_EQ(run.apply("A->B.breaker.preset", std::string("none")), "");
    EXPECT_EQ(run.apply("B.failure_rate", 1.0), "");
    run.advance_to(from_s(3));
    EXPECT_EQ(run.summary().edges[1].rejected, 0u);
    EXPECT_EQ(run.apply("A->B.breaker.preset", std::string("gobreaker")), "");
    EXPECT_NE(run.apply("A->B.breaker.no_such_key", 1.0), "");
    run.advance_to(from_s(5));
    EXPECT_GT(run.summary().edges[1].rejected, 0u);  // default trip: > 5 consecutive failures
}

TEST(SimRun, SwitchingThePresetLiveBuildsBreakersOfTheNewPreset) {
    Service b = service("B", 1, 0, constant_ms(1));
    Scenario sc = a_calls_b(200, b);
    sc.services[0].dependencies[0].breaker = gobreaker_consecutive(3, 60000);
    cbsim::Run run(sc);
    run.advance_to(from_s(1));
    ASSERT_EQ(run.apply("A->B.breaker.preset", std::string("resilience4j")), "");
    ASSERT_EQ(run.apply("B.failure_rate", 1.0), "");
    run.advance_to(from_s(3));
    // resilience4j defaults: 100 calls in the window before the 50 % rule can trip (gobreaker
    // here would have opened after 3).
    const auto ev = run.recorder().events();
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev.back().to, "open");
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GE(e.failures, 100u);
    EXPECT_EQ(run.recorder().live(1).preset, Preset::resilience4j);
    // The same preset again keeps the breaker (and its open state).
    ASSERT_EQ(run.apply("A->B.breaker.preset", std::string("resilience4j")), "");
    run.advance_to(from_s(4));
    EXPECT_EQ(run.recorder().live(1).state, State::open);
}

TEST(SimRun, Resilience4jTimedTransitionsHappenAtTheirInstantsWithNoCall) {
    // B fails at once and one failure trips (window 1); traffic stops at 150 ms. With the
    // automatic transition (wait 1000 ms) and a half-open max wait of 300 ms the breaker goes
    // half-open at t_open + 1000 and open again 300 ms later, over and over, with no call.
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(10, b);
    sc.traffic.arrival = Arrival::constant;
    BreakerConfig r4j = BreakerConfig::defaults(Preset::resilience4j);
    for (const auto& [key, value] : std::initializer_list<std::pair<const char*, double>>{
             {"sliding_window_size", 1},
             {"minimum_number_of_calls", 1},
             {"wait_duration_in_open_state_ms", 1000},
             {"permitted_number_of_calls_in_half_open_state", 1},
             {"max_wait_duration_in_half_open_state_ms", 300},
             {"automatic_transition_from_open_to_half_open_enabled", 1}})
        ASSERT_EQ(set_param(r4j, key, value), "") << key;
    sc.services[0].dependencies[0].breaker = r4j;
    cbsim::Run run(sc);
    run.advance_to(from_ms(150));
    ASSERT_EQ(run.apply("traffic.rate_rps", 0.0), "");
    run.advance_to(from_s(5));
    EXPECT_EQ(edge(run, "A->B").attempts, 1u);
    std::vector<std::string> seen;
    for (const EventRecord& ev : run.recorder().events())
        if (ev.kind == EventRecord::Kind::transition)
            seen.push_back(std::to_string(ev.at) + " " + ev.reason);
    EXPECT_EQ(seen, (std::vector<std::string>{"102000 opened: failure_rate_percent 100 >= 50",
                                              "1102000 half-open: open_elapsed_ms 1000 >= 1000",
                                              "1402000 opened: half_open_elapsed_ms 300 >= 300",
                                              "2402000 half-open: open_elapsed_ms 1000 >= 1000",
                                              "2702000 opened: half_open_elapsed_ms 300 >= 300",
                                              "3702000 half-open: open_elapsed_ms 1000 >= 1000",
                                              "4002000 opened: half_open_elapsed_ms 300 >= 300"}));
}

TEST(SimRun, GobreakerResultsDoNotDependOnHowOftenTheStateIsRead) {
    // The recorder reads every breaker's state at each bucket end. A gobreaker counting period
    // (interval_ms) that has run out must be ended by the next call, not by that read, or the
    // periods, and so the trips, would follow resolution_ms.
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 0.3;
    Scenario sc = a_calls_b(5, b);
    sc.duration_s = 600;
    BreakerConfig g = gobreaker_consecutive(3, 5000);
    std::get<GobreakerSettings>(g.settings).interval_ms = 1000;
    sc.services[0].dependencies[0].breaker = g;
    std::vector<std::string> seen;
    std::vector<std::uint64_t> opens;
    for (std::int64_t resolution : {10, 100, 1000}) {
        sc.resolution_ms = resolution;
        cbsim::Run run(sc);
        run.advance_to(sc.duration());
        const EdgeSummary e = edge(run, "A->B");
        std::string line = std::to_string(e.attempts) + " allowed " + std::to_string(e.allowed) +
                           " rejected " + std::to_string(e.rejected) + " failures " +
                           std::to_string(e.failures) + " opens " + std::to_string(e.opens);
        seen.push_back(line);
        opens.push_back(e.opens);
    }
    EXPECT_GT(opens.front(), 10u) << seen.front();  // the breaker did trip, many times
    EXPECT_EQ(seen[1], seen[0]);
    EXPECT_EQ(seen[2], seen[0]);
}

TEST(SimRun, RowStateIsTheCallerStateOfHighestSeverityForcedModesIncluded) {
    Service b = service("B", 1, 0, constant_ms(1));
    Scenario sc = a_calls_b(100, b);
    sc.services[0].dependencies[0].breaker = gobreaker_consecutive(3, 60000);
    cbsim::Run run(sc);
    ASSERT_EQ(run.apply("A->B.breaker.preset", std::string("resilience4j")), "");
    const std::size_t ab = run.recorder().edge_index("A->B");
    const auto last_state = [&] { return run.recorder().edge_rows(ab).back().state; };
    const auto last_export_state = [&] {
        const std::string csv = timeseries_csv(run);
        const auto at = csv.rfind(",A->B,");
        return csv.substr(at + 6, csv.find(',', at + 6) - at - 6);
    };
    for (const char* mode : {"disabled", "metrics_only", "forced_open"}) {
        ASSERT_EQ(run.apply("A->B.breaker.mode", std::string(mode)), "") << mode;
        run.advance_to(run.now() + from_s(1));
        EXPECT_STREQ(to_string(last_state()), mode);
        EXPECT_EQ(last_export_state(), mode);
        EXPECT_EQ(run.recorder().edge_rows(ab).back().value(EdgeColumn::state),
                  state_severity(last_state()));
    }
    ASSERT_EQ(run.apply("A->B.breaker.mode", std::string("normal")), "");
    run.advance_to(run.now() + from_s(1));
    EXPECT_EQ(last_state(), State::closed);
}

TEST(SimRun, InstancesAndCapacityChangeLive) {
    Service b = service("B", 1, 1, constant_ms(50));
    Scenario sc = a_calls_b(40, b);
    cbsim::Run run(sc);
    run.advance_to(from_s(10));
    std::uint32_t queued_before = run.recorder().service_rows(1).back().queue;
    EXPECT_GT(queued_before, 50u);  // 40/s offered, 20/s served
    EXPECT_EQ(run.apply("B.instances", 2.0), "");
    EXPECT_EQ(run.apply("B.capacity", 4.0), "");
    run.advance_to(from_s(20));
    EXPECT_EQ(run.recorder().service_rows(1).back().queue, 0u);
}

TEST(SimRun, RecorderIsReadableWhileTheRunAdvancesOnAnotherThread) {
    Scenario sc = default_scenario();
    sc.services[1].failure_rate = 0.5;
    cbsim::Run run(sc);
    const Recorder& rec = run.recorder();
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> reads{0};
    std::thread gui([&] {
        while (!done.load()) {
            const SimTime until = rec.recorded_until();
            const auto cols = rec.edge_columns(1, EdgeColumn::rejected, 0, until + 1, 200);
            const auto live = rec.live(1);
            const auto events = rec.events(0, 50);
            EXPECT_EQ(cols.size(), 200u);
            (void)live;
            (void)events;
            ++reads;
        }
    });
    for (int i = 1; i <= 600; ++i)
        run.advance_to(from_ms(100) * i);
    while (reads.load() < 3)
        std::this_thread::yield();  // the reader saw the finished run too
    done = true;
    gui.join();
    EXPECT_EQ(rec.row_count(), 600u);
    EXPECT_GT(rec.event_count(), 0u);
}

// An opossum breaker: its reset timer as an event with no call, its call timeout as the
// attempt's timeout, its capacity refusals as bulkhead rejections.

BreakerConfig opossum(std::initializer_list<std::pair<const char*, double>> params) {
    BreakerConfig c = BreakerConfig::defaults(Preset::opossum);
    for (const auto& [key, value] : params)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

TEST(SimRunOpossum, ResetTimerHalfOpensWithNoCall) {
    // Arrivals every 100 ms; B fails at once: the first call (at 100 + 1 + 1 ms) trips 1/1.
    // Traffic stops at 150 ms: the half-open transition comes from the timer alone, at
    // exactly t_open + reset_timeout_ms.
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(10, b);
    sc.traffic.arrival = Arrival::constant;
    sc.services[0].dependencies[0].breaker =
        opossum({{"reset_timeout_ms", 1000}, {"timeout_ms", 0}});
    cbsim::Run run(sc);
    run.advance_to(from_ms(150));
    ASSERT_EQ(run.apply("traffic.rate_rps", 0.0), "");
    auto transitions_of = [](const cbsim::Run& r) {
        std::vector<EventRecord> out;
        for (const EventRecord& ev : r.recorder().events())
            if (ev.kind == EventRecord::Kind::transition) out.push_back(ev);
        return out;
    };
    run.advance_to(from_ms(1102));  // runs the events before 1102: the timer has not fired
    EXPECT_EQ(transitions_of(run).size(), 1u);
    run.advance_to(from_s(5));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_EQ(e.attempts, 1u);
    const std::vector<EventRecord> transitions = transitions_of(run);
    ASSERT_EQ(transitions.size(), 2u);
    EXPECT_EQ(transitions[0].at, from_ms(102));
    EXPECT_EQ(transitions[0].reason, "opened: error_percentage 100 > 50");
    EXPECT_EQ(transitions[1].at, from_ms(1102));
    EXPECT_EQ(transitions[1].from, "open");
    EXPECT_EQ(transitions[1].to, "half_open");
    EXPECT_EQ(transitions[1].reason, "half-open: open_elapsed_ms 1000 >= 1000");
    EXPECT_EQ(e.seconds_in_state[static_cast<std::size_t>(State::open)], 1.0);
}

TEST(SimRunOpossum, CallTimeoutIsTheAttemptsTimeoutItsInstantIncluded) {
    // B takes exactly opossum's timeout (the edge's own is far longer): every attempt times
    // out at that instant; a microsecond less and every one succeeds.
    auto run_with = [](double latency_ms) {
        Service b = service("B", 1, 0, constant_ms(latency_ms));
        Scenario sc = a_calls_b(20, b);
        sc.services[0].dependencies[0].timeout_ms = 1000;
        sc.services[0].dependencies[0].breaker =
            opossum({{"timeout_ms", 50}, {"error_threshold_percentage", 100}});
        cbsim::Run run(sc);
        run.advance_to(from_s(10));
        return edge(run, "A->B");
    };
    const EdgeSummary at = run_with(50);
    EXPECT_GT(at.timeouts, 150u);
    EXPECT_EQ(at.successes, 0u);
    EXPECT_NEAR(at.latency_p50_ms, 50.0, 0.5);
    const EdgeSummary under = run_with(49.999);
    EXPECT_EQ(under.timeouts, 0u);
    EXPECT_GT(under.successes, 150u);
}

TEST(SimRunOpossum, CapacityRefusalsAreBulkheadRejections) {
    // One slot, calls of 250 ms every 100 ms: between two admitted calls the others are
    // refused by the semaphore; threshold 100 never trips on rate.
    Service b = service("B", 1, 0, constant_ms(250));
    Scenario sc = a_calls_b(10, b);
    sc.traffic.arrival = Arrival::constant;
    sc.services[0].dependencies[0].breaker =
        opossum({{"capacity", 1}, {"error_threshold_percentage", 100}});
    cbsim::Run run(sc);
    run.advance_to(from_s(3));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GT(e.bulkhead_rejected, 0u);
    EXPECT_EQ(e.rejected, 0u);
    EXPECT_EQ(e.attempts, e.allowed + e.bulkhead_rejected);
    EXPECT_GE(e.bulkhead_rejected, 2 * e.allowed - 2);
}

// Held attempts: a breaker that answers wait (cockatiel). Attempts arriving while a slow
// half-open trial runs are held, neither sent nor rejected: when the trial succeeds they run
// (their latency includes the wait), when it fails they are rejected, and an attempt whose
// timeout fires while held is refused.

/// client -> A -> B at 50 calls/s, evenly spaced; A->B behind cockatiel ConsecutiveBreaker(1)
/// with a 100 ms half-open delay; B fails every call in 1 ms until the test changes it.
Scenario failing_b() {
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_rate = 1.0;
    Scenario sc = a_calls_b(50, b);
    sc.traffic.arrival = Arrival::constant;
    Dependency& d = sc.services[0].dependencies[0];
    d.timeout_ms = 5000;
    BreakerConfig c = BreakerConfig::defaults(Preset::cockatiel);
    EXPECT_EQ(set_param(c, "consecutive.threshold", 1), "");
    EXPECT_EQ(set_param(c, "half_open_after_ms", 100), "");
    d.breaker = c;
    return sc;
}

std::uint64_t served_by_b(const cbsim::Run& run) {
    std::uint64_t served = 0;
    for (const ServiceRow& r : run.recorder().service_rows(1))
        served += r.served;
    return served;
}

TEST(SimWait, HeldAttemptsRunWhenTheSlowTrialSucceeds) {
    cbsim::Run run(failing_b());
    run.advance_to(from_ms(500));
    const EdgeSummary before = edge(run, "A->B");
    EXPECT_EQ(before.waited, 0u) << "1 ms trials fail before anyone arrives";
    EXPECT_GT(before.rejected, 10u);
    // B recovers but answers in 400 ms: the next trial holds the calls behind it.
    ASSERT_EQ(run.apply("B.failure_rate", 0.0), "");
    ASSERT_EQ(run.apply("B.latency_constant_ms", 400.0), "");
    run.advance_to(from_s(3));
    const EdgeSummary e = edge(run, "A->B");
    // About 400 ms / 20 ms = 20 calls arrive during the trial and wait for it.
    EXPECT_GE(e.waited, 15u);
    EXPECT_LE(e.waited, 21u);
    EXPECT_EQ(e.rejected, before.rejected) << "held calls run once the trial closes";
    EXPECT_EQ(e.attempts, e.allowed + e.rejected + e.bulkhead_rejected);
    // The first held call waited almost the whole trial, then took 400 ms itself.
    EXPECT_GT(e.latency_p99_ms, 700.0);
    EXPECT_LT(e.latency_p99_ms, 820.0);
    EXPECT_EQ(e.timeouts, 0u);
}

TEST(SimWait, HeldAttemptsAreRejectedWhenTheSlowTrialFails) {
    cbsim::Run run(failing_b());
    run.advance_to(from_ms(500));
    ASSERT_EQ(run.apply("B.latency_constant_ms", 400.0), "");  // still failing, now slowly
    run.advance_to(from_s(3));
    const EdgeSummary e = edge(run, "A->B");
    EXPECT_GE(e.waited, 50u) << "every trial holds the calls behind it";
    EXPECT_EQ(e.successes, 0u);
    EXPECT_EQ(e.attempts, e.allowed + e.rejected + e.bulkhead_rejected);
    // Held calls never reach B: B served only the admitted attempts.
    EXPECT_LE(served_by_b(run), e.allowed);
    EXPECT_GE(e.rejected, e.waited) << "each held call is rejected at the reopen";
}

TEST(SimWait, AHeldAttemptWhoseTimeoutFiresIsRefused) {
    cbsim::Run run(failing_b());
    run.advance_to(from_ms(500));
    ASSERT_EQ(run.apply("B.failure_rate", 0.0), "");
    ASSERT_EQ(run.apply("B.hang_rate", 1.0), "");  // the next trial hangs for its 5 s timeout
    run.advance_to(from_ms(700));                  // the trial is running, calls are held
    const EdgeSummary at700 = edge(run, "A->B");
    EXPECT_GT(at700.waited, 3u);
    ASSERT_EQ(run.apply("A->B.timeout_ms", 100.0), "");  // later calls give up after 100 ms
    run.advance_to(from_ms(1500));
    const EdgeSummary e = edge(run, "A->B");
    // Calls from 700 to 1400 ms (35) are held, then refused when their 100 ms run out.
    EXPECT_GE(e.rejected - at700.rejected, 34u);
    EXPECT_LE(e.rejected - at700.rejected, 36u);
    EXPECT_EQ(e.allowed, at700.allowed) << "none was sent while the trial hangs";
    EXPECT_EQ(e.timeouts, 0u) << "a refused held attempt is not a timeout of the target";
    EXPECT_EQ(e.attempts, e.allowed + e.rejected + e.bulkhead_rejected);
    // Those held before the change keep their 5 s timeout: still held, not yet counted.
    EXPECT_GT(e.waited, e.rejected - at700.rejected + 3);
}

}  // namespace
}  // namespace cbsim
