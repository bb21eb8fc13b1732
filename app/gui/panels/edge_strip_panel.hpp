// edge_strip_panel.hpp: the state of every breaker edge on one time axis (small multiples):
// one thin band per edge with a breaker, in recorder order, each named at its left end, coloured
// as the Plots' state band (the most severe state of every pixel column). It shares the Plots'
// TimeView, so zoom, pan and follow-live stay aligned with them, and a failure travelling
// through the system (a cascade) shows as bands turning red one after the other. Only the
// visible bands read the recorder (ImGuiListClipper). Click an edge's name to select it.
#pragma once

#include <string>
#include <vector>

#include "panels/panel.hpp"
#include "view_state.hpp"
#include "widgets/time_plot.hpp"

namespace cbsim::gui {

class EdgeStripPanel : public Panel {
  public:
    /// Draws on the shared time axis `view.time`, highlights `view.edge`; a click on an
    /// edge's name selects it.
    explicit EdgeStripPanel(ViewState& view);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    ViewState& state_;
    TimeView& view_;  ///< state_.time
    std::vector<TimePlot> bands_;
    std::vector<std::size_t> edges_;  ///< recorder indices of the breaker edges, this frame
    std::vector<ColumnAgg> buffer_;
};

}  // namespace cbsim::gui
