// sim_wait_test.cpp: the simulator with a breaker that answers wait (cockatiel). Attempts
// arriving while a slow half-open trial runs are held, not sent and not rejected: when the
// trial succeeds they run (their latency includes the wait), when it fails they are rejected,
// and an attempt whose timeout fires while held is refused.
#include <gtest/gtest.h>

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
