// breaker_test_util.hpp: helpers shared by the breaker tests (a breaker with its transition
// log, and one-line calls on explicit time).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cbsim/breaker.hpp>
#include <cbsim/breaker_config.hpp>

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cbsim::test {

constexpr SimTime ms(std::int64_t v) {
    return from_ms(v);
}

/// A config of `preset` with the given parameters set (each must be accepted).
inline BreakerConfig config_with(Preset preset,
                                 std::initializer_list<std::pair<const char*, double>> params) {
    BreakerConfig c = BreakerConfig::defaults(preset);
    for (const auto& [key, value] : params) {
        const std::string error = set_param(c, key, value);
        EXPECT_EQ(error, "") << key;
    }
    return c;
}

inline BreakerConfig gobreaker(std::initializer_list<std::pair<const char*, double>> params) {
    return config_with(Preset::gobreaker, params);
}

/// A breaker and the log of its transitions.
struct Harness {
    explicit Harness(const BreakerConfig& config) : breaker(make_breaker(config)) {
        breaker->set_transition_sink([this](const Transition& t) { log.push_back(t); });
    }

    /// One call that completes at once with `outcome`; true if it was admitted.
    bool call(SimTime t, Outcome outcome) {
        const Admission a = breaker->acquire(t);
        if (!a.allowed()) return false;
        breaker->record(a.permit, outcome, 0, t);
        return true;
    }
    bool ok(SimTime t) { return call(t, Outcome::success); }
    bool fail(SimTime t) { return call(t, Outcome::failure); }
    State state(SimTime t) { return breaker->state(t); }
    Rejection rejection(SimTime t) { return breaker->acquire(t).rejection; }

    /// "closed->open" for each transition, in order.
    std::vector<std::string> moves() const {
        std::vector<std::string> out;
        for (const Transition& t : log)
            out.push_back(std::string(to_string(t.from)) + "->" + to_string(t.to));
        return out;
    }
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const Transition& t : log)
            out.push_back(t.text());
        return out;
    }

    std::unique_ptr<Breaker> breaker;
    std::vector<Transition> log;
};

}  // namespace cbsim::test
