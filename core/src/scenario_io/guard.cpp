// guard.cpp: refuses TOML text whose dotted keys would nest deep enough to exhaust the stack
// inside toml++ (see internal.hpp).
#include "scenario_io/internal.hpp"

namespace cbsim::detail {

void check_nesting(std::string_view text, const std::string& file) {
    enum class In { code, comment, basic, literal, ml_basic, ml_literal };
    In in = In::code;
    std::size_t dots = 0;
    int line = 1;
    const auto starts = [&](std::size_t i, std::string_view s) {
        return text.substr(i, s.size()) == s;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            dots = 0;
            if (in == In::comment || in == In::basic || in == In::literal) in = In::code;
            continue;
        }
        switch (in) {
            case In::code:
                if (c == '#') {
                    in = In::comment;
                } else if (starts(i, "\"\"\"")) {
                    in = In::ml_basic;
                    i += 2;
                } else if (starts(i, "'''")) {
                    in = In::ml_literal;
                    i += 2;
                } else if (c == '"') {
                    in = In::basic;
                } else if (c == '\'') {
                    in = In::literal;
                } else if (c == '.' && ++dots > kMaxDotsPerLine) {
                    throw_config_error(file, line, "",
                                       "more than " + std::to_string(kMaxDotsPerLine) +
                                           " dots on one line: keys nested this deep are not a "
                                           "scenario");
                }
                break;
            case In::basic:
            case In::ml_basic:
                if (c == '\\') {
                    if (i + 1 < text.size() && text[i + 1] == '\n') ++line;
                    ++i;  // the escaped character (a quote, a backslash, a line break)
                } else if (in == In::basic && c == '"') {
                    in = In::code;
                } else if (in == In::ml_basic && starts(i, "\"\"\"")) {
                    in = In::code;
                    i += 2;
                }
                break;
            case In::literal:
                if (c == '\'') in = In::code;
                break;
            case In::ml_literal:
                if (starts(i, "'''")) {
                    in = In::code;
                    i += 2;
                }
                break;
            case In::comment:
                break;
        }
    }
}

}  // namespace cbsim::detail
