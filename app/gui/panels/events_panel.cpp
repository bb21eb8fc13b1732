#include "panels/events_panel.hpp"

#include <cbsim/breaker.hpp>

#include <string>

#include "theme.hpp"
#include "widgets/plot_math.hpp"

namespace cbsim::gui {

EventsPanel::EventsPanel(ViewState& view, const EventCache& events)
    : Panel(PanelId::events), view_(view.time), events_(events) {}

void EventsPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    (void)sink;
    const auto& events = events_.events();
    ImGui::Checkbox("transitions", &show_transitions_);
    ImGui::SameLine();
    ImGui::Checkbox("changes", &show_changes_);
    ImGui::SameLine();
    ImGui::Checkbox("follow", &stick_to_end_);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keep the newest event in view");
    ImGui::SameLine();
    const std::uint64_t dropped = snap.recorder ? snap.recorder->events_dropped() : 0;
    if (dropped == 0) {
        ImGui::TextDisabled("%zu %s; click one to show it in the plots", events.size(),
                            events.size() == 1 ? "event" : "events");
    } else {
        ImGui::TextDisabled("the first %zu events (the most kept); %llu later ones not kept",
                            events.size(), static_cast<unsigned long long>(dropped));
    }

    // The filtered row list grows with the log; only new events are looked at.
    const int filter = (show_transitions_ ? 1 : 0) | (show_changes_ ? 2 : 0);
    if (filter != rows_filter_ || events.size() < rows_scanned_ ||
        snap.generation != rows_generation_ || events_.reorders() != rows_reorders_) {
        rows_generation_ = snap.generation;
        rows_reorders_ = events_.reorders();
        selected_ = static_cast<std::size_t>(-1);
        rows_.clear();
        rows_scanned_ = 0;
        rows_filter_ = filter;
    }
    for (std::size_t i = rows_scanned_; i < events.size(); ++i) {
        const bool change = events[i].kind == EventRecord::Kind::change;
        if (change ? show_changes_ : show_transitions_) rows_.push_back(i);
    }
    rows_scanned_ = events.size();
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##events", 5, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 5.0f);
    ImGui::TableSetupColumn("edge / setting", ImGuiTableColumnFlags_WidthFixed,
                            ImGui::GetFontSize() * 9.0f);
    ImGui::TableSetupColumn("inst", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 2.2f);
    ImGui::TableSetupColumn("from -> to", ImGuiTableColumnFlags_WidthFixed,
                            ImGui::GetFontSize() * 9.0f);
    ImGui::TableSetupColumn("reason", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    if (reporting()) report_item("events.header");
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows_.size()));
    while (clipper.Step()) {
        for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
            const std::size_t i = rows_[static_cast<std::size_t>(r)];
            const EventRecord& e = events[i];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(static_cast<int>(i));
            const std::string t = plot::format_time(to_s(shown_at(e)), 0.001);
            if (ImGui::Selectable(t.c_str(), selected_ == i, ImGuiSelectableFlags_SpanAllColumns)) {
                selected_ = i;
                view_.show_at(to_s(shown_at(e)));
            }
            if (reporting()) report_item("events.row" + std::to_string(r));
            ImGui::PopID();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(e.edge.c_str());
            ImGui::TableNextColumn();
            if (e.instance >= 0) {
                ImGui::Text("%d", e.instance);
            } else {
                ImGui::TextDisabled("-");
            }
            ImGui::TableNextColumn();
            if (e.kind == EventRecord::Kind::change) {
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kChange), "%s",
                                   change_text(e).c_str());
            } else {
                ImVec4 col = ImGui::ColorConvertU32ToFloat4(theme::kMuted);
                for (std::size_t s = 0; s < kStates; ++s) {
                    if (e.to == to_string(static_cast<State>(s))) {
                        col = theme::state_color_vec(static_cast<State>(s));
                    }
                }
                ImGui::TextColored(col, "%s -> %s", e.from.c_str(), e.to.c_str());
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(e.reason.c_str());
            // The column cuts a long reason: the whole of it on hover.
            if (ImGui::IsItemHovered() &&
                ImGui::CalcTextSize(e.reason.c_str()).x > ImGui::GetColumnWidth()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
                ImGui::TextUnformatted(e.reason.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
            if (reporting()) report_item("events.reason" + std::to_string(r));
        }
    }
    if (stick_to_end_ && ImGui::GetScrollY() < ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndTable();
}

}  // namespace cbsim::gui
