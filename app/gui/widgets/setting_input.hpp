// setting_input.hpp: one scenario parameter as a widget: a slider with a typed entry beside it
// (numbers), a checkbox (booleans) or a combo (choices), with the range and a tooltip.
//
// Values come from the Snapshot's live scenario and go out as SetSetting commands, only when
// the user changed them. A slider drag is one gesture: each value it takes is a step
// (SetSetting::step) and the mouse-up ends it (EndGesture), so the run records one change for
// the whole drag while applying every value live. While the user drags, the widget shows its own
// value; after a change it keeps showing what was sent until the worker's snapshot has caught up,
// so the widget never jumps back for a frame. A typed value outside the range is clamped, with a
// hint saying so.
#pragma once

#include <imgui.h>

#include <map>
#include <string>

#include <cbsim/scenario.hpp>

#include "commands.hpp"

namespace cbsim::gui {

class SettingInputs {
  public:
    /// Draws the widget of `path` with `label` in front (label column `label_width` wide).
    /// Returns true when a command was sent. `spec` is the path's SettingSpec.
    bool draw(const SettingSpec& spec, const char* label, const Scenario& live, CommandSink& sink,
              float label_width);

    /// Forgets pending values (a new run started).
    void clear() {
        pending_.clear();
        hints_.clear();
    }

    /// The value shown for a numeric path: pending if any, else the live one.
    double shown_value(const SettingSpec& spec, const Scenario& live) const;

    /// Screen rectangle of the last slider drawn (for test reports of widget positions).
    ImVec4 last_slider_rect() const {
        return {last_slider_min_.x, last_slider_min_.y, last_slider_max_.x, last_slider_max_.y};
    }

  private:
    struct Pending {
        SettingValue value;
        int frames_left = 0;  ///< give up waiting for the snapshot after this many frames
    };
    /// `step`: one value of a slider drag (SetSetting::step); the drag ends with EndGesture.
    void send(const std::string& path, SettingValue value, CommandSink& sink, bool step = false);

    std::map<std::string, Pending> pending_;
    std::map<std::string, std::string> hints_;  ///< path -> "clamped to [0, 1]"
    std::string dragging_;  ///< the slider a drag sent steps from, until its mouse-up
    ImVec2 last_slider_min_{0, 0};
    ImVec2 last_slider_max_{0, 0};
};

/// Clamps a typed value into the spec's range (integers rounded). Sets `clamped` when it moved.
double clamp_to_spec(const SettingSpec& spec, double value, bool& clamped);

/// The range as text: "[0, 1]", "[1, 1000]".
std::string range_text(const SettingSpec& spec);

}  // namespace cbsim::gui
