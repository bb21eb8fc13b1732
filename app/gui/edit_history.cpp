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

namespace {

/// Moves the last edit of `from` onto `to` and returns it; nullopt if `from` is empty.
std::optional<Edit> move_last(std::vector<Edit>& from, std::vector<Edit>& to) {
    if (from.empty()) return std::nullopt;
    to.push_back(std::move(from.back()));
    from.pop_back();
    return to.back();
}

}  // namespace

std::optional<Edit> EditHistory::undo() {
    return move_last(done_, undone_);
}

std::optional<Edit> EditHistory::redo() {
    return move_last(undone_, done_);
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
