// app.hpp: the desktop application: one window, its menus and panels, the frame loop.
//
// main() builds one App and calls run(). App owns the Window, the SimWorker (the run on its own
// thread), the shared view state (selected edge, time axis) and the panels, built from the
// registry (panels/registry.hpp); each frame it takes the latest Snapshot, tiles the open
// panels (tile_layout.hpp: every border between panels can be dragged), draws them (they send
// Commands to the worker), handles shortcuts and shows the results of commands (exports,
// saves, errors). UI-only state (window size, open panels, column widths and panel heights,
// plot span) lives in the XDG config directory. Under --test-report it prints READY and widget
// positions on stdout for the end-to-end tests.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app_options.hpp"
#include "event_cache.hpp"
#include "panels/panel.hpp"
#include "panels/plots_panel.hpp"
#include "panels/registry.hpp"
#include "panels/run_panel.hpp"
#include "paths.hpp"
#include "sim_worker.hpp"
#include "tile_layout.hpp"
#include "ui_settings.hpp"
#include "unsaved_guard.hpp"
#include "view_state.hpp"
#include "widgets/file_browser.hpp"
#include "window.hpp"

namespace cbsim::gui {

class App {
  public:
    /// `stop_signal` is raised by the SIGTERM/SIGINT handler; the loop ends at the next frame.
    App(AppOptions options, const std::atomic<bool>& stop_signal);
    ~App();

    /// Opens the window and runs until it is closed. Returns the process exit code.
    int run();

  private:
    void draw_frame(const Snapshot& snap);
    void draw_menu_bar(const Snapshot& snap);
    void draw_status_bar(const Snapshot& snap);
    void draw_about();
    void draw_help_overlay(const Snapshot& snap);
    void draw_export_prompt();
    void handle_shortcuts(const Snapshot& snap);
    /// File > Quit, Ctrl+Q, the window's close button: quits, or first asks about unsaved
    /// changes (UnsavedGuard).
    void request_quit();
    void layout();
    /// Splitters: hover shows a resize cursor, a drag moves that border.
    void drag_borders();
    std::vector<TileItem> tile_items() const;
    Panel& panel(PanelId id) { return *panels_[static_cast<std::size_t>(id)]; }
    void export_run(std::string dir);
    void export_png(const Snapshot& snap);
    void save_scenario(const Snapshot& snap);
    /// Shows the file dialog: Open, or Save as starting from `suggestion` (a file path).
    void show_file_dialog(FileBrowser::Mode mode, const Snapshot& snap,
                          const std::string& suggestion = "");
    /// Uses the dialog's choice, if one was made this frame.
    void draw_file_dialog(const Snapshot& snap);
    /// Shows the file dialog for the Replay view: Open trace... or Add breaker file...
    void show_replay_dialog(ViewState::FileRequest request);
    void process_notices();
    void report_ready();
    /// Reports the last item's rectangle as `name` (the menus, for the end-to-end tests).
    void report_menu_item(const char* name);
    void set_status(std::string text, bool error);
    ScenarioOrCompare initial_scenario(std::string& source);
    std::string export_base() const;

    AppOptions options_;
    const std::atomic<bool>& stop_signal_;
    Window window_;
    UiSettings settings_;
    std::string settings_path_;
    std::unique_ptr<SimWorker> worker_;
    /// Between the UI and worker_: asks before a scenario with unsaved edits is replaced.
    std::unique_ptr<UnsavedGuard> guard_;
    bool asking_reported_ = false;  ///< the question's ASKING line was printed
    bool guard_save_sent_ = false;  ///< the save the guard asked for is on its way
    ViewState view_;
    EventCache events_;
    WidgetRects report_;

    std::vector<std::unique_ptr<Panel>> panels_;  ///< every panel, indexed by PanelId
    RunPanel* run_panel_ = nullptr;               ///< panels_[PanelId::run]
    PlotsPanel* plots_panel_ = nullptr;           ///< panels_[PanelId::plots]
    FileBrowser browser_;
    ViewState::FileRequest browser_for_ = ViewState::FileRequest::none;  ///< what it was opened for
    TileRect layout_area_;     ///< this frame's area under the menu bar
    Tiling tiling_;            ///< this frame's layout
    int drag_splitter_ = -1;   ///< index into tiling_.splitters, -1 none
    float drag_start_ = 0.0f;  ///< mouse x or y when the drag began
    TileSizes drag_from_sizes_;
    Tiling drag_from_;
    int last_press_splitter_ = -1;  ///< the splitter of the last left press (double-click)
    double last_press_time_ = 0.0;  ///< its time, glfwGetTime() seconds

    long frame_ = 0;
    int exit_code_ = 0;  ///< 1 once the --screenshot could not be written
    bool show_about_ = false;
    bool show_help_ = false;
    bool export_prompt_ = false;
    char export_path_[1024] = {};
    std::string status_;
    bool status_error_ = false;
    bool ready_reported_ = false;
    std::map<std::string, ImVec4> reported_rects_;  ///< as last printed (--test-report)
    std::string reported_edge_;                     ///< selected edge as last printed
    std::string pending_png_;
    std::string title_;  ///< scenario name in the window title
};

}  // namespace cbsim::gui
