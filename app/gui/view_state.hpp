// view_state.hpp: what the user is looking at, owned by the App and shared by every panel.
//
// One place for the selection and the time axis: the Breaker panel's edge combo, a click on the
// topology map or on the all-edges strip all write `edge`, and every panel that shows one edge
// (Plots, Breaker, Summary, the map's highlight, the strip's highlight) reads it; the linked
// plots share `time`. Panels never mirror each other's state.
#pragma once

#include <string>
#include <vector>

#include <cbsim/scenario.hpp>

#include "widgets/time_plot.hpp"

namespace cbsim::gui {

struct ViewState {
    TimeView time;  ///< the time axis of every linked plot
    /// The selected edge ("A->B", as EdgeName::text() names it); resolve() keeps it valid.
    std::string edge;
    /// A service the Services panel brings into view at its next draw ("" none); the panel
    /// clears it once shown.
    std::string show_service;
    /// A panel's request for the App's file dialog (the Run panel's Open... and Save as...,
    /// the Replay view's Add breaker file...); the App shows the dialog and clears it.
    enum class FileRequest { none, open, save_as, open_trace, add_breaker };
    FileRequest file_request = FileRequest::none;

    /// Keeps `edge` an edge of `scenario`: when empty or gone, the first edge with a breaker,
    /// else the first edge, else "" (a scenario without dependencies).
    void resolve(const Scenario& scenario);
};

/// Every caller->target edge of `scenario`, in service then dependency order.
std::vector<std::string> dependency_edges(const Scenario& scenario);

/// The edges of `scenario` that have a breaker, in the same order.
std::vector<std::string> breaker_edges(const Scenario& scenario);

}  // namespace cbsim::gui
