// summary_panel.hpp: the run's KPIs: availability, share rejected, calls saved, detection and
// recovery delay, per edge (every edge, with or without a breaker).
#pragma once

#include <string>

#include "panels/panel.hpp"
#include "view_state.hpp"

namespace cbsim::gui {

class SummaryPanel : public Panel {
  public:
    /// Marks the selected edge `view.edge` and scrolls to it when the selection changes.
    explicit SummaryPanel(const ViewState& view);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    /// Compare mode: each KPI per variant, with its difference to the first variant.
    void draw_compare(const Snapshot& snapshot);
    /// The header of an edge's section (its rectangle reported as "summary.edge:EDGE"), marked
    /// when it is the selected edge and when no variant has a breaker on it.
    void edge_header(const std::string& edge, bool has_breaker);

    const ViewState& view_;
    std::string edge_;        ///< the selection last scrolled to
    bool scroll_ = false;     ///< bring the selected edge's section into view at the next draw
    float section_h_ = 0.0f;  ///< height of an edge's section as last drawn
};

}  // namespace cbsim::gui
