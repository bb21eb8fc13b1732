// Rng streams: reproducible, independent per (seed, stream), distributions with the right
// moments.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "cbsim/rng.hpp"

namespace cbsim {
namespace {

std::vector<std::uint64_t> draws(std::uint64_t seed, std::uint64_t stream, int n) {
    Rng r(seed, stream);
    std::vector<std::uint64_t> out;
    for (int i = 0; i < n; ++i)
        out.push_back(r.next());
    return out;
}

TEST(SimRng, SameSeedAndStreamGiveSameDraws) {
    EXPECT_EQ(draws(42, stream_id("service:B"), 100), draws(42, stream_id("service:B"), 100));
}

TEST(SimRng, OtherSeedOrStreamGivesOtherDraws) {
    const auto base = draws(42, stream_id("service:B"), 100);
    EXPECT_NE(base, draws(43, stream_id("service:B"), 100));
    EXPECT_NE(base, draws(42, stream_id("service:C"), 100));
    EXPECT_NE(stream_id("service:B"), stream_id("service:C"));
}

TEST(SimRng, StreamsDoNotShareDraws) {
    // Drawing heavily from one stream leaves another untouched (no shared engine).
    Rng a(1, stream_id("a"));
    Rng b(1, stream_id("b"));
    Rng b_alone(1, stream_id("b"));
    for (int i = 0; i < 1000; ++i)
        a.next();
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(b.next(), b_alone.next());
}

TEST(SimRng, UniformAndBernoulliMoments) {
    Rng r(9, 9);
    const int n = 200000;
    double sum = 0;
    int hits = 0;
    for (int i = 0; i < n; ++i) {
        const double u = r.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
        hits += r.bernoulli(0.3) ? 1 : 0;
    }
    EXPECT_NEAR(sum / n, 0.5, 3 * std::sqrt(1.0 / 12.0 / n));
    const double sigma = std::sqrt(0.3 * 0.7 / n);
    EXPECT_NEAR(static_cast<double>(hits) / n, 0.3, 3 * sigma);
}

TEST(SimRng, ExponentialMeanAndLognormalQuantiles) {
    Rng r(10, 3);
    const int n = 200000;
    double sum = 0;
    std::vector<double> ln;
    for (int i = 0; i < n; ++i) {
        sum += r.exponential(4.0);
        ln.push_back(r.lognormal_p50_p99(20.0, 80.0));
    }
    EXPECT_NEAR(sum / n, 4.0, 3 * 4.0 / std::sqrt(n));
    std::sort(ln.begin(), ln.end());
    EXPECT_NEAR(ln[n / 2], 20.0, 0.4);
    EXPECT_NEAR(ln[n * 99 / 100], 80.0, 3.0);
}

TEST(SimRng, BelowIsInRangeAndCoversIt) {
    Rng r(2, 2);
    std::vector<int> seen(7, 0);
    for (int i = 0; i < 7000; ++i) {
        const auto v = r.below(7);
        ASSERT_LT(v, 7u);
        ++seen[v];
    }
    for (int c : seen)
        EXPECT_GT(c, 800);
}

}  // namespace
}  // namespace cbsim
