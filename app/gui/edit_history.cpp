#include "edit_history.hpp"

namespace cbsim::gui {

void EditHistory::record(Edit edit) {
    undone_.clear();
    if (done_.size() >= kMaxEdits) done_.erase(done_.begin());
    done_.push_back(std::move(edit));
}

void EditHistory::extend(const SettingValue& to) {
    if (!done_.empty()) done_.back().to = to;
}

std::optional<Edit> EditHistory::undo() {
    if (done_.empty()) return std::nullopt;
    Edit e = std::move(done_.back());
    done_.pop_back();
    undone_.push_back(e);
    return e;
}

std::optional<Edit> EditHistory::redo() {
    if (undone_.empty()) return std::nullopt;
    Edit e = std::move(undone_.back());
    undone_.pop_back();
    done_.push_back(e);
    return e;
}

void EditHistory::clear() {
    done_.clear();
    undone_.clear();
}

std::string EditHistory::undo_label() const {
    const Edit* e = next_undo();
    return e ? "Undo " + e->path + " " + to_string(e->to) + " -> " + to_string(e->from) : "";
}

std::string EditHistory::redo_label() const {
    const Edit* e = next_redo();
    return e ? "Redo " + e->path + " " + to_string(e->from) + " -> " + to_string(e->to) : "";
}

}  // namespace cbsim::gui
