#include "panels/summary_panel.hpp"

#include <cbsim/compare.hpp>
#include <cbsim/number_text.hpp>

#include "theme.hpp"

namespace cbsim::gui {
namespace {

enum class Unit { percent, count, ms };

void kpi(const char* name, const char* help, Unit unit, double value) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
    ImGui::TableNextColumn();
    switch (unit) {
        case Unit::percent:
            ImGui::Text("%.2f %%", value);
            break;
        case Unit::count:
            ImGui::Text("%.0f", value);
            break;
        case Unit::ms:
            ImGui::Text("%.1f ms", value);
            break;
    }
}

void kpi_text(const char* name, const char* help, const std::string& value) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(value.c_str());
}

std::string delay_text(const std::optional<double>& delay, std::uint64_t episodes,
                       std::uint64_t found) {
    std::string out = delay ? text::fixed(*delay, 2) + " s (" : std::string("- (");
    text::integer(out, found);
    out += " of ";
    text::integer(out, episodes);
    out += ')';
    return out;
}

}  // namespace

SummaryPanel::SummaryPanel(const ViewState& view) : Panel(PanelId::summary), view_(view) {}

void SummaryPanel::edge_header(const std::string& edge, bool has_breaker) {
    const char* note = has_breaker ? "" : " (no breaker)";
    if (edge != edge_) {
        ImGui::TextColored(ImVec4(0.7f, 0.8f, 1.0f, 1.0f), "edge %s%s", edge.c_str(), note);
    } else {
        ImGui::TextColored(ImVec4(1.0f, 1.0f, 1.0f, 1.0f), "edge %s%s (selected)", edge.c_str(),
                           note);
    }
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    report_rect("summary.edge:" + edge, ImVec4(a.x, a.y, b.x, b.y));
    if (edge != edge_) return;
    if (scroll_) {
        ImGui::SetScrollHereY(0.0f);
        scroll_ = false;
    }
}

void SummaryPanel::draw_compare(const Snapshot& snap) {
    const std::vector<VariantView>& vs = snap.variants;
    const int columns = static_cast<int>(vs.size()) + 1;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV;
    // A table that scrolls sideways is a child window: without a height it would take the rest
    // of the panel, so each is as high as its rows and the scrollbar.
    auto table_size = [](std::size_t rows) {
        const ImGuiStyle& st = ImGui::GetStyle();
        const float row = ImGui::GetTextLineHeight() + 2.0f * st.CellPadding.y;
        return ImVec2(0.0f, static_cast<float>(rows + 1) * row + st.ScrollbarSize + 2.0f);
    };
    auto header = [&] {
        ImGui::TableSetupScrollFreeze(1, 0);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        ImGui::TableNextColumn();
        ImGui::TextDisabled("vs %s", vs.front().name.c_str());
        for (std::size_t v = 0; v < vs.size(); ++v) {
            ImGui::TableNextColumn();
            ImGui::TextColored(theme::variant_color_vec(v), "%s", vs[v].name.c_str());
        }
    };
    // A value and, after the first variant, its difference to the first.
    auto cell = [](std::optional<double> value, std::optional<double> first, int decimals,
                   const char* unit, bool is_first) {
        ImGui::TableNextColumn();
        if (!value) {
            ImGui::TextDisabled("-");
            return;
        }
        std::string t = text::fixed(*value, decimals);
        if (unit[0] != '\0' && std::string_view(unit) != "attempts" &&
            std::string_view(unit) != "calls" && std::string_view(unit) != "transitions") {
            t += std::string(" ") + unit;
        }
        ImGui::TextUnformatted(t.c_str());
        if (!is_first && first) {
            const double d = *value - *first;
            ImGui::SameLine();
            ImGui::TextDisabled("%s%s", d >= 0 ? "+" : "", text::fixed(d, decimals).c_str());
        }
    };
    ImGui::TextDisabled("%zu variants on the same traffic and failures", vs.size());
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Every variant sees the same arrivals, service times and failures (common random "
            "numbers); the grey numbers are each variant's difference to the first");
    }
    if (ImGui::BeginTable("##compare_overall", columns, flags, table_size(1))) {
        header();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("availability");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Share of client requests that ended in success");
        for (std::size_t v = 0; v < vs.size(); ++v) {
            cell(100.0 * vs[v].summary.availability, 100.0 * vs.front().summary.availability, 2,
                 "%", v == 0);
        }
        ImGui::EndTable();
    }
    // Per edge, with or without a breaker (retries, timeouts and fallbacks act on every edge):
    // every compare KPI, the one list compare.csv has.
    const Summary& first = vs.front().summary;
    for (std::size_t e = 0; e < first.edges.size(); ++e) {
        bool any_breaker = false;
        for (const VariantView& v : vs)
            any_breaker |= e < v.summary.edges.size() && v.summary.edges[e].has_breaker;
        ImGui::Separator();
        edge_header(first.edges[e].edge, any_breaker);
        if (!ImGui::BeginTable(first.edges[e].edge.c_str(), columns, flags,
                               table_size(compare_kpis().size())))
            continue;
        header();
        for (const CompareKpi& k : compare_kpis()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(k.name.data(), k.name.data() + k.name.size());
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s (%s; better: %s)", k.help, k.unit, to_string(k.better));
            const std::optional<double> ref = k.get(first.edges[e]);
            for (std::size_t v = 0; v < vs.size(); ++v) {
                const auto& edges = vs[v].summary.edges;
                cell(e < edges.size() ? k.get(edges[e]) : std::nullopt, ref, k.decimals, k.unit,
                     v == 0);
            }
        }
        ImGui::EndTable();
    }
}

void SummaryPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    (void)sink;
    if (view_.edge != edge_) {
        edge_ = view_.edge;
        scroll_ = true;
    }
    if (snap.comparing()) {
        draw_compare(snap);
        return;
    }
    const Summary& s = snap.summary;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("##overall", 2, flags)) {
        kpi("availability", "Share of client requests that ended in success, as users saw it",
            Unit::percent, s.availability * 100.0);
        kpi("requests", "Client requests so far", Unit::count, static_cast<double>(s.requests));
        kpi("rejected", "Attempts refused by a breaker (every edge)", Unit::count,
            static_cast<double>(s.rejected));
        kpi("calls saved", "Calls the downstream services never had to serve", Unit::count,
            static_cast<double>(s.calls_saved));
        kpi("changes", "Setting changes applied so far", Unit::count,
            static_cast<double>(s.changes_applied));
        ImGui::EndTable();
    }
    for (const EdgeSummary& e : s.edges) {
        // Sections out of view take the height of the last one drawn (they all have the same
        // rows), so fifty edges cost what the visible ones cost.
        if (section_h_ > 0.0f && !(scroll_ && e.edge == edge_) &&
            !ImGui::IsRectVisible(ImVec2(1.0f, section_h_))) {
            ImGui::Dummy(ImVec2(1.0f, section_h_ - ImGui::GetStyle().ItemSpacing.y));
            continue;
        }
        const float y0 = ImGui::GetCursorPosY();
        ImGui::Separator();
        edge_header(e.edge, e.has_breaker);
        if (!ImGui::BeginTable(e.edge.c_str(), 2, flags)) continue;
        const double rejected_pct =
            e.attempts ? 100.0 * static_cast<double>(e.rejected) / static_cast<double>(e.attempts)
                       : 0.0;
        kpi("availability", "Logical calls on this edge that ended in success (fallbacks count)",
            Unit::percent, e.availability * 100.0);
        kpi("rejected", "Share of attempts the breaker refused", Unit::percent, rejected_pct);
        kpi("calls saved", "Attempts the target never had to serve", Unit::count,
            static_cast<double>(e.calls_saved));
        kpi("opens", "Transitions to open", Unit::count, static_cast<double>(e.opens));
        kpi("false trips", "Opens while the target's real failure rate was under the threshold",
            Unit::count, static_cast<double>(e.false_trips));
        kpi_text("detection delay", "From a fault on the target to the breaker opening (mean)",
                 delay_text(e.detection_delay_s, e.faults, e.detections));
        kpi_text("recovery delay", "From the fault cleared to the breaker closed again (mean)",
                 delay_text(e.recovery_delay_s, e.faults, e.recoveries));
        kpi("p99 latency", "99th percentile attempt latency over the run", Unit::ms,
            e.latency_p99_ms);
        ImGui::EndTable();
        section_h_ = ImGui::GetCursorPosY() - y0;
    }
}

}  // namespace cbsim::gui
