// app.hpp: the desktop application: one window, its menus and panels, the frame loop.
//
// main() builds one App and calls run(). App owns the Window, the SimWorker (the run on its own
// thread) and the panels; each frame it takes the latest Snapshot, lays the open panels out,
// draws them (they send Commands to the worker), handles shortcuts and shows the results of
// commands (exports, saves, errors). UI-only state (window size, open panels, plot span) lives
// in the XDG config directory. Under --test-report it prints READY and widget positions on
// stdout for the end-to-end tests.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app_options.hpp"
#include "event_cache.hpp"
#include "panels/breaker_panel.hpp"
#include "panels/edge_strip_panel.hpp"
#include "panels/events_panel.hpp"
#include "panels/plots_panel.hpp"
#include "panels/run_panel.hpp"
#include "panels/services_panel.hpp"
#include "panels/summary_panel.hpp"
#include "panels/topology_panel.hpp"
#include "paths.hpp"
#include "sim_worker.hpp"
#include "ui_settings.hpp"
#include "widgets/time_plot.hpp"
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
    void layout();
    void follow_selection();
    void export_run(std::string dir);
    void export_png(const Snapshot& snap);
    void save_scenario(const Snapshot& snap);
    void process_notices();
    void report_ready();
    void set_status(std::string text, bool error);
    ScenarioOrCompare initial_scenario(std::string& source);
    std::string export_base() const;

    AppOptions options_;
    const std::atomic<bool>& stop_signal_;
    Window window_;
    UiSettings settings_;
    std::string settings_path_;
    std::unique_ptr<SimWorker> worker_;
    TimeView time_view_;
    EventCache events_;
    WidgetRects report_;

    RunPanel* run_panel_ = nullptr;
    ServicesPanel* services_panel_ = nullptr;
    BreakerPanel* breaker_panel_ = nullptr;
    PlotsPanel* plots_panel_ = nullptr;
    EventsPanel* events_panel_ = nullptr;
    SummaryPanel* summary_panel_ = nullptr;
    TopologyPanel* topology_panel_ = nullptr;
    EdgeStripPanel* strip_panel_ = nullptr;
    std::vector<std::unique_ptr<Panel>> panels_;  ///< every panel, in View-menu order

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
