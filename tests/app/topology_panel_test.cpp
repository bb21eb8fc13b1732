// The topology map and the all-edges strip, driven by a windowless ImGui context with real
// mouse input: a click on an arrow selects its edge (the App's routing: Breaker panel, then
// Plots), a click on a service brings its sliders into view, an open breaker's arrow is red.
#include <gtest/gtest.h>

#include <cbsim/scenario_io.hpp>

#include "imgui_harness.hpp"
#include "panels/breaker_panel.hpp"
#include "panels/edge_strip_panel.hpp"
#include "panels/plots_panel.hpp"
#include "panels/services_panel.hpp"
#include "panels/topology_panel.hpp"
#include "sim_worker.hpp"
#include "theme.hpp"

namespace cbsim::gui {
namespace {

using testing::ImGuiHarness;
using testing::vertices_in;

/// The shipped scenario `file` run to `seconds` by `worker`.
std::shared_ptr<const Snapshot> scenario_at(const std::string& file, int seconds,
                                            std::unique_ptr<SimWorker>& worker) {
    ScenarioOrCompare f =
        load_scenario_or_compare(std::string(CBSIM_ASSET_DIR) + "/scenarios/" + file);
    SimWorker::Options o;
    o.playing = false;
    worker = std::make_unique<SimWorker>(f.scenario, "", o);
    worker->send(Step{from_s(seconds)});
    worker->sync();
    return worker->snapshot();
}

/// gateway -> profile -> auth; auth fails from 10 s (the scenario's timeline), so at 15 s the
/// shared breaker on profile -> auth is open.
std::shared_ptr<const Snapshot> gateway_at_15s(std::unique_ptr<SimWorker>& worker) {
    return scenario_at("gateway_profile_auth.toml", 15, worker);
}

TEST(TopologyPanel, ClickingAnArrowSelectsItsEdgeInBreakerAndPlots) {
    std::unique_ptr<SimWorker> worker;
    const auto snap = gateway_at_15s(worker);
    ASSERT_TRUE(snap->error.empty()) << snap->error;
    ImGuiHarness ui;
    ViewState vs;
    TimeView& view = vs.time;
    EventCache cache;
    TopologyPanel map(vs);
    BreakerPanel breaker(vs);
    PlotsPanel plots(vs, cache);
    WidgetRects rects{true, {}};
    map.set_report(&rects);
    map.place({0, 20}, {700, 260});
    breaker.place({700, 20}, {400, 500});
    plots.place({0, 280}, {700, 500});
    CommandLog log;
    // The App's frame: selection in, panels, clicks out.
    auto draw = [&] {
        cache.update(*snap);
        view.update(snap->now_s());
        vs.resolve(snap->live);
        map.draw(*snap, log);
        breaker.draw(*snap, log);
        plots.draw(*snap, log);
    };
    ui.mouse(-100, -100, false);
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_EQ(vs.edge, "profile->auth") << "the first edge with a breaker";
    // The open breaker's arrow is red.
    EXPECT_GT(vertices_in(theme::kOpen), 0);
    ASSERT_EQ(map.layout().nodes.size(), 4u);
    ASSERT_TRUE(rects.rects.count("map.edge.gateway->profile"));
    ui.click(rects.rects["map.edge.gateway->profile"], draw);
    ui.frame(draw);
    EXPECT_EQ(vs.edge, "gateway->profile");
    EXPECT_EQ(plots.edge(), "gateway->profile");
    ui.click(rects.rects["map.edge.profile->auth"], draw);
    ui.frame(draw);
    EXPECT_EQ(vs.edge, "profile->auth");
    EXPECT_EQ(plots.edge(), "profile->auth");
    // The entry arrow is not an edge the Breaker panel can show: a click changes nothing.
    ui.click(rects.rects["map.edge.client->gateway"], draw);
    EXPECT_EQ(vs.edge, "profile->auth");
    EXPECT_TRUE(log.commands.empty());
}

TEST(TopologyPanel, ClickingAServiceBringsItsSlidersIntoView) {
    std::unique_ptr<SimWorker> worker;
    const auto snap = gateway_at_15s(worker);
    ImGuiHarness ui;
    ViewState vs;
    TopologyPanel map(vs);
    ServicesPanel services(vs);
    WidgetRects rects{true, {}};
    map.set_report(&rects);
    services.set_report(&rects);
    map.place({0, 20}, {700, 260});
    services.place({700, 20}, {345, 300});  // too short for every service's sliders
    CommandLog log;
    auto draw = [&] {
        map.draw(*snap, log);
        services.draw(*snap, log);
    };
    ui.mouse(-100, -100, false);
    ui.frame(draw);
    ui.frame(draw);
    ASSERT_TRUE(rects.rects.count("auth.failure_rate"));
    EXPECT_GT(rects.rects["auth.failure_rate"].y, 320.0f) << "below the panel's bottom";
    ui.click(rects.rects["map.node.auth"], draw);
    ui.frame(draw);
    ui.frame(draw);
    const ImVec4 r = rects.rects["auth.failure_rate"];
    EXPECT_GT(r.y, 20.0f);
    EXPECT_LT(r.w, 320.0f) << "auth's failure rate slider is inside the panel";
    EXPECT_TRUE(log.commands.empty());
}

TEST(TopologyPanel, AnEdgeWithoutABreakerTurnsRedWithItsFailingCalls) {
    // cascade_abc at 24 s: C is slow, B saturates, A's calls to B time out; no breaker anywhere.
    std::unique_ptr<SimWorker> worker, calm;
    const auto snap = scenario_at("cascade_abc.toml", 24, worker);
    ImGuiHarness ui;
    ViewState vs;
    TopologyPanel map(vs);
    map.place({0, 20}, {700, 260});
    CommandLog log;
    auto draw = [&] { map.draw(*snap, log); };
    ui.mouse(-100, -100, false);
    ui.frame(draw);
    ui.frame(draw);
    std::size_t ab = map.layout().arrows.size();
    for (std::size_t a = 0; a < map.layout().arrows.size(); ++a)
        if (map.layout().arrows[a].edge == "A->B") ab = a;
    ASSERT_LT(ab, map.layout().arrows.size());
    const double failing = map.edge_rates()[ab].failure_rate;
    EXPECT_GT(failing, 0.5) << "A's calls to B should time out massively at 24 s";
    const ImU32 red = TopologyPanel::edge_color(false, State::closed, failing);
    const ImU32 grey = TopologyPanel::edge_color(false, State::closed, 0.0);
    EXPECT_NE(red, grey);
    EXPECT_GT(vertices_in(red), 0) << "A->B is not drawn in its failure tint";
    // A breaker edge keeps its state colour whatever fails on it.
    EXPECT_EQ(TopologyPanel::edge_color(true, State::open, 1.0), theme::state_color(State::open));
    // At 5 s nothing fails: every arrow is plain grey.
    const auto quiet = scenario_at("cascade_abc.toml", 5, calm);
    auto draw_quiet = [&] { map.draw(*quiet, log); };
    ui.frame(draw_quiet);
    ui.frame(draw_quiet);
    for (const TopologyPanel::EdgeRates& r : map.edge_rates())
        EXPECT_EQ(r.failure_rate, 0.0);
    EXPECT_EQ(vertices_in(red), 0);
    EXPECT_GT(vertices_in(grey), 0);
}

TEST(TopologyPanel, CompactNodesKeepTheirDetailLineWhenTheHeightHasRoom) {
    // A chain of four nodes in a map too narrow for full nodes, but tall enough for a second
    // line: the compact nodes are tall enough for instances and failure rate.
    std::unique_ptr<SimWorker> worker;
    const auto snap = scenario_at("cascade_abc.toml", 1, worker);
    ImGuiHarness ui;
    ViewState vs;
    TopologyPanel map(vs);
    CommandLog log;
    auto draw = [&] { map.draw(*snap, log); };
    const float fs = 13.0f;  // the harness's font
    map.place({0, 20}, {300, 120});
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_LT(map.layout().geometry.node_h, 3.3f * fs) << "full nodes should not fit 300 px";
    EXPECT_GE(map.layout().geometry.node_h, 2.7f * fs) << "no room left for the detail line";
    // Too low for it: the name alone.
    map.place({0, 20}, {300, 62});
    ui.frame(draw);
    ui.frame(draw);
    EXPECT_LT(map.layout().geometry.node_h, 2.0f * fs);
}

TEST(EdgeStripPanel, OneBandPerBreakerEdgeAndAClickOnANameSelectsIt) {
    ScenarioOrCompare f = load_scenario_or_compare(std::string(CBSIM_ASSET_DIR) +
                                                   "/scenarios/retry_storm_breaker.toml");
    SimWorker::Options o;
    o.playing = false;
    SimWorker worker(f.scenario, "", o);
    worker.send(Step{from_s(20)});
    worker.sync();
    const auto snap = worker.snapshot();
    std::vector<std::string> with_breaker;
    for (std::size_t e = 0; e < snap->edges.size(); ++e) {
        if (snap->edges[e].has_breaker) with_breaker.push_back(snap->recorder->edge_names()[e]);
    }
    ASSERT_FALSE(with_breaker.empty());
    ImGuiHarness ui;
    ViewState vs;
    TimeView& view = vs.time;
    EdgeStripPanel strip(vs);
    WidgetRects rects{true, {}};
    strip.set_report(&rects);
    strip.place({0, 20}, {700, 200});
    CommandLog log;
    std::optional<std::string> clicked;
    auto draw = [&] {
        view.update(snap->now_s());
        strip.draw(*snap, log);
        if (!vs.edge.empty()) clicked = vs.edge;
    };
    ui.mouse(-100, -100, false);
    ui.frame(draw);
    ui.frame(draw);
    for (const std::string& e : with_breaker)
        EXPECT_TRUE(rects.rects.count("strip." + e)) << e;
    EXPECT_EQ(rects.rects.size(), with_breaker.size()) << "no band for an edge without breaker";
    ui.click(rects.rects["strip." + with_breaker.back()], draw);
    ASSERT_TRUE(clicked.has_value());
    EXPECT_EQ(*clicked, with_breaker.back());
    EXPECT_TRUE(log.commands.empty());
}

}  // namespace
}  // namespace cbsim::gui
