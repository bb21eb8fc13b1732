// unsaved_guard.hpp: asks before a scenario with unsaved edits is replaced.
//
// Every command of the UI goes through the guard on its way to the SimWorker. A LoadScenario
// (File > New, Open, a scenario picked in the Run panel, anything that replaces the run) while
// the shown scenario has edits not saved or exported (Snapshot::unsaved) is held, and a modal
// asks "N changes not saved": Save as... (the App shows the save dialog; the load goes on once
// the save succeeded, and is dropped if the save is cancelled or fails), Discard (the load goes
// on) or Cancel (nothing changes). Enter is Save as..., Escape is Cancel. Nothing to lose: the
// load goes through at once, no question asked.
#pragma once

#include <cstddef>
#include <optional>

#include "commands.hpp"
#include "panels/panel.hpp"

namespace cbsim::gui {

class UnsavedGuard : public CommandSink {
  public:
    /// Forwards to `next` (the worker). `report` (may be null): the modal's buttons as
    /// "unsaved.save_as", "unsaved.discard", "unsaved.cancel" (tests).
    explicit UnsavedGuard(CommandSink& next, WidgetRects* report = nullptr)
        : next_(next), report_(report) {}

    /// The shown scenario's Snapshot::unsaved, once per frame before anything is sent.
    void set_unsaved(std::size_t unsaved) { unsaved_ = unsaved; }

    void send(Command command) override;

    /// Draws the question while a load is held. True once when the user chose Save as...: the
    /// caller shows the save dialog and then calls saved() or save_abandoned().
    bool draw();

    /// The save asked for succeeded: the held load goes on.
    void saved();
    /// The save dialog was closed without saving, or the save failed: the load is dropped.
    void save_abandoned();

    /// A load is held (the question is up, or the save it asked for is under way).
    bool holding() const { return pending_.has_value(); }
    /// The save asked for is under way.
    bool awaiting_save() const { return awaiting_save_; }

    static constexpr const char* kTitle = "Replace the scenario?";

  private:
    void report(const char* name);

    CommandSink& next_;
    WidgetRects* report_;
    std::size_t unsaved_ = 0;
    std::size_t asked_unsaved_ = 0;  ///< the count the question shows
    std::optional<Command> pending_;
    bool open_popup_ = false;
    bool awaiting_save_ = false;
};

}  // namespace cbsim::gui
