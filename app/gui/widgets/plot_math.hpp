// plot_math.hpp: the arithmetic of TimePlot, free of ImGui so unit tests cover it.
//
// [SECTION] Ranges and pixel mapping
// [SECTION] Ticks and labels
// [SECTION] Pixel columns
// [SECTION] View navigation (follow live, pan, zoom)
// [SECTION] Draw-call splitting
//
// A plot frame works in two phases (as Tracy's plots do): first the visible time range is
// reduced to one ColumnAgg per pixel column (min, max, first, last of the rows it covers) by
// Recorder::edge_columns / service_columns, which read the coarsest of the recorder's
// pre-aggregated levels finer than a column, then draw calls are issued from those columns.
// The first phase costs O(pixels) whatever the run length. ColumnAgg is the one column type
// from the recorder to the screen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cbsim/recorder.hpp"

namespace cbsim::gui::plot {

// [SECTION] Ranges and pixel mapping -------------------------------------------------------

/// A closed interval of values (seconds on the time axis, data units on the y axis).
struct Range {
    double lo = 0.0;
    double hi = 1.0;
    double span() const { return hi - lo; }
    bool contains(double v) const { return v >= lo && v <= hi; }
    bool operator==(const Range&) const = default;
};

/// Linear map from a value range onto a pixel range. The pixel range may run backwards (the
/// y axis: larger values are higher up, at smaller pixel coordinates).
struct AxisMap {
    Range values;
    double px0 = 0.0;  ///< pixel of values.lo
    double px1 = 1.0;  ///< pixel of values.hi

    double to_px(double v) const;
    double to_value(double px) const;
};

/// The y range that shows [lo, hi] with `pad` (a fraction of the span) above and below;
/// `include_zero` extends it to 0 (counts and rates read against zero). A flat or empty range
/// becomes a unit-high one around its value, so nothing divides by zero.
Range auto_range(double lo, double hi, bool include_zero, double pad);

// [SECTION] Ticks and labels -----------------------------------------------------------------

struct Ticks {
    std::vector<double> values;  ///< tick positions inside the range, ascending
    double step = 1.0;           ///< distance between ticks: 1, 2 or 5 times a power of ten
};

/// At most `max_ticks` "nice" ticks (steps of 1, 2 or 5 x 10^k) inside `range`.
Ticks nice_ticks(Range range, int max_ticks);

/// Like nice_ticks but for seconds: steps snap to 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min,
/// 1, 2, 3, 6, 12, 24 h below a minute and above, and to 1-2-5 fractions below a second.
Ticks time_ticks(Range seconds, int max_ticks);

/// A value label with as many decimals as `step` needs ("0.25", "1200", "1.5k" for large).
std::string format_value(double v, double step);

/// A time label for seconds since the run started: "12.5s", "45s", "3:05", "1:02:03",
/// "1d 02:03:04", and "2d" for whole days when `step` is a day or more.
std::string format_time(double seconds, double step);

// [SECTION] Pixel columns ---------------------------------------------------------------------

/// The lowest min and highest max over non-empty columns; false when all are empty.
bool column_extent(std::span<const ColumnAgg> columns, double& lo, double& hi);

/// The column under pixel `px` of a plot spanning [px0, px0 + width) with `columns` columns;
/// -1 outside.
int column_at(double px, double px0, double width, int columns);

// [SECTION] View navigation (follow live, pan, zoom) ---------------------------------------

/// The window of length `span` ending at `now` (never starting before 0).
Range follow_live(double now, double span);

/// Zooms `view` by `factor` (< 1 zooms in) keeping `anchor` at the same screen position;
/// the span never gets below `min_span`.
Range zoom(Range view, double anchor, double factor, double min_span);

/// Moves `view` by `delta` seconds.
Range pan(Range view, double delta);

/// Keeps `view` inside `data` (shifting it, and shrinking it if it is wider than `data`
/// allows); a view narrower than `data` keeps its span.
Range clamp_view(Range view, Range data);

/// A view of `span` centred on `t` (for "move the plots to this event").
Range centre_on(double t, double span);

// [SECTION] Draw-call splitting ----------------------------------------------------------------

/// Splits a polyline of `points` points into runs of at most `max_points` points that share
/// their end points, so the pieces join seamlessly: [0, k), [k-1, 2k-1), ... Each run becomes
/// one draw call, which keeps every draw call under the 16-bit index budget.
std::vector<std::pair<std::size_t, std::size_t>> split_runs(std::size_t points,
                                                            std::size_t max_points);

/// The most points a polyline run may have so that it stays under `max_vertices` when each
/// point costs `vertices_per_point` vertices.
std::size_t max_points_for(std::size_t max_vertices, std::size_t vertices_per_point);

}  // namespace cbsim::gui::plot
