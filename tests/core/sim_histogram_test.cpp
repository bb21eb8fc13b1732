// LogHistogram: bucket bounds, relative error of quantiles, merge and clear.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "cbsim/histogram.hpp"
#include "cbsim/rng.hpp"

namespace cbsim {
namespace {

TEST(SimHistogram, BucketsTileTheValuesWithSmallRelativeWidth) {
    EXPECT_EQ(LogHistogram::bucket_of(0), 0);
    EXPECT_EQ(LogHistogram::bucket_of(127), 127);
    EXPECT_EQ(LogHistogram::bucket_of(128), 128);
    for (int b = 0; b + 1 < LogHistogram::kBuckets; ++b) {
        ASSERT_EQ(LogHistogram::bucket_upper(b), LogHistogram::bucket_lower(b + 1)) << b;
        ASSERT_EQ(LogHistogram::bucket_of(LogHistogram::bucket_lower(b)), b);
        ASSERT_EQ(LogHistogram::bucket_of(LogHistogram::bucket_upper(b) - 1), b);
        if (b >= LogHistogram::kExact) {
            const double width =
                static_cast<double>(LogHistogram::bucket_upper(b) - LogHistogram::bucket_lower(b));
            ASSERT_LE(width / static_cast<double>(LogHistogram::bucket_lower(b)), 1.0 / 64.0);
        }
    }
    EXPECT_EQ(LogHistogram::bucket_of(INT64_MAX), LogHistogram::kBuckets - 1);
}

TEST(SimHistogram, QuantilesWithinOnePercentOfExact) {
    Rng rng(11, 2);
    LogHistogram h;
    std::vector<std::int64_t> values;
    for (int i = 0; i < 100000; ++i) {
        const auto v = static_cast<std::int64_t>(rng.lognormal_p50_p99(20000.0, 300000.0));
        values.push_back(v);
        h.add(v);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.01, 0.1, 0.5, 0.9, 0.99, 0.999}) {
        const auto rank =
            static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
        const auto exact = static_cast<double>(values[rank - 1]);
        EXPECT_NEAR(h.quantile(q), exact, exact * 0.01) << "q=" << q;
    }
    EXPECT_EQ(h.count(), 100000u);
    EXPECT_EQ(h.min(), values.front());
    EXPECT_EQ(h.max(), values.back());
}

TEST(SimHistogram, SmallValuesAreExact) {
    LogHistogram h;
    for (int v = 1; v <= 100; ++v)
        h.add(v);
    EXPECT_EQ(h.quantile(0.5), 50.0);
    EXPECT_EQ(h.quantile(0.99), 99.0);
    EXPECT_EQ(h.quantile(0.0), 1.0);
    EXPECT_EQ(h.quantile(1.0), 100.0);
    EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(SimHistogram, MergeEqualsAddingEverything) {
    LogHistogram a, b, all;
    Rng rng(5, 5);
    for (int i = 0; i < 1000; ++i) {
        const auto v = static_cast<std::int64_t>(rng.exponential(5000.0));
        (i % 2 ? a : b).add(v);
        all.add(v);
    }
    a.merge(b);
    for (double q : {0.1, 0.5, 0.99})
        EXPECT_EQ(a.quantile(q), all.quantile(q));
    EXPECT_EQ(a.count(), all.count());
}

TEST(SimHistogram, MergingWithItselfDoublesEveryBucket) {
    LogHistogram h, twice;
    Rng rng(6, 6);
    for (int i = 0; i < 1000; ++i) {
        const auto v = static_cast<std::int64_t>(rng.exponential(5000.0));
        h.add(v);
        twice.add(v, 2);
    }
    h.merge(h);
    EXPECT_EQ(h.count(), 2000u);
    EXPECT_EQ(h.min(), twice.min());
    EXPECT_EQ(h.max(), twice.max());
    EXPECT_DOUBLE_EQ(h.mean(), twice.mean());
    for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0})
        EXPECT_EQ(h.quantile(q), twice.quantile(q)) << q;
}

TEST(SimHistogram, ClearForgetsEverything) {
    LogHistogram h;
    h.add(5000);
    h.add(7);
    h.clear();
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.quantile(0.5), 0.0);
    h.add(300);
    EXPECT_NEAR(h.quantile(0.5), 300.0, 3.0);
    EXPECT_EQ(h.count(), 1u);
}

TEST(SimHistogram, QuantilePairEqualsTwoQuantiles) {
    LogHistogram h;
    EXPECT_EQ(h.quantiles(0.5, 0.99), (std::array<double, 2>{0.0, 0.0}));
    Rng r(5, 5);
    for (int n = 1; n <= 3000; n = n * 3 + 1) {
        for (int i = 0; i < n; ++i)
            h.add(static_cast<std::int64_t>(r.lognormal_p50_p99(20000.0, 80000.0)));
        for (const auto& [lo, hi] : {std::pair{0.5, 0.99}, std::pair{0.0, 1.0}, std::pair{0.3, 0.3},
                                     std::pair{0.99, 0.999}}) {
            const std::array<double, 2> q = h.quantiles(lo, hi);
            EXPECT_EQ(q[0], h.quantile(lo)) << n << " " << lo;
            EXPECT_EQ(q[1], h.quantile(hi)) << n << " " << hi;
        }
    }
}

TEST(SimHistogram, MinAndMaxTrackSamplesAndResetOnClear) {
    LogHistogram h;
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), 0);
    h.add(500);
    h.add(7);
    h.add(-3);  // counts as 0
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), 500);
    h.clear();
    h.add(42);
    EXPECT_EQ(h.min(), 42);
    EXPECT_EQ(h.max(), 42);
    LogHistogram empty, other;
    other.add(9);
    empty.merge(other);
    EXPECT_EQ(empty.min(), 9);
    EXPECT_EQ(empty.max(), 9);
}

}  // namespace
}  // namespace cbsim
