// Sweeps (cbsim/sweep.hpp): the spec read and written back, fault profiles as timeline entries,
// the theory check of a consecutive-failures breaker, and the same bytes for any thread count.
#include <gtest/gtest.h>

#include <cbsim/error.hpp>
#include <cbsim/sweep.hpp>

#include "common/temp_dir.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

namespace cbsim {
namespace {

namespace fs = std::filesystem;

using test::TempDir;
std::string read(const fs::path& p) {
    return test::read_bytes(p);
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == ',')
            out.emplace_back();
        else
            out.back() += c;
    }
    return out;
}

/// A CSV file's header and rows, split in fields.
struct Csv {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    /// The column named `name`; header.size() when there is none.
    std::size_t col(const std::string& name) const {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    }
};

Csv read_csv(const fs::path& p) {
    std::istringstream in(read(p));
    Csv csv;
    std::string line;
    if (std::getline(in, line)) csv.header = split(line);
    while (std::getline(in, line))
        csv.rows.push_back(split(line));
    return csv;
}

/// A call every 10 ms from A to B (1 ms of work, no overlap), no retry, a gobreaker breaker
/// that opens on 2 consecutive failures and stays open past the end of the run.
constexpr const char* kTheoryScenario = R"(name = "theory"
seed = 1
duration_s = 60
resolution_ms = 1000

[traffic]
target = "A"
rate_rps = 100
arrival = "constant"

[[service]]
name = "A"
latency_ms = { constant = 0.1 }

[[service.dependency]]
target = "B"
timeout_ms = 1000

[service.dependency.breaker]
preset = "gobreaker"
max_requests = 1
interval_ms = 0
timeout_ms = 600000

[service.dependency.breaker.trip]
consecutive_failures = 2

[[service]]
name = "B"
latency_ms = { constant = 1 }
)";

constexpr const char* kSmallSpec = R"(scenario = "theory.toml"
edge = "A->B"
seeds = 3
duration_s = 5

[[axis]]
path = "A->B.breaker.trip.consecutive_failures"
linear = { from = 1, to = 3, steps = 4 }

[[axis]]
path = "B.latency_constant_ms"
log = { from = 0.5, to = 8, steps = 3 }

[[profile]]
name = "ok"
kind = "healthy"

[[profile]]
name = "down"
kind = "step"
at_s = 1
failure_rate = 0.9
end_s = 3
)";

TEST(Sweep, RangesOfIntegerKeysAreRoundedAndDeduplicatedWithANote) {
    TempDir dir("cbsim_sweep_spec_test");
    dir.file("theory.toml", kTheoryScenario);
    const SweepPlan plan = parse_sweep(kSmallSpec, (dir.path / "s.sweep.toml").string());
    // linear 1, 1.667, 2.333, 3 -> 1, 2, 2, 3 -> 1, 2, 3.
    ASSERT_EQ(plan.spec.axes.size(), 2u);
    EXPECT_EQ(plan.spec.axes[0].values, (std::vector<SettingValue>{1.0, 2.0, 3.0}));
    ASSERT_EQ(plan.notes.size(), 1u);
    EXPECT_NE(plan.notes[0].find("dropped duplicates 2"), std::string::npos) << plan.notes[0];
    // log 0.5, 2, 8: a real key keeps its values.
    ASSERT_EQ(plan.spec.axes[1].values.size(), 3u);
    EXPECT_DOUBLE_EQ(std::get<double>(plan.spec.axes[1].values[1]), 2.0);
    EXPECT_EQ(point_count(plan.spec), 9u);
    EXPECT_EQ(task_count(plan.spec), 9u * 2u * 3u);
    // Point 5 = (index 1 of axis 0, index 2 of axis 1): the first axis is the slowest.
    EXPECT_EQ(point_values(plan.spec, 5), (std::vector<SettingValue>{2.0, 8.0}));
    const SweepTask t = sweep_task(plan, 5 * 6 + 1 * 3 + 2);
    EXPECT_EQ(t.point, 5u);
    EXPECT_EQ(t.profile, 1u);
    EXPECT_EQ(t.seed, plan.base.seed + 2);
}

TEST(Sweep, TheNormalFormReadsBackToTheSameSweep) {
    TempDir dir("cbsim_sweep_normal_test");
    dir.file("theory.toml", kTheoryScenario);
    const SweepPlan plan = parse_sweep(kSmallSpec, (dir.path / "s.sweep.toml").string());
    dir.file("n.sweep.toml", sweep_spec_toml(plan, "theory.toml"));
    const SweepPlan again = load_sweep((dir.path / "n.sweep.toml").string());
    EXPECT_EQ(again.spec.axes, plan.spec.axes);
    EXPECT_EQ(again.spec.profiles, plan.spec.profiles);
    EXPECT_EQ(again.hash, plan.hash);
    EXPECT_TRUE(again.notes.empty());
}

TEST(Sweep, ProfilesAreTimelineEntriesThatRestoreThePointsOwnValues) {
    Scenario s = default_scenario();
    s.duration_s = 100;
    s.services[1].failure_rate = 0.05;
    FaultProfile step{.name = "s",
                      .kind = FaultKind::step,
                      .service = "B",
                      .at_s = 10,
                      .end_s = 20,
                      .failure_rate = 0.5};
    EXPECT_EQ(profile_timeline(step, s, "B"),
              (std::vector<TimelineEntry>{{10'000'000, "B.failure_rate", 0.5},
                                          {20'000'000, "B.failure_rate", 0.05}}));
    FaultProfile flap{.name = "f",
                      .kind = FaultKind::flapping,
                      .service = "B",
                      .at_s = 0,
                      .end_s = 30,
                      .failure_rate = 1,
                      .period_s = 10,
                      .duty = 0.25};
    const auto f = profile_timeline(flap, s, "B");
    ASSERT_EQ(f.size(), 6u);
    EXPECT_EQ(f[1], (TimelineEntry{2'500'000, "B.failure_rate", 0.05}));
    EXPECT_EQ(f[4], (TimelineEntry{20'000'000, "B.failure_rate", 1.0}));
    // Brownout: p99 before p50 on the way up (p99 >= p50 after each entry), factor at until_s,
    // back in the other order at end_s.
    FaultProfile brown{.name = "b",
                       .kind = FaultKind::brownout,
                       .service = "B",
                       .at_s = 10,
                       .end_s = 50,
                       .until_s = 20,
                       .factor = 3,
                       .step_s = 5};
    const auto b = profile_timeline(brown, s, "B");
    const double p50 = s.services[1].latency.p50_ms, p99 = s.services[1].latency.p99_ms;
    ASSERT_EQ(b.size(), 6u);
    EXPECT_EQ(b[0], (TimelineEntry{10'000'000, "B.latency_p99_ms", p99 * 2}));
    EXPECT_EQ(b[1], (TimelineEntry{10'000'000, "B.latency_p50_ms", p50 * 2}));
    EXPECT_EQ(b[3], (TimelineEntry{15'000'000, "B.latency_p50_ms", p50 * 3}));
    EXPECT_EQ(b[4], (TimelineEntry{50'000'000, "B.latency_p50_ms", p50}));
    FaultProfile partial{.name = "p",
                         .kind = FaultKind::partial,
                         .service = "B",
                         .at_s = 5,
                         .failure_rate = 1,
                         .faulty_instances = 1};
    EXPECT_EQ(profile_timeline(partial, s, "B"),
              (std::vector<TimelineEntry>{{5'000'000, "B.faulty_instances", 1.0},
                                          {5'000'000, "B.failure_rate", 1.0}}));
    EXPECT_TRUE(profile_timeline(FaultProfile{}, s, "B").empty());
}

/// The end of every profile with an end is one clearing change, also on a target that fails a
/// little when healthy (failure_rate 0.02, 4 instances): each run under each fault measures a
/// recovery delay. The partial profile's end restores failure_rate and faulty_instances at one
/// instant; the step between them (3 of 4 instances at 0.02, below the healthy 0.02 of all)
/// must not count as a new fault that forgets the recovery.
TEST(Sweep, EveryProfileWithAnEndMeasuresRecoveryOnATargetWithBackgroundFailures) {
    TempDir dir("cbsim_sweep_recovery_test");
    std::string scenario = kTheoryScenario;
    scenario.replace(scenario.find("timeout_ms = 600000"), 19, "timeout_ms = 1000");
    scenario.replace(scenario.rfind("constant = 1 }"), 14, "constant = 2 }");
    scenario += "failure_rate = 0.02\ninstances = 4\n";
    dir.file("theory.toml", scenario);
    const std::string spec = R"(scenario = "theory.toml"
edge = "A->B"
seeds = 3
duration_s = 40

[[axis]]
path = "A->B.breaker.trip.consecutive_failures"
values = [2]

[[profile]]
name = "step"
kind = "step"
at_s = 5
failure_rate = 0.9
end_s = 15

[[profile]]
name = "flapping"
kind = "flapping"
at_s = 5
period_s = 4
duty = 0.5
failure_rate = 0.9
end_s = 15

[[profile]]
name = "brownout"
kind = "brownout"
at_s = 5
until_s = 7
factor = 1000
step_s = 1
end_s = 15

[[profile]]
name = "partial"
kind = "partial"
at_s = 5
faulty_instances = 3
failure_rate = 1
end_s = 15
)";
    const SweepPlan plan = parse_sweep(spec, (dir.path / "r.sweep.toml").string());
    const Csv csv{split(sweep_csv_header(plan.spec)), {}};
    const std::vector<std::string>& header = csv.header;
    const std::size_t c_recoveries = csv.col("recoveries"), c_delay = csv.col("recovery_delay_s");
    ASSERT_LT(c_delay, header.size());
    ASSERT_EQ(task_count(plan.spec), 4u * 3u);
    for (std::size_t t = 0; t < task_count(plan.spec); ++t) {
        const std::string profile = plan.spec.profiles[sweep_task(plan, t).profile].name;
        std::string row = run_sweep_task(plan, t);
        while (!row.empty() && row.back() == '\n')
            row.pop_back();
        const std::vector<std::string> f = split(row);
        ASSERT_EQ(f.size(), header.size()) << row;
        EXPECT_GE(std::stod(f[c_recoveries]), 1.0) << profile << ", task " << t << ": " << row;
        ASSERT_FALSE(f[c_delay].empty()) << profile << ", task " << t;
        // The breaker's open time is 1 s: it closes on one of its first probes after the end.
        EXPECT_GT(std::stod(f[c_delay]), 0.0) << profile;
        EXPECT_LT(std::stod(f[c_delay]), 5.0) << profile;
    }
}

TEST(Sweep, ABadSpecNamesFileLineKeyAndTheAllowedRange) {
    TempDir dir("cbsim_sweep_bad_test");
    dir.file("theory.toml", kTheoryScenario);
    const std::string file = (dir.path / "bad.sweep.toml").string();
    std::string text = kSmallSpec;
    text.replace(text.find("failure_rate = 0.9"), 18, "failure_rate = 2");
    try {
        parse_sweep(text, file);
        FAIL() << "accepted a failure rate of 2";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), file);
        EXPECT_EQ(e.line(), 22);
        EXPECT_EQ(e.key(), "profile[1].failure_rate");
        EXPECT_EQ(e.message(), "expected a number in [0, 1]");
    }
}

/// An axis after a breaker.preset axis may name the keys of the presets that axis sets.
TEST(Sweep, AnAxisAfterAPresetAxisTakesThatPresetsKeys) {
    TempDir dir("cbsim_sweep_preset_axis_test");
    dir.file("theory.toml", kTheoryScenario);
    const std::string file = (dir.path / "p.sweep.toml").string();
    const std::string head = R"(scenario = "theory.toml"
edge = "A->B"
seeds = 1
duration_s = 5
)";
    const std::string profile = R"(
[[profile]]
name = "down"
kind = "step"
at_s = 1
failure_rate = 0.9
)";
    const std::string threshold = R"(
[[axis]]
path = "A->B.breaker.failure_rate_threshold"
values = [30, 50]
)";
    const SweepPlan plan = parse_sweep(head + R"(
[[axis]]
path = "A->B.breaker.preset"
values = ["resilience4j"]
)" + threshold + profile,
                                       file);
    ASSERT_EQ(point_count(plan.spec), 2u);
    const Scenario p1 = point_scenario(plan, 1);
    EXPECT_EQ(get_setting(p1, "A->B.breaker.preset"), SettingValue(std::string("resilience4j")));
    EXPECT_EQ(get_setting(p1, "A->B.breaker.failure_rate_threshold"), SettingValue(50.0));
    EXPECT_FALSE(run_sweep_task(plan, 1).empty());
    // Without the preset axis the key is not one of gobreaker's.
    try {
        parse_sweep(head + threshold + profile, file);
        FAIL() << "accepted a resilience4j key on a gobreaker edge";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "axis[0].path");
        EXPECT_NE(e.message().find("is not a settable path of the base scenario"),
                  std::string::npos)
            << e.message();
    }
    // A value out of the key's range is refused as before.
    try {
        std::string bad = threshold;
        bad.replace(bad.find("[30, 50]"), 8, "[30, 500]");
        parse_sweep(head + R"(
[[axis]]
path = "A->B.breaker.preset"
values = ["resilience4j"]
)" + bad + profile,
                    file);
        FAIL() << "accepted a threshold of 500 %";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "axis[1].values");
    }
}

TEST(Sweep, AnUnknownProfileServiceListsTheServices) {
    TempDir dir("cbsim_sweep_service_test");
    dir.file("theory.toml", kTheoryScenario);
    std::string text = kSmallSpec;
    text.replace(text.find("kind = \"step\""), 13, "kind = \"step\"\nservice = \"C\"");
    try {
        parse_sweep(text, (dir.path / "s.sweep.toml").string());
        FAIL() << "accepted service C";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "profile[1].service");
        EXPECT_EQ(e.message(), "expected the name of a service of the base scenario: A, B");
    }
}

TEST(Sweep, TheKpisListKeepsThoseColumnsInTheTablesOrder) {
    TempDir dir("cbsim_sweep_kpis_test");
    dir.file("theory.toml", kTheoryScenario);
    std::string text = kSmallSpec;
    text.replace(text.find("duration_s = 5\n"), 15,
                 "duration_s = 5\nkpis = [\"opens\", \"availability\"]\n");
    const SweepPlan plan = parse_sweep(text, (dir.path / "s.sweep.toml").string());
    EXPECT_EQ(plan.spec.kpis, (std::vector<std::string>{"availability", "opens"}));
    EXPECT_EQ(sweep_kpi_columns(plan.spec), plan.spec.kpis);
    EXPECT_EQ(sweep_csv_header(plan.spec),
              "point,profile,seed,A->B.breaker.trip.consecutive_failures,B.latency_constant_ms,"
              "availability,opens");
    // A row has the axis values and the two KPIs; points.csv their means and intervals.
    std::vector<std::string> rows;
    for (std::size_t t = 0; t < plan.spec.seeds; ++t)
        rows.push_back(run_sweep_task(plan, t));
    EXPECT_EQ(std::count(rows[0].begin(), rows[0].end(), ','), 6) << rows[0];
    const std::string points = points_csv(plan, rows);
    EXPECT_EQ(points.substr(0, points.find('\n')),
              "point,profile,A->B.breaker.trip.consecutive_failures,B.latency_constant_ms,seeds,"
              "availability,availability_ci95,opens,opens_ci95");
    // The normal form keeps the list, and a sweep of other columns is another sweep.
    dir.file("n.sweep.toml", sweep_spec_toml(plan, "theory.toml"));
    const SweepPlan again = load_sweep((dir.path / "n.sweep.toml").string());
    EXPECT_EQ(again.spec.kpis, plan.spec.kpis);
    EXPECT_EQ(again.hash, plan.hash);
    EXPECT_NE(parse_sweep(kSmallSpec, (dir.path / "s.sweep.toml").string()).hash, plan.hash);
    EXPECT_EQ(sweep_kpi_columns(parse_sweep(kSmallSpec, (dir.path / "s.sweep.toml").string()).spec),
              sweep_kpi_names())
        << "no list: every KPI";
}

TEST(Sweep, ABadKpisListNamesTheEntryAndTheKpis) {
    TempDir dir("cbsim_sweep_kpis_bad_test");
    dir.file("theory.toml", kTheoryScenario);
    const std::string file = (dir.path / "bad.sweep.toml").string();
    const std::pair<const char*, const char*> cases[] = {
        {"kpis = [\"opens\", \"speed\"]", "kpis[1]"},
        {"kpis = [\"opens\", \"opens\"]", "kpis[1]"},
        {"kpis = []", "kpis"},
        {"kpis = \"opens\"", "kpis"},
        {"kpis = [3]", "kpis[0]"},
    };
    for (const auto& [line, key] : cases) {
        std::string text = kSmallSpec;
        text.replace(text.find("duration_s = 5\n"), 15,
                     std::string("duration_s = 5\n") + line + "\n");
        try {
            parse_sweep(text, file);
            ADD_FAILURE() << "accepted " << line;
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.line(), 5) << line;
            EXPECT_EQ(e.key(), key) << line;
            // The allowed names, or the name listed twice.
            const bool says = e.message().find("availability") != std::string::npos ||
                              e.message().find("listed twice") != std::string::npos;
            EXPECT_TRUE(says) << e.message();
        }
    }
}

TEST(Sweep, OneAndTwoThreadsWriteTheSameBytes) {
    TempDir dir("cbsim_sweep_jobs_test");
    dir.file("theory.toml", kTheoryScenario);
    const SweepPlan plan = parse_sweep(kSmallSpec, (dir.path / "s.sweep.toml").string());
    bool bad = false;
    SweepOptions one;
    ASSERT_EQ(run_sweep(plan, (dir.path / "one").string(), one, bad), "");
    SweepOptions two;
    two.jobs = 2;
    std::size_t calls = 0;
    two.progress = [&](const SweepProgress& p) {
        ++calls;
        EXPECT_LE(p.done, p.total);
        EXPECT_LE(p.points_done, p.points_total);
    };
    ASSERT_EQ(run_sweep(plan, (dir.path / "two").string(), two, bad), "");
    EXPECT_EQ(calls, task_count(plan.spec) + 1);
    for (const char* f : {"sweep.csv", "points.csv"}) {
        const std::string a = read(dir.path / "one" / f);
        EXPECT_FALSE(a.empty());
        EXPECT_EQ(a, read(dir.path / "two" / f)) << f;
    }
}

/// Theory check: with failures at rate p, each call its own Bernoulli draw, a breaker that
/// opens on N consecutive failures admits on average (1 - p^N) / ((1 - p) p^N) calls before
/// it opens (the expected waiting time for N failures in a row). The fault starts at t = 0 and
/// the breaker stays open to the end, so `allowed` is that count in each run; points.csv has
/// its mean and 95 % confidence interval over 1000 seeds (10 s, 1000 calls, are far more than
/// any of the three needs: the chance of no trip by then is below e^-60).
TEST(Sweep, TheoryCheckCallsAdmittedBeforeAConsecutiveFailuresTripMatchTheWaitingTime) {
    TempDir dir("cbsim_sweep_theory_test");
    dir.file("theory.toml", kTheoryScenario);
    const std::string spec = R"(scenario = "theory.toml"
edge = "A->B"
seeds = 1000
duration_s = 10

[[axis]]
path = "A->B.breaker.trip.consecutive_failures"
values = [2, 3, 4]

[[profile]]
name = "p30"
kind = "step"
at_s = 0
failure_rate = 0.3

[[profile]]
name = "p50"
kind = "step"
at_s = 0
failure_rate = 0.5

[[profile]]
name = "p70"
kind = "step"
at_s = 0
failure_rate = 0.7
)";
    const SweepPlan plan = parse_sweep(spec, (dir.path / "theory.sweep.toml").string());
    bool bad = false;
    SweepOptions options;
    options.jobs = 2;
    ASSERT_EQ(run_sweep(plan, (dir.path / "out").string(), options, bad), "");
    const Csv points = read_csv(dir.path / "out" / "points.csv");
    const std::size_t c_n = points.col("A->B.breaker.trip.consecutive_failures");
    const std::size_t c_allowed = points.col("allowed"), c_ci = points.col("allowed_ci95"),
                      c_opens = points.col("opens");
    ASSERT_LT(c_opens, points.header.size());
    // The three (p, N) pairs checked: (0.3, 2), (0.5, 3), (0.7, 4).
    const std::map<std::pair<std::string, int>, double> pairs{
        {{"p30", 2}, 0.3}, {{"p50", 3}, 0.5}, {{"p70", 4}, 0.7}};
    std::size_t checked = 0;
    for (const std::vector<std::string>& f : points.rows) {
        const int n = std::stoi(f[c_n]);
        const auto it = pairs.find({f[1], n});
        if (it == pairs.end()) continue;
        const double p = it->second;
        const double expected = (1 - std::pow(p, n)) / ((1 - p) * std::pow(p, n));
        const double mean = std::stod(f[c_allowed]);
        const double half = std::stod(f[c_ci]);
        EXPECT_DOUBLE_EQ(std::stod(f[c_opens]), 1.0) << "every run trips exactly once";
        EXPECT_LE(std::abs(mean - expected), half) << "p " << p << ", N " << n << ": mean " << mean
                                                   << " +- " << half << ", expected " << expected;
        EXPECT_LT(half, 0.25 * expected) << "the interval is narrow enough to mean something";
        ++checked;
    }
    EXPECT_EQ(checked, 3u);
}

}  // namespace
}  // namespace cbsim

namespace cbsim {
namespace {

bool dominates(const PointScore& a, const PointScore& b) {
    const auto d = [](const PointScore& s) {
        return s.detection_delay_s.value_or(std::numeric_limits<double>::infinity());
    };
    const bool le = d(a) <= d(b) && a.false_trips_per_hour <= b.false_trips_per_hour &&
                    a.good_rejected <= b.good_rejected;
    const bool lt = d(a) < d(b) || a.false_trips_per_hour < b.false_trips_per_hour ||
                    a.good_rejected < b.good_rejected;
    return le && lt;
}

TEST(Sweep, RecommendKeepsTheParetoFrontAndChoosesWithinTheConstraints) {
    TempDir dir("cbsim_sweep_recommend_test");
    dir.file("theory.toml", kTheoryScenario);
    std::string spec = kSmallSpec;
    spec.replace(spec.find("failure_rate = 0.9"), 18, "failure_rate = 0.3");
    const SweepPlan plan = parse_sweep(spec, (dir.path / "s.sweep.toml").string());
    bool bad = false;
    ASSERT_EQ(run_sweep(plan, (dir.path / "out").string(), SweepOptions{}, bad), "");
    const Recommendation all = recommend((dir.path / "out").string(), std::nullopt, std::nullopt);
    ASSERT_EQ(all.points.size(), point_count(plan.spec));
    std::vector<bool> front(all.points.size(), false);
    for (std::size_t i : all.pareto)
        front[i] = true;
    for (std::size_t i = 0; i < all.points.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < all.points.size(); ++j)
            dominated = dominated || dominates(all.points[j], all.points[i]);
        EXPECT_EQ(front[i], !dominated) << "point " << i;
    }
    // Unconstrained, the choice has the shortest detection delay of all.
    ASSERT_TRUE(all.chosen);
    for (const PointScore& s : all.points)
        EXPECT_LE(all.points[*all.chosen].detection_delay_s.value_or(1e300),
                  s.detection_delay_s.value_or(1e300));
    // A constraint on detection delay between the fastest and the slowest point: the choice
    // meets it and is the fastest that does.
    double slowest = 0;
    for (const PointScore& s : all.points)
        slowest = std::max(slowest, s.detection_delay_s.value_or(0.0));
    const double limit = slowest * 0.99;
    const Recommendation some = recommend((dir.path / "out").string(), 1e9, limit);
    ASSERT_TRUE(some.chosen);
    EXPECT_LE(*some.points[*some.chosen].detection_delay_s, limit);
    EXPECT_EQ(some.points[*some.chosen].point, all.points[*all.chosen].point);
    // Impossible constraints: no choice, and recommended_breaker_toml is empty.
    const Recommendation none = recommend((dir.path / "out").string(), 1e9, 0.0);
    EXPECT_FALSE(none.chosen);
    EXPECT_EQ(recommended_breaker_toml(none), "");
    // The chosen breaker file names the point's threshold.
    const std::string toml = recommended_breaker_toml(all);
    const std::vector<SettingValue> v = point_values(plan.spec, all.points[*all.chosen].point);
    EXPECT_NE(toml.find("consecutive_failures = " + to_string(v[0])), std::string::npos) << toml;
}

/// A fault of 0.2 s (20 calls) at failure rate 0.3: a breaker that opens on 4 failures in a
/// row detects it in some seeds only, one that needs 50 in none. The score shows the share
/// detected and counts each missed seed as the fault's whole length; a point that missed a seed
/// never meets a detection-delay constraint, however loose.
TEST(Sweep, RecommendCountsSeedsThatMissedTheFault) {
    TempDir dir("cbsim_sweep_missed_test");
    dir.file("theory.toml", kTheoryScenario);
    const std::string spec = R"(scenario = "theory.toml"
edge = "A->B"
seeds = 10
duration_s = 3

[[axis]]
path = "A->B.breaker.trip.consecutive_failures"
values = [4, 50]

[[profile]]
name = "blip"
kind = "step"
at_s = 1
failure_rate = 0.3
end_s = 1.2
)";
    const SweepPlan plan = parse_sweep(spec, (dir.path / "m.sweep.toml").string());
    bool bad = false;
    ASSERT_EQ(run_sweep(plan, (dir.path / "out").string(), SweepOptions{}, bad), "");
    // points.csv: the mean over the detecting seeds and their count.
    const Csv points = read_csv(dir.path / "out" / "points.csv");
    const std::size_t c_d = points.col("detection_delay_s"),
                      c_n = points.col("detection_delay_s_n");
    ASSERT_LT(c_n, points.header.size());
    const std::vector<std::vector<std::string>>& rows = points.rows;
    ASSERT_EQ(rows.size(), 2u);
    const double n = std::stod(rows[0][c_n]);
    ASSERT_GT(n, 0.0) << "some seed sees 4 failures in a row";
    ASSERT_LT(n, 10.0) << "some seed does not";
    EXPECT_EQ(rows[1][c_n], "0") << "no seed sees 50 failures in a row";
    EXPECT_EQ(rows[1][c_d], "");

    const Recommendation all = recommend((dir.path / "out").string(), std::nullopt, std::nullopt);
    ASSERT_EQ(all.points.size(), 2u);
    EXPECT_DOUBLE_EQ(all.points[0].detected, n / 10.0);
    EXPECT_DOUBLE_EQ(all.points[1].detected, 0.0);
    EXPECT_FALSE(all.points[1].detection_delay_s);
    // A missed seed counts as 0.2 s, the fault's length.
    ASSERT_TRUE(all.points[0].detection_delay_s);
    const double fast = std::stod(rows[0][c_d]);
    EXPECT_NEAR(*all.points[0].detection_delay_s, (fast * n + 0.2 * (10 - n)) / 10, 1e-12);
    EXPECT_GT(*all.points[0].detection_delay_s, fast);
    const std::string text = recommendation_text(all);
    std::ostringstream share;
    share << std::fixed << std::setprecision(1) << n * 10.0;
    EXPECT_NE(text.find(" s (detected " + share.str() + " %)"), std::string::npos) << text;
    EXPECT_NE(text.find("never s (detected 0.0 %)"), std::string::npos) << text;
    // Unconstrained, the point that detects sometimes is the choice; with any limit on the
    // detection delay, none is.
    ASSERT_TRUE(all.chosen);
    EXPECT_EQ(*all.chosen, 0u);
    EXPECT_NE(recommended_breaker_toml(all).find("(detected in " + share.str() + " % of"),
              std::string::npos);
    for (const double limit : {1e9, 0.2}) {
        const Recommendation r = recommend((dir.path / "out").string(), std::nullopt, limit);
        EXPECT_FALSE(r.chosen) << "limit " << limit;
    }
}

}  // namespace
}  // namespace cbsim
