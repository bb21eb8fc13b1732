// cbsim/number_text.hpp: every number-to-text spelling of cbsim, in one place.
//
// All functions are locale-independent (std::to_chars) and give the same bytes on any compiler,
// so exports, saved scenarios and messages stay byte-identical across builds.
//
//   shortest(0.1 + 0.2)  "0.30000000000000004"  shortest round-trip; 1e9 -> "1e+09"
//   number(1e9)          "1000000000"           integers without a fraction, else shortest
//   toml_real(20)        "20.0"                 a TOML float that reads back to the same bits
//   fixed(0.125, 4)      "0.1250"               exactly that many decimals (exports)
//   trimmed(2.0 / 3, 4)  "0.6667"               at most that many decimals, no trailing zeros
//   integer(out, 42)     "42"
// Non-finite values print as "nan", "inf", "-inf" (fixed() prints them as 0).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace cbsim::text {

/// Appends an integer in decimal.
inline void integer(std::string& out, std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}
inline void integer(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}
inline std::string integer(std::int64_t v) {
    std::string out;
    integer(out, v);
    return out;
}

/// "nan", "inf" or "-inf"; nullptr for a finite value.
inline const char* non_finite(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return nullptr;
}

/// The shortest digits that read back as the same double ("0.1", "1e+09", "20").
inline void shortest(std::string& out, double v) {
    if (const char* s = non_finite(v)) {
        out += s;
        return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}
inline std::string shortest(double v) {
    std::string out;
    shortest(out, v);
    return out;
}

/// Largest magnitude below which every integer is an exact double (2^53).
inline constexpr double kExactIntegers = 9007199254740992.0;

/// True when `s` is a whole integer literal ("-12", "9007199254740993") that no double holds
/// exactly: its magnitude is above 2^53. Such a value is kept as its text, so a message echoes
/// what was written instead of the nearest double.
inline bool inexact_integer_literal(std::string_view s) {
    std::size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i == s.size()) return false;
    std::size_t first = i;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    while (first + 1 < s.size() && s[first] == '0')
        ++first;
    const std::string_view digits = s.substr(first);
    constexpr std::string_view kLimit = "9007199254740992";  // 2^53
    return digits.size() > kLimit.size() || (digits.size() == kLimit.size() && digits > kLimit);
}

/// A number as people read it: an integer (|v| <= 2^53) without a fraction ("1000000000",
/// "-1"; -0 as "0"), anything else in shortest form ("0.5", "1e+300", "nan").
inline void number(std::string& out, double v) {
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) <= kExactIntegers) {
        integer(out, static_cast<std::int64_t>(v));
        return;
    }
    shortest(out, v);
}
inline std::string number(double v) {
    std::string out;
    number(out, v);
    return out;
}

/// A TOML float that reads back as the same double: shortest digits with ".0" added when they
/// would read as an integer ("20" -> "20.0"; "1e+20" stays); 0 and -0 as "0.0".
inline std::string toml_real(double v) {
    if (v == 0.0) return "0.0";
    std::string s = shortest(v);
    if (non_finite(v) == nullptr && s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
}

/// `v` with exactly `decimals` decimals ("0.1250"); -0 prints as 0; non-finite as 0.
inline void fixed(std::string& out, double v, int decimals) {
    if (!std::isfinite(v)) v = 0.0;
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    if (s.starts_with('-') && s.find_first_not_of("-0.") == std::string_view::npos)
        s.remove_prefix(1);
    out += s;
}
inline std::string fixed(double v, int decimals) {
    std::string out;
    fixed(out, v, decimals);
    return out;
}

/// Integers (|v| < 1e15) without a fraction, other values with at most `max_decimals`
/// decimals and no trailing zeros (2/3 -> "0.6667", 5000.001 -> "5000.001" with 4).
inline void trimmed(std::string& out, double v, int max_decimals) {
    if (const char* s = non_finite(v)) {
        out += s;
        return;
    }
    if (v == std::trunc(v) && std::fabs(v) < 1e15) {
        integer(out, static_cast<std::int64_t>(v));
        return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, max_decimals);
    std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    while (s.back() == '0')
        s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
    out += s;
}
inline std::string trimmed(double v, int max_decimals) {
    std::string out;
    trimmed(out, v, max_decimals);
    return out;
}

}  // namespace cbsim::text
