// window.hpp: the OS window, the GL 3.3 core context and the Dear ImGui backends.
//
// Window owns everything platform-side: GLFW initialisation, the window, the glad loader, the
// ImGui context with its GLFW and OpenGL3 backends, frame pacing and screenshots. App draws
// between begin_frame() and end_frame() and never touches GLFW or GL itself.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "key_latch.hpp"

struct GLFWwindow;

namespace cbsim::gui {

struct WindowOptions {
    int width = 1280;  ///< logical size; HiDPI scaling comes from the monitor's content scale
    int height = 800;
    int pos_x = -1;  ///< -1 = let the platform place it
    int pos_y = -1;
    int fps_cap = 60;  ///< frames per second at most (vsync is a no-op under Xvfb)
    std::string title = "cbsim";
};

/// A key press as GLFW delivered it (GLFW_KEY_*, GLFW_MOD_* bits of the modifiers held then).
struct KeyPress {
    int key = 0;
    int mods = 0;
};

/// A mouse button press as GLFW delivered it: the button, where (window coordinates, as ImGui's
/// mouse position) and when (glfwGetTime() seconds).
struct MousePress {
    int button = 0;
    double x = 0.0, y = 0.0;
    double time = 0.0;
};

class Window {
  public:
    /// Opens the window and initialises GL and ImGui; on failure fills `error` (a sentence
    /// that says what to do) and returns false.
    bool open(const WindowOptions& options, std::string& error);

    Window() = default;
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    /// Polls input and starts an ImGui frame. Returns false when the window should close.
    bool begin_frame();
    /// Renders the ImGui frame, takes a pending screenshot, swaps and sleeps out the frame cap.
    void end_frame();

    /// Ends the loop after the current frame (begin_frame() then returns false).
    void request_close();
    bool close_requested() const;
    /// True once after the window's close button (or the window manager) asked to close. The
    /// window does not close by itself: the App decides (it may ask about unsaved changes first).
    bool take_close_button();

    /// Saves the next rendered frame as a PNG; the result is reported by take_screenshot_result().
    /// `crop` (x0, y0, x1, y1 in window coordinates) limits it to a region; all zero = whole
    /// frame. The PNG is written to a temporary file in the same directory, then renamed.
    void request_screenshot(std::string path, float crop_x0 = 0, float crop_y0 = 0,
                            float crop_x1 = 0, float crop_y1 = 0);
    /// The error of the last failed screenshot ("" after success).
    const std::string& screenshot_error() const { return screenshot_error_; }

    /// While idle (nothing animates), begin_frame() sleeps until input arrives or
    /// `timeout_s` passes instead of running at the frame cap; a few frames run back to back
    /// after each input so ImGui can settle.
    void set_idle(bool idle, double timeout_s = 0.5) {
        idle_ = idle;
        idle_timeout_ = timeout_s;
    }
    /// The path and success of the last screenshot, once taken.
    std::optional<std::pair<std::string, bool>> take_screenshot_result();

    /// Window position in X root coordinates (for test reports of widget positions).
    void position(int& x, int& y) const;
    /// Content scale of the monitor (1 on ordinary displays, 2 on HiDPI).
    float content_scale() const { return content_scale_; }
    void set_fps_cap(int fps) { fps_cap_ = fps; }
    void set_title(const std::string& title);
    GLFWwindow* handle() const { return window_; }

    /// The key presses GLFW delivered since the last call, in order. Shortcuts act on these
    /// rather than on the key state ImGui polls once per frame, so a tap that starts and ends
    /// between two frames (a fast typist, a slow frame, `xdotool key ctrl+e`) still counts.
    std::vector<KeyPress> take_key_presses();
    /// The mouse button presses since the last call, in order, with their own times: a
    /// double-click is told from these whatever the frame rate.
    std::vector<MousePress> take_mouse_presses();

  private:
    void shutdown();
    void save_screenshot(int fb_w, int fb_h);

    static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);
    static void on_char(GLFWwindow* window, unsigned int c);
    static void on_mouse_button(GLFWwindow* window, int button, int action, int mods);
    static void on_close(GLFWwindow* window);

    GLFWwindow* window_ = nullptr;
    std::vector<KeyPress> key_presses_;
    KeyLatch latch_;  ///< taps held down a frame, and characters in order, for ImGui's widgets
    std::vector<unsigned int> chars_;  ///< this frame's characters (reused)
    std::vector<MousePress> mouse_presses_;
    bool imgui_ready_ = false;
    bool close_button_ = false;
    int fps_cap_ = 60;
    double frame_start_ = 0.0;
    float content_scale_ = 1.0f;
    std::string pending_screenshot_;
    float crop_[4] = {0, 0, 0, 0};
    std::string screenshot_error_;
    bool idle_ = false;
    double idle_timeout_ = 0.5;
    int busy_frames_ = 5;
    std::optional<std::pair<std::string, bool>> screenshot_result_;
};

}  // namespace cbsim::gui
