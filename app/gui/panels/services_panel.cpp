#include "panels/services_panel.hpp"

namespace cbsim::gui {
namespace {

const char* label_of(const std::string& key) {
    if (key == "failure_rate") return "failure rate";
    if (key == "latency_p50_ms") return "latency p50 ms";
    if (key == "latency_p99_ms") return "latency p99 ms";
    if (key == "latency_mean_ms") return "latency mean ms";
    if (key == "latency_constant_ms") return "latency ms";
    if (key == "capacity") return "capacity";
    if (key == "instances") return "instances";
    if (key == "hang_rate") return "hang rate";
    if (key == "queue_limit") return "queue limit";
    if (key == "rate_rps") return "arrivals /s";
    return key.c_str();
}

}  // namespace

ServicesPanel::ServicesPanel() : Panel("services", "Services", "Ctrl+2") {}

std::vector<std::string> ServicesPanel::keys_for(const Service& service) {
    std::vector<std::string> keys = {"failure_rate"};
    switch (service.latency.dist) {
        case LatencyDist::lognormal:
            keys.emplace_back("latency_p50_ms");
            keys.emplace_back("latency_p99_ms");
            break;
        case LatencyDist::exponential:
            keys.emplace_back("latency_mean_ms");
            break;
        case LatencyDist::constant:
            keys.emplace_back("latency_constant_ms");
            break;
    }
    keys.emplace_back("capacity");
    keys.emplace_back("instances");
    keys.emplace_back("hang_rate");
    return keys;
}

void ServicesPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    if (snap.generation != generation_) {
        generation_ = snap.generation;
        inputs_.clear();
    }
    const float label_w = ImGui::GetFontSize() * 7.5f;
    if (auto spec = find_setting(snap.live, "traffic.rate_rps")) {
        inputs_.draw(*spec, "arrivals /s", snap.live, sink, label_w);
        report_item("traffic.rate_rps");
    }
    // Services that others call first: the dependency is what users tune most.
    std::vector<const Service*> order;
    for (const Service& s : snap.live.services)
        order.push_back(&s);
    for (const Service* service : order) {
        ImGui::PushID(service->name.c_str());
        ImGui::SetNextItemOpen(true, ImGuiCond_Appearing);
        if (ImGui::CollapsingHeader(("service " + service->name).c_str())) {
            for (const std::string& key : keys_for(*service)) {
                const std::string path = service->name + "." + key;
                const auto spec = find_setting(snap.live, path);
                if (!spec) continue;
                inputs_.draw(*spec, label_of(key), snap.live, sink, label_w);
                if (spec->kind == ParamKind::integer || spec->kind == ParamKind::real) {
                    const ImVec4 r = inputs_.last_slider_rect();
                    report_rect(path, r);
                }
            }
        }
        ImGui::PopID();
    }
}

}  // namespace cbsim::gui
