// topology_panel.cpp
//
// [SECTION] Live rates (recomputed when the recorder moves, not per frame)
// [SECTION] Tooltips
// [SECTION] Drawing and clicks
#include "panels/topology_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "theme.hpp"

namespace cbsim::gui {
namespace {

constexpr int kCurveSegments = 16;
constexpr ImU32 kNoBreaker = IM_COL32(125, 130, 142, 255);
constexpr ImU32 kNodeBg = IM_COL32(30, 33, 40, 255);
constexpr ImU32 kNodeBorder = IM_COL32(90, 96, 110, 255);
constexpr ImU32 kText = IM_COL32(225, 228, 235, 255);
constexpr ImU32 kSubText = IM_COL32(160, 165, 178, 255);
constexpr ImU32 kGaugeBg = IM_COL32(50, 54, 64, 255);
constexpr ImU32 kGauge = IM_COL32(110, 170, 230, 255);
constexpr ImU32 kGaugeHot = IM_COL32(240, 150, 60, 255);
constexpr ImU32 kSelected = IM_COL32(255, 255, 255, 235);
/// Compact node heights in ems: the name and a gauge; with a small line of detail under it.
constexpr float kCompactH = 1.75f;
constexpr float kCompactDetailH = 2.75f;

const Dependency* find_dependency(const Scenario& scenario, const topo::Layout& layout,
                                  const topo::Arrow& arrow) {
    if (arrow.entry) return nullptr;
    const std::size_t s = layout.nodes[arrow.from].service;
    if (s >= scenario.services.size()) return nullptr;
    for (const Dependency& d : scenario.services[s].dependencies) {
        if (d.target == layout.nodes[arrow.to].name) return &d;
    }
    return nullptr;
}

}  // namespace

ImU32 TopologyPanel::edge_color(bool has_breaker, State state, double failure_rate) {
    if (has_breaker) return theme::state_color(state);
    if (failure_rate <= 0.0) return kNoBreaker;
    // A few failing calls already show (a third of the way to red), all of them are red.
    const float t = 0.35f + 0.65f * static_cast<float>(std::min(failure_rate, 1.0));
    const ImVec4 a = ImGui::ColorConvertU32ToFloat4(kNoBreaker);
    const ImVec4 b = ImGui::ColorConvertU32ToFloat4(theme::kFailure);
    return ImGui::ColorConvertFloat4ToU32(
        ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, 1.0f));
}

TopologyPanel::TopologyPanel(ViewState& view) : Panel(PanelId::topology), view_(view) {}

// [SECTION] Live rates (recomputed when the recorder moves, not per frame) ----------------

void TopologyPanel::update_rates(const Snapshot& snap) {
    const Recorder* rec = snap.recorder.get();
    if (rec != indexed_recorder_ || arrow_edge_.size() != layout_.arrows.size() ||
        node_service_.size() != layout_.nodes.size()) {
        indexed_recorder_ = rec;
        arrow_edge_.assign(layout_.arrows.size(), Recorder::npos);
        node_service_.assign(layout_.nodes.size(), Recorder::npos);
        if (rec) {
            for (std::size_t a = 0; a < layout_.arrows.size(); ++a)
                arrow_edge_[a] = rec->edge_index(layout_.arrows[a].edge);
            for (std::size_t n = 0; n < layout_.nodes.size(); ++n) {
                if (!layout_.nodes[n].is_client())
                    node_service_[n] = rec->service_index(layout_.nodes[n].name);
            }
        }
        rates_recorder_ = nullptr;  // recompute below
    }
    edge_rates_.resize(layout_.arrows.size());
    service_rates_.resize(layout_.nodes.size());
    if (!rec) {
        std::fill(edge_rates_.begin(), edge_rates_.end(), EdgeRates{});
        std::fill(service_rates_.begin(), service_rates_.end(), ServiceRates{});
        return;
    }
    const std::uint64_t version = rec->version();
    if (rec == rates_recorder_ && version == rates_version_) return;
    rates_recorder_ = rec;
    rates_version_ = version;
    // The last second of complete rows (the last row may still be filling after a merge).
    const SimTime res = std::max<SimTime>(rec->resolution(), 1);
    const std::size_t rows = rec->row_count();
    const std::size_t end = rows - (rows > 0 && rec->last_row_buckets() != 0 ? 1 : 0);
    const auto want =
        static_cast<std::size_t>(std::clamp<SimTime>((kSecond + res - 1) / res, 1, 64));
    const std::size_t first = end > want ? end - want : 0;
    const std::size_t count = end - first;
    const double seconds = to_s(res) * static_cast<double>(count);
    for (std::size_t a = 0; a < layout_.arrows.size(); ++a) {
        EdgeRates r;
        if (arrow_edge_[a] != Recorder::npos && count > 0) {
            const std::vector<EdgeRow> rs = rec->edge_rows(arrow_edge_[a], first, count);
            double calls = 0, rejected = 0, fails = 0, timeouts = 0, ok = 0;
            for (const EdgeRow& row : rs) {
                calls += row.calls;
                rejected += row.rejected;
                fails += row.failures;
                timeouts += row.timeouts;
                ok += row.successes;
                r.p99_ms = std::max(r.p99_ms, static_cast<double>(row.latency_p99_ms));
            }
            r.calls_s = calls / seconds;
            r.rejected_s = rejected / seconds;
            r.failures_s = fails / seconds;
            r.timeouts_s = timeouts / seconds;
            r.failure_rate = ok + fails > 0 ? fails / (ok + fails) : 0.0;
            if (!rs.empty()) {
                r.state = rs.back().state;
                r.open_instances = rs.back().open_instances;
            }
        }
        edge_rates_[a] = r;
    }
    for (std::size_t n = 0; n < layout_.nodes.size(); ++n) {
        ServiceRates r;
        if (node_service_[n] != Recorder::npos && count > 0) {
            const std::vector<ServiceRow> rs = rec->service_rows(node_service_[n], first, count);
            double arrivals = 0, dropped = 0, util = 0;
            for (const ServiceRow& row : rs) {
                arrivals += row.arrivals;
                dropped += row.dropped;
                util += static_cast<double>(row.utilisation);
            }
            r.arrivals_s = arrivals / seconds;
            r.dropped_s = dropped / seconds;
            r.utilisation = rs.empty() ? 0.0 : util / static_cast<double>(rs.size());
            r.queue = rs.empty() ? 0.0 : rs.back().queue;
        }
        service_rates_[n] = r;
    }
}

// [SECTION] Tooltips ---------------------------------------------------------------------

void TopologyPanel::edge_tooltip(const Snapshot& snap, std::size_t a) const {
    const topo::Arrow& arrow = layout_.arrows[a];
    const EdgeRates& r = edge_rates_[a];
    const Dependency* dep = find_dependency(snap.live, layout_, arrow);
    const std::size_t ei = arrow_edge_[a];
    const EdgeLive* live = ei < snap.edges.size() ? &snap.edges[ei] : nullptr;
    ImGui::BeginTooltip();
    ImGui::Text("%s", arrow.edge.c_str());
    if (arrow.entry) {
        ImGui::TextDisabled("client requests at the entry service");
    } else if (dep && dep->breaker) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s breaker, %s", to_string(dep->breaker->preset()),
                            dep->breaker_scope == BreakerScope::shared ? "shared by the callers"
                                                                       : "one per caller instance");
        ImGui::TextColored(theme::state_color_vec(r.state), "%s", theme::state_label(r.state));
        if (live && live->breakers > 1) {
            ImGui::SameLine();
            ImGui::Text("(%u of %u breakers open)", live->open_breakers, live->breakers);
        }
    } else {
        ImGui::TextDisabled("no breaker");
    }
    ImGui::Separator();
    ImGui::Text("calls     %.1f /s", r.calls_s);
    if (!arrow.entry) {
        ImGui::Text("rejected  %.1f /s (%.1f %%)", r.rejected_s, 100.0 * r.rejected_share());
    }
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(edge_color(false, r.state, r.failure_rate)),
                       "failing   %.0f %% of calls (timeouts included)", 100.0 * r.failure_rate);
    ImGui::Text("failures  %.1f /s, of them timeouts %.1f /s", r.failures_s, r.timeouts_s);
    ImGui::Text("p99       %.1f ms", r.p99_ms);
    for (const EdgeSummary& e : snap.summary.edges) {
        if (e.edge != arrow.edge || !e.has_breaker) continue;
        ImGui::Text("run: %llu opens, availability %.2f %%",
                    static_cast<unsigned long long>(e.opens), 100.0 * e.availability);
    }
    ImGui::TextDisabled("last second recorded");
    if (!arrow.entry) ImGui::TextDisabled("click: show this edge in Plots, Breaker and Summary");
    ImGui::EndTooltip();
}

void TopologyPanel::service_tooltip(const Snapshot& snap, std::size_t n) const {
    const topo::Node& node = layout_.nodes[n];
    ImGui::BeginTooltip();
    if (node.is_client()) {
        ImGui::Text("client: %.1f requests /s to %s",
                    edge_rates_.empty() ? 0.0 : edge_rates_[0].calls_s,
                    snap.live.traffic.target.c_str());
        ImGui::EndTooltip();
        return;
    }
    const ServiceRates& r = service_rates_[n];
    if (const Service* s = snap.live.find_service(node.name)) {
        ImGui::Text("%s", s->name.c_str());
        ImGui::TextDisabled("%lld instance%s, capacity %s, queue limit %lld",
                            static_cast<long long>(s->instances), s->instances == 1 ? "" : "s",
                            s->capacity == 0 ? "unbounded" : std::to_string(s->capacity).c_str(),
                            static_cast<long long>(s->queue_limit));
        ImGui::Separator();
        ImGui::Text("failure rate %.2f, hang rate %.2f", s->failure_rate, s->hang_rate);
    }
    ImGui::Text("arrivals     %.1f /s", r.arrivals_s);
    ImGui::Text("utilisation  %.0f %%", 100.0 * r.utilisation);
    ImGui::Text("queue        %.0f", r.queue);
    ImGui::Text("dropped      %.1f /s", r.dropped_s);
    ImGui::TextDisabled("click: show its sliders in Services");
    ImGui::EndTooltip();
}

// [SECTION] Drawing and clicks -------------------------------------------------------------

void TopologyPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    (void)sink;
    const float fs = ImGui::GetFontSize();
    const float margin = fs * 0.6f;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // Full nodes (name, instances and failure rate, gauge) when they fit the panel's width,
    // else compact ones: narrower, with instances and failure rate in a small font under the
    // name when the height has room for that line (else the name alone), and a thin gauge;
    // past that the map scrolls.
    auto geometry = [&](bool compact, bool detail = false) {
        topo::Geometry g;
        g.node_h = compact ? (detail ? kCompactDetailH : kCompactH) * fs : fs * 3.3f;
        g.row_gap = compact ? fs * 0.45f : fs * 0.9f;
        // As many rows as fit without a vertical scrollbar (a scrollbar's height spared).
        g.max_rows = std::max(1, static_cast<int>((avail.y - 2 * margin -
                                                   ImGui::GetStyle().ScrollbarSize + g.row_gap) /
                                                  (g.node_h + g.row_gap)));
        return g;
    };
    // Widths that fit the panel, between a node just wide enough for a short name and a
    // comfortable one. False when even the narrowest does not fit.
    auto fit = [&](const topo::Layout& l, topo::Geometry& g, bool compact) {
        int columns = 0;  // sub-columns of every layer
        std::vector<int> per_layer(static_cast<std::size_t>(l.layers), 0);
        for (const topo::Node& n : l.nodes)
            ++per_layer[static_cast<std::size_t>(n.layer)];
        for (int c : per_layer)
            columns += std::max(1, (c + g.max_rows - 1) / g.max_rows);
        const float units = static_cast<float>(columns) + 0.8f * static_cast<float>(l.layers - 1) +
                            0.12f * static_cast<float>(columns - l.layers);
        const float want = (avail.x - 2 * margin) / std::max(units, 1.0f);
        const float least = compact ? fs * 4.5f : fs * 5.5f;
        g.node_w = std::clamp(want, least, fs * 8.0f);
        g.layer_gap = g.node_w * 0.8f;
        g.column_gap = g.node_w * 0.12f;
        return want >= least;
    };
    if (avail.x != laid_out_for_.x || avail.y != laid_out_for_.y || !layout_.matches(snap.live)) {
        laid_out_for_ = avail;
        compact_ = false;
        topo::Geometry g = geometry(false);
        layout_ = topo::layout_topology(snap.live, g);  // layers and columns for this height
        if (!fit(layout_, g, false)) {
            compact_ = true;
            // The detail line when the taller nodes need no more sub-columns than the short
            // ones: the widest layer fits in as many rows.
            const topo::Geometry shorter = geometry(true, false);
            g = geometry(true, true);
            std::vector<int> per_layer(static_cast<std::size_t>(layout_.layers), 0);
            int widest = 1;
            for (const topo::Node& n : layout_.nodes)
                widest = std::max(widest, ++per_layer[static_cast<std::size_t>(n.layer)]);
            const float room = avail.y - 2 * margin - ImGui::GetStyle().ScrollbarSize;
            if (g.max_rows < std::min(widest, shorter.max_rows) || g.node_h > room) g = shorter;
            layout_ = topo::layout_topology(snap.live, g);
            fit(layout_, g, true);
        }
        layout_ = topo::layout_topology(snap.live, g);
        curves_.assign(layout_.arrows.size(), {});
        for (std::size_t a = 0; a < layout_.arrows.size(); ++a)
            topo::arrow_curve(layout_, layout_.arrows[a], kCurveSegments, curves_[a]);
        arrow_edge_.clear();  // re-indexed against the recorder
    }
    const topo::Geometry& g = layout_.geometry;
    update_rates(snap);

    if (!ImGui::BeginChild("##map", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar)) {
        ImGui::EndChild();
        return;
    }
    const ImVec2 start = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##canvas", ImVec2(std::max(layout_.width + 2 * margin, 10.0f),
                                              std::max(layout_.height + 2 * margin, 10.0f)));
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    origin_ = ImVec2(start.x + margin, start.y + margin);
    const ImVec2 o = origin_;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float mx = mouse.x - o.x, my = mouse.y - o.y;

    // What is under the mouse: a node first, else the nearest arrow within reach.
    std::size_t hover_node = topo::kNone, hover_arrow = topo::kNone;
    double max_calls = 1.0;
    for (const EdgeRates& r : edge_rates_)
        max_calls = std::max(max_calls, r.calls_s);
    auto thickness = [&](std::size_t a) {
        return 1.5f + 5.0f * static_cast<float>(std::log1p(edge_rates_[a].calls_s) /
                                                std::log1p(max_calls));
    };
    if (hovered) {
        for (std::size_t n = 0; n < layout_.nodes.size(); ++n) {
            const topo::Node& node = layout_.nodes[n];
            if (mx >= node.x && mx < node.x + g.node_w && my >= node.y && my < node.y + g.node_h)
                hover_node = n;
        }
        if (hover_node == topo::kNone) {
            float best = 0.0f;
            for (std::size_t a = 0; a < layout_.arrows.size(); ++a) {
                const float reach = thickness(a) * 0.5f + fs * 0.4f;
                const float d = topo::distance_sq_to_polyline(curves_[a], mx, my);
                if (d <= reach * reach && (hover_arrow == topo::kNone || d < best)) {
                    hover_arrow = a;
                    best = d;
                }
            }
        }
    }
    if (clicked && hover_arrow != topo::kNone && !layout_.arrows[hover_arrow].entry)
        view_.edge = layout_.arrows[hover_arrow].edge;
    if (clicked && hover_node != topo::kNone && !layout_.nodes[hover_node].is_client())
        view_.show_service = layout_.nodes[hover_node].name;

    // Arrows, then their labels over them, then the nodes.
    std::vector<ImVec2> pts(kCurveSegments + 1);
    char label[64];
    const float reach = fs * 1.5f;  // an arrow's width and label around its curve
    for (std::size_t a = 0; a < layout_.arrows.size(); ++a) {
        // Arrows scrolled out of view are not drawn (the curve stays inside its end points'
        // box); under a test report every one is, for its rectangle.
        const std::vector<float>& c = curves_[a];
        const float ya = c[1], yb = c[c.size() - 1];
        if (!reporting() &&
            !ImGui::IsRectVisible(
                ImVec2(o.x + c[0] - reach, o.y + std::min(ya, yb) - reach),
                ImVec2(o.x + c[c.size() - 2] + reach, o.y + std::max(ya, yb) + reach)))
            continue;
        const topo::Arrow& arrow = layout_.arrows[a];
        const EdgeRates& r = edge_rates_[a];
        const Dependency* dep = find_dependency(snap.live, layout_, arrow);
        const bool breaker = dep && dep->breaker;
        const ImU32 color = edge_color(breaker, r.state, r.failure_rate);
        const float thick = thickness(a);
        for (int i = 0; i <= kCurveSegments; ++i) {
            pts[static_cast<std::size_t>(i)] =
                ImVec2(o.x + curves_[a][static_cast<std::size_t>(2 * i)],
                       o.y + curves_[a][static_cast<std::size_t>(2 * i + 1)]);
        }
        const bool selected = arrow.edge == view_.edge;
        if (selected || a == hover_arrow) {
            dl->AddPolyline(pts.data(), static_cast<int>(pts.size()),
                            selected ? kSelected : IM_COL32(255, 255, 255, 110), ImDrawFlags_None,
                            thick + 4.0f);
        }
        // Stop the line where the head starts.
        const ImVec2 tip = pts.back();
        const float head = std::max(fs * 0.55f, thick * 1.6f);
        ImVec2 last = pts.back();
        pts.back() = ImVec2(tip.x - head * 0.8f, tip.y);
        dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), color, ImDrawFlags_None, thick);
        pts.back() = last;
        dl->AddTriangleFilled(ImVec2(tip.x, tip.y), ImVec2(tip.x - head, tip.y - head * 0.55f),
                              ImVec2(tip.x - head, tip.y + head * 0.55f), color);
        // The label at the middle of the curve: k/n open, rejected share.
        const ImVec2 mid = pts[kCurveSegments / 2];
        label[0] = '\0';
        const std::size_t ei = arrow_edge_.size() > a ? arrow_edge_[a] : Recorder::npos;
        const EdgeLive* live = ei < snap.edges.size() ? &snap.edges[ei] : nullptr;
        const int rej = static_cast<int>(std::lround(100.0 * r.rejected_share()));
        const int fail = static_cast<int>(std::lround(100.0 * r.failure_rate));
        const bool some_open = live && live->breakers > 1 && live->open_breakers > 0;
        const float small = fs * 0.78f;
        const float room = tip.x - head - pts.front().x - 6.0f;  // the gap between the nodes
        // The longest label that fits the gap: "2/3 open, 40%" or "40% rej" (a breaker),
        // "35% fail" (none, failing), "65/s" or "65/s, 35% fail" (the entry), then "2/3",
        // "40%" or "35%"; none when even that does not fit (the tooltip has it all).
        for (int form = 0; form < 2; ++form) {
            label[0] = '\0';
            if (breaker && some_open) {
                if (form == 0) {
                    std::snprintf(label, sizeof label, "%u/%u open, %d%%", live->open_breakers,
                                  live->breakers, rej);
                } else {
                    std::snprintf(label, sizeof label, "%u/%u", live->open_breakers,
                                  live->breakers);
                }
            } else if (breaker) {
                std::snprintf(label, sizeof label, form == 0 ? "%d%% rej" : "%d%%", rej);
            } else if (arrow.entry && fail > 0 && form == 0) {
                std::snprintf(label, sizeof label, "%.0f/s, %d%% fail", r.calls_s, fail);
            } else if (arrow.entry) {
                std::snprintf(label, sizeof label, "%.0f/s", r.calls_s);
            } else if (fail > 0) {
                std::snprintf(label, sizeof label, form == 0 ? "%d%% fail" : "%d%%", fail);
            }
            const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0.0f, label);
            if (label[0] == '\0' || ts.x + 4.0f > room) continue;
            // Centred on the curve's middle, kept inside the gap between the two nodes.
            const float lx = std::max(std::min(mid.x - ts.x * 0.5f - 2, tip.x - head - ts.x - 6),
                                      pts.front().x + 2);
            const ImVec2 l0(lx, mid.y - ts.y - thick * 0.5f - 1);
            dl->AddRectFilled(l0, ImVec2(l0.x + ts.x + 4, l0.y + ts.y), IM_COL32(18, 20, 24, 200),
                              2.0f);
            dl->AddText(ImGui::GetFont(), small, ImVec2(l0.x + 2, l0.y),
                        breaker || fail > 0 ? color : kSubText, label);
            break;
        }
        if (reporting()) {
            const float hit = fs * 0.4f;
            report_rect("map.edge." + arrow.edge,
                        ImVec4(mid.x - hit, mid.y - hit, mid.x + hit, mid.y + hit));
        }
    }
    for (std::size_t n = 0; n < layout_.nodes.size(); ++n) {
        const topo::Node& node = layout_.nodes[n];
        const ImVec2 p0(o.x + node.x, o.y + node.y), p1(p0.x + g.node_w, p0.y + g.node_h);
        if (!reporting() && !ImGui::IsRectVisible(p0, p1)) continue;
        const float pad = fs * 0.3f;
        dl->AddRectFilled(p0, p1, kNodeBg, 4.0f);
        dl->AddRect(p0, p1, n == hover_node ? kSelected : kNodeBorder, 4.0f, 0,
                    n == hover_node ? 2.0f : 1.0f);
        dl->PushClipRect(p0, p1, true);
        const Service* s =
            node.service < snap.live.services.size() ? &snap.live.services[node.service] : nullptr;
        const bool failing = s && s->failure_rate > 0.0;
        dl->AddText(ImVec2(p0.x + pad, p0.y + pad * 0.5f),
                    compact_ && failing ? theme::kFailure : kText, node.name.c_str());
        if (reporting()) report_rect("map.node." + node.name, ImVec4(p0.x, p0.y, p1.x, p1.y));
        const ServiceRates& r = service_rates_[n];
        const float u = static_cast<float>(std::clamp(r.utilisation, 0.0, 1.0));
        if (compact_) {  // instances and failure rate if there is room, a thin gauge
            if (s && g.node_h >= kCompactDetailH * fs) {
                std::snprintf(label, sizeof label, "x%lld fail %.2f",
                              static_cast<long long>(s->instances), s->failure_rate);
                dl->AddText(ImGui::GetFont(), fs * 0.8f, ImVec2(p0.x + pad, p0.y + pad * 0.5f + fs),
                            failing ? theme::kFailure : kSubText, label);
            } else if (node.is_client() && g.node_h >= kCompactDetailH * fs) {
                std::snprintf(label, sizeof label, "%.0f req/s",
                              edge_rates_.empty() ? 0.0 : edge_rates_[0].calls_s);
                dl->AddText(ImGui::GetFont(), fs * 0.8f, ImVec2(p0.x + pad, p0.y + pad * 0.5f + fs),
                            kSubText, label);
            }
            const ImVec2 g0(p0.x + pad, p1.y - pad - fs * 0.22f), g1(p1.x - pad, p1.y - pad);
            dl->AddRectFilled(g0, g1, kGaugeBg);
            if (u > 0.0f) {
                dl->AddRectFilled(g0, ImVec2(g0.x + (g1.x - g0.x) * u, g1.y),
                                  u > 0.85f ? kGaugeHot : kGauge);
            }
            dl->PopClipRect();
            continue;
        }
        if (node.is_client()) {
            std::snprintf(label, sizeof label, "%.0f req/s",
                          edge_rates_.empty() ? 0.0 : edge_rates_[0].calls_s);
            dl->AddText(ImVec2(p0.x + pad, p0.y + pad * 0.5f + fs), kSubText, label);
            dl->PopClipRect();
            continue;
        }
        if (s) {
            std::snprintf(label, sizeof label, "x%lld  fail %.2f",
                          static_cast<long long>(s->instances), s->failure_rate);
            dl->AddText(ImVec2(p0.x + pad, p0.y + pad * 0.5f + fs),
                        failing ? theme::kFailure : kSubText, label);
        }
        // The gauge: utilisation of the workers (capacity), the queue written on it.
        const ImVec2 g0(p0.x + pad, p1.y - pad - fs * 0.75f), g1(p1.x - pad, p1.y - pad);
        dl->AddRectFilled(g0, g1, kGaugeBg, 2.0f);
        if (u > 0.0f) {
            dl->AddRectFilled(g0, ImVec2(g0.x + (g1.x - g0.x) * u, g1.y),
                              u > 0.85f ? kGaugeHot : kGauge, 2.0f);
        }
        if (s && s->capacity == 0) {
            std::snprintf(label, sizeof label, "unbounded");
        } else if (r.queue > 0.0) {
            std::snprintf(label, sizeof label, "%.0f%% q %.0f", 100.0 * r.utilisation, r.queue);
        } else {
            std::snprintf(label, sizeof label, "%.0f%%", 100.0 * r.utilisation);
        }
        ImGui::PushFont(theme::mono_font());
        const float small = ImGui::GetFontSize() * 0.85f;
        dl->AddText(ImGui::GetFont(), small, ImVec2(g0.x + 2, g0.y - 1), kText, label);
        ImGui::PopFont();
        dl->PopClipRect();
    }
    if (hover_arrow != topo::kNone) edge_tooltip(snap, hover_arrow);
    if (hover_node != topo::kNone) service_tooltip(snap, hover_node);
    ImGui::EndChild();
}

}  // namespace cbsim::gui
