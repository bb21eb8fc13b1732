// sim/format.hpp: text helpers of the exports (internal): numbers, CSV fields, JSON strings.
#pragma once

#include <string>
#include <string_view>

#include "cbsim/number_text.hpp"

namespace cbsim::fmt {

// Numbers: the one spelling of cbsim/number_text.hpp.
using text::fixed;
using text::integer;

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
