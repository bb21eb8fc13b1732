#include "panels/breaker_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "cbsim/edge_name.hpp"
#include "cbsim/lint.hpp"
#include "theme.hpp"
#include "widgets/plot_math.hpp"

namespace cbsim::gui {
namespace {

std::size_t idx(State s) {
    return static_cast<std::size_t>(s);
}

/// The lint findings of the edge (cbsim/lint.hpp) in amber, each with its fix as a tooltip;
/// each line's rectangle is reported as "lint:RULE".
void draw_lint(const Scenario& scenario, const std::string& edge,
               const std::function<void(const std::string&, ImVec4)>& report) {
    const std::vector<LintWarning> warnings = lint_edge(scenario, edge);
    if (warnings.empty()) return;
    ImGui::Separator();
    ImGui::TextDisabled("%zu setting%s cannot work at this traffic (hover for a fix)",
                        warnings.size(), warnings.size() == 1 ? "" : "s");
    ImGui::PushTextWrapPos(0.0f);
    for (const LintWarning& w : warnings) {
        ImGui::TextColored(theme::state_color_vec(State::half_open), "%s", w.message.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("fix: %s", w.fix.c_str());
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        report("lint:" + w.rule, ImVec4(a.x, a.y, b.x, b.y));
    }
    ImGui::PopTextWrapPos();
}

}  // namespace

BreakerPanel::BreakerPanel(ViewState& view) : Panel(PanelId::breaker), view_(view) {}

void BreakerPanel::draw_variants(const Snapshot& snap, CommandSink& sink, float label_w) {
    if (!snap.comparing()) {
        if (ImGui::Button("Compare: add a variant")) sink.send(AddVariant{});
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip(
                "Run a copy of this protection side by side on the same traffic and failures: "
                "change the copy's breaker, retry or timeout and compare the two live "
                "(restarts at t = 0)");
        }
        report_rect("compare.add", ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                          ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y));
        ImGui::Separator();
        return;
    }
    const std::vector<VariantView>& vs = snap.variants;
    const std::size_t sel = std::min(snap.selected, vs.size() - 1);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("variant");
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "The variant this panel shows and edits: its protection settings change it alone; "
            "the Services sliders change the world of every variant");
    }
    ImGui::SameLine(label_w);
    ImGui::ColorButton("##colour", theme::variant_color_vec(sel), ImGuiColorEditFlags_NoTooltip,
                       ImVec2(ImGui::GetFrameHeight(), ImGui::GetFrameHeight()));
    ImGui::SameLine();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttons_w = ImGui::CalcTextSize("Add").x + ImGui::CalcTextSize("Remove").x +
                            4.0f * style.FramePadding.x + 2.0f * style.ItemSpacing.x;
    ImGui::SetNextItemWidth(
        std::max(ImGui::GetContentRegionAvail().x - buttons_w, ImGui::GetFontSize() * 6.0f));
    if (ImGui::BeginCombo("##variant", vs[sel].name.c_str())) {
        for (std::size_t i = 0; i < vs.size(); ++i) {
            ImGui::PushStyleColor(ImGuiCol_Text, theme::variant_color(i));
            if (ImGui::Selectable(vs[i].name.c_str(), i == sel)) sink.send(SelectVariant{i});
            ImGui::PopStyleColor();
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    const bool full = vs.size() >= kMaxVariants;
    ImGui::BeginDisabled(full);
    if (ImGui::Button("Add")) sink.send(AddVariant{});
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
        ImGui::SetTooltip(full ? "A compare has at most 8 variants"
                               : "Add a copy of this variant (every variant restarts at t = 0)");
    }
    report_rect("compare.add", ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                      ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y));
    ImGui::SameLine();
    if (ImGui::Button("Remove")) sink.send(RemoveVariant{sel});
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(vs.size() == 2 ? "Remove this variant and return to a single run"
                                         : "Remove this variant (every variant restarts at t = 0)");
    }
    if (rename_for_ != sel || snap.generation != generation_) {
        std::snprintf(rename_buf_, sizeof rename_buf_, "%s", vs[sel].name.c_str());
        rename_for_ = sel;
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("name");
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputText("##rename", rename_buf_, sizeof rename_buf_,
                         ImGuiInputTextFlags_EnterReturnsTrue)) {
        sink.send(RenameVariant{sel, rename_buf_});
    }
    report_item("compare.rename");
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Enter renames the variant (1 to 64 letters, digits, '_' or '-'); the name is its "
            "folder in exports");
    }
    ImGui::Separator();
}

void BreakerPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    const float label_w = ImGui::GetFontSize() * 10.5f;
    draw_variants(snap, sink, label_w);
    if (snap.generation != generation_ || snap.selected != inputs_variant_) {
        generation_ = snap.generation;
        inputs_variant_ = snap.selected;  // another variant's values, not this one's
        inputs_.clear();
    }
    // Which edge: every caller->target pair with a dependency can get a breaker.
    const std::vector<std::string> edges = dependency_edges(snap.live);
    if (edges.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled(
            "This scenario has no dependency edge: add a dependency first (Services panel, Edit "
            "the system > Add dependency); then its breaker is set here.");
        ImGui::PopTextWrapPos();
        return;
    }
    view_.resolve(snap.live);
    const std::string edge = view_.edge;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("edge");
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##edge", edge.c_str())) {
        for (const std::string& e : edges) {
            if (ImGui::Selectable(e.c_str(), e == edge)) view_.edge = e;
        }
        ImGui::EndCombo();
    }

    // Live view of the edge's breaker.
    const std::size_t ei = snap.recorder ? snap.recorder->edge_index(edge) : Recorder::npos;
    if (ei != Recorder::npos && ei < snap.edges.size() && snap.edges[ei].has_breaker) {
        const EdgeLive& live = snap.edges[ei];
        draw_diagram(live);
        draw_window(live, snap.live);
        ImGui::TextDisabled("last transition");
        ImGui::PushTextWrapPos(0.0f);
        if (live.last_reason.empty()) {
            ImGui::TextUnformatted("none yet: the breaker has stayed closed");
        } else {
            ImGui::Text("%s at %s", live.last_reason.c_str(),
                        plot::format_time(to_s(live.last_transition_at), 0.1).c_str());
        }
        ImGui::PopTextWrapPos();
        if (live.held > 0) {
            ImGui::TextDisabled("%u calls waiting for the half-open decision", live.held);
            if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip(
                    "The breaker neither runs nor rejects these calls while its half-open trials "
                    "run; they ask again when it closes (they run) or reopens (rejected)");
            }
        }
        if (live.breakers > 1) {
            ImGui::TextDisabled("%u breakers (per caller instance), %u open", live.breakers,
                                live.open_breakers);
            if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip(
                    "Each caller instance has its own breaker; the diagram and the "
                    "counts show instance 0's");
            }
        }
    }

    draw_lint(snap.live, edge, [&](const std::string& name, ImVec4 r) { report_rect(name, r); });

    // Preset and every parameter, straight from the scenario's settable paths; then the edge's
    // other protection keys (timeout, retry, bulkhead, fallback, breaker scope): the paths of
    // the edge whose scope is protection (setting_scope(), from the key table).
    ImGui::Separator();
    const std::string edge_prefix = edge + ".";
    const std::string prefix = edge + ".breaker.";
    // The edge's paths, listed again only when the run, the edge or a setting changed (the
    // scenario's every spec would cost O(services) a frame); each spec is read fresh.
    if (param_paths_for_ != std::tuple(snap.generation, snap.changes, edge)) {
        param_paths_for_ = std::tuple(snap.generation, snap.changes, edge);
        param_paths_.clear();
        protection_paths_.clear();
        for (const SettingSpec& spec : setting_specs(snap.live)) {
            if (spec.path.rfind(prefix, 0) == 0) {
                param_paths_.push_back(spec.path);
            } else if (spec.path.rfind(edge_prefix, 0) == 0 &&
                       setting_scope(snap.live, spec.path) == SettingScope::protection) {
                protection_paths_.push_back(spec.path);
            }
        }
    }
    auto draw_paths = [&](const std::vector<std::string>& paths, std::size_t strip) {
        for (const std::string& path : paths) {
            const std::optional<SettingSpec> found = find_setting(snap.live, path);
            if (!found) continue;
            const SettingSpec& spec = *found;
            const std::string key = spec.path.substr(strip);
            inputs_.draw(spec, key.c_str(), snap.live, sink, label_w);
            if (spec.kind == ParamKind::integer || spec.kind == ParamKind::real) {
                report_rect(spec.path, inputs_.last_slider_rect());
            }
        }
    };
    draw_paths(param_paths_, prefix.size());
    if (protection_paths_.empty()) return;
    ImGui::Separator();
    ImGui::TextDisabled("timeout, retry, bulkhead, fallback of %s", edge.c_str());
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(snap.comparing()
                              ? "The caller's protection of this edge: these change the selected "
                                "variant alone"
                              : "The caller's protection of this edge");
    }
    draw_paths(protection_paths_, edge_prefix.size());
}

void BreakerPanel::draw_diagram(const EdgeLive& live) {
    const float fs = ImGui::GetFontSize();
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = fs * 7.5f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(w, h));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    struct Node {
        State state;
        ImVec2 centre;
    };
    const float node_w = fs * 6.0f, node_h = fs * 2.6f;
    const Node nodes[3] = {
        {State::closed, ImVec2(origin.x + node_w * 0.5f + 4, origin.y + node_h * 0.5f + 4)},
        {State::open, ImVec2(origin.x + w - node_w * 0.5f - 4, origin.y + node_h * 0.5f + 4)},
        {State::half_open, ImVec2(origin.x + w * 0.5f, origin.y + h - node_h * 0.5f - 4)},
    };
    State shown = live.state;
    if (shown == State::forced_open) shown = State::open;
    auto edge_label = [&](State from, State to, ImVec2 a, ImVec2 b, float bend) {
        const ImVec2 mid((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f + bend);
        dl->AddBezierQuadratic(a, mid, b, theme::kMuted, 1.5f);
        // Arrow head at b, pointing along mid -> b.
        const float dx = b.x - mid.x, dy = b.y - mid.y;
        const float len = std::max(std::sqrt(dx * dx + dy * dy), 1.0f);
        const ImVec2 u(dx / len, dy / len), n(-u.y, u.x);
        dl->AddTriangleFilled(b, ImVec2(b.x - u.x * 8 + n.x * 4, b.y - u.y * 8 + n.y * 4),
                              ImVec2(b.x - u.x * 8 - n.x * 4, b.y - u.y * 8 - n.y * 4),
                              theme::kMuted);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%u", live.transitions[idx(from)][idx(to)]);
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        const ImVec2 lp((a.x + b.x) * 0.5f - ts.x * 0.5f, mid.y - ts.y * 0.5f - bend * 0.5f);
        dl->AddRectFilled(ImVec2(lp.x - 3, lp.y - 1), ImVec2(lp.x + ts.x + 3, lp.y + ts.y + 1),
                          IM_COL32(24, 26, 30, 255), 3.0f);
        dl->AddText(lp, IM_COL32(220, 222, 228, 255), buf);
    };
    const ImVec2 c = nodes[0].centre, o = nodes[1].centre, ho = nodes[2].centre;
    const float hw = node_w * 0.5f, hh = node_h * 0.5f;
    edge_label(State::closed, State::open, ImVec2(c.x + hw, c.y - 4), ImVec2(o.x - hw, o.y - 4),
               -fs);
    edge_label(State::open, State::half_open, ImVec2(o.x - hw * 0.4f, o.y + hh),
               ImVec2(ho.x + hw, ho.y - 4), fs * 0.2f);
    edge_label(State::half_open, State::closed, ImVec2(ho.x - hw, ho.y - 4),
               ImVec2(c.x + hw * 0.4f, c.y + hh), fs * 0.2f);
    edge_label(State::half_open, State::open, ImVec2(ho.x + hw * 0.6f, ho.y - hh),
               ImVec2(o.x - hw, o.y + hh * 0.6f), -fs * 0.6f);
    for (const Node& node : nodes) {
        const bool lit = node.state == shown;
        const ImU32 col = theme::state_color(node.state);
        const ImVec2 a(node.centre.x - hw, node.centre.y - hh),
            b(node.centre.x + hw, node.centre.y + hh);
        if (lit) {
            dl->AddRectFilled(a, b, col, 6.0f);
        } else {
            dl->AddRectFilled(a, b, IM_COL32(30, 33, 38, 255), 6.0f);
            dl->AddRect(a, b, col, 6.0f, 0, 1.5f);
        }
        const char* name = theme::state_label(node.state);
        char secs[48];
        std::snprintf(secs, sizeof secs, "%s",
                      plot::format_time(live.seconds_in_state[idx(node.state)], 0.1).c_str());
        const ImU32 text = lit ? IM_COL32(15, 15, 18, 255) : IM_COL32(220, 222, 228, 255);
        const ImVec2 ns = ImGui::CalcTextSize(name), ss = ImGui::CalcTextSize(secs);
        dl->AddText(ImVec2(node.centre.x - ns.x * 0.5f, node.centre.y - ns.y), text, name);
        dl->AddText(ImVec2(node.centre.x - ss.x * 0.5f, node.centre.y), text, secs);
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "States of the breaker; the current one is lit.\nArrows count transitions; each "
            "node shows the time spent in that state.");
    }
}

void BreakerPanel::draw_window(const EdgeLive& live, const Scenario& scenario) {
    const WindowView& w = live.window;
    const float label_w = ImGui::GetFontSize() * 10.5f;
    char overlay[96];
    auto bar = [&](const char* label, float fraction, const char* text, bool alarm, double mark,
                   const char* help) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(label);
        ImGui::SameLine(label_w);
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, alarm
                                                          ? theme::state_color_vec(State::open)
                                                          : theme::state_color_vec(State::closed));
        ImGui::ProgressBar(std::clamp(fraction, 0.0f, 1.0f), ImVec2(-1, 0), text);
        ImGui::PopStyleColor();
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        if (mark >= 0.0 && mark <= 1.0) {
            const float x = a.x + (b.x - a.x) * static_cast<float>(mark);
            ImGui::GetWindowDrawList()->AddLine(ImVec2(x, a.y - 2), ImVec2(x, b.y + 2),
                                                IM_COL32(255, 255, 255, 220), 2.0f);
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
    };
    // Window fill against the minimum number of calls (presets with a rate rule).
    if (w.minimum_calls > 0) {
        std::snprintf(overlay, sizeof overlay, "%llu / %llu minimum calls",
                      static_cast<unsigned long long>(w.calls),
                      static_cast<unsigned long long>(w.minimum_calls));
        bar("window fill", static_cast<float>(w.calls) / static_cast<float>(w.minimum_calls),
            overlay, false, -1.0,
            "Outcomes in the breaker's window; the failure rate can trip it only once the window "
            "holds the minimum number of calls");
    } else {
        std::snprintf(overlay, sizeof overlay, "%llu calls (no minimum)",
                      static_cast<unsigned long long>(w.calls));
        bar("window fill", w.calls > 0 ? 1.0f : 0.0f, overlay, false, -1.0,
            "Outcomes the breaker counts now; this trip rule needs no minimum number of calls");
    }
    // Failure rate against the threshold, or the counter the trip rule watches.
    if (w.failure_threshold <= 1.0) {
        if (w.failure_rate < 0.0) {
            std::snprintf(overlay, sizeof overlay, "not yet defined (threshold %.0f%%)",
                          w.failure_threshold * 100.0);
        } else {
            std::snprintf(overlay, sizeof overlay, "%.1f%% (threshold %.0f%%)",
                          w.failure_rate * 100.0, w.failure_threshold * 100.0);
        }
        bar("failure rate", static_cast<float>(std::max(w.failure_rate, 0.0)), overlay,
            w.failure_rate >= w.failure_threshold, w.failure_threshold,
            "Failures / outcomes in the window; the white mark is the trip threshold");
    } else {
        // Rules on counters (gobreaker consecutive or total failures).
        const std::string prefix = view_.edge + ".breaker.trip.";
        const auto trip = get_setting(scenario, view_.edge + ".breaker.trip");
        const std::string rule = trip && std::holds_alternative<std::string>(*trip)
                                     ? std::get<std::string>(*trip)
                                     : std::string();
        const auto limit = get_setting(scenario, prefix + rule);
        const Counts& c = live.counts;
        if ((rule == "consecutive_failures" || rule == "total_failures") && limit &&
            std::holds_alternative<double>(*limit)) {
            const double n = std::get<double>(*limit);
            const double v =
                rule == "consecutive_failures" ? c.consecutive_failures : c.total_failures;
            std::snprintf(overlay, sizeof overlay, "%.0f / %.0f %s", v, n,
                          rule == "consecutive_failures" ? "in a row" : "failures");
            bar(rule == "consecutive_failures" ? "consecutive fails" : "total failures",
                n > 0 ? static_cast<float>(v / n) : 0.0f, overlay, v >= n, -1.0,
                "The counter the trip rule watches, against the count that opens the breaker");
        } else {
            const double rate =
                c.requests ? static_cast<double>(c.total_failures) / c.requests : 0.0;
            std::snprintf(overlay, sizeof overlay, "%.1f%% of %u requests", rate * 100.0,
                          c.requests);
            bar("failure rate", static_cast<float>(rate), overlay, false, -1.0,
                "Failures among the requests the breaker counted so far");
        }
    }
    const Counts& c = live.counts;
    ImGui::TextDisabled("counts: %u requests, %u failures, %u in a row", c.requests,
                        c.total_failures, c.consecutive_failures);
}

}  // namespace cbsim::gui
