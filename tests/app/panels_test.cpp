// Panels driven by a windowless ImGui context: real mouse and key input through ImGuiIO, the
// commands they send recorded by a CommandLog.
#include <gtest/gtest.h>

#include <cbsim/compare.hpp>
#include <cbsim/number_text.hpp>
#include <cbsim/scenario.hpp>

#include <cmath>
#include <filesystem>
#include <memory>

#include <imgui_internal.h>

#include "imgui_harness.hpp"
#include "panels/breaker_panel.hpp"
#include "panels/events_panel.hpp"
#include "panels/plots_panel.hpp"
#include "panels/registry.hpp"
#include "panels/run_panel.hpp"
#include "panels/services_panel.hpp"
#include "panels/summary_panel.hpp"
#include "sim_worker.hpp"
#include "theme.hpp"
#include "tile_layout.hpp"

namespace cbsim::gui {
namespace {

using testing::ImGuiHarness;
using testing::PanelFixture;

Snapshot make_snapshot() {
    Snapshot s;
    s.generation = 1;
    s.live = default_scenario();
    s.playing = true;
    s.speed = 1.0;
    return s;
}

const SetSetting* last_setting(const CommandLog& log, const std::string& path) {
    const SetSetting* found = nullptr;
    for (const Command& c : log.commands) {
        if (const auto* s = std::get_if<SetSetting>(&c); s && s->path == path) found = s;
    }
    return found;
}

/// A paused worker on retry_storm.toml (no breaker on any edge) comparing "base" with "budget"
/// (A->B.retry.budget_rps = 5), run `seconds` into the storm.
std::unique_ptr<SimWorker> retry_compare(int seconds) {
    std::vector<Variant> variants(2);
    EXPECT_EQ(parse_variant("base", variants[0]), "");
    EXPECT_EQ(parse_variant("budget:A->B.retry.budget_rps=5", variants[1]), "");
    SimWorker::Options o;
    o.playing = false;
    const std::string file = std::string(CBSIM_ASSET_DIR) + "/scenarios/retry_storm.toml";
    auto worker =
        std::make_unique<SimWorker>(load_scenario_or_compare(file).scenario, file, o, variants);
    worker->send(Step{from_s(seconds)});
    worker->sync();
    return worker;
}

// Drags from the left of a reported rectangle to `frac` of its width, frame by frame.
void drag(ImGuiHarness& ui, const ImVec4& r, float frac, const std::function<void()>& draw) {
    const float y = (r.y + r.w) * 0.5f;
    ui.mouse(r.x + 2.0f, y, false);
    ui.frame(draw);
    ui.mouse(r.x + 2.0f, y, true);
    ui.frame(draw);
    for (int step = 1; step <= 8; ++step) {
        ui.mouse(r.x + (r.z - r.x) * frac * static_cast<float>(step) / 8.0f, y, true);
        ui.frame(draw);
    }
    ui.mouse(r.x + (r.z - r.x) * frac, y, false);
    ui.frame(draw);
}

// The system editor of the Services panel (widgets/system_editor.hpp).

/// Types `text` into the focused field, one frame per character.
void type(ImGuiHarness& ui, const std::string& text, const std::function<void()>& draw) {
    for (char c : text) {
        ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
        ui.frame(draw);
    }
}

/// Opens combo `name` and clicks its row `choice` (the list is placed in the frame after it
/// opens, so its rows are read one frame later).
void pick(ImGuiHarness& ui, WidgetRects& rects, const std::string& name, const std::string& choice,
          const std::function<void()>& draw) {
    ui.click(rects.rects.at(name), draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count(name + "." + choice)) << name << "." << choice;
    ui.click(rects.rects.at(name + "." + choice), draw);
}

const EditTopology* last_topology(const CommandLog& log) {
    const EditTopology* found = nullptr;
    for (const Command& c : log.commands) {
        if (const auto* e = std::get_if<EditTopology>(&c)) found = e;
    }
    return found;
}

/// A Services panel in a tall window on `snap`, its rects reported, its commands logged, after
/// its first two frames.
struct EditorPanel : PanelFixture<ServicesPanel> {
    explicit EditorPanel(Snapshot snapshot)
        : PanelFixture(std::move(snapshot), {.size = {520, 2400}, .display = {1280, 2400}}) {
        ui.frame(draw);
        ui.frame(draw);
    }
};

TEST(ServicesPanel, AddServiceSendsTheEditAndADuplicateIsRefusedInline) {
    EditorPanel fx(make_snapshot());
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ASSERT_TRUE(rects.rects.count("services.add.name"));
    ui.click(rects.rects.at("services.add.name"), draw);
    type(ui, "B", draw);
    ui.click(rects.rects.at("services.add"), draw);
    EXPECT_TRUE(log.commands.empty()) << "a duplicate name must not be sent";
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("services.add.error")) << "no inline refusal";
    // The reason stays under the field; a new name is sent.
    ui.click(rects.rects.at("services.add.name"), draw);
    ImGui::GetIO().KeyCtrl = false;
    ui.key(259, true);  // Backspace
    ui.frame(draw);
    ui.key(259, false);
    ui.frame(draw);
    type(ui, "cache", draw);
    ui.click(rects.rects.at("services.add"), draw);
    const EditTopology* e = last_topology(log);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->changes, (std::vector<Change>{{"services.add", std::string("cache")}}));
}

TEST(ServicesPanel, AddDependencySendsTheAddAndItsSettingsAndRefusesACycle) {
    Snapshot start = make_snapshot();
    ASSERT_EQ(apply_setting(start.live, "services.add", std::string("C")), "");
    EditorPanel fx(start);
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    pick(ui, rects, "edit.service", "B", draw);
    ASSERT_TRUE(rects.rects.count("service.B.dependency"));
    ui.click(rects.rects.at("service.B.dependency"), draw);  // unfolds the form
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("service.B.dependency.target"));
    // Target A: B -> A closes a cycle, refused inline.
    pick(ui, rects, "service.B.dependency.target", "A", draw);
    ui.click(rects.rects.at("service.B.dependency.add"), draw);
    EXPECT_TRUE(log.commands.empty());
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("service.B.dependency.error"));
    EXPECT_EQ(SystemEditor::refusal(snap, {{"dependencies.add", std::string("B->A")}}),
              "B->A would close a cycle (A already reaches B); calls must flow one way");
    // Target C with a gobreaker breaker in shared scope.
    pick(ui, rects, "service.B.dependency.target", "C", draw);
    pick(ui, rects, "service.B.dependency.breaker_scope", "shared", draw);
    pick(ui, rects, "service.B.dependency.breaker.preset", "gobreaker", draw);
    ui.click(rects.rects.at("service.B.dependency.add"), draw);
    const EditTopology* e = last_topology(log);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->changes, (std::vector<Change>{{"dependencies.add", std::string("B->C")},
                                               {"B->C.breaker_scope", std::string("shared")},
                                               {"B->C.breaker.preset", std::string("gobreaker")}}));
    EXPECT_EQ(check_changes(snap.live, e->changes), "");
}

TEST(ServicesPanel, TheDependencyFormFitsItsLabelsAndARefusalShowsInViewUntilTheFormChanges) {
    // The Services panel at the default 1280x800 layout: the editor is below the fold.
    Snapshot start = make_snapshot();
    ASSERT_EQ(apply_setting(start.live, "services.add", std::string("C")), "");
    PanelFixture<ServicesPanel> fx(start, {.size = {332, 536}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    auto to_bottom = [&] {
        ui.mouse(150, 300, false);
        ImGui::GetIO().MouseWheel = -200.0f;
        ui.frame(draw);
        ui.frame(draw);
    };
    ui.frame(draw);
    to_bottom();
    pick(ui, rects, "edit.service", "B", draw);
    to_bottom();
    ui.click(rects.rects.at("service.B.dependency"), draw);
    to_bottom();
    // Every label fits left of the fields, and the fields inside the panel.
    float longest = ImGui::CalcTextSize("target").x;
    for (const SettingSpec& spec : SystemEditor::dependency_form_specs())
        longest = std::max(longest, ImGui::CalcTextSize(spec.label.c_str()).x);
    const float labels_from =
        rects.rects.at("service.B.dependency").x + ImGui::GetStyle().IndentSpacing;
    for (const SettingSpec& spec : SystemEditor::dependency_form_specs()) {
        const ImVec4 r = rects.rects.at("service.B.dependency." + spec.path);
        EXPECT_GE(r.x, labels_from + longest) << spec.label << " is cut by its field";
        EXPECT_LE(r.z, 332.0f) << spec.path << " runs out of the panel";
    }
    pick(ui, rects, "service.B.dependency.target", "A", draw);
    ui.click(rects.rects.at("service.B.dependency.add"), draw);
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("service.B.dependency.error"));
    const ImVec4 err = rects.rects.at("service.B.dependency.error");
    EXPECT_LE(err.w, 536.0f) << "the cycle refusal is below the fold";
    EXPECT_GE(err.y, 0.0f);
    // Another target: the old refusal goes.
    pick(ui, rects, "service.B.dependency.target", "C", draw);
    rects.rects.erase("service.B.dependency.error");
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_FALSE(rects.rects.count("service.B.dependency.error"))
        << "a refusal about target A stays after target C was picked";
    EXPECT_TRUE(log.commands.empty());
}

TEST(ServicesPanel, RemoveOfACalledServiceIsRefusedInline) {
    EditorPanel fx(make_snapshot());
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    pick(ui, rects, "edit.service", "B", draw);
    ui.click(rects.rects.at("service.B.remove"), draw);
    EXPECT_TRUE(log.commands.empty());
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("service.B.remove.error"));
    pick(ui, rects, "edit.service", "A", draw);
    ui.click(rects.rects.at("dependency.A->B.remove"), draw);
    const EditTopology* e = last_topology(log);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->changes, (std::vector<Change>{{"dependencies.remove", std::string("A->B")}}));
}

TEST(ServicesPanel, DraggingBFailureRateSendsTheSetting) {
    PanelFixture<ServicesPanel> fx(make_snapshot(), {.size = {420, 700}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("B.failure_rate")) << "no slider for B's failure rate";
    EXPECT_TRUE(log.commands.empty()) << "drawing alone must not send commands";
    drag(ui, rects.rects["B.failure_rate"], 0.99f, draw);
    const SetSetting* s = last_setting(log, "B.failure_rate");
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(std::holds_alternative<double>(s->value));
    EXPECT_GE(std::get<double>(s->value), 0.9);
    EXPECT_LE(std::get<double>(s->value), 1.0);
    // Only that setting was touched, every value a step of one gesture ended at the mouse-up.
    ASSERT_GE(log.commands.size(), 3u);
    for (std::size_t i = 0; i + 1 < log.commands.size(); ++i) {
        const auto* step = std::get_if<SetSetting>(&log.commands[i]);
        ASSERT_NE(step, nullptr) << i;
        EXPECT_EQ(step->path, "B.failure_rate");
        EXPECT_TRUE(step->step) << i;
    }
    EXPECT_TRUE(std::holds_alternative<EndGesture>(log.commands.back()));
}

TEST(ServicesPanel, AClickOnTheValueInForceSendsNoStepAndNoGestureEnd) {
    PanelFixture<ServicesPanel> fx(make_snapshot(), {.size = {420, 700}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    ui.frame(draw);
    const ImVec4 r = rects.rects.at("B.failure_rate");
    // B's failure rate is 0: pressed and released at the slider's left end changes nothing.
    const float y = (r.y + r.w) * 0.5f;
    ui.mouse(r.x + 1.0f, y, false);
    ui.frame(draw);
    ui.mouse(r.x + 1.0f, y, true);
    ui.frame(draw);
    ui.frame(draw);
    ui.mouse(r.x + 1.0f, y, false);
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_TRUE(log.commands.empty());
    // A click further right is one step, then the gesture's end.
    ui.mouse(r.x + (r.z - r.x) * 0.5f, y, true);
    ui.frame(draw);
    ui.mouse(r.x + (r.z - r.x) * 0.5f, y, false);
    ui.frame(draw);
    ASSERT_EQ(log.commands.size(), 2u);
    EXPECT_TRUE(std::get<SetSetting>(log.commands[0]).step);
    EXPECT_TRUE(std::holds_alternative<EndGesture>(log.commands[1]));
}

TEST(ServicesPanel, ShowsEveryServiceKnobWithItsRange) {
    PanelFixture<ServicesPanel> fx(make_snapshot(), {.size = {420, 780}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    for (const Service& s : snap.live.services) {
        for (const std::string& key : ServicesPanel::keys_for(s)) {
            EXPECT_TRUE(rects.rects.count(s.name + "." + key)) << s.name << "." << key;
        }
    }
}

TEST(ServicesPanel, TypedValueOutOfRangeIsClampedWithAHint) {
    PanelFixture<ServicesPanel> fx(make_snapshot(), {.size = {420, 700}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    const ImVec4 r = rects.rects.at("B.failure_rate");
    // The typed entry sits right of the slider.
    const float x = r.z + 30.0f, y = (r.y + r.w) * 0.5f;
    ui.click_at(x, y, draw);
    // Select all, type 7, press Enter.
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = true;
    ui.key(65, true);
    ui.frame(draw);
    ui.key(65, false);
    io.KeyCtrl = false;
    ui.frame(draw);
    io.AddInputCharacter('7');
    ui.frame(draw);
    ui.key(257, true);
    ui.frame(draw);
    ui.key(257, false);
    ui.frame(draw);
    const SetSetting* s = last_setting(log, "B.failure_rate");
    ASSERT_NE(s, nullptr) << "typing a value and Enter must send it";
    EXPECT_DOUBLE_EQ(std::get<double>(s->value), 1.0) << "7 is clamped to the range [0, 1]";
}

TEST(RunPanel, PlayButtonAndSpeedSendCommands) {
    PanelFixture<RunPanel> fx(make_snapshot(), {.size = {420, 300}},
                              std::string(CBSIM_ASSET_DIR) + "/scenarios");
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    ui.click(rects.rects.at("run.play"), draw);
    ASSERT_EQ(log.commands.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<TogglePlaying>(log.commands[0]));
}

TEST(RunPanel, ABadScenarioFileIsReportedAndSendsNothing) {
    ImGuiHarness ui;
    ViewState vs;
    RunPanel panel(vs, std::string(CBSIM_ASSET_DIR) + "/scenarios");
    CommandLog log;
    const std::string err = panel.open_file("/nonexistent/cbsim/scenario.toml", log);
    EXPECT_FALSE(err.empty());
    EXPECT_NE(err.find("/nonexistent/cbsim/scenario.toml"), std::string::npos) << err;
    EXPECT_TRUE(log.commands.empty());
}

TEST(BreakerPanel, ShowsEveryParameterOfThePresetAndSendsItsPath) {
    PanelFixture<BreakerPanel> fx(make_snapshot(), {.size = {460, 780}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_EQ(vs.edge, "A->B");
    // Every numeric breaker parameter of the edge has a slider.
    std::size_t numeric = 0;
    for (const SettingSpec& spec : setting_specs(snap.live)) {
        if (spec.path.rfind("A->B.breaker.", 0) != 0) continue;
        if (spec.kind != ParamKind::integer && spec.kind != ParamKind::real) continue;
        ++numeric;
        EXPECT_TRUE(rects.rects.count(spec.path)) << spec.path;
    }
    EXPECT_GT(numeric, 2u);
    ASSERT_TRUE(rects.rects.count("A->B.breaker.timeout_ms"));
    drag(ui, rects.rects["A->B.breaker.timeout_ms"], 0.5f, draw);
    const SetSetting* s = last_setting(log, "A->B.breaker.timeout_ms");
    ASSERT_NE(s, nullptr);
    const auto spec = find_setting(snap.live, "A->B.breaker.timeout_ms");
    ASSERT_TRUE(spec);
    EXPECT_GE(std::get<double>(s->value), spec->min);
    EXPECT_LE(std::get<double>(s->value), spec->max);
    EXPECT_NE(std::get<double>(s->value), std::get<double>(*get_setting(snap.live, spec->path)));
}

TEST(BreakerPanel, ShowsEveryCockatielKeyAndSendsItsPath) {
    // A cockatiel edge: every key, the subtable ones included, has its slider.
    PanelFixture<BreakerPanel> fx(make_snapshot(), {.size = {460, 1600}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    snap.live.services.at(0).dependencies.at(0).breaker =
        BreakerConfig::defaults(Preset::cockatiel);
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_EQ(vs.edge, "A->B");
    std::size_t numeric = 0;
    for (const ParamSpec& p : breaker_params(Preset::cockatiel)) {
        const std::string path = std::string("A->B.breaker.") + p.key;
        ASSERT_TRUE(find_setting(snap.live, path)) << path;
        if (p.kind != ParamKind::integer && p.kind != ParamKind::real) continue;
        ++numeric;
        EXPECT_TRUE(rects.rects.count(path)) << "no slider for " << path;
    }
    EXPECT_GE(numeric, 11u);  // the 11 numeric cockatiel keys, then the extras
    const std::string path = "A->B.breaker.half_open_sampling.calls";
    ASSERT_TRUE(rects.rects.count(path));
    drag(ui, rects.rects[path], 0.5f, draw);
    const SetSetting* s = last_setting(log, path);
    ASSERT_NE(s, nullptr) << "dragging the slider sends its path";
    EXPECT_GE(std::get<double>(s->value), 1.0);
    EXPECT_LE(std::get<double>(s->value), 1000000.0);
    EXPECT_NE(std::get<double>(s->value), 1.0);
}

TEST(BreakerPanel, ShowsTheEdgesLintWarningsWithTheirFixOnHover) {
    PanelFixture<BreakerPanel> fx(make_snapshot(), {.size = {460, 780}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    ui.frame(draw);
    for (const auto& [name, r] : rects.rects)
        EXPECT_NE(name.rfind("lint:", 0), 0u) << name;

    // A bucket that does not divide the interval: one warning, its fix in a tooltip.
    auto& g =
        std::get<GobreakerSettings>(snap.live.services.at(0).dependencies.at(0).breaker->settings);
    g.interval_ms = 10000;
    g.bucket_period_ms = 3000;
    rects.rects.clear();
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("lint:bucket_not_dividing_window"));
    const ImVec4 r = rects.rects["lint:bucket_not_dividing_window"];
    EXPECT_GT(r.z, r.x);
    EXPECT_GT(r.w, r.y);
    ASSERT_EQ(ImGui::FindWindowByName("##Tooltip_00"), nullptr) << "no tooltip before hovering";
    ui.mouse((r.x + r.z) * 0.5f, (r.y + r.w) * 0.5f, false);
    ui.frame(draw);
    ui.frame(draw);
    const ImGuiWindow* tip = ImGui::FindWindowByName("##Tooltip_00");
    ASSERT_NE(tip, nullptr) << "hovering the warning shows its fix";
    EXPECT_TRUE(tip->Active || tip->WasActive);
}

TEST(BreakerPanel, ShowsOpossumsKeys) {
    PanelFixture<BreakerPanel> fx(make_snapshot(), {.size = {460, 780}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    bool found = false;
    for (Service& svc : snap.live.services) {
        for (Dependency& d : svc.dependencies) {
            if (svc.name + "->" + d.target != "A->B") continue;
            d.breaker = BreakerConfig::defaults(Preset::opossum);
            found = true;
        }
    }
    ASSERT_TRUE(found);
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_EQ(vs.edge, "A->B");
    for (const char* key :
         {"timeout_ms", "error_threshold_percentage", "reset_timeout_ms",
          "rolling_count_timeout_ms", "rolling_count_buckets", "volume_threshold", "capacity"}) {
        EXPECT_TRUE(rects.rects.count(std::string("A->B.breaker.") + key)) << key;
    }
    EXPECT_TRUE(find_setting(snap.live, "A->B.breaker.allow_warm_up"));
    ASSERT_TRUE(rects.rects.count("A->B.breaker.reset_timeout_ms"));
    drag(ui, rects.rects["A->B.breaker.reset_timeout_ms"], 0.5f, draw);
    const SetSetting* s = last_setting(log, "A->B.breaker.reset_timeout_ms");
    ASSERT_NE(s, nullptr);
    EXPECT_GE(std::get<double>(s->value), 1.0);
    EXPECT_LE(std::get<double>(s->value), 86400000.0);
}

// Every edge has its KPIs in the Summary, a breaker or not: retry_storm has none, and a compare
// of its retry budget shows client->A and A->B per variant with the difference to the first.
TEST(SummaryPanel, CompareShowsEveryEdgeWithoutABreakerPerVariant) {
    const auto worker = retry_compare(20);
    const auto snap = worker->snapshot();
    ASSERT_TRUE(snap->comparing());
    PanelFixture<SummaryPanel> fx(*snap, {.size = {700, 780}});
    auto& [ui, vs, panel, rects, s, log, draw] = fx;
    ui.frame(draw);
    const std::string text = ui.frame_text(draw);
    EXPECT_TRUE(rects.rects.count("summary.edge:client->A")) << text;
    EXPECT_TRUE(rects.rects.count("summary.edge:A->B")) << text;
    // Each table is as high as its rows: client->A's rows lie between the two headers.
    const float row_h = ImGui::GetTextLineHeight();
    const ImVec4 ca = rects.rects.at("summary.edge:client->A");
    const ImVec4 ab = rects.rects.at("summary.edge:A->B");
    EXPECT_GT(ab.y - ca.w, static_cast<float>(compare_kpis().size()) * row_h);
    EXPECT_LT(ca.y, 780.0f) << "the first edge's section starts in the panel";
    EXPECT_NE(text.find("edge client->A (no breaker)"), std::string::npos) << text;
    EXPECT_NE(text.find("edge A->B (no breaker)"), std::string::npos) << text;
    // Each compared KPI has its row, the variants their columns.
    for (const CompareKpi& k : compare_kpis())
        EXPECT_NE(text.find(std::string(k.name)), std::string::npos) << k.name;
    EXPECT_NE(text.find("budget"), std::string::npos);
    // The budget cuts A->B's attempts: the budget column differs from the base's, so a
    // difference to the first is drawn with its sign.
    const auto& e0 = snap->variants[0].summary.edges;
    const auto& e1 = snap->variants[1].summary.edges;
    ASSERT_EQ(e0.size(), 2u);
    EXPECT_NE(e0[1].attempts, e1[1].attempts) << "the budget acts on A->B";
    // The differences to the first variant: overall availability and client->A's KPIs.
    auto diff = [](double d, int decimals) {
        std::string out = d >= 0 ? "+" : "";
        out += text::fixed(d, decimals);
        return out;
    };
    const double da =
        100.0 * (snap->variants[1].summary.availability - snap->variants[0].summary.availability);
    EXPECT_NE(text.find(diff(da, 2)), std::string::npos) << diff(da, 2) << "\n" << text;
    std::size_t differing = 0;
    for (const CompareKpi& k : compare_kpis()) {
        const auto v0 = k.get(e0[0]), v1 = k.get(e1[0]);
        if (!v0 || !v1 || *v0 == *v1) continue;
        ++differing;
        EXPECT_NE(text.find(diff(*v1 - *v0, k.decimals)), std::string::npos) << k.name;
    }
    EXPECT_GT(differing, 0u) << "client->A's KPIs differ between the variants";
    // Each variant's column header in its colour.
    EXPECT_GT(testing::vertices_in(theme::variant_color(0)), 0);
    EXPECT_GT(testing::vertices_in(theme::variant_color(1)), 0);
}

TEST(SummaryPanel, SingleRunShowsEveryEdgeWithoutABreaker) {
    const std::string file = std::string(CBSIM_ASSET_DIR) + "/scenarios/retry_storm.toml";
    SimWorker::Options o;
    o.playing = false;
    SimWorker worker(load_scenario_or_compare(file).scenario, file, o);
    worker.send(Step{from_s(10)});
    worker.sync();
    PanelFixture<SummaryPanel> fx(*worker.snapshot(), {.size = {420, 780}});
    auto& [ui, vs, panel, rects, s, log, draw] = fx;
    vs.edge = "A->B";
    ui.frame(draw);
    const std::string text = ui.frame_text(draw);
    EXPECT_TRUE(rects.rects.count("summary.edge:client->A")) << text;
    EXPECT_NE(text.find("edge A->B (no breaker) (selected)"), std::string::npos) << text;
    EXPECT_NE(text.find("p99 latency"), std::string::npos) << "[" << text << "]";
}

// The Breaker panel shows the edge's timeout, retry, bulkhead and fallback: every protection
// path of the edge outside its breaker, each numeric one with a slider that sends its path.
TEST(BreakerPanel, ShowsTheEdgesTimeoutRetryBulkheadAndFallback) {
    PanelFixture<BreakerPanel> fx(make_snapshot(), {.size = {460, 1400}, .display = {1280, 1400}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    const std::string text = ui.frame_text(draw);
    ASSERT_EQ(vs.edge, "A->B");
    std::size_t numeric = 0;
    for (const SettingSpec& spec : setting_specs(snap.live)) {
        if (spec.path.rfind("A->B.", 0) != 0 || spec.path.rfind("A->B.breaker.", 0) == 0) continue;
        ASSERT_EQ(setting_scope(snap.live, spec.path), SettingScope::protection) << spec.path;
        const std::string key = spec.path.substr(5);
        EXPECT_NE(text.find(key), std::string::npos) << key;
        if (spec.kind != ParamKind::integer && spec.kind != ParamKind::real) continue;
        ++numeric;
        EXPECT_TRUE(rects.rects.count(spec.path)) << spec.path;
    }
    EXPECT_GE(numeric, 6u) << "timeout, attempts, backoff base and cap, budget, in flight";
    EXPECT_NE(text.find("retry.jitter"), std::string::npos);
    EXPECT_NE(text.find("fallback"), std::string::npos);
    // No world key (the target's failure rate) is drawn here.
    EXPECT_FALSE(rects.rects.count("B.failure_rate"));
    ASSERT_TRUE(rects.rects.count("A->B.retry.max_attempts"));
    drag(ui, rects.rects["A->B.retry.max_attempts"], 0.3f, draw);
    const SetSetting* s = last_setting(log, "A->B.retry.max_attempts");
    ASSERT_NE(s, nullptr) << "dragging the slider sends its path";
    const auto spec = find_setting(snap.live, "A->B.retry.max_attempts");
    EXPECT_GE(std::get<double>(s->value), spec->min);
    EXPECT_LE(std::get<double>(s->value), spec->max);
}

// In compare mode the section edits the selected variant: its values are that variant's.
TEST(BreakerPanel, CompareShowsTheSelectedVariantsRetrySettings) {
    const auto worker = retry_compare(1);
    worker->send(SelectVariant{1});
    worker->sync();
    PanelFixture<BreakerPanel> fx(*worker->snapshot(),
                                  {.size = {460, 1400}, .display = {1280, 1400}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    vs.edge = "A->B";
    ui.frame(draw);
    const std::string text = ui.frame_text(draw);
    EXPECT_TRUE(rects.rects.count("A->B.retry.budget_rps")) << text;
    EXPECT_TRUE(rects.rects.count("A->B.timeout_ms")) << text;
    EXPECT_DOUBLE_EQ(std::get<double>(*get_setting(snap.live, "A->B.retry.budget_rps")), 5.0);
    // The variant bar: the selected variant's name in the combo and the rename field, and its
    // colour swatch.
    EXPECT_NE(text.find("budget"), std::string::npos) << text;
    EXPECT_GT(testing::vertices_in(theme::variant_color(1)), 0) << "the selected variant's colour";
}

TEST(EventsAndPlots, DrawWithoutARunAndSendNothing) {
    ImGuiHarness ui;
    ViewState vs;
    EventCache cache;
    PlotsPanel plots(vs, cache);
    EventsPanel events(vs, cache);
    SummaryPanel summary(vs);
    const Snapshot snap = make_snapshot();
    CommandLog log;
    ui.frame([&] {
        plots.draw(snap, log);
        events.draw(snap, log);
        summary.draw(snap, log);
    });
    EXPECT_TRUE(log.commands.empty());
}

}  // namespace
}  // namespace cbsim::gui

namespace cbsim::gui {
namespace {

// Every preset scenario runs in the worker and every panel draws it: the breaker panel finds
// an edge with a breaker, the plots read the recorder, nothing is sent unasked.
TEST(AllPanels, DrawEveryPresetScenario) {
    std::vector<std::string> files;
    for (const auto& e :
         std::filesystem::directory_iterator(std::string(CBSIM_ASSET_DIR) + "/scenarios")) {
        if (e.path().extension() == ".toml") files.push_back(e.path().string());
    }
    ASSERT_FALSE(files.empty());
    for (const std::string& file : files) {
        SCOPED_TRACE(file);
        ImGuiHarness ui;
        ViewState vs;
        TimeView& view = vs.time;
        EventCache cache;
        RunPanel run(vs, std::string(CBSIM_ASSET_DIR) + "/scenarios");
        ServicesPanel services(vs);
        BreakerPanel breaker(vs);
        PlotsPanel plots(vs, cache);
        EventsPanel events(vs, cache);
        SummaryPanel summary(vs);
        run.place({0, 20}, {345, 200});
        services.place({0, 220}, {345, 560});
        plots.place({345, 20}, {590, 540});
        events.place({345, 560}, {590, 220});
        breaker.place({935, 20}, {345, 490});
        summary.place({935, 510}, {345, 270});
        CommandLog opened;
        ASSERT_EQ(run.open_file(file, opened), "");
        ASSERT_EQ(opened.commands.size(), 1u);
        auto& load = std::get<LoadScenario>(opened.commands[0]);
        SimWorker::Options o;
        o.playing = false;
        SimWorker worker(load.scenario, file, o);
        worker.send(Step{from_s(30)});
        worker.sync();
        const auto snap = worker.snapshot();
        ASSERT_TRUE(snap->error.empty()) << snap->error;
        CommandLog log;
        for (int f = 0; f < 3; ++f) {
            ui.frame([&] {
                cache.update(*snap);
                view.update(snap->now_s());
                vs.resolve(snap->live);
                for (Panel* p : std::initializer_list<Panel*>{&run, &services, &plots, &events,
                                                              &breaker, &summary}) {
                    p->draw(*snap, log);
                }
            });
        }
        EXPECT_TRUE(log.commands.empty());
        EXPECT_EQ(cache.events().size(), snap->recorder->event_count());
        if (!breaker_edges(snap->live).empty()) {
            EXPECT_EQ(vs.edge, breaker_edges(snap->live).front());
        }
    }
}

}  // namespace
}  // namespace cbsim::gui

namespace cbsim::gui {
namespace {

TEST(EventsPanel, ClickingAnEventMovesThePlotsToItsTime) {
    SimWorker::Options o;
    o.playing = false;
    SimWorker worker(default_scenario(), "", o);
    worker.send(Step{from_s(2)});
    worker.send(SetSetting{"B.failure_rate", 1.0});
    worker.send(Step{from_s(10)});
    worker.sync();
    const auto snap = worker.snapshot();
    ImGuiHarness ui;
    ViewState vs;
    TimeView& view = vs.time;
    view.update(snap->now_s());
    EventCache cache;
    cache.update(*snap);
    ASSERT_GE(cache.events().size(), 2u) << "a change and at least one transition";
    EventsPanel panel(vs, cache);
    WidgetRects rects{true, {}};
    panel.set_report(&rects);
    panel.place(ImVec2(0, 0), ImVec2(900, 400));
    CommandLog log;
    auto draw = [&] { panel.draw(*snap, log); };
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("events.row1"));
    const ImVec4 r = rects.rects["events.row1"];
    const float x = r.x + 10.0f, y = (r.y + r.w) * 0.5f;
    ui.click_at(x, y, draw);
    const double t = to_s(cache.events()[1].at);
    EXPECT_FALSE(view.follow_live);
    EXPECT_NEAR((view.range.lo + view.range.hi) / 2.0, t, 1e-9);
    EXPECT_TRUE(log.commands.empty());
}

// At the default 1280x800 layout with the app's font, Events shows at least five rows, and a
// reason its column cuts is whole on hover.
TEST(EventsPanel, ShowsFiveRowsAtTheDefaultLayoutAndACutReasonOnHover) {
    SimWorker::Options o;
    o.playing = false;
    SimWorker worker(default_scenario(), "", o);
    worker.send(SetSetting{"B.failure_rate", 1.0});
    worker.send(Step{from_s(60)});
    worker.sync();
    const auto snap = worker.snapshot();
    ImGuiHarness ui;
    std::string font_error;
    ASSERT_TRUE(theme::load_fonts(CBSIM_FONT_DIR, 1.0f, font_error)) << font_error;
    theme::apply(1.0f);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    // The app's area: under the menu bar, over the status bar.
    std::vector<TileItem> items;
    std::size_t events_at = 0;
    for (const PanelSpec& spec : panel_specs()) {
        if (spec.id == PanelId::events) events_at = items.size();
        items.push_back(TileItem{spec.key, static_cast<int>(spec.column), spec.row, spec.share,
                                 spec.open_at_start});
    }
    const float fs = 15.0f, bar = fs + 2 * ImGui::GetStyle().FramePadding.y;
    const Tiling t = tile({0, bar, 1280, 800 - bar - 4}, items, {},
                          {std::round(fs * 0.3f), fs * 12.0f, fs * 4.0f});
    const TileRect r = t.rects[events_at];
    ViewState vs;
    vs.time.update(snap->now_s());
    EventCache cache;
    cache.update(*snap);
    ASSERT_GE(cache.events().size(), 10u);
    EventsPanel panel(vs, cache);
    WidgetRects rects{true, {}};
    panel.set_report(&rects);
    panel.place(ImVec2(r.x0, r.y0), ImVec2(r.w(), r.h()));
    CommandLog log;
    auto draw = [&] { panel.draw(*snap, log); };
    ui.frame(draw);
    ui.frame(draw);
    rects.rects.clear();
    ui.frame(draw);
    // Rows wholly between the column headers and the panel's bottom.
    ASSERT_TRUE(rects.rects.count("events.header"));
    const float top = rects.rects.at("events.header").w;
    int whole = 0;
    for (const auto& [name, rect] : rects.rects) {
        if (name.rfind("events.row", 0) == 0 && rect.y >= top - 1 && rect.w <= r.y1) ++whole;
    }
    EXPECT_GE(whole, 5) << "Events shows " << whole << " whole rows in " << r.h() << " px";
    // Hover a transition's reason (longer than its column): a tooltip has it all.
    std::string reason_row;
    for (const auto& [name, rect] : rects.rects) {
        if (name.rfind("events.reason", 0) == 0 && rect.y >= top - 1 && rect.w <= r.y1)
            reason_row = name;
    }
    ASSERT_FALSE(reason_row.empty());
    const ImVec4 rr = rects.rects.at(reason_row);
    ui.mouse(rr.x + 5, (rr.y + rr.w) * 0.5f, false);
    for (int f = 0; f < 4; ++f)
        ui.frame(draw);
    const ImGuiWindow* tip = ImGui::FindWindowByName("##Tooltip_00");
    EXPECT_TRUE(tip && tip->Active) << "no tooltip with the whole reason";
}

}  // namespace
}  // namespace cbsim::gui

namespace cbsim::gui {
namespace {

using testing::vertices_in;

/// The state band's colour for a state (the panel draws the band at 90 % opacity).
ImU32 band_color(State s) {
    const ImU32 c = theme::state_color(s);
    const auto a = static_cast<ImU32>(0.9f * static_cast<float>((c >> IM_COL32_A_SHIFT) & 0xFF));
    return (c & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

// A whole hour in 590 pixels: each pixel column covers several seconds, yet the seconds the
// breaker was open show in the band, and so does an operator's disabled breaker.
TEST(PlotsPanel, StateBandShowsTheMostSevereStateOfEveryPixelColumn) {
    SimWorker::Options o;
    o.playing = false;
    SimWorker worker(default_scenario(), "", o);
    worker.send(Step{from_s(600)});
    worker.send(SetSetting{"B.failure_rate", 1.0});
    worker.send(Step{from_s(2)});
    worker.send(SetSetting{"B.failure_rate", 0.0});
    worker.send(Step{from_s(1800)});
    worker.send(SetSetting{"A->B.breaker.preset", std::string("resilience4j")});
    worker.send(SetSetting{"A->B.breaker.mode", std::string("disabled")});
    worker.send(Step{from_s(1198)});
    worker.sync();
    const auto snap = worker.snapshot();
    ASSERT_TRUE(snap->error.empty()) << snap->error;
    ImGuiHarness ui;
    ViewState vs;
    TimeView& view = vs.time;
    view.follow_live = false;
    view.range = {0.0, snap->now_s()};
    EventCache cache;
    PlotsPanel plots(vs, cache);
    plots.place({0, 20}, {590, 540});
    vs.edge = "A->B";
    CommandLog log;
    for (int f = 0; f < 3; ++f) {
        ui.frame([&] {
            cache.update(*snap);
            plots.draw(*snap, log);
        });
    }
    EXPECT_GT(vertices_in(band_color(State::open)), 0) << "the open seconds are not hidden";
    EXPECT_GT(vertices_in(band_color(State::disabled)), 0) << "the disabled half hour";
    EXPECT_GT(vertices_in(band_color(State::closed)), 0);
}

/// A paused worker on four_libraries.toml (six libraries on A->B) where B fails every call
/// from 10 s to 40 s.
std::unique_ptr<SimWorker> four_libraries_failing() {
    const std::string file = std::string(CBSIM_ASSET_DIR) + "/scenarios/four_libraries.toml";
    const ScenarioOrCompare loaded = load_scenario_or_compare(file);
    SimWorker::Options o;
    o.playing = false;
    auto worker = std::make_unique<SimWorker>(loaded.scenario, file, o, loaded.variants);
    worker->send(Step{from_s(10)});
    worker->send(SetSetting{"B.failure_rate", 1.0});
    worker->send(Step{from_s(30)});
    worker->sync();
    return worker;
}

// Compare mode's Plots: one state band per variant, stacked, each with the variant's own
// opens; one line per variant in its colour in the plots below the bands.
TEST(PlotsPanel, CompareDrawsAStateBandAndALinePerVariant) {
    const auto worker = four_libraries_failing();
    const auto snap = worker->snapshot();
    ASSERT_TRUE(snap->error.empty()) << snap->error;
    ASSERT_EQ(snap->variants.size(), 6u);
    ImGuiHarness ui;
    ViewState vs;
    vs.time.follow_live = false;
    vs.time.range = {0.0, snap->now_s()};
    vs.edge = "A->B";
    EventCache cache;
    PlotsPanel plots(vs, cache);
    WidgetRects rects{true, {}};
    plots.set_report(&rects);
    plots.place({0, 20}, {590, 780});
    CommandLog log;
    for (int f = 0; f < 3; ++f) {
        ui.frame([&] {
            cache.update(*snap);
            plots.draw(*snap, log);
        });
    }
    float previous_bottom = 0.0f, bands_bottom = 0.0f;
    for (std::size_t v = 0; v < snap->variants.size(); ++v) {
        const std::string name = snap->variants[v].name;
        SCOPED_TRACE(name);
        ASSERT_TRUE(rects.rects.count("state_band:" + name));
        const ImVec4 r = rects.rects.at("state_band:" + name);
        EXPECT_GE(r.y, previous_bottom) << "bands are stacked, one under the other";
        previous_bottom = r.w;
        bands_bottom = std::max(bands_bottom, r.w);
        EXPECT_GT(r.z - r.x, 300.0f) << "full width";
        // Every library opened while B failed, and was closed before.
        EXPECT_GT(testing::vertices_in(band_color(State::open), r), 0);
        EXPECT_GT(testing::vertices_in(band_color(State::closed), r), 0);
    }
    // Each variant's lines (rejected, failure rate, p99) below the bands: far more vertices in
    // its exact colour than its name and legend entries take (4 a glyph).
    const ImVec4 below(0.0f, bands_bottom + 1.0f, 590.0f, 800.0f);
    for (std::size_t v = 0; v < snap->variants.size(); ++v) {
        const int labels = 4 * 3 * static_cast<int>(snap->variants[v].name.size() + 4) + 3 * 8;
        EXPECT_GT(testing::vertices_in(theme::variant_color(v), below), 4 * labels)
            << snap->variants[v].name;
    }
}

// The Summary's compare table: a header with each variant's name in its colour, each compared
// KPI per variant with its difference to the first.
TEST(SummaryPanel, CompareTableHasAColumnPerVariantInItsColour) {
    const auto worker = four_libraries_failing();
    const auto snap = worker->snapshot();
    PanelFixture<SummaryPanel> fx(*snap, {.size = {1280, 780}});
    auto& [ui, vs, panel, rects, s, log, draw] = fx;
    ui.frame(draw);
    const std::string text = ui.frame_text(draw);
    const auto& vars = snap->variants;
    for (std::size_t v = 0; v < vars.size(); ++v) {
        EXPECT_NE(text.find(vars[v].name), std::string::npos) << vars[v].name;
        EXPECT_GT(testing::vertices_in(theme::variant_color(v)), 0) << vars[v].name;
        if (v == 0) continue;
        const auto& e0 = vars[0].summary.edges.at(1);  // A->B
        const auto& ev = vars[v].summary.edges.at(1);
        ASSERT_EQ(ev.edge, "A->B");
        const double d = static_cast<double>(ev.opens) - static_cast<double>(e0.opens);
        std::string shown = d >= 0 ? "+" : "";
        shown += text::fixed(d, 0);
        EXPECT_NE(text.find(shown), std::string::npos) << vars[v].name << " opens " << shown;
    }
    EXPECT_NE(text.find("vs " + vars[0].name), std::string::npos) << text;
    EXPECT_NE(text.find("edge A->B"), std::string::npos);
}

// The variant bar: the selected variant's colour swatch (no other variant's colour), its
// name in the rename field; Enter in the field sends the rename.
TEST(BreakerPanel, VariantBarShowsTheSelectedColourAndRenames) {
    const auto worker = four_libraries_failing();
    worker->send(SelectVariant{2});
    worker->sync();
    PanelFixture<BreakerPanel> fx(*worker->snapshot(), {.size = {460, 780}});
    auto& [ui, vs, panel, rects, snap, log, draw] = fx;
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_GT(testing::vertices_in(theme::variant_color(2)), 0) << "the swatch";
    for (std::size_t v : {0u, 1u, 3u, 4u, 5u})
        EXPECT_EQ(testing::vertices_in(theme::variant_color(v)), 0) << v;
    const std::string name = snap.variants[2].name;
    EXPECT_NE(ui.frame_text(draw).find(name), std::string::npos);
    ASSERT_TRUE(rects.rects.count("compare.rename"));
    const ImVec4 r = rects.rects.at("compare.rename");
    ui.click_at(r.z - 4.0f, (r.y + r.w) * 0.5f, draw);  // the caret at the end
    type(ui, "_x", draw);
    ui.key(257, true);  // Enter
    ui.frame(draw);
    ui.key(257, false);
    ui.frame(draw);
    const RenameVariant* rename = nullptr;
    for (const Command& c : log.commands) {
        if (const auto* x = std::get_if<RenameVariant>(&c)) rename = x;
    }
    ASSERT_NE(rename, nullptr);
    EXPECT_EQ(rename->index, 2u);
    EXPECT_EQ(rename->name, name + "_x");
}

}  // namespace
}  // namespace cbsim::gui
