// breaker.cpp: names of states, outcomes and rejections; transition texts.
#include "cbsim/breaker.hpp"

#include <cmath>
#include <string_view>

#include "cbsim/number_text.hpp"

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
        case Rejection::capacity:
            return "capacity";
        case Rejection::wait:
            return "wait";
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

}  // namespace

std::string Transition::text() const {
    std::string out = verb(to);
    if (reason.rule == nullptr || reason.rule[0] == '\0') return out;
    out += ": ";
    out += reason.rule;
    out += ' ';
    text::trimmed(out, reason.value, 4);
    out += ' ';
    out += reason.comparison;
    out += ' ';
    text::trimmed(out, reason.threshold, 4);
    return out;
}

}  // namespace cbsim
