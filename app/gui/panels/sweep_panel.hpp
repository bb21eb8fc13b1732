// sweep_panel.hpp: a parameter sweep of the selected edge's protection, run in the background
// (docs/SWEEPS.md, "In the app"). One or two knobs (the edge's settable protection paths: its
// breaker preset's parameters, retry, timeout ...) with a list, linear or log range, one fault
// profile on the edge's target (and a healthy baseline), seeds and duration. Start runs the
// sweep on every core but one (the live run keeps its frame rate); the heatmap fills in cell by
// cell, coloured by any KPI of the sweep, and a Pareto scatter (detection delay against false
// trips per hour, as `cbsim-cli recommend` defines the front) sits beside it. Hover a cell for
// the point's KPIs with 95 % intervals; click it to open the point as a compare variant or apply
// it to the live run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "panels/panel.hpp"
#include "sweep_runner.hpp"
#include "view_state.hpp"

namespace cbsim::gui {

class SweepPanel : public Panel {
  public:
    /// Sweeps the selected edge (`view.edge`). Closed until opened (View menu, Ctrl+9).
    explicit SweepPanel(const ViewState& view);
    ~SweepPanel() override;

    /// Stops a sweep in progress (app exit; also on Stop, a new sweep, a new scenario).
    void stop() { runner_.cancel(); }
    const SweepRunner& runner() const { return runner_; }

    /// The commands that open point `point` of the sweep as a compare variant, or apply it to
    /// the live run (one SetSetting per knob).
    static AddVariant variant_command(const SweepPlan& plan, std::size_t point,
                                      const Snapshot& snapshot);
    static std::vector<SetSetting> apply_commands(const SweepPlan& plan, std::size_t point);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    void sync_knobs(const Scenario& live);
    void draw_choices(const Snapshot& snapshot);
    void draw_results(const Snapshot& snapshot, CommandSink& sink);
    bool draw_knob(std::size_t i, const Scenario& live);
    void draw_fault();
    void draw_run_bar(const Snapshot& snapshot);
    void draw_heatmap(const SweepState& state, float width, float height);
    void draw_pareto(const SweepState& state, float width, float height);
    void draw_point_tooltip(const SweepState& state, std::size_t point);
    void draw_cell_menu(const SweepState& state, const Snapshot& snapshot, CommandSink& sink);
    void refresh_plan(const Snapshot& snapshot);

    const ViewState& view_;
    std::string edge_;  ///< view_.edge as this frame draws it
    SweepChoices choices_;
    bool second_knob_ = false;
    std::string knobs_for_;  ///< the edge the knob choices were made for
    // The plan of the choices on the live scenario, rebuilt when either changed.
    std::string plan_text_;
    std::tuple<std::uint64_t, std::size_t, std::string> plan_for_;
    std::optional<SweepPlan> plan_;
    std::string problem_;  ///< why the choices make no sweep (a hint under the fields)
    std::vector<std::string> notes_;
    char list_buf_[2][256] = {};

    SweepRunner runner_;
    std::uint64_t state_version_ = static_cast<std::uint64_t>(-1);
    SweepState state_;
    std::pair<std::string, std::string> scenario_of_run_;  ///< source and name the sweep ran on
    std::size_t colour_kpi_ = 0;
    std::size_t colour_profile_ = 0;
    std::optional<std::size_t> selected_;  ///< the point clicked (heatmap or scatter)
    bool open_menu_ = false;
    bool show_results_ = false;  ///< select the Results tab at the next draw (narrow layout)
};

}  // namespace cbsim::gui
