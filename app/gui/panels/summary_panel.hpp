// summary_panel.hpp: the run's KPIs: availability, share rejected, calls saved, detection and
// recovery delay, per edge.
#pragma once

#include "panels/panel.hpp"

namespace cbsim::gui {

class SummaryPanel : public Panel {
  public:
    SummaryPanel();

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    /// Compare mode: each KPI per variant, with its difference to the first variant.
    void draw_compare(const Snapshot& snapshot);
};

}  // namespace cbsim::gui
