#include "widgets/setting_input.hpp"

#include <algorithm>
#include <cmath>

#include <cbsim/number_text.hpp>

namespace cbsim::gui {
namespace {

constexpr int kPendingFrames = 120;

bool same_value(const SettingValue& a, const SettingValue& b) {
    if (a.index() != b.index()) return false;
    if (const double* x = std::get_if<double>(&a))
        return std::abs(*x - std::get<double>(b)) < 1e-12;
    return std::get<std::string>(a) == std::get<std::string>(b);
}

}  // namespace

double clamp_to_spec(const SettingSpec& spec, double value, bool& clamped) {
    double v = value;
    if (!std::isfinite(v)) v = spec.min;
    if (spec.kind == ParamKind::integer || spec.kind == ParamKind::boolean) v = std::round(v);
    v = std::clamp(v, spec.min, spec.max);
    clamped = v != value;
    return v;
}

std::string range_text(const SettingSpec& spec) {
    std::string out(1, '[');
    text::number(out, spec.min);
    out += ", ";
    text::number(out, spec.max);
    out += ']';
    return out;
}

double SettingInputs::shown_value(const SettingSpec& spec, const Scenario& live) const {
    if (auto it = pending_.find(spec.path); it != pending_.end()) {
        if (const double* v = std::get_if<double>(&it->second.value)) return *v;
    }
    const auto value = get_setting(live, spec.path);
    if (value) {
        if (const double* v = std::get_if<double>(&*value)) return *v;
    }
    return spec.min;
}

void SettingInputs::send(const std::string& path, SettingValue value, CommandSink& sink,
                         bool step) {
    pending_[path] = Pending{value, kPendingFrames};
    sink.send(SetSetting{path, std::move(value), step});
}

bool SettingInputs::draw(const SettingSpec& spec, const char* label, const Scenario& live,
                         CommandSink& sink, float label_width) {
    const auto current = get_setting(live, spec.path);
    // Drop a pending value once the snapshot shows it (or after a while, e.g. if refused).
    if (auto it = pending_.find(spec.path); it != pending_.end()) {
        if ((current && same_value(*current, it->second.value)) || --it->second.frames_left <= 0) {
            pending_.erase(it);
        }
    }
    bool sent = false;
    ImGui::PushID(spec.path.c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    if (ImGui::IsItemHovered() && !spec.help.empty()) {
        ImGui::SetTooltip("%s\n%s  range %s", spec.help.c_str(), spec.path.c_str(),
                          range_text(spec).c_str());
    }
    ImGui::SameLine(label_width);
    const float input_w = ImGui::GetFontSize() * 4.8f;
    const float avail = ImGui::GetContentRegionAvail().x;

    if (spec.kind == ParamKind::choice) {
        std::string shown;
        if (auto it = pending_.find(spec.path); it != pending_.end()) {
            if (const auto* s = std::get_if<std::string>(&it->second.value)) shown = *s;
        }
        if (shown.empty() && current) {
            if (const auto* s = std::get_if<std::string>(&*current)) shown = *s;
            if (const auto* d = std::get_if<double>(&*current)) {
                const auto i = static_cast<std::size_t>(*d);
                if (i < spec.choices.size()) shown = spec.choices[i];
            }
        }
        ImGui::SetNextItemWidth(avail);
        if (ImGui::BeginCombo("##choice", shown.c_str())) {
            for (const std::string& choice : spec.choices) {
                if (ImGui::Selectable(choice.c_str(), choice == shown) && choice != shown) {
                    send(spec.path, choice, sink);
                    sent = true;
                }
            }
            ImGui::EndCombo();
        }
    } else if (spec.kind == ParamKind::boolean) {
        bool b = shown_value(spec, live) != 0.0;
        if (ImGui::Checkbox("##bool", &b)) {
            send(spec.path, b ? 1.0 : 0.0, sink);
            sent = true;
        }
    } else {
        double v = shown_value(spec, live);
        const double lo = spec.min, hi = spec.max;
        ImGuiSliderFlags flags = ImGuiSliderFlags_AlwaysClamp;
        // Wide ranges (capacities, durations) are easier to hit on a log scale.
        if (lo >= 0.0 && hi > 1000.0 && hi / std::max(lo, 1.0) > 1000.0) {
            flags |= ImGuiSliderFlags_Logarithmic;
        }
        const char* fmt = spec.kind == ParamKind::integer ? "%.0f" : (hi <= 1.0 ? "%.3f" : "%.1f");
        ImGui::SetNextItemWidth(std::max(avail - input_w - ImGui::GetStyle().ItemSpacing.x, 40.0f));
        double slider_v = v;
        if (ImGui::SliderScalar("##slider", ImGuiDataType_Double, &slider_v, &lo, &hi, fmt,
                                flags)) {
            bool clamped = false;
            slider_v = clamp_to_spec(spec, slider_v, clamped);
            if (slider_v != v) {
                // Every value of one drag is a step of one gesture, ended at the mouse-up.
                send(spec.path, slider_v, sink, true);
                dragging_ = spec.path;
                sent = true;
                hints_.erase(spec.path);
            }
        }
        if (ImGui::IsItemDeactivated() && dragging_ == spec.path) {
            sink.send(EndGesture{});
            dragging_.clear();
        }
        last_slider_min_ = ImGui::GetItemRectMin();
        last_slider_max_ = ImGui::GetItemRectMax();
        if (ImGui::IsItemHovered() && !spec.help.empty()) {
            ImGui::SetTooltip("%s\nrange %s (Ctrl+click to type)", spec.help.c_str(),
                              range_text(spec).c_str());
        }
        ImGui::SameLine();
        ImGui::SetNextItemWidth(input_w);
        double typed = v;
        if (ImGui::InputDouble("##typed", &typed, 0.0, 0.0,
                               spec.kind == ParamKind::integer ? "%.0f" : "%.4g",
                               ImGuiInputTextFlags_EnterReturnsTrue)) {
            bool clamped = false;
            const double c = clamp_to_spec(spec, typed, clamped);
            if (clamped) {
                hints_[spec.path] = std::string("clamped to ").append(range_text(spec));
            } else {
                hints_.erase(spec.path);
            }
            if (c != v) {
                send(spec.path, c, sink);
                sent = true;
            }
        }
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("type a value, Enter to apply; range %s", range_text(spec).c_str());
        }
        if (auto it = hints_.find(spec.path); it != hints_.end()) {
            ImGui::Indent(label_width);
            ImGui::TextColored(ImVec4(0.95f, 0.7f, 0.2f, 1.0f), "%s", it->second.c_str());
            ImGui::Unindent(label_width);
        }
    }
    ImGui::PopID();
    return sent;
}

}  // namespace cbsim::gui
