// breaker_panel.hpp: the breaker of one edge: preset selector and every parameter of the
// preset (live), a state diagram (closed, open, half-open; the current state lit, transition
// counts, time in state), window fill against minimum calls, failure rate against the
// threshold, the last transition's reason in words, and the edge's lint findings (cbsim/lint.hpp)
// with their fixes as tooltips; below, the edge's other protection settings (timeout, retry with
// backoff, jitter and budget, bulkhead, fallback). In compare mode a bar on top picks the
// variant shown and edited, adds, renames and removes variants; every setting of the panel
// changes that variant alone.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include <cbsim/compare.hpp>

#include "panels/panel.hpp"
#include "view_state.hpp"
#include "widgets/setting_input.hpp"

namespace cbsim::gui {

class BreakerPanel : public Panel {
  public:
    /// Shows the selected edge `view.edge` (its combo selects another); an edge the scenario
    /// lacks falls back as ViewState::resolve() says.
    explicit BreakerPanel(ViewState& view);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    void draw_variants(const Snapshot& snapshot, CommandSink& sink, float label_w);
    void draw_diagram(const EdgeLive& live);
    void draw_window(const EdgeLive& live, const Scenario& scenario);

    ViewState& view_;
    std::vector<std::string> param_paths_;  ///< the edge's breaker paths, in table order
    /// The edge's other protection paths (timeout, retry, bulkhead, fallback), in table order.
    std::vector<std::string> protection_paths_;
    std::tuple<std::uint64_t, std::size_t, std::string> param_paths_for_;  ///< run, changes, edge
    SettingInputs inputs_;
    std::uint64_t generation_ = 0;
    std::size_t inputs_variant_ = 0;
    char rename_buf_[kMaxVariantNameLength + 1] = {};
    std::size_t rename_for_ = static_cast<std::size_t>(-1);  // the variant rename_buf_ holds
};

}  // namespace cbsim::gui
