// Fidelity: the engine against queueing theory and probability (long runs, 3-sigma bounds).
#include <gtest/gtest.h>

#include <cmath>

#include "cbsim/run.hpp"
#include "sim_test_util.hpp"

namespace cbsim {
namespace {

using namespace cbsim::test;

/// One service fed by Poisson arrivals: the client->A edge sees the sojourn times.
Scenario single_queue(double lambda, std::int64_t servers, double mean_service_ms) {
    Scenario sc;
    sc.name = "queue";
    sc.seed = 3;
    sc.traffic.target = "A";
    sc.traffic.rate_rps = lambda;
    sc.services = {service("A", 1, servers, exponential_ms(mean_service_ms))};
    return sc;
}

/// Erlang C: probability that an arrival waits in an M/M/c queue.
double erlang_c(int c, double a /* offered load lambda/mu */) {
    double sum = 0, term = 1;
    for (int k = 0; k < c; ++k) {
        if (k > 0) term *= a / k;
        sum += term;
    }
    const double last = term * a / c;  // a^c / c!
    const double rho = a / c;
    const double top = last / (1 - rho);
    return top / (sum + top);
}

TEST(SimFidelity, MM1MeanSojournMatchesTheory) {
    const double lambda = 50, mean_ms = 10;  // mu = 100/s, rho = 0.5
    cbsim::Run run(single_queue(lambda, 1, mean_ms));
    run.advance_to(from_s(4000));
    const EdgeSummary e = run.summary().edges[0];
    const double w_ms = 1000.0 / (100.0 - lambda);  // 1 / (mu - lambda) = 20 ms
    EXPECT_NEAR(e.latency_mean_ms, w_ms, 0.05 * w_ms);
    // Sojourn time of M/M/1 is exponential: median W ln 2, p99 W ln 100.
    EXPECT_NEAR(e.latency_p50_ms, w_ms * std::log(2.0), 0.05 * w_ms * std::log(2.0));
    EXPECT_NEAR(e.latency_p99_ms, w_ms * std::log(100.0), 0.08 * w_ms * std::log(100.0));
    EXPECT_EQ(e.failures, 0u);
}

TEST(SimFidelity, MMcMeanSojournMatchesErlangC) {
    const int c = 3;
    const double lambda = 250, mean_ms = 10, mu = 100;  // rho = 0.833
    cbsim::Run run(single_queue(lambda, c, mean_ms));
    run.advance_to(from_s(3000));
    const EdgeSummary e = run.summary().edges[0];
    const double a = lambda / mu;
    const double wq_s = erlang_c(c, a) / (c * mu - lambda);
    const double w_ms = 1000.0 * (wq_s + 1.0 / mu);
    EXPECT_NEAR(e.latency_mean_ms, w_ms, 0.05 * w_ms) << "theory " << w_ms;
}

TEST(SimFidelity, LittlesLawHoldsForBusyWorkers) {
    // Mean busy workers (time-weighted) = arrival rate * mean service time.
    const double lambda = 80, mean_ms = 20;  // 1.6 busy on average, 4 workers
    cbsim::Run run(single_queue(lambda, 4, mean_ms));
    run.advance_to(from_s(2000));
    const auto rows = run.recorder().service_rows(0);
    ASSERT_EQ(rows.size(), 20000u);
    double busy = 0, in_system = 0;
    for (const ServiceRow& r : rows) {
        busy += static_cast<double>(r.busy);
        in_system += static_cast<double>(r.busy) + r.queue;
    }
    busy /= static_cast<double>(rows.size());
    EXPECT_NEAR(busy, lambda * mean_ms / 1000.0, 0.03 * 1.6);
    // L = lambda * W for the whole system, W from the measured sojourn times.
    const double w_s = run.summary().edges[0].latency_mean_ms / 1000.0;
    EXPECT_NEAR(in_system / static_cast<double>(rows.size()), lambda * w_s, 0.05 * lambda * w_s);
}

TEST(SimFidelity, BernoulliFailureRateWithinThreeSigma) {
    Service b = service("B", 1, 0, constant_ms(2));
    b.failure_rate = 0.3;
    Scenario sc = a_calls_b(200, b);
    cbsim::Run run(sc);
    run.advance_to(from_s(500));
    const EdgeSummary e = run.summary().edges[1];
    const double n = static_cast<double>(e.successes + e.failures);
    ASSERT_GT(n, 90000);
    const double sigma = std::sqrt(0.3 * 0.7 / n);
    EXPECT_NEAR(static_cast<double>(e.failures) / n, 0.3, 3 * sigma);
}

TEST(SimFidelity, PoissonArrivalCountWithinThreeSigma) {
    cbsim::Run run(single_queue(100, 0, 1));
    run.advance_to(from_s(1000));
    const double n = static_cast<double>(run.requests());
    EXPECT_NEAR(n, 100000.0, 3 * std::sqrt(100000.0));
}

TEST(SimFidelity, ConstantArrivalsAreEvenlySpaced) {
    Scenario sc = single_queue(10, 0, 1);
    sc.traffic.arrival = Arrival::constant;
    cbsim::Run run(sc);
    run.advance_to(from_s(10) + 1);
    EXPECT_EQ(run.requests(), 100u);
    // Arrivals at 0.1 s, 0.2 s, ...: one per 100 ms bucket after the first.
    const auto rows = run.recorder().edge_rows(0);
    ASSERT_EQ(rows.size(), 100u);
    EXPECT_EQ(rows[0].calls, 0u);
    for (std::size_t i = 1; i < rows.size(); ++i)
        EXPECT_EQ(rows[i].calls, 1u) << i;
}

TEST(SimFidelity, EveryNthFailsExactlyEveryNthCall) {
    Service b = service("B", 1, 0, constant_ms(1));
    b.failure_pattern = FailurePattern::every_nth;
    b.every_nth = 3;
    cbsim::Run run(a_calls_b(100, b));
    run.advance_to(from_s(60));
    const EdgeSummary e = run.summary().edges[1];
    EXPECT_EQ(e.failures, e.allowed / 3);
}

}  // namespace
}  // namespace cbsim
