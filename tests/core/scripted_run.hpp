// scripted_run.hpp: a fixed script of calls with latencies on one breaker, as a simulation
// drives it (completions before new calls at the same instant), optionally reading state()
// and window() every `poll_every` in between as the GUI does. Two runs that differ only in the
// reading must give the same transitions and decisions when reading changes nothing.
#pragma once

#include <gtest/gtest.h>

#include <cbsim/breaker.hpp>
#include <cbsim/breaker_config.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cbsim::test {

/// What a scripted run produced: every transition as "at from->to: reason", every decision.
struct ScriptedRun {
    std::vector<std::string> transitions;
    std::vector<Rejection> decisions;
};

/// Calls every `spacing` from 0 to `end`; call i takes `latency(i)` and ends with
/// `outcome(i)`. With `poll_every` > 0, state() and window() are read at every multiple of it.
inline ScriptedRun run_script(const BreakerConfig& config, SimTime end, SimTime spacing,
                              const std::function<SimTime(int)>& latency,
                              const std::function<Outcome(int)>& outcome, SimTime poll_every) {
    ScriptedRun out;
    const std::unique_ptr<Breaker> breaker = make_breaker(config);
    breaker->set_transition_sink([&out](const Transition& t) {
        out.transitions.push_back(std::to_string(t.at) + " " + t.text());
    });
    // pending completions by (end, call index): one instant completes in call order
    std::map<std::pair<SimTime, int>, std::pair<Permit, Outcome>> pending;
    SimTime next_poll = 0;
    auto complete_until = [&](SimTime t) {
        while (!pending.empty() && pending.begin()->first.first <= t) {
            const auto [key, value] = *pending.begin();
            pending.erase(pending.begin());
            breaker->record(value.first, value.second, latency(key.second), key.first);
        }
    };
    auto poll_until = [&](SimTime t) {  // reads strictly before t, after the completions then
        while (poll_every > 0 && next_poll < t) {
            complete_until(next_poll);
            breaker->state(next_poll);
            breaker->window(next_poll);
            next_poll += poll_every;
        }
    };
    int i = 0;
    for (SimTime t = 0; t <= end; t += spacing, ++i) {
        poll_until(t);
        complete_until(t);
        const Admission a = breaker->acquire(t);
        out.decisions.push_back(a.rejection);
        if (a.allowed())
            pending.emplace(std::make_pair(t + latency(i), i),
                            std::make_pair(a.permit, outcome(i)));
    }
    while (!pending.empty()) {
        poll_until(pending.begin()->first.first);
        complete_until(pending.begin()->first.first);
    }
    return out;
}

/// Runs the script with and without reading in between and expects the same result; returns
/// the unpolled run (for further checks).
inline ScriptedRun expect_reading_changes_nothing(const BreakerConfig& config, SimTime end,
                                                  SimTime spacing,
                                                  const std::function<SimTime(int)>& latency,
                                                  const std::function<Outcome(int)>& outcome) {
    const ScriptedRun quiet = run_script(config, end, spacing, latency, outcome, 0);
    for (const SimTime poll : {from_ms(1), from_ms(7), from_ms(250)}) {
        const ScriptedRun polled = run_script(config, end, spacing, latency, outcome, poll);
        EXPECT_EQ(polled.transitions, quiet.transitions) << "polling every " << poll << " us";
        EXPECT_EQ(polled.decisions, quiet.decisions) << "polling every " << poll << " us";
    }
    return quiet;
}

/// The standard script: a call every 37 ms for 20 s, latencies of 0 to 400 ms; two calls in
/// three fail for the first 160 calls (the breaker trips and probes), then one in ten fails
/// and one in seventeen is ignored.
inline ScriptedRun expect_reading_changes_nothing(const BreakerConfig& config) {
    const auto latency = [](int i) { return from_ms((i * 7) % 11 * 40); };
    const auto outcome = [](int i) {
        if (i < 160) return i % 3 != 0 ? Outcome::failure : Outcome::success;
        return i % 10 == 0 ? Outcome::failure : i % 17 == 0 ? Outcome::ignored : Outcome::success;
    };
    return expect_reading_changes_nothing(config, from_ms(20000), from_ms(37), latency, outcome);
}

}  // namespace cbsim::test
