// cbsim/rng.hpp: specified random numbers, identical on every compiler and standard library.
//
// The engine is xoshiro256** (Blackman & Vigna), seeded through splitmix64. Distributions are
// our own (never std::*_distribution, whose output differs between standard libraries). Each
// model draws from its own stream, derived from (seed, stream id), so that changing one
// service's knob never shifts another service's draws.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace cbsim {

/// splitmix64: a one-step 64-bit mixer; used for seeding and for stream derivation.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
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

class Rng {
    __extension__ typedef unsigned __int128 Uint128;  // GCC/Clang builtin; ISO C++ has none

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

    /// Uniform in [0, 1) with 53 random bits.
    constexpr double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    constexpr double uniform_pos() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

    /// Uniform in [lo, hi).
    constexpr double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    /// Uniform integer in [0, n) without modulo bias (Lemire's method); n > 0.
    std::uint64_t below(std::uint64_t n) {
        Uint128 m = static_cast<Uint128>(next()) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<Uint128>(next()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    /// true with probability p (p <= 0 never draws true, p >= 1 always; one draw either way).
    constexpr bool bernoulli(double p) { return uniform() < p; }

    /// Exponential with the given mean (inverse transform).
    double exponential(double mean) { return -mean * std::log(uniform_pos()); }

    /// Standard normal (Marsaglia's polar method; the spare value is kept for the next call).
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u = 0, v = 0, s = 0;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        spare_ = v * f;
        has_spare_ = true;
        return u * f;
    }

    /// Lognormal with median `p50` and 99th percentile `p99` (p99 >= p50 > 0).
    double lognormal_p50_p99(double p50, double p99) {
        constexpr double kZ99 = 2.3263478740408408;  // standard normal quantile at 0.99
        const double mu = std::log(p50);
        const double sigma = p99 > p50 ? (std::log(p99) - mu) / kZ99 : 0.0;
        return std::exp(mu + sigma * normal());
    }

  private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    }

    std::uint64_t s_[4]{};
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace cbsim
