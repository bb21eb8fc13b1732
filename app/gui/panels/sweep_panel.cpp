// sweep_panel.cpp
//
// [SECTION] Commands of a point (variant, apply)
// [SECTION] Choices: knobs, fault, seeds, duration
// [SECTION] Run bar: start, stop, progress
// [SECTION] Heatmap
// [SECTION] Pareto scatter
// [SECTION] Tooltip and the cell's menu
#include "panels/sweep_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <cbsim/error.hpp>

#include "theme.hpp"
#include "widgets/plot_math.hpp"

namespace cbsim::gui {
namespace {

constexpr const char* kRangeNames[] = {"list", "linear", "log"};
constexpr FaultKind kFaultKinds[] = {FaultKind::healthy, FaultKind::step, FaultKind::flapping,
                                     FaultKind::brownout, FaultKind::partial};

std::string fmt_value(double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

ImVec4 rect_of_last_item() {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    return {a.x, a.y, b.x, b.y};
}

/// A knob's default range around its value now: half to twice it within the key's range
/// (choices and booleans: every value listed).
KnobChoice default_knob(const Scenario& live, const std::string& path) {
    KnobChoice k;
    k.path = path;
    const std::optional<SettingSpec> spec = find_setting(live, path);
    if (!spec) return k;
    if (spec->kind == ParamKind::choice) {
        k.kind = RangeKind::list;
        for (const std::string& c : spec->choices)
            k.list += (k.list.empty() ? "" : ", ") + c;
        return k;
    }
    if (spec->kind == ParamKind::boolean) {
        k.kind = RangeKind::list;
        k.list = "false, true";
        return k;
    }
    const auto now = get_setting(live, path);
    const double v = now && std::holds_alternative<double>(*now) ? std::get<double>(*now) : 1.0;
    double from = v > 0 ? v / 2.0 : spec->min;
    double to = v > 0 ? v * 2.0 : std::min(spec->max, spec->min + 10.0);
    from = std::clamp(from, spec->min, spec->max);
    to = std::clamp(to, spec->min, spec->max);
    if (spec->kind == ParamKind::integer) {
        from = std::max(std::round(from), spec->min);
        to = std::min(std::round(to), spec->max);
    }
    k.kind = RangeKind::linear;
    k.from = from;
    k.to = to;
    k.steps = spec->kind == ParamKind::integer ? static_cast<int>(std::min(to - from + 1, 5.0)) : 5;
    k.steps = std::max(k.steps, 1);
    return k;
}

bool numeric_knob(const Scenario& live, const std::string& path) {
    const auto spec = find_setting(live, path);
    return spec && (spec->kind == ParamKind::integer || spec->kind == ParamKind::real);
}

}  // namespace

SweepPanel::SweepPanel(const ViewState& view) : Panel(PanelId::sweep), view_(view) {
    choices_.fault.kind = FaultKind::step;
    choices_.fault.at_s = 30.0;
    choices_.fault.failure_rate = 0.5;
    choices_.fault.period_s = 10.0;
    choices_.fault.until_s = 60.0;
    choices_.fault.factor = 10.0;
    choices_.fault.faulty_instances = 1;
    // Colour by availability at first (the KPI a person reads first).
    const std::vector<std::string> kpis = sweep_kpi_names();
    const auto it = std::find(kpis.begin(), kpis.end(), "availability");
    if (it != kpis.end()) colour_kpi_ = static_cast<std::size_t>(it - kpis.begin());
}

SweepPanel::~SweepPanel() {
    runner_.cancel();
}

// [SECTION] Commands of a point (variant, apply) ------------------------------------------------

AddVariant SweepPanel::variant_command(const SweepPlan& plan, std::size_t point,
                                       const Snapshot& snap) {
    AddVariant c;
    c.name = "sweep-p" + std::to_string(point);
    for (const VariantView& v : snap.variants)
        if (v.name == c.name) c.name.clear();  // taken: the next free "vN"
    const std::vector<SettingValue> values = point_values(plan.spec, point);
    for (std::size_t a = 0; a < values.size(); ++a)
        c.overrides.push_back(Override{plan.spec.axes[a].path, values[a], std::nullopt});
    return c;
}

std::vector<SetSetting> SweepPanel::apply_commands(const SweepPlan& plan, std::size_t point) {
    std::vector<SetSetting> out;
    const std::vector<SettingValue> values = point_values(plan.spec, point);
    for (std::size_t a = 0; a < values.size(); ++a)
        out.push_back(SetSetting{plan.spec.axes[a].path, values[a], false});
    return out;
}

// [SECTION] Choices: knobs, fault, seeds, duration ---------------------------------------------

bool SweepPanel::draw_knob(std::size_t i, const Scenario& live) {
    KnobChoice& k = choices_.knobs[i];
    const std::string id = "sweep.knob" + std::to_string(i + 1);
    const std::string prefix = edge_ + ".";
    ImGui::PushID(static_cast<int>(i));
    ImGui::AlignTextToFramePadding();
    ImGui::Text("knob %zu", i + 1);
    ImGui::SameLine(ImGui::GetFontSize() * 3.6f);
    ImGui::SetNextItemWidth(-1);
    const std::string shown = k.path.rfind(prefix, 0) == 0 ? k.path.substr(prefix.size()) : k.path;
    bool changed = false;
    if (ImGui::BeginCombo("##path", shown.c_str(), ImGuiComboFlags_HeightLargest)) {
        for (const std::string& p : knob_paths(live, edge_)) {
            if (ImGui::Selectable(p.substr(prefix.size()).c_str(), p == k.path)) {
                k = default_knob(live, p);
                changed = true;
            }
            report_rect(id + ".item:" + p, rect_of_last_item());
        }
        ImGui::EndCombo();
    }
    report_rect(id + ".path", rect_of_last_item());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("A protection setting of %s to sweep: %s", edge_.c_str(), k.path.c_str());
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 4.2f);
    int kind = static_cast<int>(k.kind);
    if (ImGui::Combo("##kind", &kind, kRangeNames, 3)) k.kind = static_cast<RangeKind>(kind);
    report_rect(id + ".kind", rect_of_last_item());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "list: the values typed, comma separated\nlinear: from .. to in evenly spaced "
            "steps\nlog: evenly spaced logarithms (from, to > 0)\nInteger keys are rounded and "
            "duplicates dropped");
    ImGui::SameLine();
    if (k.kind == RangeKind::list) {
        if (list_buf_[i][0] == '\0' || k.list != list_buf_[i])
            std::snprintf(list_buf_[i], sizeof list_buf_[i], "%s", k.list.c_str());
        ImGui::SetNextItemWidth(-1);
        if (ImGui::InputText("##list", list_buf_[i], sizeof list_buf_[i])) k.list = list_buf_[i];
        report_rect(id + ".list", rect_of_last_item());
    } else {
        const float w = (ImGui::GetContentRegionAvail().x - fs * 3.4f) * 0.5f - fs * 0.3f;
        ImGui::SetNextItemWidth(w);
        ImGui::InputDouble("##from", &k.from, 0.0, 0.0, "%.6g");
        report_rect(id + ".from", rect_of_last_item());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("from: the first value");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(w);
        ImGui::InputDouble("##to", &k.to, 0.0, 0.0, "%.6g");
        report_rect(id + ".to", rect_of_last_item());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("to: the last value");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        ImGui::InputInt("##steps", &k.steps, 0, 0);
        report_rect(id + ".steps", rect_of_last_item());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("steps: how many values, 1 to %zu", kMaxAxisValues);
    }
    ImGui::PopID();
    return changed;
}

void SweepPanel::draw_fault() {
    FaultProfile& f = choices_.fault;
    const float fs = ImGui::GetFontSize();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("fault");
    ImGui::SameLine(fs * 3.6f);
    ImGui::SetNextItemWidth(fs * 6.0f);
    if (ImGui::BeginCombo("##fault", to_string(f.kind))) {
        for (FaultKind k : kFaultKinds)
            if (ImGui::Selectable(to_string(k), k == f.kind)) f.kind = k;
        ImGui::EndCombo();
    }
    report_rect("sweep.fault.kind", rect_of_last_item());
    if (ImGui::IsItemHovered()) {
        const std::string target =
            edge_.substr(edge_.find("->") == std::string::npos ? 0 : edge_.find("->") + 2);
        ImGui::SetTooltip(
            "The fault every point runs under, on %s (the edge's target):\nhealthy: none\nstep: "
            "the failure rate at at_s\nflapping: bad for duty x period at the start of every "
            "period\nbrownout: the latency grows to factor x by until_s\npartial: the first k "
            "instances fail",
            target.c_str());
    }
    if (f.kind != FaultKind::healthy) {
        ImGui::SameLine();
        ImGui::Checkbox("+ healthy", &choices_.healthy_baseline);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "Also run every point with no fault: its opens are false trips (the Pareto "
                "scatter's vertical axis)");
    }
    // The kind's parameters, two to a line.
    int n = 0;
    const auto field = [&](const char* label, double* v, const char* help) {
        if (n % 2 == 1) ImGui::SameLine();
        ImGui::PushID(label);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(label);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(fs * 4.6f);
        ImGui::InputDouble("##v", v, 0.0, 0.0, "%.6g");
        report_rect(std::string("sweep.fault.") + label, rect_of_last_item());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
        ImGui::PopID();
        ++n;
    };
    if (f.kind == FaultKind::healthy) return;
    field("at_s", &f.at_s, "seconds from the start of each run when the fault starts");
    switch (f.kind) {
        case FaultKind::step:
            field("failure_rate", &f.failure_rate, "the target's failure rate during the fault");
            break;
        case FaultKind::flapping:
            field("period_s", &f.period_s, "one bad and good cycle, seconds");
            field("duty", &f.duty, "share of each period that is bad, (0, 1)");
            field("failure_rate", &f.failure_rate, "the failure rate while bad");
            break;
        case FaultKind::brownout:
            field("until_s", &f.until_s, "the latency is factor times its value at until_s");
            field("factor", &f.factor, "latency multiplier at until_s, (1, 1000]");
            field("step_s", &f.step_s, "the ramp goes up in steps of this many seconds");
            break;
        case FaultKind::partial: {
            double k = static_cast<double>(f.faulty_instances);
            field("instances", &k, "the first k instances of the target fail");
            f.faulty_instances = static_cast<std::int64_t>(std::llround(k));
            field("failure_rate", &f.failure_rate, "the failure rate of those instances");
            break;
        }
        case FaultKind::healthy:
            break;
    }
    bool ends = f.end_s >= 0.0;
    if (n % 2 == 1) ImGui::SameLine();
    if (ImGui::Checkbox("ends", &ends)) f.end_s = ends ? f.at_s + 60.0 : -1.0;
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "The fault ends (the point's own values back) at end_s; else it lasts "
            "to the end of the run");
    if (ends) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(fs * 4.6f);
        ImGui::InputDouble("##end", &f.end_s, 0.0, 0.0, "%.6g");
        report_rect("sweep.fault.end_s", rect_of_last_item());
    }
}

void SweepPanel::sync_knobs(const Scenario& live) {
    choices_.edge = edge_;
    if (knobs_for_ != edge_) {
        // New edge: its first two numeric knobs, the breaker's parameters first.
        knobs_for_ = edge_;
        std::vector<std::string> numeric, breaker;
        for (const std::string& p : knob_paths(live, edge_)) {
            if (!numeric_knob(live, p)) continue;
            (p.find(".breaker.") != std::string::npos ? breaker : numeric).push_back(p);
        }
        breaker.insert(breaker.end(), numeric.begin(), numeric.end());
        choices_.knobs.clear();
        for (std::size_t i = 0; i < std::min<std::size_t>(2, breaker.size()); ++i)
            choices_.knobs.push_back(default_knob(live, breaker[i]));
        if (choices_.knobs.empty()) {
            const auto all = knob_paths(live, edge_);
            if (!all.empty()) choices_.knobs.push_back(default_knob(live, all.front()));
        }
        for (auto& b : list_buf_)
            b[0] = '\0';
    }
}

void SweepPanel::draw_choices(const Snapshot& snap) {
    const Scenario& live = snap.live;
    const float fs = ImGui::GetFontSize();
    ImGui::TextDisabled("edge %s", edge_.c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "The edge selected in the Breaker panel (or on the map): its KPIs are "
            "the sweep's");
    if (choices_.knobs.empty()) {
        ImGui::TextDisabled("This edge has no setting to sweep.");
        return;
    }
    draw_knob(0, live);
    const bool can_second = choices_.knobs.size() >= 2 || knob_paths(live, edge_).size() >= 2;
    ImGui::BeginDisabled(!can_second);
    ImGui::Checkbox("second knob", &second_knob_);
    ImGui::EndDisabled();
    report_rect("sweep.knob2.enable", rect_of_last_item());
    if (second_knob_ && can_second) {
        if (choices_.knobs.size() < 2) {
            for (const std::string& p : knob_paths(live, edge_))
                if (p != choices_.knobs[0].path) {
                    choices_.knobs.push_back(default_knob(live, p));
                    break;
                }
        }
        draw_knob(1, live);
    }
    ImGui::Separator();
    draw_fault();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("seeds");
    ImGui::SameLine(fs * 3.6f);
    ImGui::SetNextItemWidth(fs * 4.0f);
    int seeds = static_cast<int>(choices_.seeds);
    if (ImGui::InputInt("##seeds", &seeds, 0, 0)) {
        // Clamped into the spec's range; the hint says so.
        const int clamped = std::clamp(seeds, 1, static_cast<int>(kMaxSweepSeeds));
        notes_.clear();
        if (clamped != seeds)
            notes_ = {"seeds clamped to " + std::to_string(clamped) + " (1 to " +
                      std::to_string(kMaxSweepSeeds) + ")"};
        choices_.seeds = static_cast<std::uint64_t>(clamped);
    }
    report_rect("sweep.seeds", rect_of_last_item());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Runs per point and profile, seeds %llu on: the 95 %% intervals come "
            "from them",
            static_cast<unsigned long long>(live.seed));
    ImGui::SameLine();
    ImGui::TextUnformatted("duration s");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 4.6f);
    ImGui::InputDouble("##duration", &choices_.duration_s, 0.0, 0.0, "%.6g");
    report_rect("sweep.duration", rect_of_last_item());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Simulated seconds of every run");
}

void SweepPanel::refresh_plan(const Snapshot& snap) {
    SweepChoices choices = choices_;
    if (!second_knob_ && choices.knobs.size() > 1) choices.knobs.resize(1);
    const std::string text = sweep_spec_text(choices);
    const auto key = std::tuple(snap.generation, snap.changes, snap.live.name);
    if (text != plan_text_ || key != plan_for_) {
        plan_text_ = text;
        plan_for_ = key;
        plan_.reset();
        problem_.clear();
        try {
            plan_ = build_sweep_plan(choices, sweep_base(snap.live, snap.now));
        } catch (const ConfigError& e) {
            problem_ = choice_problem(e);
        }
    }
}

// [SECTION] Run bar: start, stop, progress ------------------------------------------------------

void SweepPanel::draw_run_bar(const Snapshot& snap) {
    const bool running = state_.running;
    ImGui::BeginDisabled(!plan_ || running);
    if (ImGui::Button("Start")) {
        runner_.start(*plan_, SweepRunner::default_jobs());
        scenario_of_run_ = {snap.source, snap.live.name};
        selected_.reset();
        colour_profile_ = plan_->spec.profiles.size() - 1;  // the fault's
        show_results_ = true;
    }
    ImGui::EndDisabled();
    report_rect("sweep.start", rect_of_last_item());
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
        if (plan_)
            ImGui::SetTooltip("%zu points x %zu profiles x %llu seeds = %zu runs on %u threads",
                              point_count(plan_->spec), plan_->spec.profiles.size(),
                              static_cast<unsigned long long>(plan_->spec.seeds),
                              task_count(plan_->spec), SweepRunner::default_jobs());
        else
            ImGui::SetTooltip("Fix the field the hint names first");
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(!running);
    if (ImGui::Button("Stop")) runner_.cancel();
    ImGui::EndDisabled();
    report_rect("sweep.stop", rect_of_last_item());
    ImGui::SameLine();
    char overlay[128];
    if (state_.plan) {
        const std::size_t total = state_.points.size();
        const auto eta = state_.eta_s();
        std::snprintf(overlay, sizeof overlay, "%zu / %zu points%s%s%s", state_.points_done, total,
                      running && eta ? ", " : "",
                      running && eta ? plot::format_time(*eta, 1.0).c_str() : "",
                      running && eta     ? " left"
                      : state_.cancelled ? " (stopped)"
                      : running          ? ""
                                         : " done");
        ImGui::ProgressBar(
            total ? static_cast<float>(state_.points_done) / static_cast<float>(total) : 0.0f,
            ImVec2(-1, 0), overlay);
        report_rect("sweep.progress", rect_of_last_item());
    } else if (plan_) {
        ImGui::TextDisabled("%zu points, %zu runs", point_count(plan_->spec),
                            task_count(plan_->spec));
    }
    ImGui::PushTextWrapPos(0.0f);
    if (!problem_.empty()) {
        ImGui::TextColored(theme::state_color_vec(State::open), "%s", problem_.c_str());
        report_rect("sweep.problem", rect_of_last_item());
    } else if (plan_ && !plan_->notes.empty()) {
        // "sweep panel:N: axis P is an integer key: rounded ..." without the position.
        std::string n = plan_->notes.front();
        if (const auto at = n.find(": axis "); at != std::string::npos) n = n.substr(at + 2);
        ImGui::TextDisabled("%s", n.c_str());
    } else if (!notes_.empty()) {
        ImGui::TextDisabled("%s", notes_.front().c_str());
    }
    if (!state_.error.empty())
        ImGui::TextColored(theme::state_color_vec(State::open), "%s", state_.error.c_str());
    ImGui::PopTextWrapPos();
}

// [SECTION] Heatmap -------------------------------------------------------------------------------

void SweepPanel::draw_heatmap(const SweepState& st, float width, float height) {
    const SweepPlan& plan = *st.plan;
    const std::vector<std::string> kpis = sweep_kpi_names();
    const float fs = ImGui::GetFontSize();
    colour_kpi_ = std::min(colour_kpi_, kpis.size() - 1);
    colour_profile_ = std::min(colour_profile_, plan.spec.profiles.size() - 1);
    ImGui::BeginGroup();
    const float top = ImGui::GetCursorScreenPos().y;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("colour");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(width * 0.55f - fs * 3.0f, fs * 6.0f));
    if (ImGui::BeginCombo("##kpi", kpis[colour_kpi_].c_str())) {
        for (std::size_t i = 0; i < kpis.size(); ++i)
            if (ImGui::Selectable(kpis[i].c_str(), i == colour_kpi_)) colour_kpi_ = i;
        ImGui::EndCombo();
    }
    report_rect("sweep.colour", rect_of_last_item());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##profile", plan.spec.profiles[colour_profile_].name.c_str())) {
        for (std::size_t i = 0; i < plan.spec.profiles.size(); ++i)
            if (ImGui::Selectable(plan.spec.profiles[i].name.c_str(), i == colour_profile_))
                colour_profile_ = i;
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The fault profile the colour shows");

    // Values, scale and legend.
    std::vector<std::optional<double>> values(st.points.size());
    for (std::size_t p = 0; p < st.points.size(); ++p)
        if (st.points[p].done) values[p] = st.points[p].mean[colour_profile_][colour_kpi_];
    const Better better = sweep_kpi_better(kpis[colour_kpi_]);
    const ColourScale scale = ColourScale::of(values, better);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    {
        const ImVec2 o = ImGui::GetCursorScreenPos();
        const float lw = fs * 5.0f, lh = fs * 0.7f;
        for (int i = 0; i < 32; ++i) {
            const double g = better == Better::lower ? 1.0 - i / 31.0 : i / 31.0;
            const float fi = static_cast<float>(i);
            dl->AddRectFilled(ImVec2(o.x + lw * fi / 32.0f, o.y + fs * 0.3f),
                              ImVec2(o.x + lw * (fi + 1.0f) / 32.0f, o.y + fs * 0.3f + lh),
                              better == Better::neither
                                  ? ImU32(IM_COL32(60 + 6 * i, 70 + 5 * i, 120 + 4 * i, 255))
                                  : ImU32(goodness_colour(g)));
        }
        ImGui::Dummy(ImVec2(lw, fs * 1.2f));
        ImGui::SameLine();
        if (scale.empty)
            ImGui::TextDisabled("no values yet");
        else
            ImGui::TextDisabled("%s .. %s%s", fmt_value(scale.lo).c_str(),
                                fmt_value(scale.hi).c_str(),
                                better == Better::lower    ? ", lower better"
                                : better == Better::higher ? ", higher better"
                                                           : "");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "The colour runs from red (worst) to green (best) over the values "
                "shown; grey cells have no value (a delay never measured) and dark "
                "ones are not done yet");
    }
    // The grid: first axis down (2 knobs), last across; labels left and below.
    const HeatmapGrid grid = HeatmapGrid::of(plan.spec);
    const bool two = plan.spec.axes.size() >= 2;
    const float label_w = two ? fs * 3.5f : 0.0f;
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float avail_h = std::max(height - (o.y - top) - fs * 2.8f, fs * 3.0f);
    const float cw = std::max((width - label_w) / static_cast<float>(grid.columns), 2.0f);
    const float ch =
        std::clamp(avail_h / static_cast<float>(grid.rows), 2.0f, two ? fs * 4.0f : fs * 3.0f);
    const float x0 = o.x + label_w, y0 = o.y;
    ImGui::InvisibleButton("##heatmap",
                           ImVec2(width, ch * static_cast<float>(grid.rows) + fs * 2.6f));
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    const ImVec2 m = ImGui::GetIO().MousePos;
    const std::optional<std::size_t> under = grid.point_at(m.x, m.y, x0, y0, cw, ch);
    for (std::size_t r = 0; r < grid.rows; ++r) {
        for (std::size_t c = 0; c < grid.columns; ++c) {
            const std::size_t p = grid.point(r, c);
            const ImVec2 a(x0 + cw * static_cast<float>(c), y0 + ch * static_cast<float>(r));
            const ImVec2 b(a.x + cw - 1.0f, a.y + ch - 1.0f);
            ImU32 col = IM_COL32(40, 43, 50, 255);  // not yet run
            if (values[p]) {
                const double g = scale.goodness(*values[p]);
                col = better == Better::neither
                          ? IM_COL32(60 + static_cast<int>(190 * g), 70 + static_cast<int>(155 * g),
                                     120 + static_cast<int>(124 * g), 255)
                          : goodness_colour(g);
            } else if (st.points[p].done) {
                col = IM_COL32(90, 92, 100, 255);  // done, no value (a delay never seen)
            }
            dl->AddRectFilled(a, b, col);
            if (selected_ == p) dl->AddRect(a, b, IM_COL32(255, 255, 255, 255), 0.0f, 0, 2.5f);
            if (cw > fs * 2.5f && ch > fs * 1.1f && values[p]) {
                const std::string t = fmt_value(*values[p]);
                const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
                if (ts.x < cw - 4)
                    dl->AddText(ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f),
                                IM_COL32(15, 15, 18, 255), t.c_str());
            }
            if (st.points[p].done && reporting()) {
                std::string name = "sweep.cell." + std::to_string(p) + "=";
                const auto pv = point_values(plan.spec, p);
                for (std::size_t a2 = 0; a2 < pv.size(); ++a2) {
                    if (a2 > 0) name += ',';
                    name += to_string(pv[a2]);
                }
                report_rect(name, ImVec4(a.x, a.y, b.x, b.y));
            }
        }
    }
    // Axis labels: values of the last axis below, of the first down the left (2 knobs); every
    // value, or every n-th when the cells are too small for each (`room`: a label's size).
    const auto labels = [&](const SweepAxis& axis, float cell, float room, auto&& at) {
        std::size_t every = 1;
        while (every < axis.values.size() && cell * static_cast<float>(every) < room)
            ++every;
        for (std::size_t i = 0; i < axis.values.size(); i += every) {
            const std::string t = to_string(axis.values[i]);
            const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
            dl->AddText(at(static_cast<float>(i) + 0.5f, ts), theme::kMuted, t.c_str());
        }
    };
    const SweepAxis& across = plan.spec.axes.back();
    const float below = y0 + ch * static_cast<float>(grid.rows) + 2.0f;
    labels(across, cw, fs * 3.2f,
           [&](float mid, ImVec2 ts) { return ImVec2(x0 + cw * mid - ts.x * 0.5f, below); });
    ImGui::SetCursorScreenPos(ImVec2(o.x, below + fs * 1.2f));
    ImGui::TextDisabled("across: %s", across.path.substr(plan.spec.edge.size() + 1).c_str());
    if (two) {
        const SweepAxis& down = plan.spec.axes.front();
        ImGui::SameLine();
        ImGui::TextDisabled("  down: %s", down.path.substr(plan.spec.edge.size() + 1).c_str());
        labels(down, ch, fs * 1.1f, [&](float mid, ImVec2 ts) {
            return ImVec2(x0 - ts.x - 4.0f, y0 + ch * mid - ts.y * 0.5f);
        });
    }
    if (hovered && under && st.points[*under].done) draw_point_tooltip(st, *under);
    if (clicked && under && st.points[*under].done) {
        selected_ = under;
        open_menu_ = true;
    }
    ImGui::EndGroup();
}

// [SECTION] Pareto scatter ------------------------------------------------------------------------

void SweepPanel::draw_pareto(const SweepState& st, float width, float height) {
    const float fs = ImGui::GetFontSize();
    std::vector<PointScore> scores;
    std::vector<std::size_t> point_of;
    std::size_t never = 0;
    for (std::size_t p = 0; p < st.points.size(); ++p) {
        if (!st.points[p].done) continue;
        scores.push_back(st.points[p].score);
        point_of.push_back(p);
    }
    const std::vector<std::size_t> front = pareto_front(scores);
    double xmax = 0, ymax = 0;
    for (const PointScore& s : scores) {
        if (!s.detection_delay_s) {
            ++never;
            continue;
        }
        xmax = std::max(xmax, *s.detection_delay_s);
        ymax = std::max(ymax, s.false_trips_per_hour);
    }
    xmax = xmax > 0 ? xmax * 1.08 : 1.0;
    ymax = ymax > 0 ? ymax * 1.08 : 1.0;
    ImGui::BeginGroup();
    ImGui::TextUnformatted("Pareto front");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Each point of the sweep: detection delay (mean over the fault profiles) against "
            "false trips per hour (opens with no fault), as `cbsim-cli recommend` scores "
            "them; the front (no other point better in detection, false trips and good calls "
            "rejected) is ringed. Click a point to select its cell.");
    ImGui::SameLine();
    ImGui::TextDisabled("%zu of %zu%s", front.size(), scores.size(),
                        never ? (", " + std::to_string(never) + " never detect").c_str() : "");
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float left = fs * 2.6f, bottom = fs * 2.4f;
    const float w = std::max(width - left - 4.0f, fs * 4.0f);
    const float h = std::max(height - fs * 1.6f - bottom, fs * 4.0f);
    ImGui::InvisibleButton("##pareto", ImVec2(width, h + bottom));
    report_rect("sweep.pareto", rect_of_last_item());
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a(o.x + left, o.y), b(o.x + left + w, o.y + h);
    dl->AddRectFilled(a, b, IM_COL32(24, 26, 30, 255));
    dl->AddRect(a, b, IM_COL32(70, 74, 82, 255));
    const float pad = 8.0f;  // points on an axis stay clear of the frame
    const auto px = [&](double x) {
        return a.x + pad + static_cast<float>(x / xmax) * (w - 2 * pad);
    };
    const auto py = [&](double y) {
        return b.y - pad - static_cast<float>(y / ymax) * (h - 2 * pad);
    };
    const ImU32 label = IM_COL32(200, 204, 212, 255);
    dl->AddText(ImVec2(a.x, b.y + 2), theme::kMuted, "0");
    const std::string xm = fmt_value(xmax);
    dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(xm.c_str()).x, b.y + 2), theme::kMuted,
                xm.c_str());
    const char* xl = "detection delay, s";
    dl->AddText(ImVec2((a.x + b.x - ImGui::CalcTextSize(xl).x) * 0.5f, b.y + 2), label, xl);
    const std::string ym = fmt_value(ymax);
    dl->AddText(ImVec2(a.x - ImGui::CalcTextSize(ym.c_str()).x - 3, a.y), theme::kMuted,
                ym.c_str());
    dl->AddText(ImVec2(a.x - ImGui::CalcTextSize("0").x - 3, b.y - fs), theme::kMuted, "0");
    dl->AddText(ImVec2(a.x + 4, a.y + 2), label, "false trips per hour");
    const ImVec2 m = ImGui::GetIO().MousePos;
    std::optional<std::size_t> near;
    float best = fs * 0.8f;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const PointScore& s = scores[i];
        if (!s.detection_delay_s) continue;
        const ImVec2 c(px(*s.detection_delay_s), py(s.false_trips_per_hour));
        const bool on_front = std::find(front.begin(), front.end(), i) != front.end();
        dl->AddCircleFilled(c, on_front ? 4.5f : 3.0f,
                            on_front ? theme::kClosed : IM_COL32(130, 135, 150, 255));
        if (on_front) dl->AddCircle(c, 7.0f, IM_COL32(255, 255, 255, 200), 0, 1.5f);
        if (selected_ == point_of[i]) dl->AddCircle(c, 10.0f, theme::kHalfOpen, 0, 2.0f);
        const float d = std::hypot(c.x - m.x, c.y - m.y);
        if (d < best) {
            best = d;
            near = point_of[i];
        }
    }
    if (hovered && near) draw_point_tooltip(st, *near);
    if (clicked && near) selected_ = near;
    ImGui::EndGroup();
}

// [SECTION] Tooltip and the cell's menu -----------------------------------------------------------

void SweepPanel::draw_point_tooltip(const SweepState& st, std::size_t point) {
    const SweepPlan& plan = *st.plan;
    const SweepPointResult& r = st.points[point];
    const std::vector<std::string> kpis = sweep_kpi_names();
    ImGui::BeginTooltip();
    ImGui::Text("point %zu", point);
    const auto values = point_values(plan.spec, point);
    for (std::size_t a = 0; a < values.size(); ++a)
        ImGui::Text("%s = %s", plan.spec.axes[a].path.c_str(), to_string(values[a]).c_str());
    ImGui::TextDisabled(
        "detection %s s (detected %.1f %%), false trips %.3g/h, good rejected %.1f (recommend)",
        r.score.detection_delay_s ? fmt_value(*r.score.detection_delay_s).c_str() : "never",
        100.0 * r.score.detected, r.score.false_trips_per_hour, r.score.good_rejected);
    const int cols = 1 + static_cast<int>(plan.spec.profiles.size());
    if (ImGui::BeginTable("##kpis", cols, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("KPI");
        for (const FaultProfile& f : plan.spec.profiles)
            ImGui::TableSetupColumn(("mean ± 95% CI, " + f.name).c_str());
        ImGui::TableHeadersRow();
        for (std::size_t k = 0; k < kpis.size(); ++k) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(kpis[k].c_str());
            for (std::size_t pr = 0; pr < plan.spec.profiles.size(); ++pr) {
                ImGui::TableNextColumn();
                const auto& mean = r.mean[pr][k];
                const auto& ci = r.ci95[pr][k];
                if (!mean)
                    ImGui::TextDisabled("-");
                else if (ci)
                    ImGui::Text("%s ± %s", fmt_value(*mean).c_str(), fmt_value(*ci).c_str());
                else
                    ImGui::Text("%s", fmt_value(*mean).c_str());
            }
        }
        ImGui::EndTable();
    }
    ImGui::TextDisabled("click: open as a compare variant or apply");
    ImGui::EndTooltip();
}

void SweepPanel::draw_cell_menu(const SweepState& st, const Snapshot& snap, CommandSink& sink) {
    if (open_menu_) {
        ImGui::OpenPopup("##sweep_cell");
        open_menu_ = false;
    }
    if (!ImGui::BeginPopup("##sweep_cell")) return;
    if (selected_ && st.plan && *selected_ < st.points.size()) {
        const std::size_t p = *selected_;
        const auto values = point_values(st.plan->spec, p);
        std::string what;
        for (std::size_t a = 0; a < values.size(); ++a)
            what += (a ? ", " : "") +
                    st.plan->spec.axes[a].path.substr(st.plan->spec.edge.size() + 1) + " = " +
                    to_string(values[a]);
        ImGui::TextDisabled("point %zu: %s", p, what.c_str());
        if (ImGui::Selectable("Open as compare variant")) {
            sink.send(variant_command(*st.plan, p, snap));
            ImGui::CloseCurrentPopup();
        }
        report_rect("sweep.open_variant", rect_of_last_item());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "A new variant with this point's settings, beside the others in the "
                "Breaker panel's variant bar and the plots (every variant restarts "
                "at t = 0)");
        if (ImGui::Selectable("Apply to the live run")) {
            for (SetSetting& c : apply_commands(*st.plan, p))
                sink.send(std::move(c));
            ImGui::CloseCurrentPopup();
        }
        report_rect("sweep.apply", rect_of_last_item());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Set these values now (recorded in the timeline; Ctrl+Z undoes)");
    }
    ImGui::EndPopup();
}

// [SECTION] The panel -----------------------------------------------------------------------------

void SweepPanel::draw_results(const Snapshot& snap, CommandSink& sink) {
    const float fs = ImGui::GetFontSize();
    if (!state_.plan) {
        ImGui::TextDisabled("Choose knobs and ranges, then Start: the heatmap fills in here.");
    } else {
        const ImVec2 r = ImGui::GetContentRegionAvail();
        const bool beside = r.x > fs * 30.0f;
        const float hw = beside ? r.x * 0.58f : r.x;
        const float hh = beside ? r.y : r.y * 0.58f;
        ImGui::BeginChild("##heat", ImVec2(hw, hh), false, ImGuiWindowFlags_NoScrollbar);
        draw_heatmap(state_, ImGui::GetContentRegionAvail().x, hh);
        ImGui::EndChild();
        if (beside) ImGui::SameLine();
        ImGui::BeginChild("##pareto_child", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
        draw_pareto(state_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
        ImGui::EndChild();
    }
    draw_cell_menu(state_, snap, sink);
}

void SweepPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    edge_ = view_.edge;
    // A new scenario stops the sweep of the old one and drops its results.
    if (state_.plan && std::pair(snap.source, snap.live.name) != scenario_of_run_) {
        runner_.reset();
        selected_.reset();
    }
    if (runner_.version() != state_version_) {
        state_version_ = runner_.version();
        state_ = runner_.state();
    }
    sync_knobs(snap.live);
    const float fs = ImGui::GetFontSize();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (avail.x > fs * 40.0f) {
        // Wide: the choices on the left, the results beside them.
        const float controls_w = std::min(fs * 21.0f, avail.x * 0.42f);
        ImGui::BeginChild("##choices", ImVec2(controls_w, avail.y), false);
        draw_choices(snap);
        refresh_plan(snap);
        draw_run_bar(snap);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("##results", ImVec2(0, 0), false);
        draw_results(snap, sink);
        ImGui::EndChild();
        return;
    }
    // Narrow: the run bar on top, the choices and the results on two tabs (Start shows the
    // results).
    refresh_plan(snap);
    draw_run_bar(snap);
    if (ImGui::BeginTabBar("##sweep_tabs")) {
        if (ImGui::BeginTabItem("Setup")) {
            ImGui::BeginChild("##choices", ImVec2(0, 0), false);
            draw_choices(snap);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        report_rect("sweep.tab.setup", rect_of_last_item());
        if (ImGui::BeginTabItem("Results", nullptr,
                                show_results_ ? ImGuiTabItemFlags_SetSelected : 0)) {
            ImGui::BeginChild("##results", ImVec2(0, 0), false);
            draw_results(snap, sink);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        report_rect("sweep.tab.results", rect_of_last_item());
        show_results_ = false;
        ImGui::EndTabBar();
    }
}

}  // namespace cbsim::gui
