// topology_panel.hpp: the map of the system: the client and every service as a node (name,
// instances, failure rate, a gauge of utilisation with the queue), every dependency as an
// arrow coloured by its breaker state (closed, open, half-open; "2/3 open" when some of the
// callers' own breakers are open) and labelled with its rejected share; an arrow without a
// breaker goes from grey to red with the share of its calls failing or timing out (edge_color),
// that share on its label. Every arrow is as wide as its calls per second. Layered left to right
// (widgets/topology_layout.hpp), laid out once per topology. Hover a node or an arrow for its live
// KPIs; click an arrow to select that edge (the App shows it in Plots, Breaker and Summary), click
// a service to bring its sliders into view. In compare mode the snapshot's run is the selected
// variant's, so the map shows that variant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "panels/panel.hpp"
#include "view_state.hpp"
#include "widgets/topology_layout.hpp"

namespace cbsim::gui {

class TopologyPanel : public Panel {
  public:
    /// Draws `view.edge` as selected; a click on an arrow sets `view.edge`, a click on a
    /// service sets `view.show_service` (the Services panel scrolls to its sliders).
    explicit TopologyPanel(ViewState& view);

    /// The layout in use (tests); empty before the first draw.
    const topo::Layout& layout() const { return layout_; }
    /// Screen position of the layout's origin last frame (tests and the test report).
    ImVec2 origin() const { return origin_; }

    /// Live KPIs of one edge or service, over the last second recorded.
    struct EdgeRates {
        double calls_s = 0.0, rejected_s = 0.0, failures_s = 0.0, timeouts_s = 0.0;
        double failure_rate = 0.0;  ///< failures / completed attempts
        double p99_ms = 0.0;
        State state = State::closed;  ///< most severe caller state at the last bucket
        std::uint32_t open_instances = 0;
        double rejected_share() const { return calls_s > 0.0 ? rejected_s / calls_s : 0.0; }
    };

    /// An arrow's colour: its breaker's state colour; without a breaker, grey tinted towards
    /// red by `failure_rate` (EdgeRates::failure_rate, timeouts included), pure grey at 0.
    static ImU32 edge_color(bool has_breaker, State state, double failure_rate);
    /// Per arrow of layout(), over the last second recorded (tests).
    const std::vector<EdgeRates>& edge_rates() const { return edge_rates_; }
    struct ServiceRates {
        double arrivals_s = 0.0, dropped_s = 0.0;
        double utilisation = 0.0;
        double queue = 0.0;
    };

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    void update_rates(const Snapshot& snapshot);
    void edge_tooltip(const Snapshot& snapshot, std::size_t arrow) const;
    void service_tooltip(const Snapshot& snapshot, std::size_t node) const;

    topo::Layout layout_;
    ImVec2 laid_out_for_{-1, -1};             ///< the content size layout_ was made for
    bool compact_ = false;                    ///< nodes show their name and a thin gauge only
    std::vector<std::vector<float>> curves_;  ///< per arrow, in layout coordinates
    std::vector<std::size_t> arrow_edge_;     ///< per arrow: recorder edge index (or npos)
    std::vector<std::size_t> node_service_;   ///< per node: recorder service index (or npos)
    const void* indexed_recorder_ = nullptr;  ///< the recorder the indices above belong to

    std::vector<EdgeRates> edge_rates_;        ///< per arrow
    std::vector<ServiceRates> service_rates_;  ///< per node
    const void* rates_recorder_ = nullptr;
    std::uint64_t rates_version_ = 0;

    ViewState& view_;
    ImVec2 origin_{0, 0};
};

}  // namespace cbsim::gui
