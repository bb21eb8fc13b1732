#include "panels/services_panel.hpp"

#include <cbsim/scenario_keys.hpp>

namespace cbsim::gui {

ServicesPanel::ServicesPanel(ViewState& view) : Panel(PanelId::services), view_(view) {}

std::vector<std::string> ServicesPanel::keys_for(const Service& service) {
    std::vector<std::string> keys;
    for (const ScenarioKey& k : scenario_keys()) {
        if (!k.panel || !k.settable()) continue;
        if (k.only_for_dist >= 0 && k.only_for_dist != static_cast<int>(service.latency.dist))
            continue;
        keys.emplace_back(k.path);
    }
    return keys;
}

void ServicesPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    if (snap.generation != generation_) {
        generation_ = snap.generation;
        inputs_.clear();
        editor_.clear();
        block_h_.clear();
    }
    const SystemEditor::Report report = [this](const std::string& name) { report_item(name); };
    const float label_w = ImGui::GetFontSize() * 7.5f;
    if (auto spec = find_setting(snap.live, "traffic.rate_rps")) {
        inputs_.draw(*spec, spec->label.c_str(), snap.live, sink, label_w);
        report_item("traffic.rate_rps");
    }
    // Services that others call first: the dependency is what users tune most.
    std::vector<const Service*> order;
    for (const Service& s : snap.live.services)
        order.push_back(&s);
    for (const Service* service : order) {
        ImGui::PushID(service->name.c_str());
        const bool wanted = !view_.show_service.empty() && service->name == view_.show_service;
        ImGui::SetNextItemOpen(true, wanted ? ImGuiCond_Always : ImGuiCond_Appearing);
        const bool open = ImGui::CollapsingHeader(("service " + service->name).c_str());
        if (wanted) {
            ImGui::SetScrollHereY(0.0f);
            view_.show_service.clear();
        }
        // A service's sliders out of view take the height they had when last drawn, so a long
        // list costs what its visible part costs. Every slider is drawn while any widget is
        // held (a drag scrolled out of view still sees its mouse-up) and under a test report.
        const auto known = block_h_.find(service->name);
        if (open && known != block_h_.end() && !reporting() && !ImGui::IsAnyItemActive() &&
            !ImGui::IsRectVisible(ImVec2(1.0f, known->second))) {
            ImGui::Dummy(ImVec2(1.0f, known->second - ImGui::GetStyle().ItemSpacing.y));
        } else if (open) {
            const float y0 = ImGui::GetCursorPosY();
            for (const std::string& key : keys_for(*service)) {
                const std::string path = service->name + "." + key;
                const auto spec = find_setting(snap.live, path);
                if (!spec) continue;
                inputs_.draw(*spec, spec->label.c_str(), snap.live, sink, label_w);
                if (spec->kind == ParamKind::integer || spec->kind == ParamKind::real) {
                    const ImVec4 r = inputs_.last_slider_rect();
                    report_rect(path, r);
                }
            }
            block_h_[service->name] = ImGui::GetCursorPosY() - y0;
        }
        ImGui::PopID();
    }
    editor_.draw(snap, sink, report);
}

}  // namespace cbsim::gui
