// app.hpp: the desktop application: one window, its menus and panels, the frame loop.
//
// main() builds one App and calls run(). App owns the Window; it reads key shortcuts, draws
// the menu bar and the panels each frame, and reports widget positions on stdout when the
// end-to-end tests ask for it (--test-report).
#pragma once

#include <atomic>

#include "app_options.hpp"
#include "window.hpp"

namespace cbsim::gui {

class App {
  public:
    /// `stop_signal` is raised by the SIGTERM/SIGINT handler; the loop ends at the next frame.
    App(AppOptions options, const std::atomic<bool>& stop_signal);

    /// Opens the window and runs until it is closed. Returns the process exit code.
    int run();

  private:
    void draw_frame();
    void draw_menu_bar();
    void draw_about();
    void handle_shortcuts();
    void report_ready();

    AppOptions options_;
    const std::atomic<bool>& stop_signal_;
    Window window_;
    long frame_ = 0;
    bool show_about_ = false;
    bool ready_reported_ = false;
};

}  // namespace cbsim::gui
