// fit_test.cpp: fitting a scenario to a call trace (fit.hpp). Synthetic traces are drawn with
// the core rng from known piecewise parameters (arrival rate phases; failure share and lognormal
// latency phases); the fit must find every change within 1 s and every value within 10 %, over
// several seeds, and the fitted scenario, run in the simulator, must give the trace's profile
// back (calls, failure share, p50 and p99 per stretch within 10 %).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <cbsim/error.hpp>
#include <cbsim/fit.hpp>
#include <cbsim/number_text.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/rng.hpp>
#include <cbsim/run.hpp>
#include <cbsim/scenario_io.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cbsim {
namespace {

using ::testing::HasSubstr;

// [SECTION] Synthetic traces ------------------------------------------------------------------

struct RatePhase {
    double at_s;
    double rate_rps;
};
struct WorldPhase {
    double at_s;
    double failure;
    double p50_ms;
    double p99_ms;
};
struct Truth {
    double duration_s;
    std::vector<RatePhase> rates;    // the first at 0
    std::vector<WorldPhase> worlds;  // the first at 0
};

template <typename P>
const P& in_force(const std::vector<P>& phases, double t_s) {
    const P* p = &phases.front();
    for (const P& q : phases) {
        if (q.at_s <= t_s) p = &q;
    }
    return *p;
}

/// A trace of Poisson arrivals at the rate phases (memoryless: a gap that crosses a phase
/// start is drawn again from there), each call failing with the share in force and lasting a
/// lognormal draw of its phase; times and durations in microseconds.
std::string synthetic_trace(const Truth& truth, std::uint64_t seed, bool durations = true) {
    Rng rng(seed, stream_id("fit-test"));
    std::string out = durations ? "t_ms,outcome,duration_ms\n" : "t_ms,outcome\n";
    double t = 0.0;
    while (true) {
        const RatePhase& phase = in_force(truth.rates, t);
        double next_phase = truth.duration_s;
        for (const RatePhase& q : truth.rates) {
            if (q.at_s > t) {
                next_phase = q.at_s;
                break;
            }
        }
        const double gap = phase.rate_rps > 0 ? rng.exponential(1.0 / phase.rate_rps) : 1e300;
        if (t + gap >= next_phase) {
            if (next_phase >= truth.duration_s) break;
            t = next_phase;
            continue;
        }
        t += gap;
        const WorldPhase& world = in_force(truth.worlds, t);
        const bool failed = rng.bernoulli(world.failure);
        const double ms = rng.lognormal_p50_p99(world.p50_ms, world.p99_ms);
        out += format_ms(static_cast<SimTime>(std::llround(t * 1e6)));
        out += failed ? ",failure" : ",success";
        if (durations) {
            out += ',';
            out += format_ms(static_cast<SimTime>(std::llround(ms * 1e3)));
        }
        out += '\n';
    }
    return out;
}

/// The incident of most tests: the rate doubles at 60 s; from 40 s to 70.5 s the service fails
/// most calls and is slow.
Truth incident() {
    return {120.0,
            {{0.0, 200.0}, {60.0, 400.0}},
            {{0.0, 0.1, 20.0, 80.0}, {40.0, 0.6, 60.0, 400.0}, {70.5, 0.15, 25.0, 100.0}}};
}

FitResult fit_text(const std::string& text, FitOptions options = {}) {
    return fit_trace(parse_trace(text, "synthetic.csv"), options, "synthetic.csv");
}

void expect_within(double got, double want, double relative, const std::string& what) {
    EXPECT_LE(std::fabs(got - want), relative * want)
        << what << ": got " << got << ", want " << want;
}

/// Every change of `truth` found and no other, each within 1 s of its true start: the rate's,
/// the failure share's and, when the trace has durations, the latency's.
void expect_changes_found(const FitResult& fit, const Truth& truth) {
    ASSERT_EQ(fit.rate.size(), truth.rates.size());
    for (std::size_t i = 0; i < truth.rates.size(); ++i)
        EXPECT_NEAR(to_s(fit.rate[i].start), truth.rates[i].at_s, 1.0) << "rate piece " << i;
    ASSERT_EQ(fit.failure.size(), truth.worlds.size());
    for (std::size_t i = 0; i < truth.worlds.size(); ++i)
        EXPECT_NEAR(to_s(fit.failure[i].start), truth.worlds[i].at_s, 1.0) << "failure piece " << i;
    if (fit.latency.empty()) return;
    ASSERT_EQ(fit.latency.size(), truth.worlds.size());
    for (std::size_t i = 0; i < truth.worlds.size(); ++i)
        EXPECT_NEAR(to_s(fit.latency[i].start), truth.worlds[i].at_s, 1.0) << "latency piece " << i;
}

// [SECTION] Recovery of known parameters --------------------------------------------------

TEST(Fit, RecoversRatePhasesFailurePhasesAndLatencyOverSeeds) {
    const Truth truth = incident();
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const FitResult fit = fit_text(synthetic_trace(truth, seed));
        ASSERT_FALSE(fit.latency.empty());
        expect_changes_found(fit, truth);
        if (HasFatalFailure()) return;
        for (std::size_t i = 0; i < truth.rates.size(); ++i)
            expect_within(fit.rate[i].value, truth.rates[i].rate_rps, 0.1, "rate");
        for (std::size_t i = 0; i < truth.worlds.size(); ++i) {
            const WorldPhase& w = truth.worlds[i];
            expect_within(fit.failure[i].value, w.failure, 0.1, "failure share");
            expect_within(fit.latency[i].p50_ms, w.p50_ms, 0.1, "p50");
            expect_within(fit.latency[i].p99_ms, w.p99_ms, 0.1, "p99");
        }
        EXPECT_NEAR(to_s(fit.end), 120.0, 0.1);  // just after the last call
        EXPECT_EQ(fit.bin, kSecond);
    }
}

TEST(Fit, ChangesInsideABinLandWithinTheBinAfterRefinement) {
    // 5 s bins: the bins alone would place 40 s and 70.5 s at 40 and 70 or 75; the refinement to
    // call times brings each within 1 s of the truth.
    const Truth truth = incident();
    FitOptions options;
    options.bin_s = 5.0;
    options.min_segment_s = 10.0;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        expect_changes_found(fit_text(synthetic_trace(truth, seed), options), truth);
    }
}

TEST(Fit, AStationaryTraceIsOnePieceOfEachSignal) {
    // The default penalty does not cut a trace in which nothing changes.
    const Truth truth{300.0, {{0.0, 100.0}}, {{0.0, 0.05, 15.0, 60.0}}};
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const FitResult fit = fit_text(synthetic_trace(truth, seed));
        EXPECT_EQ(fit.rate.size(), 1u);
        EXPECT_EQ(fit.failure.size(), 1u);
        EXPECT_EQ(fit.latency.size(), 1u);
        EXPECT_EQ(fit.segments.size(), 1u);
        EXPECT_TRUE(fit.scenario.timeline.empty());
        EXPECT_TRUE(fit.scenario.traffic.phases.empty());
    }
}

TEST(Fit, ASlowdownWithoutFailuresChangesOnlyTheLatency) {
    // The median jumps above the old p99 and comes back: the timeline keeps p50 <= p99 at every
    // entry (p99 first on the way up, p50 first on the way down).
    const Truth truth{
        90.0,
        {{0.0, 150.0}},
        {{0.0, 0.02, 20.0, 40.0}, {30.0, 0.02, 100.0, 300.0}, {60.0, 0.02, 20.0, 40.0}}};
    const FitResult fit = fit_text(synthetic_trace(truth, 7));
    EXPECT_EQ(fit.rate.size(), 1u);
    EXPECT_EQ(fit.failure.size(), 1u);
    ASSERT_EQ(fit.latency.size(), 3u);
    EXPECT_NEAR(to_s(fit.latency[1].start), 30.0, 1.0);
    EXPECT_NEAR(to_s(fit.latency[2].start), 60.0, 1.0);
    const auto& tl = fit.scenario.timeline;
    ASSERT_EQ(tl.size(), 4u);
    EXPECT_EQ(tl[0].path, "upstream.latency_p99_ms");
    EXPECT_EQ(tl[1].path, "upstream.latency_p50_ms");
    EXPECT_EQ(tl[2].path, "upstream.latency_p50_ms");
    EXPECT_EQ(tl[3].path, "upstream.latency_p99_ms");
    EXPECT_TRUE(validate(fit.scenario).empty());
    cbsim::Run run(
        fit.scenario);  // every timeline entry applies (a refused one would throw or stop)
    run.advance_to(fit.scenario.duration());
    EXPECT_EQ(get_setting(run.live(), "upstream.latency_p50_ms"),
              std::optional<SettingValue>(fit.latency[2].p50_ms));
}

TEST(Fit, ATraceWithoutDurationsKeepsTheDefaultLatency) {
    const FitResult fit = fit_text(synthetic_trace(incident(), 3, false));
    EXPECT_TRUE(fit.latency.empty());
    EXPECT_EQ(fit.failure.size(), 3u);
    EXPECT_EQ(fit.scenario.services[1].latency, Latency{});
    EXPECT_THAT(fit_summary_text(fit), HasSubstr("no latency pieces"));
}

TEST(Fit, TimeoutsFailIgnoredCallsCountOnlyAsTraffic) {
    // Calls every 10 ms cycling through success, failure, timeout, ignored: 2 of 3 decided calls
    // fail; the rate counts all 400 calls over the 3.99 s up to the last one.
    std::string text = "t_ms,outcome,duration_ms\n";
    const char* outcomes[] = {"success", "failure", "timeout", "ignored"};
    for (int i = 0; i < 400; ++i)
        text += std::to_string(i * 10) + "," + outcomes[i % 4] + ",5\n";
    const FitResult fit = fit_text(text);
    ASSERT_EQ(fit.failure.size(), 1u);
    EXPECT_EQ(fit.failure[0].value, 0.6667);
    EXPECT_EQ(fit.failure[0].calls, 300u);
    ASSERT_EQ(fit.rate.size(), 1u);
    EXPECT_EQ(fit.rate[0].value, 100.3);
    ASSERT_EQ(fit.latency.size(), 1u);
    EXPECT_EQ(fit.latency[0].calls, 400u);
    EXPECT_EQ(fit.latency[0].p50_ms, 5.0);
    EXPECT_EQ(fit.latency[0].p99_ms, 5.0);
}

// [SECTION] The fitted scenario -------------------------------------------------------------

TEST(Fit, TheScenarioIsACallerCallingTheServiceWithoutProtection) {
    FitOptions options;
    options.service = "payments";
    const FitResult fit = fit_text(synthetic_trace(incident(), 1), options);
    const Scenario& sc = fit.scenario;
    EXPECT_EQ(sc.name, "fit of synthetic.csv");
    EXPECT_EQ(sc.duration(), fit.end);
    EXPECT_EQ(sc.traffic.target, "caller");
    EXPECT_EQ(sc.traffic.arrival, Arrival::poisson);
    ASSERT_EQ(sc.services.size(), 2u);
    const Service& caller = sc.services[0];
    EXPECT_EQ(caller.latency.dist, LatencyDist::constant);
    EXPECT_EQ(caller.latency.constant_ms, 0.0);
    ASSERT_EQ(caller.dependencies.size(), 1u);
    EXPECT_EQ(caller.dependencies[0].target, "payments");
    EXPECT_EQ(caller.dependencies[0].timeout_ms, 0);
    EXPECT_EQ(caller.dependencies[0].retry.max_attempts, 1);
    EXPECT_FALSE(caller.dependencies[0].breaker.has_value());
    EXPECT_EQ(sc.services[1].name, "payments");
    EXPECT_EQ(sc.services[1].failure_rate, fit.failure[0].value);
    ASSERT_EQ(sc.traffic.phases.size(), 1u);
    EXPECT_EQ(sc.traffic.phases[0].at, fit.rate[1].start);
    EXPECT_EQ(sc.traffic.phases[0].rate_rps, fit.rate[1].value);
    // It loads back as written and is the same scenario.
    const std::string toml = scenario_to_toml(sc);
    EXPECT_EQ(parse_scenario_toml(toml, "fitted.toml"), sc);
    // A breaker goes on the edge that carries the trace.
    Scenario with = sc;
    EXPECT_EQ(apply_setting(with, "caller->payments.breaker.preset", std::string("gobreaker")), "");
}

TEST(Fit, TheSameTraceGivesTheSameBytes) {
    const std::string text = synthetic_trace(incident(), 2);
    const FitResult a = fit_text(text);
    const FitResult b = fit_text(text);
    EXPECT_EQ(scenario_to_toml(a.scenario), scenario_to_toml(b.scenario));
    EXPECT_EQ(fit_summary_text(a), fit_summary_text(b));
    // And the values are rounded: four significant digits, shares to four decimals.
    const auto significant_digits = [](const std::string& digits) {
        std::string kept = digits.substr(digits.find_first_not_of("0."));
        if (kept.find('.') == std::string::npos) kept.erase(kept.find_last_not_of('0') + 1);
        return std::count_if(kept.begin(), kept.end(), [](char c) { return c != '.'; });
    };
    for (const FitPiece& p : a.rate)
        EXPECT_LE(significant_digits(text::shortest(p.value)), 4) << p.value;
    for (const LatencyPiece& p : a.latency) {
        EXPECT_LE(significant_digits(text::shortest(p.p50_ms)), 4) << p.p50_ms;
        EXPECT_LE(significant_digits(text::shortest(p.p99_ms)), 4) << p.p99_ms;
    }
    for (const FitPiece& p : a.failure)
        EXPECT_EQ(p.value, std::round(p.value * 1e4) / 1e4);
}

TEST(Fit, TheSummaryListsEverySegment) {
    const FitResult fit = fit_text(synthetic_trace(incident(), 1));
    // Cuts at 40, 60 and 70.5 (each signal's own, merged): four segments.
    ASSERT_EQ(fit.segments.size(), 4u);
    std::size_t calls = 0;
    for (const FitSegment& s : fit.segments)
        calls += s.calls;
    EXPECT_EQ(calls, fit.calls);
    const std::string text = fit_summary_text(fit);
    EXPECT_THAT(text, HasSubstr(" s (bins of 1 s): 2 rate, 3 failure and 3 latency pieces"));
    EXPECT_THAT(text,
                HasSubstr("start_s       end_s    calls  rate_rps failure    p50_ms    p99_ms"));
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2 + 4);
}

// [SECTION] Round trip: the fitted scenario's run has the trace's profile -------------------

struct Stretch {
    double calls = 0, failures = 0, p50 = 0, p99 = 0;
};

/// The trace's calls, failure share and nearest-rank p50 / p99 in [from_s, to_s).
Stretch trace_stretch(const Trace& trace, double from_s, double to_s_) {
    Stretch s;
    std::vector<double> ms;
    for (const TraceRow& row : trace.rows) {
        if (row.at < static_cast<SimTime>(from_s * 1e6) ||
            row.at >= static_cast<SimTime>(to_s_ * 1e6))
            continue;
        ++s.calls;
        if (row.outcome == Outcome::failure) ++s.failures;
        ms.push_back(to_ms(row.duration));
    }
    std::sort(ms.begin(), ms.end());
    const auto rank = [&ms](double q) {
        return ms[static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size()))) - 1];
    };
    s.p50 = rank(0.5);
    s.p99 = rank(0.99);
    return s;
}

TEST(Fit, TheFittedScenarioRunsTheTracesProfile) {
    // Phases on 20 s boundaries and a run recorded in 20 s buckets: each bucket's calls and
    // failure share, summed over a phase, and each bucket's p50 and p99 match the trace's.
    const Truth truth{120.0,
                      {{0.0, 500.0}, {60.0, 1000.0}},
                      {{0.0, 0.1, 20.0, 40.0}, {40.0, 0.6, 60.0, 150.0}, {80.0, 0.15, 25.0, 50.0}}};
    for (std::uint64_t seed : {11u, 12u, 13u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const Trace trace = parse_trace(synthetic_trace(truth, seed), "synthetic.csv");
        const FitResult fit = fit_trace(trace, {}, "synthetic.csv");
        Scenario sc = fit.scenario;
        sc.resolution_ms = 20000;
        sc.duration_s = 120.0;  // the whole last bucket
        sc.seed = seed;
        cbsim::Run run(sc);
        run.advance_to(sc.duration());
        const Recorder& r = run.recorder();
        const std::vector<EdgeRow> rows = r.edge_rows(r.edge_index("caller->upstream"));
        ASSERT_EQ(rows.size(), 6u);
        const std::size_t cuts[] = {0, 2, 3, 4, 6};  // in buckets of 20 s
        for (std::size_t p = 0; p + 1 < std::size(cuts); ++p) {
            SCOPED_TRACE("phase from bucket " + std::to_string(cuts[p]));
            Stretch ran;
            for (std::size_t b = cuts[p]; b < cuts[p + 1]; ++b) {
                ran.calls += rows[b].calls;
                ran.failures += rows[b].failures;
                const double start = 20.0 * static_cast<double>(b);
                const Stretch bucket = trace_stretch(trace, start, start + 20.0);
                expect_within(rows[b].latency_p50_ms, bucket.p50, 0.1, "p50 of a bucket");
                expect_within(rows[b].latency_p99_ms, bucket.p99, 0.1, "p99 of a bucket");
            }
            const Stretch traced = trace_stretch(trace, 20.0 * static_cast<double>(cuts[p]),
                                                 20.0 * static_cast<double>(cuts[p + 1]));
            expect_within(ran.calls, traced.calls, 0.1, "calls");
            expect_within(ran.failures / ran.calls, traced.failures / traced.calls, 0.1,
                          "failure share");
        }
    }
}

// [SECTION] The trace of the CLI test -------------------------------------------------------

/// tests/data/fit/incident.csv (tests/cli/fit_test.sh): 60 s, 50 calls/s then 80 from 35 s;
/// from 20.25 s to 40 s most calls fail and are slow.
Truth cli_incident() {
    return {60.0,
            {{0.0, 50.0}, {35.0, 80.0}},
            {{0.0, 0.05, 20.0, 80.0}, {20.25, 0.6, 150.0, 600.0}, {40.0, 0.05, 20.0, 80.0}}};
}

TEST(Fit, TheCliTestTraceIsTheGeneratorsOutput) {
    const std::string path = std::string(CBSIM_TEST_DATA_DIR) + "/fit/incident.csv";
    const std::string want = synthetic_trace(cli_incident(), 1);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream got;
    got << in.rdbuf();
    EXPECT_TRUE(got.str() == want) << path << " is synthetic_trace(cli_incident(), 1)";
    expect_changes_found(fit_trace(load_trace(path), {}, path), cli_incident());
}

// [SECTION] Bad input -----------------------------------------------------------------------

TEST(Fit, TooFewCallsAreRefusedWithTheMinimum) {
    std::string text = "t_ms,outcome\n";
    for (int i = 0; i < 99; ++i)
        text += std::to_string(i * 10) + ",success\n";
    try {
        fit_text(text);
        FAIL() << "99 calls were fitted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "synthetic.csv: the trace has 99 calls; a fit needs at least 100 calls");
    }
    text += "990,success\n";
    EXPECT_EQ(fit_text(text).calls, 100u);
}

TEST(Fit, OptionsOutOfRangeNameTheOption) {
    FitOptions o;
    EXPECT_EQ(fit_options_problem(o), "");
    o.bin_s = 0;
    EXPECT_EQ(fit_options_problem(o),
              "--bin-s: 0 is out of range; expected seconds in [0.001, 3600]");
    o = {};
    o.min_segment_s = std::nan("");
    EXPECT_THAT(fit_options_problem(o), HasSubstr("--min-segment-s: nan is out of range"));
    o = {};
    o.penalty = 0;
    EXPECT_EQ(fit_options_problem(o),
              "--penalty: 0 is out of range; expected a number in (0, 1000]");
    o = {};
    o.service = "caller";
    EXPECT_THAT(fit_options_problem(o),
                HasSubstr("--service: \"caller\" names the calling service"));
    o.service = "a b";
    EXPECT_THAT(fit_options_problem(o), HasSubstr("--service: \"a b\" is not a valid name"));
    EXPECT_THROW(fit_text(synthetic_trace(incident(), 1), o), std::invalid_argument);
    o = {};
    o.name = "bad\xff name";
    EXPECT_EQ(fit_options_problem(o),
              "--name: \"bad\\xff name\" holds a control character or is not UTF-8; expected "
              "printable text");
    o.name = "tab\there";
    EXPECT_THAT(fit_options_problem(o), HasSubstr("holds a control character"));
    o.name = "caf\xc3\xa9 \"quoted\" \\ incident";  // UTF-8, quotes and a backslash are fine
    EXPECT_EQ(fit_options_problem(o), "");
    const FitResult named = fit_text(synthetic_trace(incident(), 1), o);
    EXPECT_EQ(parse_scenario_toml(scenario_to_toml(named.scenario), "n.toml").name, o.name);
}

TEST(Fit, ATraceLongerThanAScenarioIsRefused) {
    std::string text = "t_ms,outcome\n";
    for (int i = 0; i < 100; ++i)
        text += std::to_string(static_cast<std::int64_t>(i) * 200'000'000) + ",success\n";
    EXPECT_THROW(
        {
            try {
                fit_text(text);
            } catch (const ConfigError& e) {
                EXPECT_THAT(e.what(), HasSubstr("a fitted scenario runs at most 10000000 s"));
                throw;
            }
        },
        ConfigError);
}

TEST(Fit, ALongTraceGetsWiderBins) {
    // 9990 s at 0.1 calls/s: 1 s bins would be 9991; at most 5000 bins means 2 s.
    std::string text = "t_ms,outcome\n";
    for (int i = 0; i < 1000; ++i)
        text += std::to_string(static_cast<std::int64_t>(i) * 10'000) + ",success\n";
    const FitResult fit = fit_text(text);
    EXPECT_EQ(fit.bin, 2 * kSecond);
    EXPECT_EQ(fit.end, from_s(9990) + 1);
    ASSERT_EQ(fit.rate.size(), 1u);
    expect_within(fit.rate[0].value, 0.1, 0.01, "rate");
}

}  // namespace
}  // namespace cbsim
