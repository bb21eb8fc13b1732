// time_plot.hpp: a plot of simulated time series, drawn with ImDrawList (ImPlot is not packaged
// in Debian). The shape follows ImPlot's:
//
//   1. if (plot.begin("##calls", view, now_s, height, y_axis)) {   // axes and interaction
//   2.     plot.line("p99", columns, colour);                        // items, in drawing order
//          plot.stacked(...); plot.band(...); plot.threshold(...); plot.markers(...);
//   3.     plot.end();                                               // draws everything
//      }
//
// The plot never owns data: an item takes one ColumnAgg per pixel column (columns() of them,
// over view()), which the caller asks the Recorder for (Recorder::edge_columns, read from its
// pre-aggregated levels), so a frame costs O(pixels) whatever the run length. Items are
// collected during the frame and drawn by end(), once the y range of everything visible is
// known. Lines are split into draw calls of fewer than 32k vertices (ImDrawIdx is 16-bit).
//
// Interaction: mouse wheel zooms around the cursor, dragging pans, double-click returns to
// following live time (TimeView::double_click_hint says so in the read-out); a hover read-out shows
// every item's value under the cursor; clicking a legend entry hides or shows that item. The x view
// is a TimeView shared by all plots of a panel (so they stay aligned) and by the events log (which
// moves it to an event's time).
#pragma once

#include <imgui.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "widgets/plot_math.hpp"

namespace cbsim::gui {

/// The visible time range, shared by linked plots. UI-only state.
struct TimeView {
    bool follow_live = true;  ///< the view slides with simulated time
    double live_span = 60.0;  ///< seconds shown while following
    double min_span = 0.5;    ///< the narrowest span zooming reaches, seconds
    /// What a double-click does (it sets follow_live), shown in the hover read-out while not
    /// following: the live plots follow live time; a finished trace (the Replay view, whose
    /// live_span is the whole trace) fits it all again.
    const char* double_click_hint = "double-click: follow live";
    plot::Range range{0.0, 60.0};
    double hover_t = -1.0;     ///< time under the mouse in a linked plot last frame (-1 = none);
                               ///< every linked plot draws a cursor line there
    double hover_next = -1.0;  ///< collected during this frame; see new_frame()

    /// Call once per frame before the linked plots: last frame's hover becomes the cursor.
    void new_frame() {
        hover_t = hover_next;
        hover_next = -1.0;
    }

    /// Called once per frame before the plots: slides the range while following.
    void update(double now_s);
    /// Stops following and centres the view on `t` (events log: "show this moment").
    void show_at(double t);
};

/// A vertical marker: a breaker transition or an applied setting change.
struct PlotMarker {
    double t = 0.0;  ///< seconds
    ImU32 color = 0;
    std::string text;  ///< shown when hovered
};

class TimePlot {
  public:
    struct YAxis {
        bool include_zero = true;  ///< counts and rates read against zero
        bool fixed = false;        ///< use `range` instead of fitting the visible data
        plot::Range range{0.0, 1.0};
        const char* unit = "";  ///< appended to the hover read-out ("ms", "/s", ...)
        bool grid = true;       ///< horizontal grid lines and value labels
    };

    /// Starts a plot of the full available width and `height` pixels. `now_s` is the live
    /// end of the data. Returns false when the plot is clipped away (then do not call end()).
    bool begin(const char* id, TimeView& view, double now_s, float height, const YAxis& y);

    /// A polyline through each column's first, min, max and last values. Each item takes
    /// `columns` with columns() entries, the pixel columns of view() (extra entries are
    /// ignored, missing ones are empty).
    void line(const char* label, std::span<const ColumnAgg> columns, ImU32 color,
              float thickness = 1.5f);
    /// A step line: each column's last value held until the next column.
    void stairs(const char* label, std::span<const ColumnAgg> columns, ImU32 color,
                float thickness = 1.5f);
    /// Coloured stripes over the full plot height: a column takes colours[round(max value)],
    /// so with states recorded by severity (state_severity) the most severe moment of a column
    /// is never hidden by the reduction to pixels.
    void band(const char* label, std::span<const ColumnAgg> columns, std::span<const ImU32> colors,
              float alpha = 1.0f);
    /// Areas stacked bottom-up in the given order, each column as high as its mid().
    void stacked(std::span<const char* const> labels,
                 std::span<const std::span<const ColumnAgg>> series, std::span<const ImU32> colors);
    /// A horizontal dashed line at `y`.
    void threshold(const char* label, double y, ImU32 color);
    /// Vertical markers (transitions, setting changes); hover one for its text.
    void markers(std::span<const PlotMarker> markers);

    /// Pixel columns of the plot begun last (valid between begin() and end()).
    int columns() const { return columns_; }
    /// The visible time range in seconds (valid between begin() and end()).
    plot::Range view() const { return view_->range; }

    /// Fits the y axis, draws grid, items, legend and the hover read-out.
    void end();

    /// Vertices of the largest draw call the last end() issued for this plot (tests).
    std::size_t last_max_call_vertices() const { return max_call_vertices_; }

  private:
    enum class Kind { line, stairs, band, stacked_area, threshold };
    struct Item {
        Kind kind = Kind::line;
        std::string label;
        ImU32 color = 0;
        float thickness = 1.5f;
        float alpha = 1.0f;
        std::vector<ColumnAgg> cols;
        std::vector<ImU32> colors;
        double y = 0.0;  ///< threshold
        bool hidden = false;
    };

    Item& add_item(Kind kind, const char* label, ImU32 color);
    void copy_into(Item& item, std::span<const ColumnAgg> columns);
    void stack(std::size_t first_item, std::size_t count);
    void split_if_needed(ImDrawList* dl, int upcoming_vertices);
    void draw_grid(ImDrawList* dl);
    void draw_item(ImDrawList* dl, const Item& item);
    void draw_polyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 color, float thick);
    void draw_legend(ImDrawList* dl);
    void draw_hover();
    float x_px(double t) const;
    float y_px(double v) const;

    TimeView* view_ = nullptr;
    YAxis y_;
    ImVec2 p0_{}, p1_{};
    int columns_ = 0;
    ImGuiID id_ = 0;
    bool hovered_ = false;
    plot::Range y_range_{0.0, 1.0};
    std::vector<Item> items_;
    std::size_t used_ = 0;
    std::vector<PlotMarker> markers_;
    std::vector<ImVec2> pts_;
    int call_start_vtx_ = 0;
    std::size_t max_call_vertices_ = 0;
};

}  // namespace cbsim::gui
