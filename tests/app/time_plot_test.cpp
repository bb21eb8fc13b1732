// TimePlot in a windowless ImGui context: draw-call budget, y fitting, legend toggles.
#include "widgets/time_plot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "imgui_harness.hpp"

namespace cbsim::gui {
namespace {

using testing::ImGuiHarness;

// The most vertices any draw command of the frame references.
std::size_t max_vertices_per_call() {
    std::size_t most = 0;
    const ImDrawData* dd = ImGui::GetDrawData();
    for (int l = 0; l < dd->CmdListsCount; ++l) {
        const ImDrawList* list = dd->CmdLists[l];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.ElemCount == 0) continue;
            unsigned lo = 0xFFFFFFFFu, hi = 0;
            for (unsigned i = 0; i < cmd.ElemCount; ++i) {
                const unsigned idx = list->IdxBuffer[static_cast<int>(cmd.IdxOffset + i)];
                lo = std::min(lo, idx);
                hi = std::max(hi, idx);
            }
            most = std::max<std::size_t>(most, hi - lo + 1);
        }
    }
    return most;
}

int total_vertices() {
    return ImGui::GetDrawData()->TotalVtxCount;
}

TEST(TimePlot, SplitsDenseLinesIntoDrawCallsUnder32kVertices) {
    ImGuiHarness ui(9000.0f, 600.0f);
    // A noisy day: every pixel column gets a distinct min/max/first/last.
    std::vector<ColumnAgg> cols;
    TimeView view;
    view.follow_live = false;
    view.range = {0.0, 86400.0};
    TimePlot plot;
    ui.frame([&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(9000, 600));
        ImGui::Begin("plot");
        if (plot.begin("##p", view, 86400.0, 400.0f, TimePlot::YAxis{})) {
            cols.assign(static_cast<std::size_t>(plot.columns()), ColumnAgg{});
            for (std::size_t i = 0; i < cols.size(); ++i) {
                const auto v = [&](std::size_t k) {
                    return static_cast<double>(((4 * i + k) * 7919) % 1000);
                };
                cols[i] =
                    ColumnAgg{std::min(v(0), v(1)), std::max(v(0), v(1)) + 1.0, v(2), v(3), 144};
            }
            plot.line("noise", cols, IM_COL32_WHITE, 2.0f);
            plot.end();
        }
        ImGui::End();
    });
    EXPECT_GT(total_vertices(), 40000) << "the line was drawn with all its columns";
    EXPECT_LT(max_vertices_per_call(), 32768u);
    EXPECT_LT(plot.last_max_call_vertices(), 32768u);
}

TEST(TimePlot, LegendClickHidesAnItem) {
    ImGuiHarness ui;
    std::vector<ColumnAgg> a, b;
    TimeView view;
    view.follow_live = false;
    view.range = {0.0, 60.0};
    TimePlot plot;
    ImVec2 canvas_min{};
    int vertices_both = 0, vertices_hidden = 0;
    auto draw = [&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(800, 400));
        ImGui::Begin("plot");
        if (plot.begin("##p", view, 60.0, 300.0f, TimePlot::YAxis{})) {
            canvas_min = ImGui::GetItemRectMin();
            a.assign(static_cast<std::size_t>(plot.columns()), ColumnAgg{1, 1, 1, 1, 1});
            b.assign(static_cast<std::size_t>(plot.columns()), ColumnAgg{100, 100, 100, 100, 1});
            plot.line("first", a, IM_COL32(255, 0, 0, 255));
            plot.line("second", b, IM_COL32(0, 255, 0, 255));
            plot.end();
        }
        ImGui::End();
    };
    ui.frame(draw);
    ui.frame(draw);
    vertices_both = total_vertices();
    // The legend starts at the plot's top-left corner: click the first entry.
    const float x = canvas_min.x + 14.0f, y = canvas_min.y + 10.0f;
    ui.mouse(x, y, false);
    ui.frame(draw);
    ui.mouse(x, y, true);
    ui.frame(draw);
    ui.mouse(x, y, false);
    ui.mouse(-100.0f, -100.0f, false);
    ui.frame(draw);
    vertices_hidden = total_vertices();
    EXPECT_LT(vertices_hidden, vertices_both) << "the hidden line is not drawn";
}

TEST(TimePlot, WheelZoomsAndStopsFollowing) {
    ImGuiHarness ui;
    TimeView view;
    view.live_span = 60.0;
    view.update(120.0);
    EXPECT_EQ(view.range, (plot::Range{60.0, 120.0}));
    TimePlot plot;
    ImVec2 lo{}, hi{};
    auto draw = [&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(800, 400));
        ImGui::Begin("plot");
        if (plot.begin("##p", view, 120.0, 300.0f, TimePlot::YAxis{})) {
            lo = ImGui::GetItemRectMin();
            hi = ImGui::GetItemRectMax();
            plot.end();
        }
        ImGui::End();
    };
    ui.frame(draw);
    ui.mouse((lo.x + hi.x) / 2, (lo.y + hi.y) / 2, false);
    ui.frame(draw);
    EXPECT_EQ(ui.frame_text(draw).find("double-click"), std::string::npos);
    ImGui::GetIO().MouseWheel = 2.0f;
    ui.frame(draw);
    EXPECT_FALSE(view.follow_live);
    // Zoomed, the live plots' hover read-out says a double-click follows live time again.
    EXPECT_NE(ui.frame_text(draw).find("double-click: follow live"), std::string::npos);
    EXPECT_LT(view.range.span(), 60.0);
    EXPECT_GT(view.range.lo, 60.0);
    EXPECT_LT(view.range.hi, 120.0);
    view.show_at(30.0);
    EXPECT_DOUBLE_EQ((view.range.lo + view.range.hi) / 2, 30.0);
}

}  // namespace
}  // namespace cbsim::gui
