// sim_opossum_test.cpp: the simulator driving an opossum breaker: the reset timer's
// transition with no call, the preset's call timeout as the attempt's timeout (its instant
// included), and capacity refusals counted as bulkhead rejections.
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

BreakerConfig opossum(std::initializer_list<std::pair<const char*, double>> params) {
    BreakerConfig c = BreakerConfig::defaults(Preset::opossum);
    for (const auto& [key, value] : params)
        EXPECT_EQ(set_param(c, key, value), "") << key;
    return c;
}

TEST(SimOpossum, ResetTimerHalfOpensWithNoCall) {
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

TEST(SimOpossum, CallTimeoutIsTheAttemptsTimeoutItsInstantIncluded) {
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

TEST(SimOpossum, CapacityRefusalsAreBulkheadRejections) {
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

}  // namespace
}  // namespace cbsim
