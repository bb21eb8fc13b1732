// breaker.cpp: names of states, outcomes and rejections; transition texts.
#include "cbsim/breaker.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

namespace cbsim {

const char* to_string(State state) {
    switch (state) {
        case State::closed:
            return "closed";
        case State::open:
            return "open";
        case State::half_open:
            return "half_open";
        case State::forced_open:
            return "forced_open";
        case State::disabled:
            return "disabled";
        case State::metrics_only:
            return "metrics_only";
    }
    return "unknown";
}

const char* to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::success:
            return "success";
        case Outcome::failure:
            return "failure";
        case Outcome::timeout:
            return "timeout";
        case Outcome::ignored:
            return "ignored";
    }
    return "unknown";
}

const char* to_string(Rejection rejection) {
    switch (rejection) {
        case Rejection::none:
            return "none";
        case Rejection::open:
            return "open";
        case Rejection::too_many_requests:
            return "too_many_requests";
        case Rejection::ramp_up:
            return "ramp_up";
    }
    return "unknown";
}

namespace {

/// The verb of a transition into `to`.
const char* verb(State to) {
    switch (to) {
        case State::closed:
            return "closed";
        case State::open:
            return "opened";
        case State::half_open:
            return "half-open";
        case State::forced_open:
            return "forced open";
        case State::disabled:
            return "disabled";
        case State::metrics_only:
            return "metrics only";
    }
    return "changed";
}

/// Integers without a fraction, other values with at most 4 decimals (2/3 -> "0.6667",
/// 5000.001 -> "5000.001"); locale-independent.
void append_number(std::string& out, double v) {
    char buf[64];
    if (!std::isfinite(v)) {
        out += std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
        return;
    }
    if (v == std::trunc(v) && std::fabs(v) < 1e15) {
        const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
        out.append(buf, r.ptr);
        return;
    }
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
    std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
    while (text.back() == '0')
        text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
    out += text;
}

}  // namespace

std::string Transition::text() const {
    std::string out = verb(to);
    if (reason.rule == nullptr || reason.rule[0] == '\0') return out;
    out += ": ";
    out += reason.rule;
    out += ' ';
    append_number(out, reason.value);
    out += ' ';
    out += reason.comparison;
    out += ' ';
    append_number(out, reason.threshold);
    return out;
}

}  // namespace cbsim
