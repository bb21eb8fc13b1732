// cockatiel_panel_test.cpp: the Breaker panel on an edge with a cockatiel breaker shows every
// cockatiel key (subtable keys included) and sends its path, through a windowless ImGui context.
#include <gtest/gtest.h>

#include <cbsim/scenario.hpp>

#include "imgui_harness.hpp"
#include "panels/breaker_panel.hpp"

namespace cbsim::gui {
namespace {

using testing::ImGuiHarness;

/// The default scenario with A->B behind cockatiel's defaults.
Snapshot cockatiel_snapshot() {
    Snapshot s;
    s.generation = 1;
    s.live = default_scenario();
    s.live.services.at(0).dependencies.at(0).breaker = BreakerConfig::defaults(Preset::cockatiel);
    s.playing = true;
    s.speed = 1.0;
    return s;
}

TEST(BreakerPanelCockatiel, ShowsEveryCockatielKeyAndSendsItsPath) {
    ImGuiHarness ui;
    BreakerPanel panel;
    WidgetRects rects{true, {}};
    panel.set_report(&rects);
    panel.place(ImVec2(0, 0), ImVec2(460, 1600));
    const Snapshot snap = cockatiel_snapshot();
    CommandLog log;
    auto draw = [&] { panel.draw(snap, log); };
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_EQ(panel.edge(), "A->B");
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
    const ImVec4 r = rects.rects[path];
    const float y = (r.y + r.w) * 0.5f;
    ui.mouse(r.x + 2.0f, y, false);
    ui.frame(draw);
    ui.mouse(r.x + 2.0f, y, true);
    ui.frame(draw);
    for (int step = 1; step <= 8; ++step) {
        ui.mouse(r.x + (r.z - r.x) * 0.5f * static_cast<float>(step) / 8.0f, y, true);
        ui.frame(draw);
    }
    ui.mouse(r.x + (r.z - r.x) * 0.5f, y, false);
    ui.frame(draw);
    const SetSetting* sent = nullptr;
    for (const Command& c : log.commands) {
        if (const auto* s = std::get_if<SetSetting>(&c); s && s->path == path) sent = s;
    }
    ASSERT_NE(sent, nullptr) << "dragging the slider sends its path";
    const double v = std::get<double>(sent->value);
    EXPECT_GE(v, 1.0);
    EXPECT_LE(v, 1000000.0);
    EXPECT_NE(v, 1.0);
}

}  // namespace
}  // namespace cbsim::gui
