// LogHistogram: bucket bounds, relative error of quantiles, merge and clear.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

}  // namespace
}  // namespace cbsim
