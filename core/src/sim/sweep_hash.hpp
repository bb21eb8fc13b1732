// sim/sweep_hash.hpp: the checksum of the sweep files (internal): FNV-1a 64 as 16 hex digits,
// the spec hash of a sweep and the check of each journal line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cbsim::sim {

inline std::string fnv1a64_hex(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (std::size_t i = 16; i-- > 0;) {
        out[i] = kHex[h & 0xF];
        h >>= 4;
    }
    return out;
}

}  // namespace cbsim::sim
