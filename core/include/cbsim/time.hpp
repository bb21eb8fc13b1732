// cbsim/time.hpp: simulated time.
//
// Every time in core/ is an integer count of microseconds since the start of a run (or, for
// the breaker state machine, since any fixed origin the caller picks). Integer time keeps runs
// exact and identical across compilers; no clock is ever read inside core/.
#pragma once

#include <cstdint>

namespace cbsim {

/// Simulated time and durations, in microseconds.
using SimTime = std::int64_t;

inline constexpr SimTime kMicrosecond = 1;
inline constexpr SimTime kMillisecond = 1000;
inline constexpr SimTime kSecond = 1000 * kMillisecond;

/// Milliseconds to SimTime.
constexpr SimTime from_ms(std::int64_t ms) {
    return ms * kMillisecond;
}
/// Seconds to SimTime.
constexpr SimTime from_s(std::int64_t s) {
    return s * kSecond;
}
/// SimTime to (fractional) milliseconds, for display and export only.
constexpr double to_ms(SimTime t) {
    return static_cast<double>(t) / static_cast<double>(kMillisecond);
}
/// SimTime to (fractional) seconds, for display and export only.
constexpr double to_s(SimTime t) {
    return static_cast<double>(t) / static_cast<double>(kSecond);
}

}  // namespace cbsim
