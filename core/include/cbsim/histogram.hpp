// cbsim/histogram.hpp: latency quantiles with a bounded relative error and O(1) insertion.
//
// A log-bucket histogram in the manner of HdrHistogram: values below 128 have a bucket each
// (exact); above, every power of two is split into 64 equal buckets, so a bucket spans at most
// 1/64 of its lower bound. A quantile reports its bucket's midpoint: relative error <= 1/128
// (0.79 %). Values are non-negative integers (SimTime microseconds in cbsim).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>

namespace cbsim {

class LogHistogram {
  public:
    static constexpr int kSubBits = 6;            ///< 64 buckets per power of two
    static constexpr int kExact = 2 << kSubBits;  ///< values below this are exact
    static constexpr int kBuckets = kExact + (62 - kSubBits) * (1 << kSubBits);

    /// Adds `count` samples of `value` (negative values count as 0). Inline: the simulator
    /// adds one sample per completed attempt.
    void add(std::int64_t value, std::uint32_t count = 1) {
        if (count == 0) return;
        if (value < 0) value = 0;
        const int b = bucket_of(value);
        counts_[static_cast<std::size_t>(b)] += count;
        groups_[static_cast<std::size_t>(b >> kSubBits)] += count;
        min_ = std::min(min_, value);  // sentinels while empty: INT64_MAX and 0
        max_ = std::max(max_, value);
        count_ += count;
        sum_ += value * static_cast<std::int64_t>(count);
    }

    /// The q-quantile (q in [0, 1]): the midpoint of the bucket holding the sample of rank
    /// ceil(q * count) (rank 1 for q = 0). 0 when empty.
    double quantile(double q) const;
    /// quantile(q_low) and quantile(q_high) (q_low <= q_high) in one pass over the buckets.
    std::array<double, 2> quantiles(double q_low, double q_high) const;

    /// Adds every sample of `other`.
    void merge(const LogHistogram& other);

    /// Forgets every sample (cost proportional to the range of buckets used since the last
    /// clear, not to the bucket count).
    void clear();

    std::uint64_t count() const { return count_; }
    std::int64_t min() const { return count_ ? min_ : 0; }
    std::int64_t max() const { return count_ ? max_ : 0; }
    /// Exact mean of the samples added (0 when empty).
    double mean() const;

    /// Bucket of a value, and the bounds [lower, upper) of a bucket: exposed for tests.
    static int bucket_of(std::int64_t value) {
        if (value < kExact) return value < 0 ? 0 : static_cast<int>(value);
        const auto v = static_cast<std::uint64_t>(value);
        const int e = static_cast<int>(std::bit_width(v)) - 1;  // >= kSubBits + 1
        const int shift = e - kSubBits;
        const int sub = static_cast<int>(v >> shift) - (1 << kSubBits);  // [0, 64)
        return kExact + (e - kSubBits - 1) * (1 << kSubBits) + sub;
    }
    static std::int64_t bucket_lower(int bucket);
    static std::int64_t bucket_upper(int bucket);

  private:
    static constexpr int kGroups = kBuckets >> kSubBits;  // 64 buckets per group
    static_assert(kBuckets % (1 << kSubBits) == 0);

    // The range of buckets in use, from the extremes (bucket_of is monotonic); count_ > 0.
    int lo_used() const { return bucket_of(min_); }
    int hi_used() const { return bucket_of(max_); }
    std::uint64_t rank_of(double q) const;           // of a quantile; count_ > 0
    double value_of_rank(std::uint64_t rank) const;  // midpoint of its bucket

    std::array<std::uint32_t, kBuckets> counts_{};
    std::array<std::uint32_t, kGroups> groups_{};  // sum of counts_ per 64 buckets
    std::uint64_t count_ = 0;
    std::int64_t sum_ = 0;  // microseconds: overflows after ~2.9e5 years of summed samples
    std::int64_t min_ = std::numeric_limits<std::int64_t>::max();  // while empty
    std::int64_t max_ = 0;
};

}  // namespace cbsim
