// imgui_harness.hpp: a windowless Dear ImGui context for panel tests and benchmarks (as
// ImGui's example_null): the font atlas is built, DisplaySize and DeltaTime are set, and frames
// run NewFrame -> UI -> Render without any backend. Mouse and keys are fed through ImGuiIO
// (ImGui 1.86: io.MousePos, io.MouseDown, io.KeysDown indexed by GLFW key codes).
// PanelFixture puts one panel in such a context with its widget rectangles reported and its
// commands logged.
#pragma once

#include <imgui.h>

#include <functional>
#include <string>
#include <utility>

#include "commands.hpp"
#include "panels/panel.hpp"
#include "view_state.hpp"

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
        io.KeyMap[ImGuiKey_Escape] = 256;  // GLFW_KEY_ESCAPE
        io.KeyMap[ImGuiKey_KeyPadEnter] = 335;
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
    /// One frame of `ui` that returns every text its top-level windows drew (ImGui's log of
    /// rendered text, lines as laid out; widget labels, table cells, tooltips). ImGui ends a log
    /// at the End() of a top-level window and hands a clipboard log to SetClipboardTextFn,
    /// where it is collected.
    std::string frame_text(const std::function<void()>& ui) {
        std::string out;
        ImGuiIO& io = ImGui::GetIO();
        io.ClipboardUserData = &out;
        io.SetClipboardTextFn = [](void* user, const char* text) {
            static_cast<std::string*>(user)->append(text).push_back('\n');
        };
        ImGui::NewFrame();
        ImGui::LogToClipboard();
        ui();
        ImGui::LogFinish();  // a log still open (no window ended it)
        ImGui::Render();
        io.SetClipboardTextFn = nullptr;
        io.ClipboardUserData = nullptr;
        return out;
    }
    void mouse(float x, float y, bool down) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = ImVec2(x, y);
        io.MouseDown[0] = down;
    }
    void key(int glfw_key, bool down) { ImGui::GetIO().KeysDown[glfw_key] = down; }
    /// A left click at (x, y): move, press, release, one frame of `ui` each.
    void click_at(float x, float y, const std::function<void()>& ui) {
        mouse(x, y, false);
        frame(ui);
        mouse(x, y, true);
        frame(ui);
        mouse(x, y, false);
        frame(ui);
    }
    /// A left click at the middle of `rect` (x0, y0, x1, y1), as click_at.
    void click(ImVec4 rect, const std::function<void()>& ui) {
        click_at((rect.x + rect.z) * 0.5f, (rect.y + rect.w) * 0.5f, ui);
    }

  private:
    ImGuiContext* context_ = nullptr;
};

/// Where a PanelFixture's panel goes: its window at (0, 0) of `size`, in a display of
/// `display` (the harness's size).
struct PanelPlace {
    ImVec2 size;
    ImVec2 display{1280.0f, 800.0f};
};

/// One panel `P` under test, built from the fixture's view state and `args` (the panel's
/// constructor arguments after its ViewState&), placed as `place` says, its widget rectangles
/// reported in `rects`; `draw` draws it on `snap` into `log`. No frame is run: a test changes
/// `snap` or `vs` as it needs, then runs `ui.frame(draw)`. Members are public so a test can take
/// them apart: `auto& [ui, vs, panel, rects, snap, log, draw] = fixture;`.
template <class P>
struct PanelFixture {
    template <class... Args>
    PanelFixture(Snapshot snapshot, PanelPlace place, Args&&... args)
        : ui(place.display.x, place.display.y),
          panel(vs, std::forward<Args>(args)...),
          snap(std::move(snapshot)) {
        panel.set_report(&rects);
        panel.place(ImVec2(0, 0), place.size);
    }
    PanelFixture(const PanelFixture&) = delete;
    PanelFixture& operator=(const PanelFixture&) = delete;

    ImGuiHarness ui;
    ViewState vs;
    P panel;
    WidgetRects rects{true, {}};
    Snapshot snap;
    CommandLog log;
    std::function<void()> draw = [this] { panel.draw(snap, log); };
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

/// Vertices of the last rendered frame drawn in `color` exactly inside `rect` (x0, y0, x1, y1).
inline int vertices_in(ImU32 color, ImVec4 rect) {
    int n = 0;
    const ImDrawData* dd = ImGui::GetDrawData();
    for (int l = 0; l < dd->CmdListsCount; ++l) {
        for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer) {
            n += v.col == color && v.pos.x >= rect.x && v.pos.x <= rect.z && v.pos.y >= rect.y &&
                         v.pos.y <= rect.w
                     ? 1
                     : 0;
        }
    }
    return n;
}

}  // namespace cbsim::gui::testing
