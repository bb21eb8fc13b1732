// The Sweep panel: its choices as a sweep plan (the core's checks), the colour scale, the cell
// lookup, the background runner (same results as the core's rows in order; cancel), the
// commands of a point, and the panel itself driven by real mouse input.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <cbsim/scenario_io.hpp>

#include "imgui_harness.hpp"
#include "panels/sweep_panel.hpp"
#include "sim_worker.hpp"
#include "sweep_runner.hpp"

namespace cbsim::gui {
namespace {

using testing::ImGuiHarness;

Scenario noisy_b() {
    return load_scenario_file(
        (std::filesystem::path(CBSIM_ASSET_DIR) / "sweeps" / "noisy_b.toml").string());
}

/// Two knobs of A->B's breaker, a step outage with a healthy baseline, 2 seeds of 20 s.
SweepChoices two_knobs() {
    SweepChoices c;
    c.edge = "A->B";
    c.knobs.push_back({"A->B.breaker.trip.consecutive_failures", RangeKind::list, "2, 4", 0, 0, 0});
    c.knobs.push_back({"A->B.breaker.timeout_ms", RangeKind::log, "", 1000, 4000, 3});
    c.fault.kind = FaultKind::step;
    c.fault.at_s = 5;
    c.fault.failure_rate = 0.5;
    c.seeds = 2;
    c.duration_s = 20;
    return c;
}

/// As points.csv writes a mean: six decimals.
std::string fmt_fixed6(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

template <typename Pred>
bool wait_for(Pred pred) {
    for (int i = 0; i < 3000 && !pred(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return pred();
}

TEST(SweepChoices, KnobsAreTheEdgesProtectionPathsIncludingTheBreakersParamSpecTable) {
    const Scenario s = noisy_b();
    const std::vector<std::string> knobs = knob_paths(s, "A->B");
    // Every breaker parameter of the preset's table is offered, in the table's order.
    std::vector<std::string> breaker;
    for (const SettingSpec& spec : setting_specs(s))
        if (spec.path.rfind("A->B.breaker.", 0) == 0) breaker.push_back(spec.path);
    ASSERT_FALSE(breaker.empty());
    std::vector<std::string> offered;
    for (const std::string& k : knobs)
        if (k.rfind("A->B.breaker.", 0) == 0) offered.push_back(k);
    EXPECT_EQ(offered, breaker);
    EXPECT_NE(std::find(knobs.begin(), knobs.end(), "A->B.retry.max_attempts"), knobs.end());
    for (const std::string& k : knobs)
        EXPECT_EQ(setting_scope(s, k), SettingScope::protection) << k;
    EXPECT_EQ(std::find(knobs.begin(), knobs.end(), "B.failure_rate"), knobs.end());
    EXPECT_EQ(std::find(knobs.begin(), knobs.end(), "traffic.rate_rps"), knobs.end());
}

TEST(SweepChoices, BuildTheSpecTheCoreReadsOnTheLiveScenario) {
    Scenario live = noisy_b();
    ASSERT_EQ(apply_setting(live, "B.failure_rate", 0.05), "");    // a user's edit
    live.timeline.push_back({from_s(1), "B.failure_rate", 0.1});   // behind now: dropped
    live.timeline.push_back({from_s(50), "B.failure_rate", 0.2});  // ahead: kept
    const Scenario base = sweep_base(live, from_s(10));
    ASSERT_EQ(base.timeline.size(), 1u);
    EXPECT_EQ(base.timeline[0].at, from_s(50));

    const SweepPlan plan = build_sweep_plan(two_knobs(), base);
    EXPECT_EQ(plan.spec.edge, "A->B");
    EXPECT_EQ(plan.spec.service, "B");
    EXPECT_EQ(plan.spec.seeds, 2u);
    EXPECT_DOUBLE_EQ(plan.base.duration_s, 20.0);
    EXPECT_DOUBLE_EQ(plan.base.find_service("B")->failure_rate, 0.05) << "the user's edit";
    ASSERT_EQ(plan.spec.axes.size(), 2u);
    EXPECT_EQ(plan.spec.axes[0].values, (std::vector<SettingValue>{2.0, 4.0}));
    EXPECT_EQ(plan.spec.axes[1].values, (std::vector<SettingValue>{1000.0, 2000.0, 4000.0}))
        << "log 1000..4000 in 3 steps";
    ASSERT_EQ(plan.spec.profiles.size(), 2u);
    EXPECT_EQ(plan.spec.profiles[0].kind, FaultKind::healthy);
    EXPECT_EQ(plan.spec.profiles[1].kind, FaultKind::step);
    EXPECT_DOUBLE_EQ(plan.spec.profiles[1].failure_rate, 0.5);
    EXPECT_EQ(point_count(plan.spec), 6u);
    EXPECT_EQ(task_count(plan.spec), 24u);

    // Without the baseline, one profile; one knob, one axis.
    SweepChoices one = two_knobs();
    one.healthy_baseline = false;
    one.knobs.resize(1);
    const SweepPlan p1 = build_sweep_plan(one, base);
    EXPECT_EQ(p1.spec.profiles.size(), 1u);
    EXPECT_EQ(p1.spec.axes.size(), 1u);
}

TEST(SweepChoices, AnInvalidChoiceIsRefusedNamingTheFieldAndTheRange) {
    const Scenario base = noisy_b();
    const auto problem = [&](const SweepChoices& c) {
        try {
            build_sweep_plan(c, base);
        } catch (const ConfigError& e) {
            return choice_problem(e);
        }
        return std::string();
    };
    SweepChoices c = two_knobs();
    c.knobs[1].from = 0;  // log from 0
    EXPECT_NE(problem(c).find("knob 2 from"), std::string::npos) << problem(c);
    c = two_knobs();
    c.knobs[1].steps = 0;
    EXPECT_NE(problem(c).find("knob 2 steps: expected a number in [1, 1000]"), std::string::npos)
        << problem(c);
    c = two_knobs();
    c.knobs[0].list = "2, 0";  // consecutive_failures >= 1
    EXPECT_NE(problem(c).find("knob 1 values"), std::string::npos) << problem(c);
    c = two_knobs();
    c.fault.failure_rate = 1.5;
    EXPECT_NE(problem(c).find("fault failure_rate"), std::string::npos) << problem(c);
    EXPECT_NE(problem(c).find("[0, 1]"), std::string::npos) << problem(c);
    c = two_knobs();
    c.fault.at_s = 30;  // after the 20 s run
    EXPECT_NE(problem(c).find("fault"), std::string::npos) << problem(c);
    c = two_knobs();
    c.knobs[1].path = c.knobs[0].path;
    EXPECT_NE(problem(c).find("knob 2 path"), std::string::npos) << problem(c);
    c = two_knobs();
    c.seeds = 0;
    EXPECT_NE(problem(c).find("seeds"), std::string::npos) << problem(c);
    EXPECT_EQ(problem(two_knobs()), "");
}

TEST(SweepHeatmap, TheColourScaleRunsFromWorstToBestInTheKpisDirection) {
    EXPECT_EQ(sweep_kpi_better("availability"), Better::higher);
    EXPECT_EQ(sweep_kpi_better("detection_delay_s"), Better::lower);
    EXPECT_EQ(sweep_kpi_better("opens_per_hour"), sweep_kpi_better("opens"))
        << "a per-hour KPI takes its count's direction";
    const std::vector<std::optional<double>> values = {2.0, std::nullopt, 4.0, 3.0};
    const ColourScale lower = ColourScale::of(values, Better::lower);
    EXPECT_FALSE(lower.empty);
    EXPECT_DOUBLE_EQ(lower.lo, 2.0);
    EXPECT_DOUBLE_EQ(lower.hi, 4.0);
    EXPECT_DOUBLE_EQ(lower.goodness(2.0), 1.0);
    EXPECT_DOUBLE_EQ(lower.goodness(4.0), 0.0);
    EXPECT_DOUBLE_EQ(lower.goodness(3.0), 0.5);
    const ColourScale higher = ColourScale::of(values, Better::higher);
    EXPECT_DOUBLE_EQ(higher.goodness(4.0), 1.0);
    EXPECT_DOUBLE_EQ(ColourScale::of({5.0}, Better::lower).goodness(5.0), 0.5);
    EXPECT_TRUE(ColourScale::of({std::nullopt}, Better::lower).empty);
    // Worst red, best green (ImU32: 0xAABBGGRR).
    const auto red = [](std::uint32_t c) { return c & 0xFF; };
    const auto green = [](std::uint32_t c) { return (c >> 8) & 0xFF; };
    EXPECT_GT(red(goodness_colour(0.0)), green(goodness_colour(0.0)));
    EXPECT_GT(green(goodness_colour(1.0)), red(goodness_colour(1.0)));
    EXPECT_EQ(goodness_colour(-1.0), goodness_colour(0.0));
}

TEST(SweepHeatmap, CellsMapToPointsFirstAxisDown) {
    const SweepPlan plan = build_sweep_plan(two_knobs(), noisy_b());
    const HeatmapGrid g = HeatmapGrid::of(plan.spec);
    EXPECT_EQ(g.rows, 2u);
    EXPECT_EQ(g.columns, 3u);
    // Cells 10 x 5 at (100, 50): row 1, column 2 is the last point (4, 4000).
    const auto p = g.point_at(100 + 25, 50 + 7, 100, 50, 10, 5);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, 5u);
    EXPECT_EQ(point_values(plan.spec, *p), (std::vector<SettingValue>{4.0, 4000.0}));
    EXPECT_EQ(g.point_at(100, 50, 100, 50, 10, 5), std::optional<std::size_t>(0));
    EXPECT_FALSE(g.point_at(99, 50, 100, 50, 10, 5));
    EXPECT_FALSE(g.point_at(130, 50, 100, 50, 10, 5));
    EXPECT_FALSE(g.point_at(100, 60, 100, 50, 10, 5));
    SweepChoices one = two_knobs();
    one.knobs.resize(1);
    const HeatmapGrid row = HeatmapGrid::of(build_sweep_plan(one, noisy_b()).spec);
    EXPECT_EQ(row.rows, 1u);
    EXPECT_EQ(row.columns, 2u);
}

TEST(SweepRunnerConcurrency, ThreadsGiveTheCoresPointsCsvAndScores) {
    const SweepPlan plan = build_sweep_plan(two_knobs(), noisy_b());
    SweepRunner runner;
    runner.start(plan, 3);
    ASSERT_TRUE(wait_for([&] { return !runner.state().running; }));
    const SweepState st = runner.state();
    EXPECT_TRUE(st.error.empty()) << st.error;
    EXPECT_FALSE(st.cancelled);
    EXPECT_EQ(st.tasks_done, task_count(plan.spec));
    EXPECT_EQ(st.points_done, point_count(plan.spec));
    // The same as the core's rows run one after the other.
    std::vector<std::string> rows;
    for (std::size_t t = 0; t < task_count(plan.spec); ++t)
        rows.push_back(run_sweep_task(plan, t));
    const std::string csv = points_csv(plan, rows);
    std::vector<std::string> lines;
    for (std::size_t s = 0, e = 0; e != std::string::npos; s = e + 1) {
        e = csv.find('\n', s);
        if (s < csv.size()) lines.push_back(csv.substr(s, e == std::string::npos ? e : e - s));
    }
    const std::size_t profiles = plan.spec.profiles.size();
    const std::vector<std::string> kpis = sweep_kpi_names();
    const auto avail = static_cast<std::size_t>(
        std::find(kpis.begin(), kpis.end(), "availability") - kpis.begin());
    for (std::size_t p = 0; p < point_count(plan.spec); ++p) {
        const PointScore want =
            score_point(plan, p, lines[0],
                        std::span<const std::string>(lines).subspan(1 + p * profiles, profiles),
                        "points.csv", 2);
        const SweepPointResult& got = st.points[p];
        ASSERT_TRUE(got.done);
        EXPECT_EQ(got.score.detection_delay_s, want.detection_delay_s) << p;
        EXPECT_EQ(got.score.false_trips_per_hour, want.false_trips_per_hour) << p;
        EXPECT_EQ(got.score.good_rejected, want.good_rejected) << p;
        ASSERT_EQ(got.mean.size(), profiles);
        // availability's mean, as points.csv writes it.
        for (std::size_t pr = 0; pr < profiles; ++pr) {
            const std::string& line = lines[1 + p * profiles + pr];
            ASSERT_TRUE(got.mean[pr][avail]);
            EXPECT_NE(line.find(fmt_fixed6(*got.mean[pr][avail])), std::string::npos) << line;
            EXPECT_TRUE(got.ci95[pr][avail]) << "2 seeds give an interval";
        }
    }
    EXPECT_TRUE(st.eta_s());
    EXPECT_DOUBLE_EQ(*st.eta_s(), 0.0);
}

TEST(SweepRunnerConcurrency, CancelStopsEveryThreadAndKeepsWhatFinished) {
    SweepChoices big = two_knobs();
    big.knobs[1] = {"A->B.breaker.timeout_ms", RangeKind::linear, "", 1000, 30000, 40};
    big.seeds = 20;
    big.duration_s = 600;
    const SweepPlan plan = build_sweep_plan(big, noisy_b());
    SweepRunner runner;
    runner.start(plan, 2);
    ASSERT_TRUE(wait_for([&] { return runner.state().tasks_done >= 1; }));
    runner.cancel();  // returns once every thread has ended
    const SweepState st = runner.state();
    EXPECT_FALSE(st.running);
    EXPECT_TRUE(st.cancelled);
    EXPECT_LT(st.tasks_done, st.tasks_total);
    const std::uint64_t v = runner.version();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(runner.version(), v) << "no thread publishes after cancel";
    // A new start replaces it; the destructor cancels a sweep still running.
    runner.start(plan, 2);
    ASSERT_TRUE(wait_for([&] { return runner.state().tasks_done >= 1; }));
    EXPECT_TRUE(runner.state().running);
    runner.reset();
    EXPECT_FALSE(runner.state().plan);
    {
        SweepRunner other;
        other.start(plan, 2);
    }
}

TEST(SweepPanel, APointOpensAsAVariantOrAppliesItsValues) {
    const SweepPlan plan = build_sweep_plan(two_knobs(), noisy_b());
    Snapshot snap;
    snap.live = noisy_b();
    const AddVariant add = SweepPanel::variant_command(plan, 5, snap);
    EXPECT_EQ(add.name, "sweep-p5");
    ASSERT_EQ(add.overrides.size(), 2u);
    EXPECT_EQ(add.overrides[0].path, "A->B.breaker.trip.consecutive_failures");
    EXPECT_EQ(add.overrides[0].value, SettingValue(4.0));
    EXPECT_EQ(add.overrides[1].path, "A->B.breaker.timeout_ms");
    EXPECT_EQ(add.overrides[1].value, SettingValue(4000.0));
    snap.variants.push_back(VariantView{"sweep-p5", nullptr, {}, {}});
    EXPECT_EQ(SweepPanel::variant_command(plan, 5, snap).name, "") << "taken: the next free name";
    const std::vector<SetSetting> apply = SweepPanel::apply_commands(plan, 1);
    ASSERT_EQ(apply.size(), 2u);
    EXPECT_EQ(apply[0].value, SettingValue(2.0));
    EXPECT_EQ(apply[1].value, SettingValue(2000.0));
    EXPECT_FALSE(apply[0].step);
}

TEST(SimWorker, AddVariantWithOverridesRunsThemOnTheNewVariantOnly) {
    SimWorker::Options o;
    o.playing = false;
    SimWorker worker(noisy_b(), "", o);
    worker.send(AddVariant{"sweep-p5",
                           {{"A->B.breaker.timeout_ms", 4000.0, std::nullopt},
                            {"A->B.breaker.trip.consecutive_failures", 4.0, std::nullopt}}});
    worker.sync();
    auto snap = worker.snapshot();
    ASSERT_EQ(snap->variants.size(), 2u);
    EXPECT_EQ(snap->variants[1].name, "sweep-p5");
    EXPECT_EQ(snap->selected, 1u);
    EXPECT_EQ(get_setting(snap->live, "A->B.breaker.timeout_ms"), SettingValue(4000.0));
    EXPECT_EQ(get_setting(snap->live, "A->B.breaker.trip.consecutive_failures"), SettingValue(4.0));
    worker.send(SelectVariant{0});
    worker.sync();
    EXPECT_EQ(get_setting(worker.snapshot()->live, "A->B.breaker.timeout_ms"),
              SettingValue(5000.0));
    // An override that does not apply adds nothing and says why.
    worker.send(AddVariant{"bad", {{"A->B.breaker.timeout_ms", -1.0, std::nullopt}}});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->variants.size(), 2u);
    EXPECT_EQ(worker.snapshot()->selected, 0u);
    bool said = false;
    for (const Notice& n : worker.take_notices())
        said = said ||
               (n.kind == Notice::Kind::error && n.text.find("timeout_ms") != std::string::npos);
    EXPECT_TRUE(said);
}

TEST(SweepPanel, StartFillsTheHeatmapAndAClickedCellOpensAsAVariant) {
    ImGuiHarness ui(1280, 900);
    ViewState view;
    view.edge = "A->B";
    SweepPanel panel(view);
    EXPECT_FALSE(panel_spec(PanelId::sweep).open_at_start) << "closed until asked for";
    panel.open() = true;
    panel.place(ImVec2(0, 0), ImVec2(1280, 900));
    WidgetRects rects;
    rects.enabled = true;
    panel.set_report(&rects);
    Snapshot snap;
    snap.generation = 1;
    snap.live = noisy_b();
    snap.source = "noisy_b.toml";
    CommandLog log;
    const auto draw = [&] { panel.draw(snap, log); };
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("sweep.start"));
    ASSERT_TRUE(rects.rects.count("sweep.knob1.path"));
    ASSERT_FALSE(rects.rects.count("sweep.problem")) << "the default choices make a sweep";
    ui.click(rects.rects.at("sweep.start"), draw);
    ASSERT_TRUE(wait_for([&] { return !panel.runner().state().running; }));
    const SweepState st = panel.runner().state();
    ASSERT_TRUE(st.plan);
    EXPECT_EQ(st.points_done, st.points.size());
    ui.frame(draw);
    ui.frame(draw);
    std::vector<std::string> cells;
    for (const auto& [name, r] : rects.rects)
        if (name.rfind("sweep.cell.", 0) == 0) cells.push_back(name);
    ASSERT_EQ(cells.size(), st.points.size()) << "every cell has its result";
    // Click the last cell, then "Open as compare variant".
    const std::string last = "sweep.cell." + std::to_string(st.points.size() - 1) + "=";
    const auto it = std::find_if(cells.begin(), cells.end(),
                                 [&](const std::string& c) { return c.rfind(last, 0) == 0; });
    ASSERT_NE(it, cells.end());
    ui.click(rects.rects.at(*it), draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("sweep.open_variant"));
    ui.click(rects.rects.at("sweep.open_variant"), draw);
    const AddVariant* add = nullptr;
    for (const Command& c : log.commands)
        if (const auto* a = std::get_if<AddVariant>(&c)) add = a;
    ASSERT_NE(add, nullptr);
    EXPECT_EQ(add->name, "sweep-p" + std::to_string(st.points.size() - 1));
    const auto values = point_values(st.plan->spec, st.points.size() - 1);
    ASSERT_EQ(add->overrides.size(), values.size());
    for (std::size_t a = 0; a < values.size(); ++a)
        EXPECT_EQ(add->overrides[a].value, values[a]);
    // A new scenario drops the results.
    snap.live.name = "another";
    ui.frame(draw);
    EXPECT_FALSE(panel.runner().state().plan);
}

}  // namespace
}  // namespace cbsim::gui
