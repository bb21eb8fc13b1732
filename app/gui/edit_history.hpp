// edit_history.hpp: the undo / redo history of setting edits (Edit menu, Ctrl+Z, Ctrl+Shift+Z).
//
// One Edit per change the user made: a typed value, a click, or a whole slider drag (a gesture).
// Undo applies the edit's `from` value as a new recorded change at the current time (the run
// never goes back in time); redo applies its `to` again. The SimWorker owns the history and
// clears it whenever the run is replaced (open, reset, seed, variants added or removed).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <cbsim/scenario.hpp>

namespace cbsim::gui {

struct Edit {
    std::optional<std::size_t> variant;  ///< the variant of a protection edit; none: every run
    std::string path;                    ///< a topology edit: what it did ("add service C")
    SettingValue from;
    SettingValue to;
    /// A topology edit (EditTopology): the changes redo applies (the edit itself) and those
    /// undo applies (removes what it added, adds back with its settings what it removed).
    std::vector<Change> redo_changes{};
    std::vector<Change> undo_changes{};
    bool topology() const { return !redo_changes.empty(); }
};

/// What a topology edit does, for the Edit menu: "add service C", "remove dependency A->B".
std::string topology_label(const std::vector<Change>& changes);
/// The changes that undo `changes` applied to `live`: the inverse of each topology change, in
/// reverse order (settings of what the edit adds need no undo: the object goes).
std::vector<Change> topology_undo(const Scenario& live, const std::vector<Change>& changes);

class EditHistory {
  public:
    /// A new edit: the latest to undo; forgets what could be redone.
    void record(Edit edit);
    /// The latest edit (a gesture in progress) now ends at `to`; nothing if there is none.
    void extend(const SettingValue& to);
    /// Takes the latest edit to undo (its `from` is what to apply) onto the redo list.
    std::optional<Edit> undo();
    /// Takes the latest undone edit (its `to` is what to apply) back onto the undo list.
    std::optional<Edit> redo();
    /// What undo() / redo() would take, or null.
    const Edit* next_undo() const { return done_.empty() ? nullptr : &done_.back(); }
    const Edit* next_redo() const { return undone_.empty() ? nullptr : &undone_.back(); }
    void clear();

    /// The Edit menu's text: "Undo B.failure_rate 0.84 -> 0", "Redo B.failure_rate 0 -> 0.84",
    /// "Undo add service C"; empty when there is nothing to undo / redo.
    std::string undo_label() const;
    std::string redo_label() const;

    /// At most this many edits are kept (the oldest go first).
    static constexpr std::size_t kMaxEdits = 1000;

  private:
    std::vector<Edit> done_;
    std::vector<Edit> undone_;
};

}  // namespace cbsim::gui
