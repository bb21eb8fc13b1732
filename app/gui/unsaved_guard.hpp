// unsaved_guard.hpp: asks before a scenario with unsaved edits is replaced.
//
// Every command of the UI goes through the guard on its way to the SimWorker. A LoadScenario
// (File > New, Open, a scenario picked in the Run panel, anything that replaces the run) while
// the shown scenario has edits not saved or exported (Snapshot::unsaved) is held, and a modal
// asks "N changes not saved": Save as... (the App shows the save dialog; the load goes on once
// the save succeeded, and is dropped if the save is cancelled or fails), Discard (the load goes
// on) or Cancel (nothing changes). Enter is Save as..., Escape is Cancel. Nothing to lose: the
// load goes through at once, no question asked.
//
// Quitting (File > Quit, Ctrl+Q, the window's close button) asks the same question first:
// Save as... then quit, Discard and quit, or Cancel and keep working. A stop signal (SIGTERM,
// Ctrl-C in the terminal) never asks.
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

    /// The user asked to quit. True: nothing to lose, quit now. False: the question is up (or
    /// another question or the save it asked for is under way, which decides first); once the
    /// user has chosen to quit, take_quit() says so.
    bool request_quit();
    /// True once after the user chose Discard, or Save as... and the save succeeded, in the
    /// quit question: the caller ends the app.
    bool take_quit();

    /// Draws the question while a load is held. True once when the user chose Save as...: the
    /// caller shows the save dialog and then calls saved() or save_abandoned().
    bool draw();

    /// The save asked for succeeded: the held load (or quit) goes on.
    void saved();
    /// The save dialog was closed without saving, or the save failed: the load (or quit) is
    /// dropped.
    void save_abandoned();

    /// A load is held (the question is up, or the save it asked for is under way).
    bool holding() const { return pending_.has_value() || quit_held_; }
    /// The save asked for is under way.
    bool awaiting_save() const { return awaiting_save_; }
    /// What is held is a quit (the question says so), not a load.
    bool quitting() const { return quit_held_; }

    static constexpr const char* kTitle = "Replace the scenario?";
    static constexpr const char* kQuitTitle = "Quit cbsim?";

  private:
    void report(const char* name);
    /// The user's answer lets the held load or quit go on / drops it.
    void go_on();
    void drop();

    CommandSink& next_;
    WidgetRects* report_;
    std::size_t unsaved_ = 0;
    std::size_t asked_unsaved_ = 0;  ///< the count the question shows
    std::optional<Command> pending_;
    bool quit_held_ = false;   ///< the question is about quitting, not a load
    bool quit_ready_ = false;  ///< the user chose to quit; take_quit() reports it once
    bool open_popup_ = false;
    bool awaiting_save_ = false;
};

}  // namespace cbsim::gui
