// plot_math.hpp: the arithmetic of TimePlot, free of ImGui so unit tests cover it.
//
// [SECTION] Ranges and pixel mapping
// [SECTION] Ticks and labels
// [SECTION] Levels and per-pixel-column decimation
// [SECTION] View navigation (follow live, pan, zoom)
// [SECTION] Draw-call splitting
//
// A plot frame works in two phases (as Tracy's plots do): first the visible time range is
// reduced to one Column per pixel column (min, max, first, last, mean) from the coarsest
// pre-aggregated level that still has at least one bucket per pixel, then draw calls are issued
// from those columns. The first phase touches O(pixels) buckets whatever the run length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

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

/// A time label for seconds since the run started: "12.5s", "45s", "3:05", "1:02:03".
std::string format_time(double seconds, double step);

// [SECTION] Levels and per-pixel-column decimation -----------------------------------------

/// A series of fixed-width buckets: bucket i covers [t0 + i*width, t0 + (i+1)*width).
/// `value` is the bucket's representative value (its mean); `min`/`max`/`first`/`last`
/// hold the bucket's extremes and end points when the level is an aggregate of finer buckets;
/// left empty they default to `value`. NaN marks a bucket without data.
struct BucketSeries {
    double t0 = 0.0;     ///< seconds
    double width = 1.0;  ///< seconds, > 0
    std::span<const float> value;
    std::span<const float> min;
    std::span<const float> max;
    std::span<const float> first;
    std::span<const float> last;
};

/// One pixel column of a decimated series.
struct Column {
    float min = 0.0f;
    float max = 0.0f;
    float first = 0.0f;
    float last = 0.0f;
    double sum = 0.0;     ///< of the bucket values, for the mean
    std::uint32_t n = 0;  ///< buckets that fell into this column (0 = no data)
    bool empty() const { return n == 0; }
    float mean() const { return n ? static_cast<float>(sum / n) : 0.0f; }
};

/// Index of the level to draw from: the coarsest level whose bucket width is at most
/// `seconds_per_pixel` (so each column still gets at least one bucket), or the finest level
/// when every level is coarser than that. `widths` are the levels' bucket widths, finest
/// first. Returns 0 for an empty list.
std::size_t choose_level(std::span<const double> widths, double seconds_per_pixel);

/// Reduces the buckets of `series` that start inside `view` to `columns` pixel columns
/// (column c covers [view.lo + c*w, view.lo + (c+1)*w) with w = view.span()/columns).
/// Only the buckets inside the view are read. `out` is resized to `columns`.
void decimate(const BucketSeries& series, Range view, int columns, std::vector<Column>& out);

/// The lowest min and highest max over non-empty columns; false when all are empty.
bool column_extent(std::span<const Column> columns, double& lo, double& hi);

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
