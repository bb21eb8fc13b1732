// plots_panel.hpp: the time series of one edge, on a shared time axis: the breaker state band;
// calls per second stacked by outcome (success, error, timeout, rejected); rejected calls;
// failure rate with the trip threshold; latency p50/p99; downstream in-flight and queue.
// Markers show transitions and applied changes. In compare mode the state band is one band per
// variant, and rejected calls, failure rate and p99 latency draw one line per variant in its
// colour; calls by outcome and in flight show the selected variant.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <cbsim/compare.hpp>

#include "event_cache.hpp"
#include "panels/panel.hpp"
#include "view_state.hpp"
#include "widgets/time_plot.hpp"

namespace cbsim::gui {

class PlotsPanel : public Panel {
  public:
    /// Plots the selected edge `view.edge` on the shared time axis `view.time`.
    PlotsPanel(ViewState& view, const EventCache& events);

    /// The edge plotted ("A->B"): the shared selection.
    const std::string& edge() const { return state_.edge; }

    /// Screen rectangle of the panel's window last frame (x0, y0, x1, y1), for PNG export.
    ImVec4 window_rect() const { return window_rect_; }

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    /// The pixel columns of one recorded column over the plot's range, kept in buffers_[slot]
    /// and multiplied by `scale` (a count per bucket becomes a count per second).
    std::span<const ColumnAgg> fetch(const Recorder& rec, std::size_t edge, EdgeColumn col,
                                     std::size_t slot, double scale);
    std::span<const ColumnAgg> fetch_service(const Recorder& rec, std::size_t service,
                                             ServiceColumn col, std::size_t slot);
    void collect_markers();

    ViewState& state_;
    TimeView& view_;  ///< state_.time
    const EventCache& events_;
    std::array<TimePlot, 6> plots_;
    std::array<TimePlot, kMaxVariants> variant_bands_;
    std::vector<std::vector<ColumnAgg>> buffers_;
    std::vector<PlotMarker> markers_;
    plot::Range range_{};
    int columns_ = 0;
    ImVec4 window_rect_{0, 0, 0, 0};
};

}  // namespace cbsim::gui
