// KeyLatch: a key tapped between two frames is held down for one frame, with its modifiers,
// then released; several taps spread over frames in order, and typed characters keep their
// order with them.
#include "key_latch.hpp"

#include "imgui_harness.hpp"

#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace cbsim::gui {
namespace {

struct Keys {
    std::array<bool, 512> down{};
    std::set<int> physical;  ///< keys really down
    KeyLatch latch;
    std::string typed;  ///< the characters of the last frame
    void frame() {
        std::vector<unsigned int> chars;
        latch.apply(
            down.data(), static_cast<int>(down.size()),
            [this](int k) { return physical.count(k) > 0; }, chars);
        typed.assign(chars.begin(), chars.end());
    }
    void type(const std::string& s) {
        for (char c : s) {
            latch.press(c >= 'a' && c <= 'z' ? c - 'a' + GLFW_KEY_A : GLFW_KEY_SPACE, 0);
            latch.character(static_cast<unsigned char>(c));
        }
    }
};

TEST(KeyLatch, ATapIsDownForOneFrameThenUp) {
    Keys k;
    k.latch.press(GLFW_KEY_BACKSPACE, 0);  // pressed and released before the frame
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_BACKSPACE]);
    EXPECT_FALSE(k.down[GLFW_KEY_LEFT_CONTROL]);
    k.frame();
    EXPECT_FALSE(k.down[GLFW_KEY_BACKSPACE]);
    EXPECT_FALSE(k.latch.busy());
}

TEST(KeyLatch, ATapHoldsItsModifiersWithIt) {
    Keys k;
    k.latch.press(GLFW_KEY_LEFT_CONTROL, GLFW_MOD_CONTROL);  // the modifier's own press
    k.latch.press(GLFW_KEY_A, GLFW_MOD_CONTROL);
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_A]);
    EXPECT_TRUE(k.down[GLFW_KEY_LEFT_CONTROL]);
    k.frame();
    EXPECT_FALSE(k.down[GLFW_KEY_A]);
    EXPECT_FALSE(k.down[GLFW_KEY_LEFT_CONTROL]);
}

TEST(KeyLatch, AKeyStillDownGetsTheModifiersReleasedBeforeIt) {
    // `xdotool key ctrl+a` releases Ctrl before A: a frame can see A down and Ctrl up.
    Keys k;
    k.down[GLFW_KEY_A] = true;
    k.physical.insert(GLFW_KEY_A);
    k.latch.press(GLFW_KEY_A, GLFW_MOD_CONTROL);
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_A]);
    EXPECT_TRUE(k.down[GLFW_KEY_LEFT_CONTROL]);
    k.physical.clear();
    k.down[GLFW_KEY_A] = false;  // the backend saw the release
    k.frame();
    EXPECT_FALSE(k.down[GLFW_KEY_LEFT_CONTROL]);
    EXPECT_FALSE(k.latch.busy());
}

TEST(KeyLatch, TwoTapsOfOneKeyAreTwoPressesWithAFrameUpBetween) {
    Keys k;
    k.latch.press(GLFW_KEY_BACKSPACE, 0);
    k.latch.press(GLFW_KEY_BACKSPACE, 0);
    const bool expected[] = {true, false, true, false};
    for (bool e : expected) {
        k.frame();
        EXPECT_EQ(k.down[GLFW_KEY_BACKSPACE], e);
    }
    EXPECT_FALSE(k.latch.busy());
}

TEST(KeyLatch, TapsWithOtherModifiersWaitForTheirOwnFrame) {
    // Ctrl+A then Delete: never Ctrl+Delete.
    Keys k;
    k.latch.press(GLFW_KEY_A, GLFW_MOD_CONTROL);
    k.latch.press(GLFW_KEY_DELETE, 0);
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_A]);
    EXPECT_FALSE(k.down[GLFW_KEY_DELETE]);
    EXPECT_EQ(k.latch.pending(), 1u);
    k.frame();
    EXPECT_FALSE(k.down[GLFW_KEY_A]);
    EXPECT_FALSE(k.down[GLFW_KEY_LEFT_CONTROL]);
    EXPECT_TRUE(k.down[GLFW_KEY_DELETE]);
    // Taps of different keys with the same modifiers share a frame.
    k.latch.press(GLFW_KEY_LEFT, GLFW_MOD_SHIFT);
    k.latch.press(GLFW_KEY_HOME, GLFW_MOD_SHIFT);
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_LEFT] && k.down[GLFW_KEY_HOME] && k.down[GLFW_KEY_LEFT_SHIFT]);
    EXPECT_FALSE(k.down[GLFW_KEY_DELETE]);
}

TEST(KeyLatch, TextKeysAreTypedNotHeldAndAFrameTakesAllTheText) {
    Keys k;
    k.type("abc d");
    k.latch.press(GLFW_KEY_4, GLFW_MOD_SHIFT);  // '$': Shift only makes text
    k.latch.character('$');
    k.frame();
    EXPECT_EQ(k.typed, "abc d$");
    EXPECT_FALSE(k.down[GLFW_KEY_A] || k.down[GLFW_KEY_SPACE] || k.down[GLFW_KEY_4]);
    EXPECT_FALSE(k.latch.busy());
}

TEST(KeyLatch, TextTypedAfterATapWaitsForTheNextFrame) {
    // Ctrl+A then "xy": the field selects all, then "xy" replaces it (a text field takes a
    // frame's characters before its keys, so they must not share the frame).
    Keys k;
    k.type("ab");
    k.latch.press(GLFW_KEY_A, GLFW_MOD_CONTROL);
    k.type("xy");
    k.latch.press(GLFW_KEY_BACKSPACE, 0);
    k.type("z");
    k.frame();
    EXPECT_EQ(k.typed, "ab");
    EXPECT_TRUE(k.down[GLFW_KEY_A] && k.down[GLFW_KEY_LEFT_CONTROL]);
    k.frame();
    EXPECT_EQ(k.typed, "xy");
    EXPECT_TRUE(k.down[GLFW_KEY_BACKSPACE]);
    EXPECT_FALSE(k.down[GLFW_KEY_A] || k.down[GLFW_KEY_LEFT_CONTROL]);
    k.frame();
    EXPECT_EQ(k.typed, "z");
    EXPECT_FALSE(k.down[GLFW_KEY_BACKSPACE]);
    EXPECT_FALSE(k.latch.busy());
}

TEST(KeyLatch, AKeyReallyDownIsLeftToTheBackend) {
    Keys k;
    // Held: the backend set it down and it stays down after the frame that held the tap.
    k.down[GLFW_KEY_ENTER] = true;
    k.physical.insert(GLFW_KEY_ENTER);
    k.latch.press(GLFW_KEY_ENTER, 0);
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_ENTER]);
    EXPECT_EQ(k.latch.pending(), 0u);
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_ENTER]);
    // A tap held by the latch whose key is pressed again and held stays down.
    k.down[GLFW_KEY_ENTER] = false;
    k.physical.clear();
    k.latch.press(GLFW_KEY_TAB, 0);
    k.frame();
    k.physical.insert(GLFW_KEY_TAB);
    k.frame();
    EXPECT_TRUE(k.down[GLFW_KEY_TAB]);
}

/// One ImGui text field holding "old text", fed as the window feeds ImGui: each frame() runs
/// KeyLatch::apply, then a frame (every event queued before it arrived between two frames, the
/// press and the release of each tap included).
struct LatchedField {
    testing::ImGuiHarness h{600, 200};
    char buf[64] = "old text";
    ImVec4 rect;
    KeyLatch latch;
    std::vector<unsigned int> chars;
    std::function<void()> ui = [this] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(600, 200));
        ImGui::Begin("w");
        ImGui::InputText("##f", buf, sizeof buf);
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        rect = ImVec4(a.x, a.y, b.x, b.y);
        ImGui::End();
    };
    LatchedField() { h.frame(ui); }
    void frame() {
        ImGuiIO& io = ImGui::GetIO();
        chars.clear();
        io.InputQueueCharacters.resize(0);
        latch.apply(
            io.KeysDown, IM_ARRAYSIZE(io.KeysDown), [](int) { return false; }, chars);
        for (unsigned int c : chars)
            io.AddInputCharacter(c);
        io.KeyCtrl = io.KeysDown[GLFW_KEY_LEFT_CONTROL];
        h.frame(ui);
    }
};

TEST(KeyLatch, ATappedCtrlAThenTextReplacesWhatAnImGuiFieldHolds) {
    LatchedField f;
    f.h.click(f.rect, f.ui);  // the field has the keyboard, the cursor in the text
    f.latch.press(GLFW_KEY_A, GLFW_MOD_CONTROL);
    for (char c : std::string("new"))
        f.latch.character(static_cast<unsigned char>(c));
    f.latch.press(GLFW_KEY_BACKSPACE, 0);
    f.latch.character('!');
    for (int i = 0; i < 5; ++i)
        f.frame();
    EXPECT_STREQ(f.buf, "ne!");
}

TEST(KeyLatch, ACtrlATapAfterTheActivatingClickSelectsAllInEitherFrame) {
    // On a slow frame the tap falls in the frame of the click that gives the field the
    // keyboard, else in the frame after; either way the text typed after it replaces the
    // field's.
    for (bool with_click : {true, false}) {
        SCOPED_TRACE(with_click);
        LatchedField f;
        const float x = f.rect.x + 20, y = (f.rect.y + f.rect.w) / 2;
        f.h.mouse(x, y, false);
        f.h.frame(f.ui);
        const auto ctrl_a_x = [&f] {
            f.latch.press(GLFW_KEY_A, GLFW_MOD_CONTROL);
            f.latch.character('x');
        };
        f.h.mouse(x, y, true);
        if (with_click) ctrl_a_x();
        f.frame();
        f.h.mouse(x, y, false);
        if (!with_click) ctrl_a_x();
        for (int i = 0; i < 4; ++i)
            f.frame();
        EXPECT_STREQ(f.buf, "x");
    }
}

}  // namespace
}  // namespace cbsim::gui
