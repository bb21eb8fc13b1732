// imgui_harness.hpp: a windowless Dear ImGui context for panel tests and benchmarks (as
// ImGui's example_null): the font atlas is built, DisplaySize and DeltaTime are set, and frames
// run NewFrame -> UI -> Render without any backend. Mouse and keys are fed through ImGuiIO
// (ImGui 1.86: io.MousePos, io.MouseDown, io.KeysDown indexed by GLFW key codes).
#pragma once

#include <imgui.h>

#include <functional>

namespace cbsim::gui::testing {

class ImGuiHarness {
  public:
    explicit ImGuiHarness(float width = 1280.0f, float height = 800.0f) {
        context_ = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(width, height);
        io.DeltaTime = 1.0f / 60.0f;
        io.IniFilename = nullptr;
        // As the OpenGL3 backend: large lists are split by vertex offset, not asserted on.
        io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
        io.KeyMap[ImGuiKey_Enter] = 257;  // GLFW_KEY_ENTER
        io.KeyMap[ImGuiKey_Backspace] = 259;
        io.KeyMap[ImGuiKey_Tab] = 258;
        io.KeyMap[ImGuiKey_A] = 65;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    }
    ~ImGuiHarness() { ImGui::DestroyContext(context_); }
    ImGuiHarness(const ImGuiHarness&) = delete;
    ImGuiHarness& operator=(const ImGuiHarness&) = delete;

    /// One frame: NewFrame, `ui`, Render.
    void frame(const std::function<void()>& ui) {
        ImGui::NewFrame();
        ui();
        ImGui::Render();
    }
    void mouse(float x, float y, bool down) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = ImVec2(x, y);
        io.MouseDown[0] = down;
    }
    void key(int glfw_key, bool down) { ImGui::GetIO().KeysDown[glfw_key] = down; }
    /// A left click at the middle of `rect` (x0, y0, x1, y1): move, press, release, one frame
    /// of `ui` each.
    void click(ImVec4 rect, const std::function<void()>& ui) {
        const float x = (rect.x + rect.z) * 0.5f, y = (rect.y + rect.w) * 0.5f;
        mouse(x, y, false);
        frame(ui);
        mouse(x, y, true);
        frame(ui);
        mouse(x, y, false);
        frame(ui);
    }

  private:
    ImGuiContext* context_ = nullptr;
};

/// Vertices of the last rendered frame drawn in `color` exactly.
inline int vertices_in(ImU32 color) {
    int n = 0;
    const ImDrawData* dd = ImGui::GetDrawData();
    for (int l = 0; l < dd->CmdListsCount; ++l) {
        for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer)
            n += v.col == color ? 1 : 0;
    }
    return n;
}

}  // namespace cbsim::gui::testing
