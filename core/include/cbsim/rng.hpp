// cbsim/rng.hpp: specified random numbers, identical on every compiler and standard library.
//
// Two generators share one set of distributions (Draws below):
// - Rng, xoshiro256** (Blackman & Vigna) seeded through splitmix64: a sequential stream, for
//   draws that are naturally a sequence (the traffic's arrival gaps, a breaker's open jitter).
// - SplitMix, the SplitMix64 sequence (Steele, Lea & Flood) started at a 64-bit key: a
//   counter-based generator whose output i (from 0) is mix64(key + (i + 1) * golden), so a
//   draw is a pure function of (key, index). The simulation keys each call's draws by the call's
//   identity (common random numbers, docs/SIMULATION.md "Random numbers"): derive_key() builds the
//   keys.
// Distributions are our own (never std::*_distribution, whose output differs between standard
// libraries), and so is the exponential function the draws use (exp_det below), so the draws
// do not depend on the platform's libm either. Normal and exponential variates come from
// ziggurats (Marsaglia & Tsang) whose layer tables are constants in core/src/sim/rng.cpp.
//
// Determinism needs IEEE double arithmetic without fused multiply-add contraction: a target
// that contracts a * b + c into one FMA may differ in the last bit. cbsim_core is built with
// -ffp-contract=off (core/CMakeLists.txt) for that reason, with GCC and clang alike. Keys and
// generators use 64-bit integer arithmetic only.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cbsim {

namespace rng_detail {
/// Ziggurat layers: x[i] the layer edges (x[0] = v / f(r) for the base layer, x[1] = r, x[n]
/// = 0), ratio[i] = x[i + 1] / x[i] (a draw below it is inside the layer's rectangle), f[i] =
/// the density at x[i] (for the wedge test). Defined in core/src/sim/rng.cpp.
struct Ziggurat128 {
    double x[129], ratio[128], f[129];
};
struct Ziggurat256 {
    double x[257], ratio[256], f[257];
};
extern const Ziggurat128 kNormal;       // f(x) = exp(-x^2 / 2), r = 3.442619855899
extern const Ziggurat256 kExponential;  // f(x) = exp(-x), r = 7.69711747013104972
extern const double kExp2Frac[256];     // 2^(j / 256), j = 0..255, correctly rounded
}  // namespace rng_detail

/// e^x from IEEE arithmetic only (no libm), so every platform computes the same bits:
/// x = k ln2 / 256 + r with |r| <= ln2 / 512, e^x = 2^(k / 256) * p(r), p of degree 4 (relative
/// error below 4e-16). p is evaluated in two halves that do not wait for each other (r + r^2 q),
/// and 2^(k / 256) is formed beside it, so the chain of dependent operations stays short: the
/// draw of a service time waits on it. 0 below -708 (subnormal results are not needed here),
/// inf above 708.
inline double exp_det(double x) {
    if (!(std::fabs(x) < 708.0)) return x != x ? x : x < 0 ? 0.0 : HUGE_VAL;  // NaN stays NaN
    // ln 2 / 256 in two parts: the high one has 32 significant bits, so times k (|k| < 2^18)
    // it is exact.
    constexpr double kInvLn2N = 369.3299304675746;  // 256 / ln 2
    constexpr double kLn2HiN = 0x1.62e42fee00000p-1 / 256;
    constexpr double kLn2LoN = 0x1.a39ef35793c76p-33 / 256;
    // k = nearest integer to x * 256 / ln 2: adding 1.5 * 2^52 rounds it into the low bits (in
    // the default round-to-nearest mode, which the engine never changes).
    constexpr double kShift = 0x1.8p52;
    const double shifted = x * kInvLn2N + kShift;
    const double kd = shifted - kShift;
    const auto k = static_cast<std::int64_t>(kd);  // exact: kd is an integer
    const double r = (x - kd * kLn2HiN) - kd * kLn2LoN;
    const double r2 = r * r;
    const double q = (1.0 / 2 + r * (1.0 / 6)) + r2 * (1.0 / 24);
    const double p = 1.0 + (r + r2 * q);
    const std::int64_t e = k >> 8;  // floor(k / 256): arithmetic shift (C++20)
    const double scale = std::bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
    return (rng_detail::kExp2Frac[k & 255] * scale) * p;  // the first product is exact
}

/// The standard normal quantile at 0.99: a lognormal's p99 is e^(mu + kNormalQuantile99 sigma).
inline constexpr double kNormalQuantile99 = 2.3263478740408408;

/// mu and sigma (of the logarithm) of the lognormal with median `p50` and 99th percentile
/// `p99` (p99 >= p50 > 0); sigma is 0 when p99 <= p50.
struct LognormalShape {
    double mu = 0.0, sigma = 0.0;
};
inline LognormalShape lognormal_shape(double p50, double p99) {
    const double mu = std::log(p50);
    return {mu, p99 > p50 ? (std::log(p99) - mu) / kNormalQuantile99 : 0.0};
}

/// The increment of the SplitMix64 sequence: 2^64 / golden ratio, odd.
inline constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;

/// SplitMix64's output function (Stafford's "Mix13"): a bijection of 64-bit words in which
/// every input bit affects every output bit.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// splitmix64: a one-step 64-bit mixer; used for seeding and for stream derivation.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
    return mix64(state += kGolden);
}

/// The key of the child `id` of `parent`: output number id + 1 of the SplitMix64 sequence
/// started at `parent`. Children of one parent never share a key (mix64 is a bijection);
/// keys of different parents collide with probability 2^-64 per pair.
constexpr std::uint64_t derive_key(std::uint64_t parent, std::uint64_t id) {
    return mix64(parent + (id + 1) * kGolden);
}

/// FNV-1a of a name: a stable stream id for a model ("service:B", "edge:A->B").
constexpr std::uint64_t stream_id(std::string_view name) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ull;
    }
    return h;
}

/// The distributions, over the 64-bit words of generator G (G::next()). Every one draws a
/// fixed number of words in its fast path, so a keyed generator's draws stay where they are.
template <typename G>
class Draws {
    __extension__ typedef unsigned __int128 Uint128;  // GCC/Clang builtin; ISO C++ has none

  public:
    /// Uniform in [0, 1) with 53 random bits.
    constexpr double uniform() { return to_unit(word()); }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    constexpr double uniform_pos() { return static_cast<double>((word() >> 11) + 1) * 0x1.0p-53; }

    /// Uniform in [lo, hi).
    constexpr double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    /// Uniform integer in [0, n) without modulo bias (Lemire's method); n > 0.
    std::uint64_t below(std::uint64_t n) {
        Uint128 m = static_cast<Uint128>(word()) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<Uint128>(word()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    /// true with probability p (p <= 0 never draws true, p >= 1 always; one draw either way).
    constexpr bool bernoulli(double p) { return uniform() < p; }

    /// Standard exponential (mean 1): 256-layer ziggurat. One 64-bit draw in about 99 % of
    /// calls: the low 8 bits pick the layer, the top 53 the position in it.
    double exponential() {
        const std::uint64_t b = word();
        const auto i = static_cast<std::size_t>(b & 255);
        const double u = static_cast<double>(b >> 11) * 0x1.0p-53;  // [0, 1)
        if (u < rng_detail::kExponential.ratio[i]) return u * rng_detail::kExponential.x[i];
        return exponential_slow(i, u);
    }

    /// Exponential with the given mean.
    double exponential(double mean) { return mean * exponential(); }

    /// Standard normal: 128-layer ziggurat. One 64-bit draw in about 99 % of calls: the low 7
    /// bits pick the layer, the top 53 the signed position in it.
    double normal() {
        const std::uint64_t b = word();
        const auto i = static_cast<std::size_t>(b & 127);
        const double u = static_cast<double>(b >> 11) * 0x1.0p-52 - 1.0;  // [-1, 1)
        if (std::fabs(u) < rng_detail::kNormal.ratio[i]) return u * rng_detail::kNormal.x[i];
        return normal_slow(i, u);
    }

    /// Lognormal: e^(mu + sigma * z) for a standard normal z.
    double lognormal(double mu, double sigma) { return exp_det(mu + sigma * normal()); }

    /// Lognormal with median `p50` and 99th percentile `p99` (p99 >= p50 > 0).
    double lognormal_p50_p99(double p50, double p99) {
        const LognormalShape shape = lognormal_shape(p50, p99);
        return lognormal(shape.mu, shape.sigma);
    }

    /// Uniform in [0, 1) from the top 53 bits of a word.
    static constexpr double to_unit(std::uint64_t w) {
        return static_cast<double>(w >> 11) * 0x1.0p-53;
    }

  private:
    constexpr std::uint64_t word() { return static_cast<G*>(this)->next(); }
    // Rare paths of the ziggurats (a wedge, the tail, or the top layer): out of line, defined
    // in core/src/sim/rng.cpp for Rng and SplitMix.
    double exponential_slow(std::size_t layer, double u);
    double normal_slow(std::size_t layer, double u);
};

/// A sequential stream: xoshiro256**.
class Rng : public Draws<Rng> {
  public:
    /// A stream of the run with `seed`, identified by `stream`. Equal inputs, equal draws.
    constexpr Rng(std::uint64_t seed, std::uint64_t stream) {
        std::uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ull);
        splitmix64(sm);  // decorrelate neighbouring (seed, stream) pairs
        for (auto& word : s_)
            word = splitmix64(sm);
    }

    /// Next 64 random bits (xoshiro256**).
    constexpr std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

  private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    }

    std::uint64_t s_[4]{};
};

/// A counter-based stream: the SplitMix64 sequence started at `key`. Output i (from 0) is
/// at(key, i) = mix64(key + (i + 1) * kGolden), whatever was drawn before it, so draws taken
/// at fixed indices are pure functions of (key, index). Its 64-bit period is far beyond the
/// handful of words one key ever gives.
class SplitMix : public Draws<SplitMix> {
  public:
    constexpr explicit SplitMix(std::uint64_t key) : state_(key) {}

    /// Output `index` of the sequence started at `key` (derive_key(key, index)).
    static constexpr std::uint64_t at(std::uint64_t key, std::uint64_t index) {
        return derive_key(key, index);
    }

    /// Next 64 random bits.
    constexpr std::uint64_t next() { return splitmix64(state_); }

  private:
    std::uint64_t state_;
};

}  // namespace cbsim
