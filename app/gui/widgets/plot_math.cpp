#include "widgets/plot_math.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cbsim::gui::plot {

double AxisMap::to_px(double v) const {
    const double span = values.span();
    if (span == 0.0) return px0;
    return px0 + (v - values.lo) / span * (px1 - px0);
}

double AxisMap::to_value(double px) const {
    const double span = px1 - px0;
    if (span == 0.0) return values.lo;
    return values.lo + (px - px0) / span * values.span();
}

Range auto_range(double lo, double hi, bool include_zero, double pad) {
    if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
        lo = 0.0;
        hi = 1.0;
    }
    if (include_zero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    if (hi - lo <= 0.0) {
        const double half = std::max(std::abs(hi) * 0.5, 0.5);
        lo -= half;
        hi += half;
        if (include_zero && lo < 0.0 && hi - half >= 0.0) {
            hi -= lo;
            lo = 0.0;
        }
    }
    const double p = (hi - lo) * pad;
    return {include_zero && lo >= 0.0 ? lo : lo - p, hi + p};
}

namespace {

double nice_step(double raw) {
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * mag >= raw * (1.0 - 1e-9)) return m * mag;
    }
    return 10.0 * mag;
}

Ticks ticks_with_step(Range range, double step) {
    Ticks t;
    t.step = step;
    const double first = std::ceil(range.lo / step - 1e-9) * step;
    for (double v = first; v <= range.hi + step * 1e-9; v += step) {
        t.values.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
        if (t.values.size() > 1000) break;
    }
    return t;
}

}  // namespace

Ticks nice_ticks(Range range, int max_ticks) {
    if (!(range.span() > 0.0) || max_ticks < 1) return {};
    const double raw = range.span() / std::max(1, max_ticks - 1);
    double step = nice_step(raw);
    Ticks t = ticks_with_step(range, step);
    while (static_cast<int>(t.values.size()) > max_ticks) {
        step = nice_step(step * 1.01);
        t = ticks_with_step(range, step);
    }
    return t;
}

Ticks time_ticks(Range seconds, int max_ticks) {
    if (!(seconds.span() > 0.0) || max_ticks < 1) return {};
    const double raw = seconds.span() / std::max(1, max_ticks - 1);
    if (raw < 1.0) return nice_ticks(seconds, max_ticks);
    static constexpr std::array<double, 18> kSteps = {
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    for (const double step : kSteps) {
        if (step < raw * (1.0 - 1e-9)) continue;
        Ticks t = ticks_with_step(seconds, step);
        if (static_cast<int>(t.values.size()) <= max_ticks) return t;
    }
    const double days = nice_step(raw / 86400.0) * 86400.0;
    return ticks_with_step(seconds, days);
}

std::string format_value(double v, double step) {
    char buf[64];
    if (std::abs(step) >= 1000.0 && std::abs(v) >= 1000.0) {
        const int decimals =
            std::clamp(-static_cast<int>(std::floor(std::log10(step / 1000.0))), 0, 3);
        std::snprintf(buf, sizeof buf, "%.*fk", decimals, v / 1000.0);
        return buf;
    }
    const int decimals =
        step > 0.0 ? std::clamp(-static_cast<int>(std::floor(std::log10(step) + 1e-9)), 0, 6) : 2;
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s == "-0" || s.rfind("-0.", 0) == 0) {
        if (std::strtod(s.c_str(), nullptr) == 0.0) s.erase(0, 1);
    }
    return s;
}

std::string format_time(double seconds, double step) {
    char buf[64];
    const bool negative = seconds < 0.0;
    double s = std::abs(seconds);
    if (s < 60.0 && step < 60.0) {
        const int decimals =
            step < 1.0 ? std::clamp(-static_cast<int>(std::floor(std::log10(step) + 1e-9)), 1, 6)
                       : 0;
        std::snprintf(buf, sizeof buf, "%s%.*fs", negative ? "-" : "", decimals, s);
        return buf;
    }
    // Sub-second steps keep their decimals after the seconds: "1:01.250".
    const int decimals =
        step < 1.0 ? std::clamp(-static_cast<int>(std::floor(std::log10(step) + 1e-9)), 1, 6) : 0;
    const double scale = std::pow(10.0, decimals);
    const auto units = static_cast<long long>(std::llround(s * scale));
    const auto unit = static_cast<long long>(scale);
    const long long total = units / unit, frac = units % unit;
    const long long h = total / 3600, m = (total / 60) % 60, sec = total % 60;
    char tail[32] = "";
    if (decimals > 0) {
        // Six digits, then cut to `decimals` (a fixed width keeps the formatted size obvious).
        long long six = frac;
        for (int i = decimals; i < 6; ++i)
            six *= 10;
        std::snprintf(tail, sizeof tail, ".%06lld", six);
        tail[decimals + 1] = '\0';
    }
    if (h >= 24) {
        // Days: "2d" for whole days on a step of a day or more, else "1d 02:03:04".
        const long long d = h / 24, hh = h % 24;
        if (step >= 86400.0 && hh == 0 && m == 0 && sec == 0 && frac == 0) {
            std::snprintf(buf, sizeof buf, "%s%lldd", negative ? "-" : "", d);
        } else {
            std::snprintf(buf, sizeof buf, "%s%lldd %02lld:%02lld:%02lld%s", negative ? "-" : "", d,
                          hh, m, sec, tail);
        }
    } else if (h > 0) {
        std::snprintf(buf, sizeof buf, "%s%lld:%02lld:%02lld%s", negative ? "-" : "", h, m, sec,
                      tail);
    } else {
        std::snprintf(buf, sizeof buf, "%s%lld:%02lld%s", negative ? "-" : "", m, sec, tail);
    }
    return buf;
}

bool column_extent(std::span<const ColumnAgg> columns, double& lo, double& hi) {
    bool any = false;
    for (const ColumnAgg& c : columns) {
        if (c.empty()) continue;
        if (!any) {
            lo = c.min;
            hi = c.max;
            any = true;
        } else {
            lo = std::min(lo, c.min);
            hi = std::max(hi, c.max);
        }
    }
    return any;
}

int column_at(double px, double px0, double width, int columns) {
    if (columns <= 0 || !(width > 0.0) || px < px0 || px >= px0 + width) return -1;
    return std::clamp(static_cast<int>((px - px0) / width * columns), 0, columns - 1);
}

Range follow_live(double now, double span) {
    if (now <= span) return {0.0, span};
    return {now - span, now};
}

Range zoom(Range view, double anchor, double factor, double min_span) {
    const double span = std::max(view.span() * factor, min_span);
    const double frac = view.span() > 0.0 ? (anchor - view.lo) / view.span() : 0.5;
    const double lo = anchor - frac * span;
    return {lo, lo + span};
}

Range pan(Range view, double delta) {
    return {view.lo + delta, view.hi + delta};
}

Range clamp_view(Range view, Range data) {
    const double span = std::min(view.span(), std::max(data.span(), 0.0));
    double lo = view.lo;
    if (lo + span > data.hi) lo = data.hi - span;
    if (lo < data.lo) lo = data.lo;
    return {lo, lo + span};
}

Range centre_on(double t, double span) {
    return {t - span / 2.0, t + span / 2.0};
}

std::vector<std::pair<std::size_t, std::size_t>> split_runs(std::size_t points,
                                                            std::size_t max_points) {
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    if (points == 0) return runs;
    max_points = std::max<std::size_t>(max_points, 2);
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = std::min(points, begin + max_points);
        runs.emplace_back(begin, end);
        if (end >= points) break;
        begin = end - 1;  // share the end point so the pieces join
    }
    return runs;
}

std::size_t max_points_for(std::size_t max_vertices, std::size_t vertices_per_point) {
    if (vertices_per_point == 0) return max_vertices;
    return std::max<std::size_t>(max_vertices / vertices_per_point, 2);
}

}  // namespace cbsim::gui::plot
