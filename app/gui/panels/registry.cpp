#include "panels/registry.hpp"

#include "panels/breaker_panel.hpp"
#include "panels/edge_strip_panel.hpp"
#include "panels/events_panel.hpp"
#include "panels/plots_panel.hpp"
#include "panels/replay_panel.hpp"
#include "panels/run_panel.hpp"
#include "panels/services_panel.hpp"
#include "panels/summary_panel.hpp"
#include "panels/sweep_panel.hpp"
#include "panels/topology_panel.hpp"

namespace cbsim::gui {
namespace {

constexpr std::array<PanelSpec, kPanelCount> kPanels{{
    {PanelId::run, "run", "Run", 1, Column::left, 0, 0.28f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<RunPanel>(c.view, c.scenario_dir);
     }},
    {PanelId::services, "services", "Services", 2, Column::left, 1, 0.72f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<ServicesPanel>(c.view);
     }},
    {PanelId::breaker, "breaker", "Breaker", 3, Column::right, 0, 0.64f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<BreakerPanel>(c.view);
     }},
    {PanelId::plots, "plots", "Plots", 4, Column::centre, 1, 0.47f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<PlotsPanel>(c.view, c.events);
     }},
    {PanelId::events, "events", "Events", 5, Column::centre, 3, 0.26f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<EventsPanel>(c.view, c.events);
     }},
    {PanelId::summary, "summary", "Summary", 6, Column::right, 1, 0.36f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<SummaryPanel>(c.view);
     }},
    // The map over the plots, the all-edges strip under them (same width: the same time axis).
    {PanelId::topology, "topology", "Topology", 7, Column::centre, 0, 0.19f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<TopologyPanel>(c.view);
     }},
    {PanelId::edges, "edges", "All edges", 8, Column::centre, 2, 0.08f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<EdgeStripPanel>(c.view);
     }},
    // Closed until asked for (View menu, Ctrl+9); open, it takes half the centre column.
    {PanelId::sweep, "sweep", "Sweep", 9, Column::centre, 4, 1.0f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<SweepPanel>(c.view);
     },
     false},
    // Closed until File > Open trace... opens it (the nine digits are taken: no shortcut).
    {PanelId::replay, "replay", "Replay", 0, Column::centre, 5, 1.0f,
     [](const PanelContext& c) -> std::unique_ptr<Panel> {
         return std::make_unique<ReplayPanel>(c.view, c.preset_dir);
     },
     false},
}};

constexpr bool rows_match_ids() {
    for (std::size_t i = 0; i < kPanels.size(); ++i) {
        if (static_cast<std::size_t>(kPanels[i].id) != i) return false;
        if (kPanels[i].digit < 0 || kPanels[i].digit > 9) return false;
        for (std::size_t j = 0; j < i; ++j) {
            if (kPanels[i].digit != 0 && kPanels[j].digit == kPanels[i].digit) return false;
            if (kPanels[j].column == kPanels[i].column && kPanels[j].row == kPanels[i].row)
                return false;
        }
    }
    return true;
}
static_assert(
    rows_match_ids(),
    "kPanels: row i is PanelId i, digits 1..9 unique (0: none), one panel per column position");

}  // namespace

const std::array<PanelSpec, kPanelCount>& panel_specs() {
    return kPanels;
}

const PanelSpec& panel_spec(PanelId id) {
    return kPanels[static_cast<std::size_t>(id)];
}

std::string shortcut_text(const PanelSpec& spec) {
    return spec.digit == 0 ? std::string() : "Ctrl+" + std::to_string(spec.digit);
}

}  // namespace cbsim::gui
