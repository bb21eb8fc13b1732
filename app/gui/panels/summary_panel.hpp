// summary_panel.hpp: the run's KPIs: availability, share rejected, calls saved, detection and
// recovery delay, per edge.
#pragma once

#include <string>

#include "panels/panel.hpp"

namespace cbsim::gui {

class SummaryPanel : public Panel {
  public:
    SummaryPanel();

    /// The selected edge: its section is marked and scrolled into view when it changes.
    void set_edge(const std::string& edge);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    /// Compare mode: each KPI per variant, with its difference to the first variant.
    void draw_compare(const Snapshot& snapshot);
    /// The header of an edge's section, marked when it is the selected edge.
    void edge_header(const std::string& edge);

    std::string edge_;
    bool scroll_ = false;     ///< bring the selected edge's section into view at the next draw
    float section_h_ = 0.0f;  ///< height of an edge's section as last drawn
};

}  // namespace cbsim::gui
