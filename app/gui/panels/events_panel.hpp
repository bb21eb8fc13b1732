// events_panel.hpp: the transition log with reasons, and the applied changes. Clicking an
// event moves the plots to that moment.
#pragma once

#include "event_cache.hpp"
#include "panels/panel.hpp"
#include "view_state.hpp"
#include "widgets/time_plot.hpp"

namespace cbsim::gui {

class EventsPanel : public Panel {
  public:
    EventsPanel(ViewState& view, const EventCache& events);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    TimeView& view_;
    const EventCache& events_;
    bool show_transitions_ = true;
    bool show_changes_ = true;
    bool stick_to_end_ = true;
    std::vector<std::size_t> rows_;  ///< indices of the events shown
    std::size_t rows_scanned_ = 0;   ///< events already filtered into rows_
    int rows_filter_ = -1;
    std::uint64_t rows_generation_ = 0;
    std::uint64_t rows_reorders_ = 0;  ///< EventCache::reorders() when rows_ was built
    std::size_t selected_ = static_cast<std::size_t>(-1);
};

}  // namespace cbsim::gui
