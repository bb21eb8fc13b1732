#include "key_latch.hpp"

#include <GLFW/glfw3.h>  // key and modifier codes only

#include <algorithm>
#include <array>
#include <utility>

namespace cbsim::gui {

namespace {

// Each modifier bit and the key that stands for it when a tap is held.
constexpr std::array<std::pair<int, int>, 4> kModifierKeys{{
    {GLFW_MOD_CONTROL, GLFW_KEY_LEFT_CONTROL},
    {GLFW_MOD_SHIFT, GLFW_KEY_LEFT_SHIFT},
    {GLFW_MOD_ALT, GLFW_KEY_LEFT_ALT},
    {GLFW_MOD_SUPER, GLFW_KEY_LEFT_SUPER},
}};

constexpr int kModifierMask = GLFW_MOD_CONTROL | GLFW_MOD_SHIFT | GLFW_MOD_ALT | GLFW_MOD_SUPER;
// Modifiers that make any key a command (Shift only makes text).
constexpr int kCommandMask = GLFW_MOD_CONTROL | GLFW_MOD_ALT | GLFW_MOD_SUPER;
// Pending events at most: the bound only matters if frames stop while keys keep coming.
constexpr std::size_t kMaxPending = 1024;

bool is_modifier_key(int key) {
    return key == GLFW_KEY_LEFT_CONTROL || key == GLFW_KEY_RIGHT_CONTROL ||
           key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT || key == GLFW_KEY_LEFT_ALT ||
           key == GLFW_KEY_RIGHT_ALT || key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
}

}  // namespace

void KeyLatch::press(int key, int mods) {
    // GLFW's text keys (Space to World 2) type characters unless a command modifier is held;
    // the keys from Escape up act as keys. A modifier's own press comes with the keys it
    // modifies.
    const bool acts = key >= GLFW_KEY_ESCAPE || (mods & kCommandMask) != 0;
    if (key < 0 || !acts || is_modifier_key(key) || pending_.size() >= kMaxPending) return;
    pending_.push_back(Event{key, mods & kModifierMask, 0});
}

void KeyLatch::character(unsigned int c) {
    if (pending_.size() < kMaxPending) pending_.push_back(Event{-1, 0, c});
}

void KeyLatch::apply(bool* keys_down, int n, const std::function<bool(int)>& is_down,
                     std::vector<unsigned int>& chars) {
    // A key released here stays up for this frame: ImGui needs a frame up between two presses.
    std::vector<int> released;
    for (int key : held_) {
        if (key < n && !is_down(key)) {
            keys_down[key] = false;
            released.push_back(key);
        }
    }
    held_.clear();
    std::size_t used = 0;
    int frame_mods = -1;  // the modifiers of this frame's taps; -1 before the first
    for (; used < pending_.size(); ++used) {
        const Event& e = pending_[used];
        if (e.key < 0) {
            if (frame_mods >= 0) break;  // typed after a tap: the next frame
            chars.push_back(e.text);
            continue;
        }
        if (e.key >= n) continue;
        const auto seen = [&e](const std::vector<int>& keys) {
            return std::find(keys.begin(), keys.end(), e.key) != keys.end();
        };
        if (seen(held_) || seen(released)) break;  // the next frame
        if (frame_mods >= 0 && e.mods != frame_mods) break;
        frame_mods = e.mods;
        // A key still really down is ImGui's press anyway; its modifiers may be up already
        // (`xdotool key ctrl+a` releases Ctrl before A), so they are held all the same.
        if (!keys_down[e.key]) {
            keys_down[e.key] = true;
            held_.push_back(e.key);
        }
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
    if (frame_mods <= 0) return;
    for (const auto& [bit, key] : kModifierKeys) {
        if ((frame_mods & bit) != 0 && key < n && !keys_down[key]) {
            keys_down[key] = true;
            held_.push_back(key);
        }
    }
}

}  // namespace cbsim::gui
