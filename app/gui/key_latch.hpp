// key_latch.hpp: quick key taps, and typed text in order with them, for ImGui's own widgets.
//
// ImGui 1.86 reads the keyboard as state, once a frame (io.KeysDown, filled by the GLFW
// backend's key callback). A key pressed and released between two frames is never seen down,
// so a text field loses a quick Backspace, Enter, an arrow or Ctrl+A when a frame is slow (or
// when `xdotool key ctrl+a` taps it). The app's own shortcuts read Window::take_key_presses()
// and are safe; KeyLatch gives the widgets the same: a key tapped since the last frame is held
// down for the next frame, with the modifiers it was pressed with, then released (unless it is
// really down by then).
//
// Only keys that act as keys are held: those off the text keys (Enter, Backspace, arrows, ...)
// and any key with Ctrl, Alt or Super. Typed text arrives as characters, all of a frame at once,
// and a text field takes a frame's characters before its keys; so the characters pass through
// KeyLatch too and keep their order with the taps: a frame gives the characters typed before
// its first tap, then the taps, and what was typed after them waits for the next frame. Taps
// are spread over frames in order: a key is down for one frame and up for the next before its
// next tap (ImGui counts a press when a key goes down), and the taps of one frame share their
// modifiers (so Ctrl+A then Delete never becomes Ctrl+Delete).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace cbsim::gui {

class KeyLatch {
  public:
    /// A key press as GLFW delivered it (GLFW_KEY_*, GLFW_MOD_* bits).
    void press(int key, int mods);
    /// A typed character (Unicode code point) as GLFW delivered it.
    void character(unsigned int c);

    /// Before ImGui::NewFrame: releases the keys held for the frame before (those not really
    /// down, as `is_down` tells), then holds this frame's taps in `keys_down` (io.KeysDown, of
    /// `n` entries) and appends this frame's characters to `chars` (for io.AddInputCharacter,
    /// the input queue cleared first). A tapped key still down in `keys_down` is left to the
    /// backend, its modifiers held if they are up. The caller updates io.KeyCtrl and the other
    /// modifiers from `keys_down`.
    void apply(bool* keys_down, int n, const std::function<bool(int)>& is_down,
               std::vector<unsigned int>& chars);

    /// Taps and characters not yet given to a frame.
    std::size_t pending() const { return pending_.size(); }
    /// Whether the next frames have keys to hold or release (the window must not sleep).
    bool busy() const { return !pending_.empty() || !held_.empty(); }

  private:
    struct Event {
        int key;            ///< -1: a character
        int mods;           ///< a tap's modifiers
        unsigned int text;  ///< a character's code point
    };
    std::vector<Event> pending_;
    std::vector<int> held_;  ///< keys this object set down for the current frame
};

}  // namespace cbsim::gui
