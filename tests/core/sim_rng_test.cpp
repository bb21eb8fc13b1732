// Rng streams: reproducible, independent per (seed, stream), distributions with the right
// moments; SplitMix: keyed draws, pure functions of (key, index).
#include <gtest/gtest.h>

#include <algorithm>
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

TEST(SimRng, ExpDetMatchesLibmToAFewUlps) {
    // exp_det is ours so that draws do not depend on the platform's libm; it must still be
    // e^x to double precision over the range the draws use.
    Rng r(4, 4);
    for (int i = 0; i < 100000; ++i) {
        const double x = r.uniform(-700.0, 700.0) * (i % 2 ? 1.0 : 0.01);
        const double want = std::exp(x);
        EXPECT_NEAR(exp_det(x), want, 4e-16 * want) << x;
    }
    EXPECT_EQ(exp_det(0.0), 1.0);
    EXPECT_EQ(exp_det(-800.0), 0.0);
    EXPECT_TRUE(std::isinf(exp_det(800.0)));
}

TEST(SimRng, ZigguratTablesFollowTheirRecurrences) {
    // The constants in rng.cpp against the recurrences they were computed from (libm here
    // is only the check, to about 1e-12).
    const auto& n = rng_detail::kNormal;
    const double vn = 9.91256303526217e-3;
    EXPECT_DOUBLE_EQ(n.x[1], 3.442619855899);
    EXPECT_NEAR(n.x[0], vn / std::exp(-0.5 * n.x[1] * n.x[1]), 1e-12);
    for (int i = 2; i < 128; ++i)
        EXPECT_NEAR(n.x[i], std::sqrt(-2 * std::log(vn / n.x[i - 1] + n.f[i - 1])), 1e-11) << i;
    EXPECT_EQ(n.x[128], 0.0);
    for (int i = 0; i < 128; ++i) {
        EXPECT_EQ(n.ratio[i], n.x[i + 1] / n.x[i]) << i;
        EXPECT_NEAR(n.f[i + 1], std::exp(-0.5 * n.x[i + 1] * n.x[i + 1]), 1e-15) << i;
    }
    // Every layer has area v: the top one ends at 0 with the density 1 (to 1e-8 relative:
    // r and v are published to 13 digits).
    EXPECT_NEAR(n.x[127] * (1.0 - n.f[127]), vn, 1e-8 * vn);
    const auto& e = rng_detail::kExponential;
    const double ve = 3.949659822581572e-3;
    EXPECT_DOUBLE_EQ(e.x[1], 7.69711747013104972);
    for (int i = 2; i < 256; ++i)
        EXPECT_NEAR(e.x[i], -std::log(ve / e.x[i - 1] + e.f[i - 1]), 1e-11) << i;
    EXPECT_EQ(e.x[256], 0.0);
    for (int i = 0; i < 256; ++i) {
        EXPECT_EQ(e.ratio[i], e.x[i + 1] / e.x[i]) << i;
        EXPECT_NEAR(e.f[i + 1], std::exp(-e.x[i + 1]), 1e-15) << i;
    }
    EXPECT_NEAR(e.x[255] * (1.0 - e.f[255]), ve, 1e-9 * ve);
    for (int j = 0; j < 256; ++j)
        EXPECT_DOUBLE_EQ(rng_detail::kExp2Frac[j], std::exp2(j / 256.0)) << j;
}

TEST(SimRng, ZigguratNormalAndExponentialHaveTheirDistributions) {
    // Moments and tail masses (3 sigma of each estimate), including the ziggurats' tails
    // (normal beyond r = 3.44, exponential beyond r = 7.70) and their wedge paths.
    Rng r(11, 5);
    const int n = 2000000;
    double s1 = 0, s2 = 0, s4 = 0, e1 = 0;
    int beyond_r = 0, below_1 = 0, exp_beyond_r = 0, exp_below_1 = 0;
    for (int i = 0; i < n; ++i) {
        const double z = r.normal();
        s1 += z, s2 += z * z, s4 += z * z * z * z;
        beyond_r += std::fabs(z) > 3.442619855899;
        below_1 += std::fabs(z) < 1.0;
        const double x = r.exponential();
        ASSERT_GE(x, 0.0);
        e1 += x;
        exp_beyond_r += x > 7.69711747013104972;
        exp_below_1 += x < 1.0;
    }
    auto near_p = [n](int hits, double p) {
        EXPECT_NEAR(static_cast<double>(hits) / n, p, 3 * std::sqrt(p * (1 - p) / n));
    };
    EXPECT_NEAR(s1 / n, 0.0, 3 / std::sqrt(n));
    EXPECT_NEAR(s2 / n, 1.0, 3 * std::sqrt(2.0 / n));
    EXPECT_NEAR(s4 / n, 3.0, 3 * std::sqrt(96.0 / n));
    near_p(beyond_r, std::erfc(3.442619855899 / std::sqrt(2.0)));
    near_p(below_1, std::erf(1.0 / std::sqrt(2.0)));
    EXPECT_NEAR(e1 / n, 1.0, 3 / std::sqrt(n));
    near_p(exp_beyond_r, std::exp(-7.69711747013104972));
    near_p(exp_below_1, 1 - std::exp(-1.0));
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

TEST(SimRng, SplitMixOutputIsAFunctionOfKeyAndIndex) {
    // Output i of the sequence started at a key is at(key, i), whatever was drawn before it.
    const std::uint64_t key = derive_key(7, 12345);
    SplitMix g(key);
    for (std::uint64_t i = 0; i < 100; ++i)
        ASSERT_EQ(g.next(), SplitMix::at(key, i)) << i;
    // A normal drawn from the generator at index 2 is the same whether or not indices 0 and
    // 1 were drawn first (how a call's service time ignores its failure and hang draws).
    SplitMix after(key);
    after.next();
    after.next();
    SplitMix direct(key + 2 * kGolden);
    EXPECT_EQ(after.normal(), direct.normal());
}

TEST(SimRng, DerivedKeysOfOneParentAreDistinct) {
    std::vector<std::uint64_t> keys;
    for (std::uint64_t parent : {std::uint64_t{0}, std::uint64_t{1}, derive_key(1, 0)}) {
        for (std::uint64_t id = 0; id < 20000; ++id)
            keys.push_back(derive_key(parent, id));
    }
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

TEST(SimRng, FirstDrawsOfConsecutiveKeysHaveTheirDistributions) {
    // The engine takes a handful of draws from each of many related keys (the calls of
    // request 0, 1, 2 ... of a run): across keys, the draws at fixed indices are uniform,
    // exponential and normal with the right moments, and draws at two indices uncorrelated.
    // Seven estimates at 4 sigma: a sound generator fails one with probability below 0.05 %.
    const std::uint64_t base = derive_key(3, stream_id("requests"));
    const int n = 1000000;
    double u1 = 0, u2 = 0, uv = 0, e1 = 0, z1 = 0, z2 = 0;
    int below_tenth = 0;
    for (int i = 0; i < n; ++i) {
        const std::uint64_t key = derive_key(base, static_cast<std::uint64_t>(i));
        const double u = SplitMix::to_unit(SplitMix::at(key, 0));
        const double v = SplitMix::to_unit(SplitMix::at(key, 1));
        u1 += u, u2 += u * u, uv += (u - 0.5) * (v - 0.5);
        below_tenth += u < 0.1;
        SplitMix t(key + 2 * kGolden);
        const double z = t.normal();
        z1 += z, z2 += z * z;
        e1 += SplitMix(derive_key(key, 9)).exponential();
    }
    EXPECT_NEAR(u1 / n, 0.5, 4 * std::sqrt(1.0 / 12 / n));
    EXPECT_NEAR(u2 / n, 1.0 / 3, 4 * std::sqrt(4.0 / 45 / n));
    EXPECT_NEAR(uv / n, 0.0, 4 * std::sqrt(1.0 / 144 / n));
    EXPECT_NEAR(static_cast<double>(below_tenth) / n, 0.1, 4 * std::sqrt(0.09 / n));
    EXPECT_NEAR(z1 / n, 0.0, 4 / std::sqrt(n));
    EXPECT_NEAR(z2 / n, 1.0, 4 * std::sqrt(2.0 / n));
    EXPECT_NEAR(e1 / n, 1.0, 4 / std::sqrt(n));
}

}  // namespace
}  // namespace cbsim
