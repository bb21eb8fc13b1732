// text.cpp: user text made fit for a one-line message or a file name.
#include "cbsim/text.hpp"

namespace cbsim {

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t n = 0;
    if (lead >= 0xC2 && lead <= 0xDF)
        n = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
        n = 3;
    else if (lead >= 0xF0 && lead <= 0xF4)
        n = 4;
    if (n == 0 || i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    // Overlong three- and four-byte forms, surrogates and code points past U+10FFFF.
    const unsigned char second = byte(i + 1);
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
        (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
        return 0;
    return n;
}

std::string printable(std::string_view text, std::size_t max_bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t n = 1;
        if (c >= 0x80) n = utf8_sequence_length(text, i);
        if (i + (n == 0 ? 1 : n) > max_bytes) break;
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else if (n > 1) {
            out.append(text.substr(i, n));
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
            n = 1;
        }
        i += n;
    }
    if (i < text.size()) out += "...";
    return out;
}

}  // namespace cbsim
