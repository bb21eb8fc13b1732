// tile_layout.hpp: the app's tiled layout: three columns of panels, every border draggable.
//
// The left and right columns have a width (a share of the window's width), the centre column
// takes the rest; in each column the open panels stack top to bottom, each with a weight
// (its share of the column's height among the open ones). Panels sit `gap` pixels apart; a
// splitter lies in each gap between two columns and between two panels of a column, and a
// drag of it moves that border (never making a panel smaller than the minimum). A column whose
// panels are all closed takes no width. Pure geometry, no ImGui: the App draws and drags, the
// tests check the arithmetic. The layout (widths and weights) is saved in ui.ini.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace cbsim::gui {

struct TileRect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float w() const { return x1 - x0; }
    float h() const { return y1 - y0; }
    bool contains(float x, float y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
    bool operator==(const TileRect&) const = default;
};

/// What the user chose: the side columns' widths and each panel's height weight.
struct TileSizes {
    float left = 0.0f;   ///< left column width, share of the width; 0 = the default
    float right = 0.0f;  ///< right column width, share of the width; 0 = the default
    std::map<std::string, float> weights;  ///< panel key -> height weight; missing = default
    bool operator==(const TileSizes&) const = default;
};

inline constexpr float kDefaultLeftWidth = 0.26f;
inline constexpr float kDefaultRightWidth = 0.30f;
/// The range a saved width may take (a share of the window's width).
inline constexpr float kMinColumnShare = 0.08f, kMaxColumnShare = 0.6f;
/// The range a saved height weight may take (weights are relative within a column).
inline constexpr float kMinWeight = 0.001f, kMaxWeight = 1000.0f;

/// One panel as the layout sees it.
struct TileItem {
    std::string key;
    int column = 0;  ///< 0 left, 1 centre, 2 right
    int row = 0;     ///< top to bottom within the column
    float default_weight = 1.0f;
    bool open = true;
};

struct Splitter {
    enum class Kind { left_column, right_column, row };
    Kind kind = Kind::row;
    std::size_t above = 0, below = 0;  ///< Kind::row: the items on either side
    TileRect hit;                      ///< the gap (plus a margin) that takes the mouse
};

struct Tiling {
    std::vector<TileRect> rects;  ///< per item (zero-sized for a closed one)
    std::vector<Splitter> splitters;
    std::array<TileRect, 3> columns{};  ///< each column's area (zero width when empty)
};

struct TileLimits {
    float gap = 4.0f;      ///< pixels between panels
    float min_w = 160.0f;  ///< narrowest column
    float min_h = 60.0f;   ///< lowest panel
};

/// Lays `items` out in `area`.
Tiling tile(const TileRect& area, const std::vector<TileItem>& items, const TileSizes& sizes,
            const TileLimits& limits);

/// Moves the border of `splitter` by `delta` pixels (x for columns, y for rows) from where it
/// was in `from` (the tiling when the drag began), within the limits; returns the new sizes.
TileSizes drag_splitter(const TileRect& area, const std::vector<TileItem>& items,
                        const TileSizes& from_sizes, const Tiling& from, const Splitter& splitter,
                        float delta, const TileLimits& limits);

}  // namespace cbsim::gui
