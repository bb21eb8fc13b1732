#include "theme.hpp"

#include <filesystem>

namespace cbsim::gui::theme {
namespace {
ImFont* g_mono = nullptr;  // owned by the ImGui font atlas; reset with it
}

namespace {
constexpr ImU32 kVariantColors[] = {
    IM_COL32(100, 180, 255, 255), IM_COL32(255, 140, 60, 255),  IM_COL32(190, 120, 255, 255),
    IM_COL32(240, 220, 80, 255),  IM_COL32(80, 220, 200, 255),  IM_COL32(255, 110, 180, 255),
    IM_COL32(170, 200, 110, 255), IM_COL32(220, 220, 220, 255),
};
}  // namespace

ImU32 variant_color(std::size_t i) {
    return kVariantColors[i % std::size(kVariantColors)];
}

ImVec4 variant_color_vec(std::size_t i) {
    return ImGui::ColorConvertU32ToFloat4(variant_color(i));
}

ImU32 state_color(State state) {
    switch (state) {
        case State::closed:
            return kClosed;
        case State::open:
        case State::forced_open:
            return kOpen;
        case State::half_open:
            return kHalfOpen;
        case State::disabled:
        case State::metrics_only:
            return kOtherState;
    }
    return kOtherState;
}

ImVec4 state_color_vec(State state) {
    return ImGui::ColorConvertU32ToFloat4(state_color(state));
}

const char* state_label(State state) {
    switch (state) {
        case State::closed:
            return "closed";
        case State::open:
            return "open";
        case State::half_open:
            return "half-open";
        case State::forced_open:
            return "forced open";
        case State::disabled:
            return "disabled";
        case State::metrics_only:
            return "metrics only";
    }
    return "?";
}

void apply(float scale) {
    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    ImGui::StyleColorsDark(&style);
    style.WindowRounding = 3.0f;
    style.FrameRounding = 3.0f;
    style.GrabRounding = 3.0f;
    style.WindowBorderSize = 1.0f;
    style.FramePadding = ImVec2(6.0f, 3.0f);
    style.ItemSpacing = ImVec2(8.0f, 5.0f);
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.11f, 0.12f, 0.14f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
    c[ImGuiCol_PopupBg] = ImVec4(0.13f, 0.14f, 0.17f, 0.98f);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.14f, 0.15f, 0.18f, 1.0f);
    c[ImGuiCol_TitleBg] = ImVec4(0.14f, 0.15f, 0.18f, 1.0f);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.18f, 0.20f, 0.25f, 1.0f);
    c[ImGuiCol_FrameBg] = ImVec4(0.18f, 0.20f, 0.24f, 1.0f);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.24f, 0.27f, 0.33f, 1.0f);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.28f, 0.32f, 0.40f, 1.0f);
    c[ImGuiCol_Header] = ImVec4(0.20f, 0.24f, 0.30f, 1.0f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.26f, 0.32f, 0.42f, 1.0f);
    c[ImGuiCol_Button] = ImVec4(0.22f, 0.26f, 0.33f, 1.0f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.28f, 0.35f, 0.46f, 1.0f);
    c[ImGuiCol_SliderGrab] = ImVec4(0.45f, 0.62f, 0.90f, 1.0f);
    c[ImGuiCol_CheckMark] = ImVec4(0.45f, 0.75f, 0.95f, 1.0f);
    style.ScaleAllSizes(scale);
}

bool load_fonts(const std::string& font_dir, float scale, std::string& error) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    g_mono = nullptr;
    const std::filesystem::path dir(font_dir);
    const std::string sans = (dir / "DejaVuSans.ttf").string();
    const std::string mono = (dir / "DejaVuSansMono.ttf").string();
    const float size = 15.0f * scale;
    ImFont* main = nullptr;
    if (std::filesystem::exists(sans)) main = io.Fonts->AddFontFromFileTTF(sans.c_str(), size);
    if (!main) {
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f * scale;
        io.Fonts->AddFontDefault(&cfg);
        error = "font not found: " + sans + " (using the built-in font; install fonts-dejavu-core)";
    }
    if (std::filesystem::exists(mono)) g_mono = io.Fonts->AddFontFromFileTTF(mono.c_str(), size);
    return main != nullptr;
}

ImFont* mono_font() {
    return g_mono ? g_mono : ImGui::GetFont();
}

}  // namespace cbsim::gui::theme
