#include "unsaved_guard.hpp"

#include <imgui.h>

#include <string>

namespace cbsim::gui {

void UnsavedGuard::send(Command command) {
    if (!std::holds_alternative<LoadScenario>(command) || unsaved_ == 0) {
        next_.send(std::move(command));
        return;
    }
    if (awaiting_save_) return;  // one question at a time: the save under way decides
    pending_ = std::move(command);
    asked_unsaved_ = unsaved_;
    open_popup_ = true;
}

void UnsavedGuard::report(const char* name) {
    if (!report_ || !report_->enabled) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    report_->rects[name] = ImVec4(a.x, a.y, b.x, b.y);
}

bool UnsavedGuard::draw() {
    if (open_popup_) {
        ImGui::OpenPopup(kTitle);
        open_popup_ = false;
    }
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return false;
    enum class Choice { none, save_as, discard, cancel } choice = Choice::none;
    ImGui::Text("%zu %s not saved.", asked_unsaved_, asked_unsaved_ == 1 ? "change" : "changes");
    ImGui::TextDisabled("Opening another scenario replaces this one and its changes.");
    ImGui::Spacing();
    if (ImGui::Button("Save as...")) choice = Choice::save_as;
    report("unsaved.save_as");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Save this scenario with its changes, then open the other (Enter)");
    ImGui::SameLine();
    if (ImGui::Button("Discard")) choice = Choice::discard;
    report("unsaved.discard");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Lose the changes and open the other");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) choice = Choice::cancel;
    report("unsaved.cancel");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keep this scenario as it is (Escape)");
    if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows)) {
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
            ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false))
            choice = Choice::save_as;
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
            choice = Choice::cancel;
    }
    if (choice != Choice::none) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    switch (choice) {
        case Choice::save_as:
            awaiting_save_ = true;
            return true;
        case Choice::discard:
            if (pending_) next_.send(std::move(*pending_));
            pending_.reset();
            break;
        case Choice::cancel:
            pending_.reset();
            break;
        case Choice::none:
            break;
    }
    return false;
}

void UnsavedGuard::saved() {
    if (!awaiting_save_) return;
    awaiting_save_ = false;
    if (pending_) next_.send(std::move(*pending_));
    pending_.reset();
}

void UnsavedGuard::save_abandoned() {
    awaiting_save_ = false;
    pending_.reset();
}

}  // namespace cbsim::gui
