#include "unsaved_guard.hpp"

#include <imgui.h>

#include <string>

namespace cbsim::gui {

void UnsavedGuard::send(Command command) {
    if (!std::holds_alternative<LoadScenario>(command) || unsaved_ == 0) {
        next_.send(std::move(command));
        return;
    }
    if (awaiting_save_ || quit_held_) return;  // one question at a time: that one decides
    pending_ = std::move(command);
    asked_unsaved_ = unsaved_;
    open_popup_ = true;
}

bool UnsavedGuard::request_quit() {
    if (unsaved_ == 0 && !holding()) return true;
    if (holding()) return false;  // the question up (or its save) is answered first
    quit_held_ = true;
    asked_unsaved_ = unsaved_;
    open_popup_ = true;
    return false;
}

bool UnsavedGuard::take_quit() {
    const bool ready = quit_ready_;
    quit_ready_ = false;
    return ready;
}

void UnsavedGuard::go_on() {
    if (pending_) next_.send(std::move(*pending_));
    if (quit_held_) quit_ready_ = true;
    drop();
}

void UnsavedGuard::drop() {
    pending_.reset();
    quit_held_ = false;
}

void UnsavedGuard::report(const char* name) {
    if (!report_ || !report_->enabled) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    report_->rects[name] = ImVec4(a.x, a.y, b.x, b.y);
}

bool UnsavedGuard::draw() {
    // The question's words: replacing the scenario, or quitting.
    const bool quit = quit_held_;
    const char* title = quit ? kQuitTitle : kTitle;
    const char* then = quit ? "quit" : "open the other";
    if (open_popup_) {
        ImGui::OpenPopup(title);
        open_popup_ = false;
    }
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return false;
    enum class Choice { none, save_as, discard, cancel } choice = Choice::none;
    ImGui::Text("%zu %s not saved.", asked_unsaved_, asked_unsaved_ == 1 ? "change" : "changes");
    ImGui::TextDisabled(quit ? "Quitting ends this run and loses its changes."
                             : "Opening another scenario replaces this one and its changes.");
    ImGui::Spacing();
    if (ImGui::Button("Save as...")) choice = Choice::save_as;
    report("unsaved.save_as");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Save this scenario with its changes, then %s (Enter)", then);
    ImGui::SameLine();
    if (ImGui::Button("Discard")) choice = Choice::discard;
    report("unsaved.discard");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Lose the changes and %s", then);
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
            go_on();
            break;
        case Choice::cancel:
            drop();
            break;
        case Choice::none:
            break;
    }
    return false;
}

void UnsavedGuard::saved() {
    if (!awaiting_save_) return;
    awaiting_save_ = false;
    go_on();
}

void UnsavedGuard::save_abandoned() {
    awaiting_save_ = false;
    drop();
}

}  // namespace cbsim::gui
