// sim/format.hpp: locale-independent fixed number formatting for the exports (internal).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace cbsim::fmt {

/// `v` with exactly `decimals` decimals ("0.1250"); -0 prints as 0; non-finite as 0.
inline void fixed(std::string& out, double v, int decimals) {
    if (!std::isfinite(v)) v = 0.0;
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
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

inline void integer(std::string& out, std::uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline void integer(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// An RFC 4180 field: quoted when it holds a comma, a quote or a line break.
inline void csv_field(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += s;
        return;
    }
    out += '"';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

/// A JSON string literal.
inline void json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr char kHex[] = "0123456789abcdef";
                    out += "\\u00";
                    out += kHex[(c >> 4) & 0xF];
                    out += kHex[c & 0xF];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

}  // namespace cbsim::fmt
