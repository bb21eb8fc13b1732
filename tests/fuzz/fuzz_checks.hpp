// fuzz_checks.hpp: the properties every loader must keep on ANY input, shared by the libFuzzer
// targets (tests/fuzz/fuzz_*.cpp, clang builds) and the regression test that replays every
// input once found to break them (tests/core/fuzz_regressions_test.cpp, every build).
//
// 1. No crash, hang or sanitizer report; the only exception is cbsim::ConfigError.
// 2. What loads also saves, and the saved text loads back to an equal value and saves to the
//    same bytes (lossless, canonical round trip).
// A broken property aborts with a message (libFuzzer then keeps the input as a crash).
#pragma once

#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/scenario_io.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

namespace cbsim::fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz property broken: %s\n%s\n", what, detail.c_str());
    std::abort();
}

/// Outcome of one input, for the regression test's report.
enum class Verdict { accepted, refused };

inline Verdict check_scenario_text(std::string_view text) {
    Scenario parsed;
    try {
        parsed = parse_scenario_toml(text, "fuzz.toml");
    } catch (const ConfigError& e) {
        if (std::string(e.what()).rfind("fuzz.toml", 0) != 0) {
            fail("scenario error does not start with the file name", e.what());
        }
        return Verdict::refused;
    }
    const std::string saved = scenario_to_toml(parsed);
    Scenario again;
    try {
        again = parse_scenario_toml(saved, "saved.toml");
    } catch (const ConfigError& e) {
        fail("a saved scenario does not load", std::string(e.what()) + "\n--- saved:\n" + saved);
    }
    if (!(again == parsed)) fail("scenario round trip changed the value", saved);
    if (scenario_to_toml(again) != saved) fail("scenario save is not canonical", saved);
    return Verdict::accepted;
}

inline Verdict check_breaker_text(std::string_view text) {
    BreakerConfig parsed;
    try {
        parsed = parse_breaker_toml(text, "fuzz.toml");
    } catch (const ConfigError& e) {
        if (std::string(e.what()).rfind("fuzz.toml", 0) != 0) {
            fail("breaker error does not start with the file name", e.what());
        }
        return Verdict::refused;
    }
    const std::string saved = to_toml(parsed);
    BreakerConfig again;
    try {
        again = parse_breaker_toml(saved, "saved.toml");
    } catch (const ConfigError& e) {
        fail("a saved breaker config does not load",
             std::string(e.what()) + "\n--- saved:\n" + saved);
    }
    if (!(again == parsed)) fail("breaker round trip changed the value", saved);
    if (to_toml(again) != saved) fail("breaker save is not canonical", saved);
    // Whatever loads must also build and run a few calls without trouble.
    auto breaker = make_breaker(parsed);
    for (SimTime t = 0; t < from_s(2); t += from_ms(100)) {
        const Admission a = breaker->acquire(t);
        if (a.allowed())
            breaker->record(a.permit, (t / from_ms(100)) % 3 ? Outcome::failure : Outcome::success,
                            from_ms(5), t);
    }
    return Verdict::accepted;
}

/// A trace that parses replays through every preset, gives one decision per row, and its
/// decisions.csv has one line per row plus the header.
inline Verdict check_trace_text(std::string_view text) {
    Trace trace;
    try {
        trace = parse_trace(text, "fuzz.csv");
    } catch (const ConfigError& e) {
        if (std::string(e.what()).rfind("fuzz.csv", 0) != 0) {
            fail("trace error does not start with the file name", e.what());
        }
        return Verdict::refused;
    }
    for (const PresetInfo& info : all_presets()) {
        const Preset preset = info.preset;
        BreakerConfig config = BreakerConfig::defaults(preset);
        const auto decisions = replay(config, trace);
        if (decisions.size() != trace.rows.size()) fail("replay lost rows", to_string(preset));
        const std::string csv = decisions_csv(trace, decisions);
        const auto lines = static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n'));
        if (lines != trace.rows.size() + 1) fail("decisions.csv has the wrong line count", csv);
    }
    return Verdict::accepted;
}

}  // namespace cbsim::fuzz
