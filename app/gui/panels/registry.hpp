// registry.hpp: every panel of the app, defined once.
//
// One row per panel: its id (the ui.ini key and the ImGui window id), title, Ctrl+digit
// shortcut, where the tiled layout puts it (column, position in the column, default height
// share) and how to build it. The App builds its panels, the View menu, the Ctrl+digit
// shortcuts, the layout and the saved open/closed state from this table; `PanelId` indexes it
// (static_asserts keep the two in step).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>

namespace cbsim::gui {

class Panel;
class EventCache;
struct ViewState;

enum class PanelId : std::size_t {
    run,
    services,
    breaker,
    plots,
    events,
    summary,
    topology,
    edges,
    sweep,
    replay,
};
inline constexpr std::size_t kPanelCount = 10;

/// The tiled layout's three columns, left to right.
enum class Column : int { left = 0, centre = 1, right = 2 };
inline constexpr int kColumnCount = 3;

/// What a panel may be built with: the App's shared view state, the event cache and the
/// folders of the shipped scenarios and breaker presets.
struct PanelContext {
    ViewState& view;
    const EventCache& events;
    std::string scenario_dir;
    std::string preset_dir;
};

struct PanelSpec {
    PanelId id;
    const char* key;    ///< ui.ini key and window id: lower case, no spaces
    const char* title;  ///< window title and View menu label
    int digit;          ///< Ctrl+digit toggles the panel (1..9); 0: no shortcut
    Column column;      ///< where the layout puts it
    int row;            ///< position in its column, top to bottom
    float share;        ///< default share of the column's height
    std::unique_ptr<Panel> (*make)(const PanelContext& context);
    bool open_at_start = true;  ///< open in a session with no saved UI settings
};

/// Every panel, in View-menu order (the order of PanelId).
const std::array<PanelSpec, kPanelCount>& panel_specs();
const PanelSpec& panel_spec(PanelId id);
/// "Ctrl+1" for digit 1; "" for a panel without a shortcut.
std::string shortcut_text(const PanelSpec& spec);

}  // namespace cbsim::gui
