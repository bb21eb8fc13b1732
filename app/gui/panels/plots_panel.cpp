#include "panels/plots_panel.hpp"

#include <algorithm>
#include <cmath>

#include "cbsim/edge_name.hpp"
#include "theme.hpp"

namespace cbsim::gui {
namespace {

constexpr std::array<double, 8> kSpans = {10, 30, 60, 300, 900, 3600, 21600, 86400};
constexpr std::array<const char*, 8> kSpanNames = {"10 s",   "30 s", "1 min", "5 min",
                                                   "15 min", "1 h",  "6 h",   "24 h"};

std::optional<State> state_from_name(const std::string& name) {
    for (std::size_t i = 0; i < kStates; ++i) {
        const auto s = static_cast<State>(i);
        if (name == to_string(s)) return s;
    }
    return std::nullopt;
}

}  // namespace

PlotsPanel::PlotsPanel(ViewState& view, const EventCache& events)
    : Panel(PanelId::plots), state_(view), view_(view.time), events_(events), buffers_(13) {}

std::span<const ColumnAgg> PlotsPanel::fetch(const Recorder& rec, std::size_t edge, EdgeColumn col,
                                             std::size_t slot, double scale) {
    auto& out = buffers_[slot];
    out =
        rec.edge_columns(edge, col, static_cast<SimTime>(range_.lo * 1e6),
                         static_cast<SimTime>(range_.hi * 1e6), static_cast<std::size_t>(columns_));
    if (scale != 1.0) {
        for (ColumnAgg& c : out) {
            c.min *= scale;
            c.max *= scale;
            c.first *= scale;
            c.last *= scale;
        }
    }
    return out;
}

std::span<const ColumnAgg> PlotsPanel::fetch_service(const Recorder& rec, std::size_t service,
                                                     ServiceColumn col, std::size_t slot) {
    auto& out = buffers_[slot];
    out = rec.service_columns(service, col, static_cast<SimTime>(range_.lo * 1e6),
                              static_cast<SimTime>(range_.hi * 1e6),
                              static_cast<std::size_t>(columns_));
    return out;
}

void PlotsPanel::collect_markers() {
    markers_.clear();
    const auto& ev = events_.events();
    const auto t0 = static_cast<SimTime>(range_.lo * 1e6),
               t1 = static_cast<SimTime>(range_.hi * 1e6);
    auto it = std::lower_bound(ev.begin(), ev.end(), t0,
                               [](const EventRecord& e, SimTime t) { return shown_at(e) < t; });
    for (; it != ev.end() && shown_at(*it) <= t1 && markers_.size() < 400; ++it) {
        PlotMarker m;
        m.t = to_s(shown_at(*it));  // a drag at its mouse-down, before what it caused
        if (it->kind == EventRecord::Kind::change) {
            m.color = theme::kChange;
            m.text = it->edge + " " + change_text(*it);
            if (!it->reason.empty()) m.text += "\n" + it->reason;
        } else {
            if (it->edge != state_.edge) continue;
            const auto to = state_from_name(it->to);
            m.color = to ? theme::state_color(*to) : theme::kMuted;
            m.text = it->edge + ": " + it->from + " -> " + it->to + "\n" + it->reason;
        }
        markers_.push_back(std::move(m));
    }
}

void PlotsPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    (void)sink;
    const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
    window_rect_ = ImVec4(wp.x, wp.y, wp.x + ws.x, wp.y + ws.y);
    if (!snap.recorder) {
        ImGui::TextDisabled("No run.");
        return;
    }
    const Recorder& rec = *snap.recorder;
    std::size_t ei = rec.edge_index(state_.edge);
    if (ei == Recorder::npos) ei = rec.edge_names().size() > 1 ? 1 : 0;
    if (ei >= rec.edge_names().size()) return;
    const std::string& edge = rec.edge_names()[ei];
    const std::optional<EdgeName> name = EdgeName::parse(edge);
    const std::string target = name ? name->target : std::string();
    const std::size_t si = rec.service_index(target);

    // Header: edge, follow live, span.
    ImGui::Text("edge %s", edge.c_str());
    ImGui::SameLine();
    if (ImGui::Checkbox("follow live", &view_.follow_live) && view_.follow_live) {
        view_.update(snap.now_s());
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Slide with simulated time. Wheel zooms, drag pans, double-click "
            "returns to live.");
    }
    ImGui::SameLine();
    int span_index = 0;
    for (std::size_t i = 0; i < kSpans.size(); ++i) {
        if (view_.live_span >= kSpans[i]) span_index = static_cast<int>(i);
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
    if (ImGui::Combo("span", &span_index, kSpanNames.data(), static_cast<int>(kSpanNames.size()))) {
        view_.live_span = kSpans[static_cast<std::size_t>(span_index)];
        if (view_.follow_live) {
            view_.update(snap.now_s());
        } else {
            view_.range = plot::centre_on((view_.range.lo + view_.range.hi) / 2, view_.live_span);
        }
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Seconds of history shown while following");
    ImGui::SameLine();
    ImGui::TextDisabled("%s .. %s", plot::format_time(view_.range.lo, 1).c_str(),
                        plot::format_time(view_.range.hi, 1).c_str());

    range_ = view_.range;
    collect_markers();
    const double per_s = 1.0 / std::max(to_s(rec.resolution()), 1e-6);
    const float fs = ImGui::GetFontSize();
    const float avail = ImGui::GetContentRegionAvail().y;
    const float band_h = fs * 1.6f;
    const float title_h = ImGui::GetTextLineHeightWithSpacing();
    const std::vector<VariantView>& variants = snap.variants;
    const bool comparing = snap.comparing();
    // In compare mode one thinner band per variant.
    const float variant_band_h = fs * 1.1f;
    const float bands_h = comparing ? static_cast<float>(variants.size()) *
                                          (variant_band_h + ImGui::GetStyle().ItemSpacing.y)
                                    : band_h;
    const float plot_h = std::max(
        (avail - bands_h - 6 * title_h - 6 * ImGui::GetStyle().ItemSpacing.y) / 5.0f, fs * 3.0f);
    const double now_s = snap.now_s();
    view_.new_frame();
    // The same edge in every variant's recorder (the variants share their topology).
    auto variant_edge = [&](std::size_t v) {
        const Recorder* r = variants[v].recorder.get();
        return r ? r->edge_index(edge) : Recorder::npos;
    };

    // 1. State band (per variant in compare mode).
    std::array<ImU32, kStates> state_colors{};
    for (std::size_t i = 0; i < kStates; ++i) {
        const auto s = static_cast<State>(i);
        state_colors[static_cast<std::size_t>(state_severity(s))] = theme::state_color(s);
    }
    TimePlot::YAxis fixed{false, true, {0.0, 1.0}, "", false};
    if (!comparing) {
        ImGui::TextUnformatted("breaker state");
        if (plots_[0].begin("##state", view_, now_s, band_h, fixed)) {
            columns_ = plots_[0].columns();
            // The state column records each state's severity: a pixel column's maximum is the
            // most severe moment it covers, so an open moment is never hidden by the reduction.
            plots_[0].band("##state", fetch(rec, ei, EdgeColumn::state, 0, 1.0), state_colors,
                           0.9f);
            plots_[0].markers(markers_);
            plots_[0].end();
        }
    } else {
        ImGui::TextUnformatted("breaker state per variant");
        for (std::size_t v = 0; v < variants.size() && v < variant_bands_.size(); ++v) {
            const std::size_t vei = variant_edge(v);
            if (vei == Recorder::npos) continue;
            const std::string id = "##state_" + variants[v].name;
            TimePlot& band = variant_bands_[v];
            if (band.begin(id.c_str(), view_, now_s, variant_band_h, fixed)) {
                columns_ = band.columns();
                band.band(("##" + variants[v].name).c_str(),
                          fetch(*variants[v].recorder, vei, EdgeColumn::state, 12, 1.0),
                          state_colors, 0.9f);
                band.end();
                // The variant's name over the left end of its band, in its colour.
                const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
                report_rect("state_band:" + variants[v].name, ImVec4(lo.x, lo.y, hi.x, hi.y));
                ImGui::GetWindowDrawList()->AddText(ImVec2(lo.x + fs * 0.3f, lo.y + fs * 0.05f),
                                                    theme::variant_color(v),
                                                    variants[v].name.c_str());
            }
        }
    }
    columns_ = std::max(columns_, 1);
    // One line per variant (compare mode) of an edge column, in the variants' colours.
    auto variant_lines = [&](TimePlot& plot, EdgeColumn col, double scale, const char* prefix) {
        for (std::size_t v = 0; v < variants.size(); ++v) {
            const std::size_t vei = variant_edge(v);
            if (vei == Recorder::npos) continue;
            const std::string label = prefix + variants[v].name;
            plot.line(label.c_str(), fetch(*variants[v].recorder, vei, col, 12, scale),
                      theme::variant_color(v), v == snap.selected ? 2.2f : 1.5f);
        }
    };

    // 2. Calls stacked by outcome.
    if (comparing) {
        ImGui::Text("calls /s by outcome (%s)", variants[snap.selected].name.c_str());
    } else {
        ImGui::TextUnformatted("calls /s by outcome");
    }
    TimePlot::YAxis counts{true, false, {0, 1}, "/s"};
    if (plots_[1].begin("##calls", view_, now_s, plot_h, counts)) {
        columns_ = plots_[1].columns();
        auto succ = fetch(rec, ei, EdgeColumn::successes, 3, per_s);
        auto fail = fetch(rec, ei, EdgeColumn::failures, 4, per_s);
        auto tmo = fetch(rec, ei, EdgeColumn::timeouts, 5, per_s);
        auto rej = fetch(rec, ei, EdgeColumn::rejected, 6, per_s);
        // failures include timeouts: plot errors = failures - timeouts (the stack draws each
        // column's mid()).
        auto& errors = buffers_[7];
        errors.assign(fail.begin(), fail.end());
        for (std::size_t i = 0; i < errors.size() && i < tmo.size(); ++i) {
            if (errors[i].empty()) continue;
            const double v = std::max(errors[i].mid() - tmo[i].mid(), 0.0);
            errors[i].min = errors[i].max = errors[i].first = errors[i].last = v;
        }
        static constexpr std::array<const char*, 4> labels = {"success", "error", "timeout",
                                                              "rejected"};
        static constexpr std::array<ImU32, 4> colors = {theme::kSuccess, theme::kFailure,
                                                        theme::kTimeout, theme::kRejected};
        const std::array<std::span<const ColumnAgg>, 4> series = {
            succ, std::span<const ColumnAgg>(errors), tmo, rej};
        plots_[1].stacked(labels, series, colors);
        plots_[1].markers(markers_);
        plots_[1].end();
    }

    // 3. Rejected calls.
    ImGui::TextUnformatted("rejected calls /s (the breaker failing fast)");
    if (plots_[2].begin("##rejected", view_, now_s, plot_h, counts)) {
        columns_ = plots_[2].columns();
        if (comparing) {
            variant_lines(plots_[2], EdgeColumn::rejected, per_s, "");
        } else {
            plots_[2].line("rejected", fetch(rec, ei, EdgeColumn::rejected, 8, per_s),
                           theme::kRejected);
        }
        plots_[2].markers(markers_);
        plots_[2].end();
    }

    // 4. Failure rate with the trip threshold.
    ImGui::TextUnformatted("failure rate");
    TimePlot::YAxis rate{true, true, {0.0, 1.05}, ""};
    if (plots_[3].begin("##rate", view_, now_s, plot_h, rate)) {
        columns_ = plots_[3].columns();
        if (comparing) {
            variant_lines(plots_[3], EdgeColumn::failure_rate, 1.0, "");
        } else {
            plots_[3].line("failure rate", fetch(rec, ei, EdgeColumn::failure_rate, 9, 1.0),
                           theme::kFailure);
        }
        if (ei < snap.edges.size() && snap.edges[ei].has_breaker &&
            snap.edges[ei].window.failure_threshold <= 1.0) {
            plots_[3].threshold("trip threshold", snap.edges[ei].window.failure_threshold,
                                IM_COL32(240, 240, 240, 200));
        }
        plots_[3].markers(markers_);
        plots_[3].end();
    }

    // 5. Latency.
    ImGui::TextUnformatted(comparing ? "latency p99 ms" : "latency ms");
    TimePlot::YAxis ms{true, false, {0, 1}, " ms"};
    if (plots_[4].begin("##latency", view_, now_s, plot_h, ms)) {
        columns_ = plots_[4].columns();
        if (comparing) {
            variant_lines(plots_[4], EdgeColumn::latency_p99_ms, 1.0, "p99 ");
        } else {
            plots_[4].line("p50", fetch(rec, ei, EdgeColumn::latency_p50_ms, 10, 1.0),
                           IM_COL32(120, 200, 255, 255));
            plots_[4].line("p99", fetch(rec, ei, EdgeColumn::latency_p99_ms, 11, 1.0),
                           IM_COL32(255, 150, 90, 255));
        }
        plots_[4].markers(markers_);
        plots_[4].end();
    }

    // 6. Downstream in flight and queue.
    ImGui::Text("%s in flight / queue", target.c_str());
    if (plots_[5].begin("##inflight", view_, now_s, plot_h, TimePlot::YAxis{})) {
        columns_ = plots_[5].columns();
        plots_[5].stairs("in flight", fetch(rec, ei, EdgeColumn::inflight, 0, 1.0),
                         IM_COL32(160, 220, 120, 255));
        if (si != Recorder::npos) {
            plots_[5].stairs("queue", fetch_service(rec, si, ServiceColumn::queue, 1),
                             IM_COL32(230, 120, 200, 255));
        }
        plots_[5].markers(markers_);
        plots_[5].end();
    }
}

}  // namespace cbsim::gui
