#include "window.hpp"

#include <glad/gl.h>  // first: it refuses to follow other GL headers
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>
#include <cbsim/atomic_file.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace cbsim::gui {
namespace {

std::string g_last_glfw_error;  // written by the GLFW error callback, read right after a failure

void on_glfw_error(int code, const char* description) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "GLFW error 0x%X: %s", code, description);
    g_last_glfw_error = buf;
}

double now_seconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

bool Window::open(const WindowOptions& options, std::string& error) {
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        const char* display = std::getenv("DISPLAY");
        error = "cbsim needs an X11 display; run it under xvfb-run, or use cbsim-cli (DISPLAY=" +
                std::string(display ? display : "<unset>") + "; " + g_last_glfw_error + ")";
        return false;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    window_ =
        glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
    if (!window_) {
        error = "could not create an OpenGL 3.3 core window (" + g_last_glfw_error + ")";
        glfwTerminate();
        return false;
    }
    if (options.pos_x >= 0 && options.pos_y >= 0) {
        glfwSetWindowPos(window_, options.pos_x, options.pos_y);
    }
    // Key and mouse button presses are queued as GLFW delivers them (take_key_presses(),
    // take_mouse_presses()), and keys and characters pass through latch_ for ImGui's widgets.
    // Installed before the ImGui backend, which keeps them as the previous callbacks and calls
    // them first.
    glfwSetWindowUserPointer(window_, this);
    glfwSetKeyCallback(window_, &Window::on_key);
    glfwSetCharCallback(window_, &Window::on_char);
    glfwSetMouseButtonCallback(window_, &Window::on_mouse_button);
    glfwSetWindowCloseCallback(window_, &Window::on_close);
    glfwMakeContextCurrent(window_);
    if (gladLoadGL(glfwGetProcAddress) == 0) {
        error = "could not load the OpenGL 3.3 functions";
        shutdown();
        return false;
    }
    glfwSwapInterval(1);
    float sx = 1.0f, sy = 1.0f;
    glfwGetWindowContentScale(window_, &sx, &sy);
    content_scale_ = sx > 0.0f ? sx : 1.0f;
    fps_cap_ = options.fps_cap;

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // UI state is saved by the app, in the XDG config dir
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    imgui_ready_ = true;
    frame_start_ = now_seconds();
    return true;
}

void Window::on_key(GLFWwindow* window, int key, int /*scancode*/, int action, int mods) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window));
    // A frame takes them all; the bound only matters if frames stop while keys keep coming.
    if (self && action == GLFW_PRESS && self->key_presses_.size() < 256)
        self->key_presses_.push_back(KeyPress{key, mods});
    if (self && action == GLFW_PRESS) self->latch_.press(key, mods);
}

void Window::on_char(GLFWwindow* window, unsigned int c) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window));
    if (self) self->latch_.character(c);
}

std::vector<KeyPress> Window::take_key_presses() {
    std::vector<KeyPress> out;
    out.swap(key_presses_);
    return out;
}

void Window::on_mouse_button(GLFWwindow* window, int button, int action, int /*mods*/) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window));
    if (!self || action != GLFW_PRESS || self->mouse_presses_.size() >= 256) return;
    MousePress p{button, 0.0, 0.0, glfwGetTime()};
    glfwGetCursorPos(window, &p.x, &p.y);
    self->mouse_presses_.push_back(p);
}

std::vector<MousePress> Window::take_mouse_presses() {
    std::vector<MousePress> out;
    out.swap(mouse_presses_);
    return out;
}

Window::~Window() {
    shutdown();
}

void Window::shutdown() {
    if (imgui_ready_) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
        imgui_ready_ = false;
    }
    if (window_) {
        glfwDestroyWindow(window_);
        window_ = nullptr;
        glfwTerminate();
    }
}

bool Window::begin_frame() {
    if (idle_ && busy_frames_ <= 0 && !latch_.busy()) {
        const double t0 = now_seconds();
        glfwWaitEventsTimeout(idle_timeout_);
        // Woken by input rather than the timeout: ImGui needs a few frames to settle.
        if (now_seconds() - t0 < idle_timeout_ * 0.9) busy_frames_ = 3;
    } else {
        glfwPollEvents();
        if (busy_frames_ > 0) --busy_frames_;
    }
    frame_start_ = now_seconds();
    // While iconified there is nothing to draw: wait for events instead of spinning.
    while (glfwGetWindowAttrib(window_, GLFW_ICONIFIED) && !glfwWindowShouldClose(window_)) {
        glfwWaitEventsTimeout(0.1);
    }
    if (glfwWindowShouldClose(window_)) return false;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Taps held down for this frame, and the characters typed before them (key_latch.hpp).
    ImGuiIO& io = ImGui::GetIO();
    io.InputQueueCharacters.resize(0);
    chars_.clear();
    latch_.apply(
        io.KeysDown, IM_ARRAYSIZE(io.KeysDown),
        [this](int key) { return glfwGetKey(window_, key) == GLFW_PRESS; }, chars_);
    for (unsigned int c : chars_)
        io.AddInputCharacter(c);
    // As the backend's key callback derives them.
    io.KeyCtrl = io.KeysDown[GLFW_KEY_LEFT_CONTROL] || io.KeysDown[GLFW_KEY_RIGHT_CONTROL];
    io.KeyShift = io.KeysDown[GLFW_KEY_LEFT_SHIFT] || io.KeysDown[GLFW_KEY_RIGHT_SHIFT];
    io.KeyAlt = io.KeysDown[GLFW_KEY_LEFT_ALT] || io.KeysDown[GLFW_KEY_RIGHT_ALT];
    io.KeySuper = io.KeysDown[GLFW_KEY_LEFT_SUPER] || io.KeysDown[GLFW_KEY_RIGHT_SUPER];
    ImGui::NewFrame();
    return true;
}

void Window::end_frame() {
    ImGui::Render();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window_, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.08f, 0.09f, 0.10f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (!pending_screenshot_.empty() && fb_w > 0 && fb_h > 0) save_screenshot(fb_w, fb_h);
    glfwSwapBuffers(window_);
    if (fps_cap_ > 0) {
        const double budget = 1.0 / fps_cap_;
        const double spent = now_seconds() - frame_start_;
        if (spent < budget) {
            std::this_thread::sleep_for(std::chrono::duration<double>(budget - spent));
        }
    }
}

void Window::request_close() {
    glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

bool Window::close_requested() const {
    return glfwWindowShouldClose(window_) != 0;
}

void Window::on_close(GLFWwindow* window) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window));
    glfwSetWindowShouldClose(window, GLFW_FALSE);  // the App decides (take_close_button)
    if (self) self->close_button_ = true;
}

bool Window::take_close_button() {
    const bool asked = close_button_;
    close_button_ = false;
    return asked;
}

void Window::request_screenshot(std::string path, float crop_x0, float crop_y0, float crop_x1,
                                float crop_y1) {
    pending_screenshot_ = std::move(path);
    crop_[0] = crop_x0;
    crop_[1] = crop_y0;
    crop_[2] = crop_x1;
    crop_[3] = crop_y1;
}

void Window::save_screenshot(int fb_w, int fb_h) {
    // Window coordinates to framebuffer pixels (they differ on HiDPI displays).
    int win_w = 0, win_h = 0;
    glfwGetWindowSize(window_, &win_w, &win_h);
    const float sx = win_w > 0 ? static_cast<float>(fb_w) / static_cast<float>(win_w) : 1.0f;
    const float sy = win_h > 0 ? static_cast<float>(fb_h) / static_cast<float>(win_h) : 1.0f;
    int x0 = 0, y0 = 0, x1 = fb_w, y1 = fb_h;
    if (crop_[2] > crop_[0] && crop_[3] > crop_[1]) {
        x0 = std::clamp(static_cast<int>(crop_[0] * sx), 0, fb_w);
        y0 = std::clamp(static_cast<int>(crop_[1] * sy), 0, fb_h);
        x1 = std::clamp(static_cast<int>(crop_[2] * sx), x0, fb_w);
        y1 = std::clamp(static_cast<int>(crop_[3] * sy), y0, fb_h);
    }
    const int w = x1 - x0, h = y1 - y0;
    bool ok = w > 0 && h > 0;
    screenshot_error_.clear();
    if (ok) {
        // Read the back buffer before the swap; GL rows go bottom-up, PNG rows top-down.
        std::vector<unsigned char> pixels(static_cast<std::size_t>(w) *
                                          static_cast<std::size_t>(h) * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadPixels(x0, fb_h - y1, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
        stbi_flip_vertically_on_write(1);
        // Encoded in memory, then written through a temp file and renamed (atomic_file.hpp).
        std::string png;
        ok = stbi_write_png_to_func(
                 [](void* context, void* data, int size) {
                     static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                                                static_cast<std::size_t>(size));
                 },
                 &png, w, h, 4, pixels.data(), w * 4) != 0;
        if (!ok) {
            screenshot_error_ = "cannot encode the PNG for " + pending_screenshot_;
        } else if (std::string e = write_file_atomic(pending_screenshot_, png); !e.empty()) {
            screenshot_error_ = std::move(e);
            ok = false;
        }
    } else {
        screenshot_error_ = "empty screenshot region";
    }
    screenshot_result_ = std::make_pair(pending_screenshot_, ok);
    pending_screenshot_.clear();
}

std::optional<std::pair<std::string, bool>> Window::take_screenshot_result() {
    auto result = std::move(screenshot_result_);
    screenshot_result_.reset();
    return result;
}

void Window::position(int& x, int& y) const {
    glfwGetWindowPos(window_, &x, &y);
}

void Window::set_title(const std::string& title) {
    glfwSetWindowTitle(window_, title.c_str());
}

}  // namespace cbsim::gui
