// theme.hpp: the look of cbsim: a dark style, the state and outcome colours, DejaVu fonts.
//
// Colours carry meaning everywhere (plots, the state diagram, the events log): closed is green,
// open red, half-open amber. Sizes and fonts scale with the monitor's content scale (HiDPI).
#pragma once

#include <imgui.h>

#include <string>

#include <cbsim/breaker.hpp>

namespace cbsim::gui::theme {

// State colours.
inline constexpr ImU32 kClosed = IM_COL32(72, 187, 96, 255);
inline constexpr ImU32 kOpen = IM_COL32(226, 74, 64, 255);
inline constexpr ImU32 kHalfOpen = IM_COL32(240, 176, 48, 255);
inline constexpr ImU32 kOtherState = IM_COL32(140, 140, 160, 255);  ///< forced/disabled modes

// Outcome colours (stacked calls plot, events log).
inline constexpr ImU32 kSuccess = IM_COL32(72, 160, 220, 255);
inline constexpr ImU32 kFailure = IM_COL32(226, 74, 64, 255);
inline constexpr ImU32 kTimeout = IM_COL32(200, 110, 220, 255);
inline constexpr ImU32 kRejected = IM_COL32(240, 176, 48, 255);
inline constexpr ImU32 kChange = IM_COL32(150, 190, 255, 255);  ///< applied setting changes
inline constexpr ImU32 kMuted = IM_COL32(150, 155, 165, 255);

/// The colour of a breaker state.
ImU32 state_color(State state);
/// The colour of compare variant `i` (8 distinct hues, none a breaker state's).
ImU32 variant_color(std::size_t i);
ImVec4 variant_color_vec(std::size_t i);
/// The same colour as an ImVec4, for text.
ImVec4 state_color_vec(State state);
/// "closed", "open", "half-open", ... (words for people, not the file form).
const char* state_label(State state);

/// Applies the dark style with every size multiplied by `scale`.
void apply(float scale);

/// Loads DejaVu Sans (UI) and DejaVu Sans Mono (numbers, logs) from `font_dir` at a size
/// scaled by `scale`. On failure keeps ImGui's built-in font, fills `error` and returns false.
bool load_fonts(const std::string& font_dir, float scale, std::string& error);

/// The monospace font (the default font if DejaVu Sans Mono was not found).
ImFont* mono_font();

}  // namespace cbsim::gui::theme
