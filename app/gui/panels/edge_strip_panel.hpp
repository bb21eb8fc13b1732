// edge_strip_panel.hpp: the state of every breaker edge on one time axis (small multiples):
// one thin band per edge with a breaker, in recorder order, each named at its left end, coloured
// as the Plots' state band (the most severe state of every pixel column). It shares the Plots'
// TimeView, so zoom, pan and follow-live stay aligned with them, and a failure travelling
// through the system (a cascade) shows as bands turning red one after the other. Only the
// visible bands read the recorder (ImGuiListClipper). Click an edge's name to select it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "panels/panel.hpp"
#include "widgets/time_plot.hpp"

namespace cbsim::gui {

class EdgeStripPanel : public Panel {
  public:
    explicit EdgeStripPanel(TimeView& view);

    /// The edge drawn as selected; the App sets it from the shared selection.
    void set_selected(std::string edge) { selected_ = std::move(edge); }
    /// The edge whose name was clicked since the last call, if any.
    std::optional<std::string> take_clicked_edge();

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    TimeView& view_;
    std::vector<TimePlot> bands_;
    std::vector<std::size_t> edges_;  ///< recorder indices of the breaker edges, this frame
    std::vector<ColumnAgg> buffer_;
    std::string selected_;
    std::optional<std::string> clicked_edge_;
};

}  // namespace cbsim::gui
