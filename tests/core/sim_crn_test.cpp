// Common random numbers: each call's draws are a function of the seed and the call's identity
// (request, edge, attempt), so runs that differ only in protection settings see the same draws
// for the same calls; the paired difference of two such runs varies far less than that of
// independent runs; good_rejected judges a rejected attempt by the draws it would have made.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "cbsim/rng.hpp"
#include "cbsim/run.hpp"
#include "sim/engine.hpp"
#include "sim_test_util.hpp"

namespace cbsim {

struct RunTestAccess {
    static Run::Impl& impl(Run& run) { return *run.impl_; }
};

namespace {

using namespace cbsim::test;

/// Every call started at one service, by key.
struct Recorded final : sim::WorkProbe {
    std::uint32_t service = 0;
    std::map<std::uint64_t, sim::Work> work;
    void started(std::uint32_t s, std::uint64_t key, const sim::Work& w) override {
        if (s != service) return;
        EXPECT_TRUE(work.emplace(key, w).second) << "a key started twice";
    }
};

std::map<std::uint64_t, sim::Work> work_at(const Scenario& sc, std::uint32_t service,
                                           SimTime until) {
    cbsim::Run run(sc);
    Recorded rec;
    rec.service = service;
    RunTestAccess::impl(run).probe = &rec;
    run.advance_to(until);
    return rec.work;
}

/// client -> A -> B, B failing 30 % of its calls with a lognormal service time; A's breaker
/// on B opens after `failures` consecutive failures for 1 s.
Scenario flaky_b(std::int64_t failures) {
    Service b = service("B", 1, 0, lognormal_ms(10, 40));
    b.failure_rate = 0.3;
    b.hang_rate = 0.02;
    Scenario sc = a_calls_b(200, b);
    sc.services[0].dependencies[0].timeout_ms = 100;
    sc.services[0].dependencies[0].breaker = gobreaker_consecutive(failures, 1000);
    return sc;
}

TEST(SimCrn, CallsBothVariantsMakeSeeTheSameDraws) {
    // X has a breaker that opens at 3 failures in a row, Y none: X rejects calls Y makes.
    // Every call at B that X made, Y made too (no retries, so the breaker only removes calls),
    // with the same draws; and A sees the same requests, with the same draws, in both.
    const SimTime until = from_s(30);
    Scenario no_breaker = flaky_b(3);
    no_breaker.services[0].dependencies[0].breaker.reset();
    const auto x = work_at(flaky_b(3), 1, until), y = work_at(no_breaker, 1, until);
    ASSERT_GT(x.size(), 500u);
    EXPECT_GT(y.size(), x.size() + 300) << "X rejects calls that Y lets through";
    std::size_t both = 0;
    for (const auto& [key, w] : x) {
        const auto it = y.find(key);
        ASSERT_NE(it, y.end()) << "a call X made that Y did not";
        EXPECT_EQ(w.fail, it->second.fail);
        EXPECT_EQ(w.hang, it->second.hang);
        EXPECT_EQ(w.ms, it->second.ms);
        ++both;
    }
    EXPECT_EQ(both, x.size());
    const auto ax = work_at(flaky_b(3), 0, until), ay = work_at(no_breaker, 0, until);
    EXPECT_EQ(ax.size(), ay.size());
    EXPECT_TRUE(std::equal(ax.begin(), ax.end(), ay.begin(), [](const auto& p, const auto& q) {
        return p.first == q.first && p.second.ms == q.second.ms;
    }));
}

TEST(SimCrn, RetriesAreKeyedByAttemptNotByOrder) {
    // With retries and jitter, X (breaker at 3) and Y (no breaker) still agree on every
    // attempt both made, the retries included: an attempt's key is (request, edge, attempt).
    Scenario x = flaky_b(3), y = flaky_b(3);
    for (Scenario* sc : {&x, &y}) {
        sc->services[0].dependencies[0].retry.max_attempts = 3;
        sc->services[0].dependencies[0].retry.backoff_base_ms = 5;
        sc->services[0].dependencies[0].retry.jitter = Jitter::full;
    }
    y.services[0].dependencies[0].breaker.reset();
    const auto wx = work_at(x, 1, from_s(30)), wy = work_at(y, 1, from_s(30));
    std::size_t both = 0;
    for (const auto& [key, w] : wx) {
        const auto it = wy.find(key);
        if (it == wy.end()) continue;  // Y's call ended earlier (a retry X's rejection caused)
        EXPECT_EQ(w.fail, it->second.fail);
        EXPECT_EQ(w.ms, it->second.ms);
        ++both;
    }
    EXPECT_GT(both, wx.size() * 9 / 10) << both << " of " << wx.size();
}

double entry_availability(Scenario sc, std::uint64_t seed) {
    sc.seed = seed;
    cbsim::Run run(sc);
    run.advance_to(from_s(60));
    return run.summary().availability;
}

double variance(const std::vector<double>& v) {
    double mean = 0.0;
    for (double d : v)
        mean += d;
    mean /= static_cast<double>(v.size());
    double ss = 0.0;
    for (double d : v)
        ss += (d - mean) * (d - mean);
    return ss / static_cast<double>(v.size() - 1);
}

TEST(SimCrn, CommonRandomNumbersShrinkTheVarianceOfAPairedDifference) {
    // The default scenario (A, 2 instances, calls B behind a gobreaker breaker per instance,
    // 50 requests/s) for 60 s, B failing 5 % of its calls at random and every call from 20 s
    // to 30 s (an outage). X opens after 5 consecutive failures, Y after 6. Over seeds 1..20:
    // the difference of the entry availabilities X - Y, with Y at the same seed (common random
    // numbers) and at seed + 1000 (independent runs).
    Scenario x = default_scenario();
    x.duration_s = 60;
    x.services[1].failure_rate = 0.05;
    x.timeline = {{from_s(20), "B.failure_rate", 1.0}, {from_s(30), "B.failure_rate", 0.05}};
    auto& gx = std::get<GobreakerSettings>(x.services[0].dependencies[0].breaker->settings);
    gx.consecutive_failures = 5;
    Scenario y = x;
    std::get<GobreakerSettings>(y.services[0].dependencies[0].breaker->settings)
        .consecutive_failures = 6;
    std::vector<double> common, independent;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const double ax = entry_availability(x, seed);
        common.push_back(ax - entry_availability(y, seed));
        independent.push_back(ax - entry_availability(y, seed + 1000));
    }
    EXPECT_GT(variance(common), 0.0) << "the two configurations do give different runs";
    const double ratio = variance(independent) / variance(common);
    RecordProperty("variance_ratio", std::to_string(ratio));
    std::printf("variance of X - Y: common %.3g, independent %.3g, ratio %.1f\n", variance(common),
                variance(independent), ratio);
    EXPECT_GE(ratio, 10.0);
}

/// The A->B edge's summary after running `sc` up to `until`.
EdgeSummary a_to_b(const Scenario& sc, SimTime until) {
    cbsim::Run run(sc);
    run.advance_to(until);
    return run.summary().edges[1];
}

double good_share(const EdgeSummary& e) {
    return static_cast<double>(e.good_rejected) / static_cast<double>(e.rejected);
}

TEST(SimCrn, GoodRejectedCountsRejectedAttemptsWhoseDrawsSucceed) {
    // B fails 30 % and hangs 2 % of its calls: of the attempts the breaker rejects, about
    // 0.7 * 0.98 = 69 % (less the few slower than the 100 ms timeout) would have succeeded.
    const EdgeSummary ab = a_to_b(flaky_b(3), from_s(60));
    ASSERT_GT(ab.rejected, 2000u);
    EXPECT_GT(good_share(ab), 0.64);
    EXPECT_LT(good_share(ab), 0.72);
    // A B that always fails: no rejection would have succeeded.
    Scenario dead = flaky_b(3);
    dead.services[1].failure_rate = 1.0;
    const EdgeSummary dead_ab = a_to_b(dead, from_s(10));
    EXPECT_GT(dead_ab.rejected, 1000u);
    EXPECT_EQ(dead_ab.good_rejected, 0u);
}

TEST(SimCrn, GoodRejectedFollowsTheTargetsOwnDependencies) {
    // client -> A -> B -> C: B never fails itself, C fails half its calls (no retries, no
    // fallback), so B fails half of its calls through C. A rejected attempt on A->B would
    // have succeeded only if C's draw for it succeeds: about half, not all.
    Scenario sc = a_calls_b(200, service("B", 1, 0, constant_ms(2)));
    sc.services[0].dependencies[0].breaker = gobreaker_consecutive(2, 1000);
    sc.services[1].dependencies.push_back(edge_to("C"));
    Service c = service("C", 1, 0, constant_ms(3));
    c.failure_rate = 0.5;
    sc.services.push_back(c);
    const EdgeSummary through_c = a_to_b(sc, from_s(60));
    ASSERT_GT(through_c.rejected, 2000u);
    EXPECT_GT(good_share(through_c), 0.45);
    EXPECT_LT(good_share(through_c), 0.55);
    // A fallback on B -> C hides C's failures: with no failures of its own, B would answer
    // every call (the breaker never opens: no rejection at all); with B failing 50 % itself,
    // half the rejections would have succeeded, from B's draws alone.
    sc.services[1].dependencies[0].fallback = true;
    EXPECT_EQ(a_to_b(sc, from_s(60)).rejected, 0u);
    sc.services[1].failure_rate = 0.5;
    const EdgeSummary own = a_to_b(sc, from_s(60));
    ASSERT_GT(own.rejected, 2000u);
    EXPECT_GT(good_share(own), 0.45);
    EXPECT_LT(good_share(own), 0.55);
}

}  // namespace
}  // namespace cbsim
