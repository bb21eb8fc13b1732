#include "panels/panel.hpp"

namespace cbsim::gui {

Panel::Panel(PanelId id)
    : panel_id_(id),
      id_(panel_spec(id).key),
      title_(panel_spec(id).title),
      shortcut_(shortcut_text(panel_spec(id))) {}

void Panel::place(ImVec2 pos, ImVec2 size) {
    pos_ = pos;
    size_ = size;
    placed_ = true;
}

void Panel::draw(const Snapshot& snapshot, CommandSink& sink) {
    if (!open_) return;
    if (placed_) {
        ImGui::SetNextWindowPos(pos_, ImGuiCond_Always);
        ImGui::SetNextWindowSize(size_, ImGuiCond_Always);
    }
    const std::string label = title_ + "###" + id_;
    if (ImGui::Begin(label.c_str(), &open_,
                     window_flags() | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        draw_content(snapshot, sink);
    }
    ImGui::End();
}

void Panel::report_item(const std::string& name) {
    if (!report_ || !report_->enabled) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    report_->rects[name] = ImVec4(a.x, a.y, b.x, b.y);
}

void Panel::report_rect(const std::string& name, ImVec4 rect) {
    if (report_ && report_->enabled) report_->rects[name] = rect;
}

}  // namespace cbsim::gui
