#include "app.hpp"

#include <GLFW/glfw3.h>  // key codes only: ImGui 1.86 indexes KeysDown by GLFW key
#include <imgui.h>
#include <cbsim/version.hpp>

#include <cstdio>

namespace cbsim::gui {

App::App(AppOptions options, const std::atomic<bool>& stop_signal)
    : options_(std::move(options)), stop_signal_(stop_signal) {}

int App::run() {
    WindowOptions wo;
    wo.width = options_.width;
    wo.height = options_.height;
    wo.pos_x = options_.pos_x;
    wo.pos_y = options_.pos_y;
    wo.fps_cap = options_.fps_cap;
    wo.title = "cbsim";
    std::string error;
    if (!window_.open(wo, error)) {
        std::fprintf(stderr, "cbsim: %s\n", error.c_str());
        return 2;
    }
    ImGui::StyleColorsDark();
    while (!stop_signal_.load() && window_.begin_frame()) {
        if (!options_.screenshot_path.empty() && frame_ == options_.screenshot_frame) {
            window_.request_screenshot(options_.screenshot_path);
        }
        draw_frame();
        window_.end_frame();
        if (auto shot = window_.take_screenshot_result()) {
            std::printf("SCREENSHOT %s %s\n", shot->first.c_str(), shot->second ? "ok" : "failed");
        }
        ++frame_;
        if (options_.max_frames > 0 && frame_ >= options_.max_frames) break;
    }
    std::printf("EXIT frames=%ld\n", frame_);
    return 0;
}

void App::handle_shortcuts() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q, false)) window_.request_close();
}

void App::draw_frame() {
    handle_shortcuts();
    draw_menu_bar();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("##main", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
    ImGui::Text("cbsim %s", version_string);
    ImGui::TextDisabled("%.0f fps", static_cast<double>(ImGui::GetIO().Framerate));
    ImGui::End();
    if (show_about_) draw_about();
    if (options_.test_report) report_ready();
}

void App::draw_menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) window_.request_close();
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("About cbsim")) show_about_ = true;
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
}

void App::draw_about() {
    ImGui::SetNextWindowSize(ImVec2(420, 0), ImGuiCond_Appearing);
    if (ImGui::Begin("About cbsim", &show_about_, ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::Text("cbsim %s", version_string);
        ImGui::TextWrapped(
            "An interactive circuit-breaker simulator: see how a breaker behaves before you "
            "trust it with production traffic.");
        ImGui::Separator();
        ImGui::Text("Dear ImGui %s", IMGUI_VERSION);
        ImGui::Text("GLFW %s", glfwGetVersionString());
    }
    ImGui::End();
}

void App::report_ready() {
    // ImGui lays windows out over the first frames; report once the layout has settled.
    if (ready_reported_ || frame_ < 3) return;
    int wx = 0, wy = 0;
    window_.position(wx, wy);
    std::printf("WINDOW %d %d\n", wx, wy);
    std::printf("READY\n");
    ready_reported_ = true;
}

}  // namespace cbsim::gui
