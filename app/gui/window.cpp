#include "window.hpp"

#include <glad/gl.h>  // first: it refuses to follow other GL headers
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
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
    // A key tapped faster than a frame would be missed by per-frame polling; sticky keys keep
    // it pressed until read.
    glfwSetInputMode(window_, GLFW_STICKY_KEYS, GLFW_TRUE);
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
    frame_start_ = now_seconds();
    glfwPollEvents();
    // While iconified there is nothing to draw: wait for events instead of spinning.
    while (glfwGetWindowAttrib(window_, GLFW_ICONIFIED) && !glfwWindowShouldClose(window_)) {
        glfwWaitEventsTimeout(0.1);
    }
    if (glfwWindowShouldClose(window_)) return false;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
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
    if (!pending_screenshot_.empty() && fb_w > 0 && fb_h > 0) {
        // Read the back buffer before the swap; PNG rows go top-down, GL's bottom-up.
        std::vector<unsigned char> pixels(static_cast<std::size_t>(fb_w) *
                                          static_cast<std::size_t>(fb_h) * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadPixels(0, 0, fb_w, fb_h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
        stbi_flip_vertically_on_write(1);
        const bool ok = stbi_write_png(pending_screenshot_.c_str(), fb_w, fb_h, 4, pixels.data(),
                                       fb_w * 4) != 0;
        screenshot_result_ = std::make_pair(pending_screenshot_, ok);
        pending_screenshot_.clear();
    }
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

void Window::request_screenshot(std::string path) {
    pending_screenshot_ = std::move(path);
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
