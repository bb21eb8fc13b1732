// LogHistogram: HdrHistogram-style buckets, 64 per power of two above 128.
#include "cbsim/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace cbsim {

int LogHistogram::bucket_of(std::int64_t value) {
    if (value < kExact) return value < 0 ? 0 : static_cast<int>(value);
    const auto v = static_cast<std::uint64_t>(value);
    const int e = static_cast<int>(std::bit_width(v)) - 1;  // >= kSubBits + 1
    const int shift = e - kSubBits;
    const int sub = static_cast<int>(v >> shift) - (1 << kSubBits);  // [0, 64)
    return kExact + (e - kSubBits - 1) * (1 << kSubBits) + sub;
}

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

void LogHistogram::add(std::int64_t value, std::uint32_t count) {
    if (count == 0) return;
    if (value < 0) value = 0;
    const int b = bucket_of(value);
    counts_[static_cast<std::size_t>(b)] += count;
    if (count_ == 0) {
        min_ = max_ = value;
    } else {
        min_ = std::min(min_, value);
        max_ = std::max(max_, value);
    }
    count_ += count;
    sum_ += value * static_cast<std::int64_t>(count);
    lo_used_ = std::min(lo_used_, b);
    hi_used_ = std::max(hi_used_, b);
}

double LogHistogram::quantile(double q) const {
    if (count_ == 0) return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (int b = lo_used_; b <= hi_used_; ++b) {
        seen += counts_[static_cast<std::size_t>(b)];
        if (seen >= rank) {
            if (b < kExact) return static_cast<double>(b);
            const auto lo = static_cast<double>(bucket_lower(b));
            const auto hi = static_cast<double>(bucket_upper(b));
            return 0.5 * (lo + hi);
        }
    }
    return static_cast<double>(max_);
}

void LogHistogram::merge(const LogHistogram& other) {
    if (other.count_ == 0) return;
    for (int b = other.lo_used_; b <= other.hi_used_; ++b)
        counts_[static_cast<std::size_t>(b)] += other.counts_[static_cast<std::size_t>(b)];
    min_ = count_ ? std::min(min_, other.min_) : other.min_;
    max_ = count_ ? std::max(max_, other.max_) : other.max_;
    count_ += other.count_;
    sum_ += other.sum_;
    lo_used_ = std::min(lo_used_, other.lo_used_);
    hi_used_ = std::max(hi_used_, other.hi_used_);
}

void LogHistogram::clear() {
    if (hi_used_ >= lo_used_)
        std::fill(counts_.begin() + lo_used_, counts_.begin() + hi_used_ + 1, 0u);
    count_ = 0;
    sum_ = 0;
    min_ = max_ = 0;
    lo_used_ = kBuckets;
    hi_used_ = -1;
}

double LogHistogram::mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0;
}

}  // namespace cbsim
