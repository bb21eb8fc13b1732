#include "panels/edge_strip_panel.hpp"

#include <algorithm>
#include <array>

#include "theme.hpp"

namespace cbsim::gui {

EdgeStripPanel::EdgeStripPanel(ViewState& view)
    : Panel(PanelId::edges), state_(view), view_(view.time) {}

void EdgeStripPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    (void)sink;
    if (!snap.recorder) {
        ImGui::TextDisabled("No run.");
        return;
    }
    const Recorder& rec = *snap.recorder;
    edges_.clear();
    for (std::size_t e = 0; e < snap.edges.size() && e < rec.edge_names().size(); ++e) {
        if (snap.edges[e].has_breaker) edges_.push_back(e);
    }
    if (edges_.empty()) {
        // What to do first: a breaker sits on a dependency.
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled(
            "%s", dependency_edges(snap.live).empty()
                      ? "No dependency yet: add one in the Services panel (Edit the system > Add "
                        "dependency), then give it a breaker in the Breaker panel."
                      : "No edge has a breaker: add one in the Breaker panel.");
        ImGui::PopTextWrapPos();
        return;
    }
    if (bands_.size() < edges_.size()) bands_.resize(edges_.size());
    std::array<ImU32, kStates> colors{};
    for (std::size_t i = 0; i < kStates; ++i) {
        const auto s = static_cast<State>(i);
        colors[static_cast<std::size_t>(state_severity(s))] = theme::state_color(s);
    }
    const float fs = ImGui::GetFontSize();
    const float band_h = fs * 0.85f;
    const float small = fs * 0.8f;
    const TimePlot::YAxis fixed{false, true, {0.0, 1.0}, "", false};
    const double now_s = snap.now_s();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 2.0f));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(edges_.size()), band_h + 2.0f);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const std::size_t e = edges_[static_cast<std::size_t>(row)];
            const std::string& name = rec.edge_names()[e];
            TimePlot& band = bands_[static_cast<std::size_t>(row)];
            ImGui::PushID(static_cast<int>(e));
            if (band.begin("##band", view_, now_s, band_h, fixed)) {
                buffer_ = rec.edge_columns(e, EdgeColumn::state,
                                           static_cast<SimTime>(band.view().lo * 1e6),
                                           static_cast<SimTime>(band.view().hi * 1e6),
                                           static_cast<std::size_t>(band.columns()));
                band.band("##state", buffer_, colors, 0.9f);
                band.end();
                const ImVec2 lo = ImGui::GetItemRectMin();
                const bool selected = name == state_.edge;
                // The edge's name over the left end of its band; a click on it selects it.
                const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0.0f, name.c_str());
                const ImVec2 n0(lo.x + 2.0f, lo.y), n1(lo.x + ts.x + 8.0f, lo.y + band_h);
                ImDrawList* dl = ImGui::GetWindowDrawList();
                dl->AddRectFilled(
                    n0, n1, selected ? IM_COL32(235, 235, 240, 230) : IM_COL32(18, 20, 24, 200));
                dl->AddText(ImGui::GetFont(), small,
                            ImVec2(n0.x + 3.0f, lo.y + (band_h - ts.y) * 0.5f),
                            selected ? IM_COL32(10, 10, 14, 255) : IM_COL32(225, 228, 235, 255),
                            name.c_str());
                if (reporting()) report_rect("strip." + name, ImVec4(n0.x, n0.y, n1.x, n1.y));
                const ImVec2 m = ImGui::GetIO().MousePos;
                // The band's canvas is the last item: a click on it, over the name.
                if (ImGui::IsItemClicked(ImGuiMouseButton_Left) && m.x >= n0.x && m.x < n1.x &&
                    m.y >= n0.y && m.y < n1.y) {
                    state_.edge = name;
                }
            }
            ImGui::PopID();
        }
    }
    ImGui::PopStyleVar();
}

}  // namespace cbsim::gui
