// LogHistogram: HdrHistogram-style buckets, 64 per power of two above 128.
#include "cbsim/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace cbsim {

std::int64_t LogHistogram::bucket_lower(int bucket) {
    if (bucket < kExact) return bucket;
    const int k = bucket - kExact;
    const int e = k / (1 << kSubBits) + kSubBits + 1;
    const int sub = k % (1 << kSubBits);
    return static_cast<std::int64_t>((std::uint64_t{1} << kSubBits) + static_cast<unsigned>(sub))
           << (e - kSubBits);
}

std::int64_t LogHistogram::bucket_upper(int bucket) {
    if (bucket < kExact) return bucket + 1;
    const int k = bucket - kExact;
    const int e = k / (1 << kSubBits) + kSubBits + 1;
    return bucket_lower(bucket) + (std::int64_t{1} << (e - kSubBits));
}

std::uint64_t LogHistogram::rank_of(double q) const {
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    return std::clamp<std::uint64_t>(rank, 1, count_);
}

double LogHistogram::value_of_rank(std::uint64_t rank) const {
    // Whole groups first (64 buckets each), then the buckets of the group holding the rank.
    std::uint64_t seen = 0;
    for (int g = lo_used() >> kSubBits; g <= hi_used() >> kSubBits; ++g) {
        const std::uint32_t in_group = groups_[static_cast<std::size_t>(g)];
        if (seen + in_group < rank) {
            seen += in_group;
            continue;
        }
        for (int b = g << kSubBits;; ++b) {
            seen += counts_[static_cast<std::size_t>(b)];
            if (seen >= rank) {
                if (b < kExact) return static_cast<double>(b);
                const auto lo = static_cast<double>(bucket_lower(b));
                const auto hi = static_cast<double>(bucket_upper(b));
                return 0.5 * (lo + hi);
            }
        }
    }
    return static_cast<double>(max_);
}

double LogHistogram::quantile(double q) const {
    if (count_ == 0) return 0.0;
    return value_of_rank(rank_of(q));
}

std::array<double, 2> LogHistogram::quantiles(double q_low, double q_high) const {
    if (count_ == 0) return {0.0, 0.0};
    return {value_of_rank(rank_of(q_low)), value_of_rank(rank_of(q_high))};
}

void LogHistogram::merge(const LogHistogram& other) {
    if (other.count_ == 0) return;
    if (&other == this) {
        const LogHistogram copy = other;
        merge(copy);
        return;
    }
    // One contiguous range of buckets (the used one), and distinct arrays: the compiler adds
    // them several at a time.
    const auto lo = static_cast<std::size_t>(other.lo_used());
    const auto hi = static_cast<std::size_t>(other.hi_used());
    std::uint32_t* __restrict to = counts_.data();
    const std::uint32_t* __restrict from = other.counts_.data();
    for (std::size_t b = lo; b <= hi; ++b)
        to[b] += from[b];
    for (std::size_t g = lo >> kSubBits; g <= hi >> kSubBits; ++g)
        groups_[g] += other.groups_[g];
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    count_ += other.count_;
    sum_ += other.sum_;
}

void LogHistogram::clear() {
    if (count_ > 0) {
        const int lo = lo_used(), hi = hi_used();
        std::fill(counts_.begin() + lo, counts_.begin() + hi + 1, 0u);
        std::fill(groups_.begin() + (lo >> kSubBits), groups_.begin() + (hi >> kSubBits) + 1, 0u);
    }
    count_ = 0;
    sum_ = 0;
    min_ = std::numeric_limits<std::int64_t>::max();
    max_ = 0;
}

double LogHistogram::mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0;
}

}  // namespace cbsim
