// fuzz_checks.hpp: the properties every loader must keep on ANY input, shared by the libFuzzer
// targets (tests/fuzz/fuzz_*.cpp, clang builds) and the regression test that replays every
// input once found to break them (tests/core/fuzz_regressions_test.cpp, every build).
//
// 1. No crash, hang or sanitizer report; the only exception is cbsim::ConfigError.
// 2. What loads also saves, and the saved text loads back to an equal value and saves to the
//    same bytes (lossless, canonical round trip). A trace that loads replays through every
//    preset and fits (fit.hpp) to a scenario that loads back, or is refused with its file name.
// 3. What loads also runs (check_scenario_run): a few simulated seconds give no more requests
//    than the highest rate the scenario can reach allows, KPIs that are shares stay in [0, 1],
//    counts keep their order (succeeded <= finished <= first tries <= attempts), and the
//    exported scenario re-runs to the same summary.json.
// A broken property aborts with a message (libFuzzer then keeps the input as a crash).
#pragma once

#include <cbsim/access_log.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>
#include <cbsim/fit.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/run.hpp>
#include <cbsim/scenario_io.hpp>
#include <cbsim/summary.hpp>

#include <algorithm>
#include <cmath>
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
    // cbsim-cli fit: a scenario that loads back as written, or a refusal naming the file.
    try {
        const FitResult fit = fit_trace(trace, {}, "fuzz.csv");
        const std::string toml = scenario_to_toml(fit.scenario);
        if (!(parse_scenario_toml(toml, "fit.toml") == fit.scenario))
            fail("the fitted scenario does not load back", toml);
    } catch (const ConfigError& e) {
        if (std::string(e.what()).rfind("fuzz.csv", 0) != 0)
            fail("fit error does not start with the file name", e.what());
    }
    return Verdict::accepted;
}

/// Every line of an access log of `format` through its LineParser (csv: the first line is the
/// header): a line parses or says why not; a parsed record has a start in [1970, 10000), a
/// duration of at most a year (or none), a status in [0, 999] (or none), and the outcome the
/// default rule gives. Accepted when some line parsed.
inline Verdict check_log_text(LogFormat format, std::string_view text) {
    LogOptions options;
    options.format = format;
    LineParser parser(options);
    bool any = false;
    bool first = true;
    LogRecord r;
    std::string why;
    const FailureRule rule;
    constexpr SimTime kYear10000 = 253402300800LL * kSecond;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (first && parser.needs_header()) {
            first = false;
            try {
                parser.header(line, "fuzz.csv");
            } catch (const ConfigError& e) {
                if (std::string(e.what()).rfind("fuzz.csv", 0) != 0)
                    fail("header error does not start with the file name", e.what());
                return Verdict::refused;
            }
            continue;
        }
        first = false;
        why.clear();
        if (!parser.parse(line, r, why)) {
            if (why.empty()) fail("a refused line without a reason", std::string(line));
            continue;
        }
        any = true;
        if (r.at < 0 || r.at >= kYear10000) fail("start outside [1970, 10000)", std::string(line));
        if (r.duration < -1 || r.duration > 366LL * 24 * 3600 * kSecond)
            fail("duration out of range", std::string(line));
        if (r.status < -1 || r.status > 999) fail("status out of range", std::string(line));
        const Outcome want =
            rule.failed(r.status, r.duration) ? Outcome::failure : Outcome::success;
        if (r.outcome != want) fail("outcome differs from the default rule", std::string(line));
        std::string row;
        append_trace_row(row, r.duration < 0 ? 0 : r.duration, r.outcome, r.duration, true);
        if (row.empty() || row.back() != '\n') fail("trace row not terminated", row);
    }
    return any ? Verdict::accepted : Verdict::refused;
}

/// The highest arrival rate `scenario` can reach (initial rate, phases, timeline changes of
/// traffic.rate_rps), and how many rate changes it can make in [0, until) (each may bring one
/// constant arrival forward to its instant).
struct RateBound {
    double max_rps = 0.0;
    double changes = 0.0;
};

inline RateBound rate_bound(const Scenario& scenario, SimTime until) {
    RateBound b{scenario.traffic.rate_rps, 0.0};
    for (const TrafficPhase& p : scenario.traffic.phases) {
        b.max_rps = std::max(b.max_rps, p.rate_rps);
        if (p.at < until) b.changes += 1.0 + static_cast<double>(p.ramp) / 1e5;  // 100 ms steps
    }
    for (const TimelineEntry& e : scenario.timeline) {
        if (e.path != "traffic.rate_rps") continue;
        if (const double* v = std::get_if<double>(&e.value)) b.max_rps = std::max(b.max_rps, *v);
        if (e.at < until) b.changes += 1.0;
    }
    return b;
}

/// Runs `scenario` to `until` in steps, stopping early past `max_events` (a heavy input is
/// not an error); returns the time reached.
inline SimTime run_bounded(Run& run, SimTime until, std::uint64_t max_events) {
    for (SimTime t = 0; t < until && run.events_processed() < max_events;) {
        t = std::min(until, t + from_ms(50));
        run.advance_to(t);
    }
    return run.now();
}

/// Property 3: what loads runs, within the rate it allows, with consistent KPIs, and re-runs
/// from its own export to the same summary.
inline Verdict check_scenario_run(std::string_view text) {
    Scenario scenario;
    try {
        scenario = parse_scenario_toml(text, "fuzz.toml");
    } catch (const ConfigError&) {
        return Verdict::refused;  // check_scenario_text covers refusals
    }
    constexpr std::uint64_t kMaxEvents = 200000;
    const SimTime until = std::min(scenario.duration(), from_s(3));
    std::string first_summary;
    SimTime reached = 0;
    Scenario exported;
    {
        Run run(scenario);
        reached = run_bounded(run, until, kMaxEvents);
        const Summary s = run.summary();
        const RateBound b = rate_bound(scenario, reached);
        const double mean = b.max_rps * to_s(reached);
        const double allowed = mean + 10.0 * std::sqrt(mean) + 10.0 + b.changes;
        if (static_cast<double>(s.requests) > allowed)
            fail("more requests than the highest rate allows",
                 std::to_string(s.requests) + " requests in " + std::to_string(to_s(reached)) +
                     " s at most " + std::to_string(b.max_rps) + "/s\n" + std::string(text));
        for (const EdgeSummary& e : s.edges) {
            if (!(e.availability >= 0.0 && e.availability <= 1.0))
                fail("availability outside [0, 1]", e.edge);
            if (!(e.succeeded <= e.finished && e.finished <= e.first_tries &&
                  e.first_tries <= e.attempts && e.retries <= e.attempts))
                fail("edge counts out of order", e.edge + "\n" + std::string(text));
        }
        exported = run.exported_scenario();
        first_summary = summary_json(s);
    }
    // The export re-runs: it loads, and the same steps give the same summary.
    Scenario again;
    try {
        again = parse_scenario_toml(scenario_to_toml(exported), "exported.toml");
    } catch (const ConfigError& e) {
        fail("an exported scenario does not load", e.what());
    }
    Run rerun(again);
    run_bounded(rerun, reached, kMaxEvents);
    rerun.advance_to(reached);
    if (summary_json(rerun.summary()) != first_summary)
        fail("the exported scenario re-runs to another summary", std::string(text));
    return Verdict::accepted;
}

}  // namespace cbsim::fuzz
