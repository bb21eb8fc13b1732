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
    if (e && e->topology()) return "Undo " + e->path;
    return e ? "Undo " + e->path + " " + to_string(e->to) + " -> " + to_string(e->from) : "";
}

std::string EditHistory::redo_label() const {
    const Edit* e = next_redo();
    if (e && e->topology()) return "Redo " + e->path;
    return e ? "Redo " + e->path + " " + to_string(e->from) + " -> " + to_string(e->to) : "";
}

std::string topology_label(const std::vector<Change>& changes) {
    for (const Change& c : changes) {
        const std::string name = to_string(c.value);
        if (c.path == topology::kAddService) return "add service " + name;
        if (c.path == topology::kRemoveService) return "remove service " + name;
        if (c.path == topology::kAddDependency) return "add dependency " + name;
        if (c.path == topology::kRemoveDependency) return "remove dependency " + name;
    }
    return changes.empty() ? "" : changes.front().path;
}

std::vector<Change> topology_undo(const Scenario& live, const std::vector<Change>& changes) {
    Scenario now = live;
    std::vector<std::vector<Change>> steps;
    for (const Change& c : changes) {
        const Scenario before = now;
        if (!apply_setting(now, c.path, c.value).empty()) return {};
        const std::string name = to_string(c.value);
        if (c.path == topology::kAddService) {
            steps.push_back({{std::string(topology::kRemoveService), name}});
        } else if (c.path == topology::kAddDependency) {
            steps.push_back({{std::string(topology::kRemoveDependency), name}});
        } else if (c.path == topology::kRemoveService || c.path == topology::kRemoveDependency) {
            steps.push_back(recreate_changes(before, now, name));
        }
    }
    std::vector<Change> out;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it)
        out.insert(out.end(), it->begin(), it->end());
    return out;
}

}  // namespace cbsim::gui
