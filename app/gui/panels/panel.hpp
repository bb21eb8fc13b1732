// panel.hpp: the base of every panel (one class per file pair in app/gui/panels/).
//
// The base class owns what all panels share: the window (title, placement given by the App's
// layout), the open state, the shortcut that toggles it, and the test report of widget
// positions. A panel overrides draw_content(); it reads the Snapshot and sends Commands, and
// keeps its own UI state as private members.
#pragma once

#include <imgui.h>

#include <map>
#include <string>

#include "commands.hpp"
#include "panels/registry.hpp"

namespace cbsim::gui {

/// Widget rectangles in screen coordinates, by name, for the end-to-end tests
/// (`--test-report` prints them as `RECT name x0 y0 x1 y1` in X root coordinates).
struct WidgetRects {
    bool enabled = false;
    std::map<std::string, ImVec4> rects;  ///< x0, y0, x1, y1 in ImGui screen coordinates
};

class Panel {
  public:
    /// Takes the panel's id (the UI settings key), title and shortcut from its row of the
    /// registry (panels/registry.hpp).
    explicit Panel(PanelId id);
    virtual ~Panel() = default;
    Panel(const Panel&) = delete;
    Panel& operator=(const Panel&) = delete;

    /// Draws the panel's window if it is open.
    void draw(const Snapshot& snapshot, CommandSink& sink);

    const std::string& id() const { return id_; }
    PanelId panel_id() const { return panel_id_; }
    const std::string& title() const { return title_; }
    const std::string& shortcut() const { return shortcut_; }
    bool& open() { return open_; }
    bool is_open() const { return open_; }

    /// Where the window goes this frame (the App tiles the open panels).
    void place(ImVec2 pos, ImVec2 size);
    /// Where widget rectangles are reported (null = nowhere).
    void set_report(WidgetRects* report) { report_ = report; }

  protected:
    virtual void draw_content(const Snapshot& snapshot, CommandSink& sink) = 0;
    virtual ImGuiWindowFlags window_flags() const { return 0; }
    /// Records the last item's rectangle under `name` when a test report is on.
    void report_item(const std::string& name);
    /// Records a rectangle (x0, y0, x1, y1 in screen coordinates) under `name`.
    void report_rect(const std::string& name, ImVec4 rect);
    bool reporting() const { return report_ && report_->enabled; }

  private:
    PanelId panel_id_;
    std::string id_;
    std::string title_;
    std::string shortcut_;
    bool open_ = true;
    ImVec2 pos_{0, 0};
    ImVec2 size_{0, 0};
    bool placed_ = false;
    WidgetRects* report_ = nullptr;
};

}  // namespace cbsim::gui
