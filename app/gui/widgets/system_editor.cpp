#include "widgets/system_editor.hpp"

#include <algorithm>
#include <cstring>

#include <cbsim/edge_name.hpp>

#include "theme.hpp"

namespace cbsim::gui {

namespace {

/// A combo of `choices`; `*index` the one shown. Each choice's row is reported as
/// `<name>.<choice>` while the list is open. True when the user picked one.
bool choice_combo(const char* label, const std::vector<std::string>& choices, int* index,
                  const std::string& name, const SystemEditor::Report& report) {
    const bool valid = *index >= 0 && static_cast<std::size_t>(*index) < choices.size();
    bool picked = false;
    if (ImGui::BeginCombo(label, valid ? choices[static_cast<std::size_t>(*index)].c_str() : "")) {
        for (std::size_t i = 0; i < choices.size(); ++i) {
            if (ImGui::Selectable(choices[i].c_str(), static_cast<int>(i) == *index)) {
                *index = static_cast<int>(i);
                picked = true;
            }
            report(name + "." + choices[i]);
        }
        ImGui::EndCombo();
    }
    report(name);
    return picked;
}

/// A refusal without the path it starts with ("services.add: ..." -> "...").
std::string reason(std::string error, const std::vector<Change>& changes) {
    for (const Change& c : changes) {
        if (error.rfind(c.path + ": ", 0) == 0) return error.substr(c.path.size() + 2);
    }
    return error;
}

/// The scratch scenario the dependency form's specs and defaults come from: A calls B.
const Scenario& form_scenario() {
    static const Scenario sc = [] {
        Scenario s = new_scenario();
        apply_setting(s, std::string(topology::kAddService), std::string("B"));
        apply_setting(s, std::string(topology::kAddDependency), std::string("A->B"));
        return s;
    }();
    return sc;
}

constexpr std::string_view kFormEdge = "A->B.";

}  // namespace

std::string SystemEditor::refusal(const Snapshot& snap, const std::vector<Change>& changes) {
    if (snap.comparing())
        return "refused while comparing variants (they share one system); remove the variants "
               "first";
    return reason(check_changes(snap.live, changes), changes);
}

const std::vector<SettingSpec>& SystemEditor::dependency_form_specs() {
    static const std::vector<SettingSpec> specs = [] {
        std::vector<SettingSpec> out;
        for (SettingSpec spec : setting_specs(form_scenario())) {
            if (!spec.path.starts_with(kFormEdge)) continue;
            spec.path = spec.path.substr(kFormEdge.size());
            if (spec.path.starts_with("breaker.") && spec.path != "breaker.preset") continue;
            out.push_back(std::move(spec));
        }
        return out;
    }();
    return specs;
}

void SystemEditor::clear() {
    new_name_ = {};
    reveal_ = nullptr;
    add_error_.clear();
    rename_.clear();
    errors_.clear();
    forms_.clear();
}

void SystemEditor::submit(const Snapshot& snap, CommandSink& sink, std::vector<Change> changes,
                          std::string& error) {
    error = refusal(snap, changes);
    if (error.empty()) {
        sink.send(EditTopology{std::move(changes)});
    } else {
        reveal_ = &error;
    }
}

void SystemEditor::show_refusal(const std::string& error, const std::string& name,
                                const Report& report) {
    if (error.empty()) return;
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kFailure);
    ImGui::TextWrapped("%s", error.c_str());
    ImGui::PopStyleColor();
    report(name + ".error");
    if (reveal_ == &error) {  // a refusal below the fold would look like no reaction at all
        ImGui::SetScrollHereY(1.0f);
        reveal_ = nullptr;
    }
}

void SystemEditor::draw(const Snapshot& snap, CommandSink& sink, const Report& report) {
    ImGui::Separator();
    ImGui::TextDisabled("Edit the system");
    draw_add_service(snap, sink, report);
    std::vector<std::string> names;
    for (const Service& s : snap.live.services)
        names.push_back(s.name);
    auto at = std::find(names.begin(), names.end(), selected_);
    if (at == names.end()) at = names.begin();
    if (at == names.end()) return;
    int index = static_cast<int>(at - names.begin());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("service");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.0f);
    // selected_ stays what was asked for (a service still being added shows once it exists).
    if (choice_combo("##edit_service", names, &index, "edit.service", report))
        selected_ = names[static_cast<std::size_t>(index)];
    const std::string& shown = names[static_cast<std::size_t>(index)];
    ImGui::PushID(shown.c_str());
    draw_service(*snap.live.find_service(shown), snap, sink, report);
    ImGui::PopID();
}

void SystemEditor::draw_add_service(const Snapshot& snap, CommandSink& sink, const Report& report) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.0f);
    const bool entered =
        ImGui::InputTextWithHint("##new_service", "new service name", new_name_.data(),
                                 new_name_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::IsItemEdited()) add_error_.clear();  // the refusal was about the old name
    report("services.add.name");
    ImGui::SameLine();
    const bool clicked = ImGui::Button("Add service");
    report("services.add");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Adds a service with the default settings (1 instance, latency p50 "
            "1 ms / p99 5 ms), at the current simulated time");
    if (entered || clicked) {
        const std::string name(new_name_.data());
        submit(snap, sink, {{std::string(topology::kAddService), name}}, add_error_);
        if (add_error_.empty()) {
            new_name_ = {};
            selected_ = name;  // shown as soon as the run has it
        }
    }
    show_refusal(add_error_, "services.add", report);
}

void SystemEditor::draw_service(const Service& service, const Snapshot& snap, CommandSink& sink,
                                const Report& report) {
    const std::string id = "service." + service.name;
    // Rename (t = 0 only: an edit of the scenario itself).
    auto& typed = rename_[service.name];
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7.0f);
    const bool entered = ImGui::InputTextWithHint(
        "##rename", "new name", typed.data(), typed.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    std::string& rename_error = errors_[id + ".rename"];
    if (ImGui::IsItemEdited()) rename_error.clear();
    report(id + ".rename.name");
    ImGui::SameLine();
    const bool rename = ImGui::Button("Rename");
    report(id + ".rename");
    if (entered || rename) {
        Scenario copy = snap.live;
        if (snap.comparing())
            rename_error = "refused while comparing variants; remove the variants first";
        else if (snap.now > 0)
            rename_error = "a rename edits the scenario itself: only at t = 0 (Reset first)";
        else
            rename_error = rename_service(copy, service.name, typed.data());
        if (!rename_error.empty()) reveal_ = &rename_error;
        if (rename_error.empty()) {
            selected_ = typed.data();
            sink.send(RenameService{service.name, typed.data()});
            typed = {};
        }
    }
    ImGui::SameLine();
    if (ImGui::Button("Remove")) {
        submit(snap, sink, {{std::string(topology::kRemoveService), service.name}},
               errors_[id + ".remove"]);
    }
    report(id + ".remove");
    show_refusal(rename_error, id + ".rename", report);
    show_refusal(errors_[id + ".remove"], id + ".remove", report);

    // Its dependencies, each with its Remove.
    for (const Dependency& d : service.dependencies) {
        const std::string edge = EdgeName{service.name, d.target}.text();
        ImGui::PushID(edge.c_str());
        ImGui::TextUnformatted(("calls " + d.target).c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("Remove")) {
            submit(snap, sink, {{std::string(topology::kRemoveDependency), edge}},
                   errors_["dependency." + edge + ".remove"]);
        }
        report("dependency." + edge + ".remove");
        show_refusal(errors_["dependency." + edge + ".remove"], "dependency." + edge + ".remove",
                     report);
        ImGui::PopID();
    }
    const bool open = ImGui::TreeNode("Add dependency");
    report(id + ".dependency");
    if (open) {
        draw_form(service, snap, sink, report);
        ImGui::TreePop();
    }
}

void SystemEditor::draw_form(const Service& service, const Snapshot& snap, CommandSink& sink,
                             const Report& report) {
    const std::string id = "service." + service.name + ".dependency";
    DependencyForm& form = forms_[service.name];
    if (form.values.empty()) {
        for (const SettingSpec& spec : dependency_form_specs())
            form.values[spec.path] =
                *get_setting(form_scenario(), std::string(kFormEdge) + spec.path);
    }
    std::vector<std::string> targets;
    for (const Service& s : snap.live.services) {
        if (s.name != service.name) targets.push_back(s.name);
    }
    if (form.target >= static_cast<int>(targets.size())) form.target = -1;
    // The fields start right of the longest label; they take the room left, up to 8 ems.
    float longest = ImGui::CalcTextSize("target").x;
    for (const SettingSpec& spec : dependency_form_specs())
        longest = std::max(longest, ImGui::CalcTextSize(spec.label.c_str()).x);
    const float fs = ImGui::GetFontSize();
    const float label_w = ImGui::GetCursorPosX() + longest + ImGui::GetStyle().ItemSpacing.x;
    const float field_w =
        std::clamp(ImGui::GetContentRegionAvail().x - longest - ImGui::GetStyle().ItemSpacing.x,
                   fs * 4.0f, fs * 8.0f);
    auto label = [&](const char* text) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(text);
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(field_w);
    };
    // A refusal is about the form as it was: any change to it clears the refusal.
    const DependencyForm before = form;
    label("target");
    choice_combo("##target", targets, &form.target, id + ".target", report);
    for (const SettingSpec& spec : dependency_form_specs()) {
        ImGui::PushID(spec.path.c_str());
        label(spec.label.c_str());
        SettingValue& v = form.values[spec.path];
        const std::string name = id + "." + spec.path;
        if (spec.kind == ParamKind::choice) {
            const auto& text = std::get<std::string>(v);
            int index = static_cast<int>(std::find(spec.choices.begin(), spec.choices.end(), text) -
                                         spec.choices.begin());
            if (choice_combo("##v", spec.choices, &index, name, report))
                v = spec.choices[static_cast<std::size_t>(index)];
        } else if (spec.kind == ParamKind::boolean) {
            bool b = std::get<double>(v) != 0.0;
            if (ImGui::Checkbox("##v", &b)) v = b ? 1.0 : 0.0;
            report(name);
        } else {
            double d = std::get<double>(v);
            if (ImGui::InputDouble("##v", &d, 0.0, 0.0,
                                   spec.kind == ParamKind::integer ? "%.0f" : "%g"))
                v = std::clamp(d, spec.min, spec.max);
            report(name);
        }
        if (ImGui::IsItemHovered() && !spec.help.empty())
            ImGui::SetTooltip("%s", spec.help.c_str());
        ImGui::PopID();
    }
    if (form.target != before.target || form.values != before.values) form.error.clear();
    if (ImGui::Button("Add dependency")) {
        if (form.target < 0) {
            form.error = "choose the target first";
            reveal_ = &form.error;
        } else {
            const std::string edge =
                EdgeName{service.name, targets[static_cast<std::size_t>(form.target)]}.text();
            std::vector<Change> changes{{std::string(topology::kAddDependency), edge}};
            for (const SettingSpec& spec : dependency_form_specs()) {
                const SettingValue& v = form.values[spec.path];
                if (v != *get_setting(form_scenario(), std::string(kFormEdge) + spec.path))
                    changes.push_back({edge + "." + spec.path, v});
            }
            submit(snap, sink, std::move(changes), form.error);
            if (form.error.empty()) forms_.erase(service.name);
        }
    }
    report(id + ".add");
    if (const auto it = forms_.find(service.name); it != forms_.end())
        show_refusal(it->second.error, id, report);
}

}  // namespace cbsim::gui
