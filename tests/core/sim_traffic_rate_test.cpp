// sim_traffic_rate_test.cpp: client arrivals at every rate the scenario allows, from the
// smallest positive double to 1e6 per second, set as rate_rps, by a traffic phase (step and
// ramp) and by a timeline change: the number of requests matches the rate (exactly for
// constant arrivals, within Poisson bounds for Poisson arrivals), and tiny rates give none
// instead of one request per microsecond.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "cbsim/run.hpp"
#include "sim_test_util.hpp"

namespace cbsim {
namespace {

using namespace cbsim::test;

/// One leaf service answering in 1 ms: the cheapest scenario that counts arrivals.
Scenario leaf_scenario(double rate, Arrival arrival) {
    Scenario sc;
    sc.name = "rates";
    sc.seed = 7;
    sc.traffic.target = "A";
    sc.traffic.rate_rps = rate;
    sc.traffic.arrival = arrival;
    sc.services.push_back(service("A", 1, 0, constant_ms(1)));
    return sc;
}

/// Rates from the smallest positive double to 1e6: every power of ten, the subnormal and
/// normal minima, and the values around the largest gap a SimTime can hold.
std::vector<double> rates() {
    std::vector<double> out = {std::numeric_limits<double>::denorm_min(),
                               std::numeric_limits<double>::min(), 1e-20, 1e-13, 2e-13, 3e-13,
                               1.0 / 3.0};
    for (int k = -300; k <= 6; k += 3)
        out.push_back(std::pow(10.0, k));
    return out;
}

/// A run length with at most 2e5 expected requests: 100 s, shorter at high rates.
double duration_for(double rate) {
    return std::min(100.0, 2e5 / rate);
}

std::uint64_t requests_of(Scenario sc, double duration_s) {
    Run run(std::move(sc));
    run.advance_to(static_cast<SimTime>(duration_s * 1e6));
    return run.requests();
}

void expect_count(double rate, Arrival arrival, std::uint64_t got, double duration_s,
                  const std::string& how) {
    const double mean = rate * duration_s;
    SCOPED_TRACE(how + " rate " + std::to_string(rate) + " over " + std::to_string(duration_s) +
                 " s");
    if (arrival == Arrival::constant) {
        // The first at 1/rate, then every 1/rate: rate * T of them, give or take the last.
        EXPECT_NEAR(static_cast<double>(got), mean, 1.0);
    } else {
        // Poisson: within 6 standard deviations (plus one for the smallest means).
        EXPECT_LE(std::fabs(static_cast<double>(got) - mean), 6.0 * std::sqrt(mean) + 1.0);
    }
}

TEST(SimTrafficRates, RateRpsAtEveryAllowedRate) {
    for (const Arrival arrival : {Arrival::constant, Arrival::poisson}) {
        for (const double rate : rates()) {
            const double d = duration_for(rate);
            expect_count(rate, arrival, requests_of(leaf_scenario(rate, arrival), d), d,
                         arrival == Arrival::constant ? "constant" : "poisson");
        }
    }
}

TEST(SimTrafficRates, TinyRatesGiveNoRequests) {
    // The cases that used to give 4,999,999 requests (constant at 1e-13 over 5 s), about two
    // million (Poisson at 1e-20) or never end (1e-300).
    for (const double rate : {1e-13, 1e-20, 1e-300, std::numeric_limits<double>::denorm_min()}) {
        EXPECT_EQ(requests_of(leaf_scenario(rate, Arrival::constant), 5.0), 0u) << rate;
        EXPECT_EQ(requests_of(leaf_scenario(rate, Arrival::poisson), 5.0), 0u) << rate;
    }
}

TEST(SimTrafficRates, PhasesAndRampsAtEveryAllowedRate) {
    for (const Arrival arrival : {Arrival::constant, Arrival::poisson}) {
        for (const double rate : rates()) {
            const double d = duration_for(rate);
            // A step to the rate at 0.5 s, after a start at 0: the rate holds for d - 0.5 s.
            Scenario step = leaf_scenario(0.0, arrival);
            step.traffic.phases = {TrafficPhase{from_ms(500), rate, 0}};
            const std::uint64_t got = requests_of(step, d + 0.5);
            expect_count(rate, arrival, got, d, "phase step");

            // A 1 s ramp from the rate down to 0 (at 1 s): about 1.5 s worth of the rate.
            if (rate > 1e4) continue;
            Scenario ramp = leaf_scenario(rate, arrival);
            ramp.traffic.phases = {TrafficPhase{from_s(1), 0.0, from_s(1)}};
            const std::uint64_t ramped = requests_of(ramp, 4.0);
            EXPECT_LE(static_cast<double>(ramped), 2.0 * rate + 6.0 * std::sqrt(2.0 * rate) + 2.0)
                << "ramp from " << rate;
        }
    }
}

TEST(SimTrafficRates, TimelineChangeAtEveryAllowedRate) {
    for (const Arrival arrival : {Arrival::constant, Arrival::poisson}) {
        for (const double rate : rates()) {
            const double d = duration_for(rate);
            Scenario sc = leaf_scenario(0.0, arrival);
            sc.timeline = {TimelineEntry{from_ms(500), "traffic.rate_rps", rate}};
            expect_count(rate, arrival, requests_of(sc, d + 0.5), d, "timeline");
        }
    }
}

}  // namespace
}  // namespace cbsim
