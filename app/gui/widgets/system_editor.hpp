// system_editor.hpp: the controls of the Services panel that change the system's shape: add a
// service (a name), and per service rename, remove, add a dependency (a target and the
// dependency's settings: timeout, retry, bulkhead, fallback, breaker scope and preset, the
// rows of the key table with a `CALLER->TARGET.` path) and remove each dependency. Each sends
// one EditTopology (RenameService for a rename); an edit that would make an invalid scenario
// is refused inline, next to its control, with the reason check_changes() gives, and nothing
// is sent (docs/APP.md "Editing the system").
#pragma once

#include <array>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <imgui.h>

#include "commands.hpp"

namespace cbsim::gui {

class SystemEditor {
  public:
    /// Records the last item's rectangle under a name (Panel::report_item).
    using Report = std::function<void(const std::string&)>;

    /// Why `changes` cannot apply to the snapshot's run now ("" if they can).
    static std::string refusal(const Snapshot& snap, const std::vector<Change>& changes);
    /// The settings a new dependency's form shows: the settable dependency keys (and
    /// `breaker.preset`), as paths below "CALLER->TARGET.", in key-table order.
    static const std::vector<SettingSpec>& dependency_form_specs();

    /// The whole editor, below the services' sliders (so that they keep their place): "Add
    /// service" (a name field and its button), then the service to edit (a combo, reported as
    /// `edit.service`; a service just added or renamed is selected) with its controls.
    /// `report` names widget rects.
    void draw(const Snapshot& snap, CommandSink& sink, const Report& report);
    /// Forgets typed text and refusals (a new run); the selected service stays.
    void clear();

  private:
    struct DependencyForm {
        int target = -1;                             ///< index into the candidate targets
        std::map<std::string, SettingValue> values;  ///< by key below "CALLER->TARGET."
        std::string error;                           ///< cleared when the form changes
    };
    /// Sends `changes` or keeps the refusal in `error` (scrolled into view when drawn).
    void submit(const Snapshot& snap, CommandSink& sink, std::vector<Change> changes,
                std::string& error);
    /// The refusal under its control, wrapped, reported as `<name>.error`; a refusal just
    /// made (reveal_) is scrolled into view.
    void show_refusal(const std::string& error, const std::string& name, const Report& report);
    void draw_add_service(const Snapshot& snap, CommandSink& sink, const Report& report);
    /// A service's rename, remove and add-dependency controls and its dependency list.
    void draw_service(const Service& service, const Snapshot& snap, CommandSink& sink,
                      const Report& report);
    void draw_form(const Service& service, const Snapshot& snap, CommandSink& sink,
                   const Report& report);

    std::string selected_;  ///< the service edited (kept across runs while it exists)
    std::array<char, 64> new_name_{};
    std::string add_error_;
    std::map<std::string, std::array<char, 64>> rename_;  ///< per service: the name typed
    std::map<std::string, std::string> errors_;           ///< per control id: its refusal
    std::map<std::string, DependencyForm> forms_;         ///< per service
    const std::string* reveal_ = nullptr;  ///< the refusal just made: scrolled into view
};

}  // namespace cbsim::gui
