#include "panels/replay_panel.hpp"

#include <imgui.h>
#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "theme.hpp"

namespace cbsim::gui {
namespace fs = std::filesystem;

namespace {

std::array<ImU32, kStates> band_colors() {
    std::array<ImU32, kStates> colors{};
    for (std::size_t i = 0; i < kStates; ++i) {
        const auto s = static_cast<State>(i);
        colors[static_cast<std::size_t>(state_severity(s))] = theme::state_color(s);
    }
    return colors;
}

std::string time_text(SimTime t) {
    return plot::format_time(static_cast<double>(t) / 1e6, 0.001);
}

}  // namespace

ReplayPanel::ReplayPanel(ViewState& view, std::string preset_dir)
    : Panel(PanelId::replay), view_(view) {
    for (const PresetInfo& p : all_presets())
        configs_.push_back(Config{p.name, (fs::path(preset_dir) / p.preset_file).string(), true});
    time_.min_span = 0.001;
    // Following "live" here shows the whole finished trace (live_span is its length).
    time_.double_click_hint = "double-click: fit the whole trace";
    open() = false;  // until a trace is opened
}

std::string ReplayPanel::open_trace(const std::string& path) {
    TraceKind kind = detect_trace_kind(path);
    if (!kind.readable) return kind.error;  // missing, a folder, empty, unreadable
    path_ = path;
    kind_ = std::move(kind);
    read_ = LogOptions{};
    read_.format = kind_.format;
    open() = true;
    if (!kind_.error.empty()) {
        // Lines that no format reads with its default layout: a log of another layout, whose
        // format and layout the user gives in "Read as...".
        kind_.log = true;
        job_.clear();
        result_.reset();
        restart();  // says why nothing replays
        load_read_form();
        open_read_as_ = true;
        return "";
    }
    restart();
    return "";
}

std::string ReplayPanel::read_as(const ReadAs& r) {
    if (path_.empty() || !kind_.log) return "Open a log first (File > Open trace...)";
    const LogFormatInfo& info = log_format_info(r.format);
    LogOptions options;
    options.format = r.format;
    try {
        const bool custom = !r.layout.empty() && r.layout != info.layout;
        if (custom && (r.format == LogFormat::nginx || r.format == LogFormat::envoy))
            options.log_format = r.layout;
        else if (custom && (r.format == LogFormat::json || r.format == LogFormat::csv))
            options.fields = parse_field_map(r.layout);
        else if (custom)
            return std::string(info.name) + " has a fixed layout";
        if (!r.failure.empty()) options.failure = FailureRule::parse(r.failure);
    } catch (const ConfigError& e) {
        return e.what();
    }
    if (r.timeout_ms >= 0) options.timeout = std::llround(r.timeout_ms * 1000.0);
    if (std::string why = check_log_options(path_, options); !why.empty()) return why;
    read_ = std::move(options);
    kind_.format = r.format;
    kind_.error.clear();
    restart();
    return "";
}

std::string ReplayPanel::add_breaker(const std::string& path) {
    if (configs_.size() >= kMaxReplayConfigs)
        return "at most " + std::to_string(kMaxReplayConfigs) + " configs";
    const std::string name = config_name(path);
    if (std::string p = config_name_problem(name); !p.empty()) return path + ": " + p;
    for (const Config& c : configs_) {
        if (c.name == name) return "a config named " + name + " is already in the list";
    }
    try {
        (void)load_breaker_file(path);
    } catch (const std::exception& e) {
        return e.what();
    }
    configs_.push_back(Config{name, path, true});
    if (!path_.empty()) restart();
    return "";
}

bool ReplayPanel::restart() {
    error_.clear();
    if (!kind_.error.empty()) {
        error_ = kind_.error;
        return false;
    }
    ReplayRequest request;
    request.path = path_;
    request.log = kind_.log;
    request.options = read_;
    for (const Config& c : configs_) {
        if (!c.chosen) continue;
        try {
            request.configs.push_back(NamedConfig{c.name, load_breaker_file(c.file)});
        } catch (const std::exception& e) {
            error_ = e.what();
            return false;
        }
    }
    if (request.configs.empty()) {
        error_ = "Choose at least one config";
        return false;
    }
    job_.start(std::move(request));
    result_.reset();
    reported_ = false;
    return true;
}

// [SECTION] Drawing -------------------------------------------------------------------------

void ReplayPanel::draw_content(const Snapshot&, CommandSink&) {
    if (auto r = job_.result(); r && r != result_) {
        result_ = std::move(r);
        time_.follow_live = true;  // the whole trace
    }
    if (result_ && !reported_) report_done();
    draw_header();
    if (path_.empty()) {
        ImGui::TextWrapped(
            "File > Open trace... replays a trace (trace.csv) or an access log through the "
            "breaker configs below, all at once.");
        draw_configs();
        return;
    }
    draw_configs();
    const float fs = ImGui::GetFontSize();
    const float summary_w = std::min(fs * 36.0f, ImGui::GetContentRegionAvail().x * 0.45f);
    ImGui::BeginChild("##replay_plots", ImVec2(ImGui::GetContentRegionAvail().x - summary_w, 0.0f));
    if (result_ && result_->rows > 0) draw_plots(ImGui::GetContentRegionAvail().x);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##replay_summary", ImVec2(0.0f, 0.0f));
    if (result_) draw_summary();
    ImGui::EndChild();
}

void ReplayPanel::draw_header() {
    if (!path_.empty()) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(fs::path(path_).filename().string().c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", path_.c_str());
        ImGui::SameLine();
        if (kind_.log) {
            // The format was detected (or given); "Read as..." gives another, with its layout,
            // failure rule and timeout (the log is read again).
            const std::string label = std::string(log_format_info(kind_.format).name) +
                                      (kind_.error.empty() ? "" : "?") + "  Read as...";
            if (ImGui::SmallButton(label.c_str())) {
                load_read_form();
                open_read_as_ = true;
            }
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip(
                    "How the log is read: its format, layout, failure rule and "
                    "timeout");
            report_item("replay.read_as");
            draw_read_as();
        } else {
            ImGui::TextDisabled("trace");
        }
        ImGui::SameLine();
    }
    if (job_.running()) {
        ImGui::Text("replaying... %llu rows", static_cast<unsigned long long>(job_.progress()));
    } else if (!error_.empty() || (result_ && !result_->error.empty())) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.35f, 0.3f, 1));
        ImGui::TextWrapped("%s", (error_.empty() ? result_->error : error_).c_str());
        ImGui::PopStyleColor();
    } else if (result_) {
        ImGui::Text("%llu calls, %s", static_cast<unsigned long long>(result_->rows),
                    time_text(result_->trace.end()).c_str());
        if (result_->origin_us > 0) {
            ImGui::SameLine();
            ImGui::TextDisabled("t = 0 at %s", format_iso8601(result_->origin_us).c_str());
        }
        draw_skipped(result_->log);
    }
}

void ReplayPanel::draw_skipped(const LogStats& stats) {
    // Lines of the log that were not calls, as `cbsim-cli replay --format` reports them: the
    // count and the reasons, the first lines quoted on hover.
    const std::uint64_t skipped = stats.skipped();
    if (skipped == 0) return;
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.95f, 0.7f, 0.2f, 1), "%llu of %llu lines skipped: %s",
                       static_cast<unsigned long long>(skipped),
                       static_cast<unsigned long long>(stats.lines),
                       skipped_counts_text(stats).c_str());
    report_item("replay.skipped");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(stats.first_skipped.size() < skipped ? "The first skipped lines:"
                                                                    : "The skipped lines:");
        for (const SkippedLine& l : stats.first_skipped)
            ImGui::TextUnformatted(skipped_line_text(l).c_str());
        ImGui::EndTooltip();
    }
}

void ReplayPanel::load_read_form() {
    form_format_ = read_.format;
    std::string layout;  // empty: the format's default, shown as the field's hint
    if (!read_.log_format.empty()) layout = read_.log_format;
    if (!read_.fields.time.name.empty()) layout = field_map_text(read_.fields);
    std::snprintf(form_layout_, sizeof form_layout_, "%s", layout.c_str());
    std::snprintf(form_failure_, sizeof form_failure_, "%s", read_.failure.text().c_str());
    form_timeout_on_ = read_.timeout >= 0;
    if (form_timeout_on_) form_timeout_ms_ = static_cast<double>(read_.timeout) / 1000.0;
    form_error_.clear();
}

void ReplayPanel::draw_read_as() {
    if (open_read_as_) {
        ImGui::OpenPopup("##read_as");
        open_read_as_ = false;
    }
    if (!ImGui::BeginPopup("##read_as")) return;
    const float fs = ImGui::GetFontSize();
    ImGui::TextUnformatted("Read the log as");
    ImGui::SetNextItemWidth(fs * 8.0f);
    if (ImGui::BeginCombo("format", log_format_info(form_format_).name)) {
        for (const LogFormatInfo& f : log_formats()) {
            if (ImGui::Selectable(f.name, f.format == form_format_) && f.format != form_format_) {
                form_format_ = f.format;
                form_layout_[0] = '\0';  // the new format's default
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", f.description);
        }
        ImGui::EndCombo();
    }
    report_item("replay.read.format");
    bool apply = false;
    const ImGuiInputTextFlags enter = ImGuiInputTextFlags_EnterReturnsTrue;
    if (form_format_ == LogFormat::haproxy) {
        ImGui::TextDisabled("HAProxy's httplog line has a fixed layout");
    } else {
        const bool fields = form_format_ == LogFormat::json || form_format_ == LogFormat::csv;
        ImGui::SetNextItemWidth(fs * 44.0f);
        apply |= ImGui::InputTextWithHint(fields ? "fields" : "log_format",
                                          log_format_info(form_format_).layout, form_layout_,
                                          sizeof form_layout_, enter);
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip(fields ? "NAME=FIELD[:UNIT],... with NAME time, end, duration, "
                                       "status, upstream or route; UNIT s, ms, us, ns or "
                                       "iso8601. Empty: the default shown"
                                     : "The server's log_format string: its variables and "
                                       "literal text, as in its configuration. Empty: the "
                                       "default shown");
        }
        report_item("replay.read.layout");
    }
    ImGui::SetNextItemWidth(fs * 24.0f);
    apply |= ImGui::InputTextWithHint("failure", kDefaultFailureRule, form_failure_,
                                      sizeof form_failure_, enter);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Which calls failed: comparisons of status and duration_ms (>= > <= "
            "< == !=) joined by && || ! and parentheses");
    report_item("replay.read.failure");
    ImGui::Checkbox("timeout", &form_timeout_on_);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("A call that took longer is a timeout, whatever its status");
    report_item("replay.read.timeout_on");
    if (form_timeout_on_) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(fs * 8.0f);
        ImGui::InputDouble("ms", &form_timeout_ms_, 0.0, 0.0, "%.3f");
        form_timeout_ms_ = std::clamp(form_timeout_ms_, 0.0, 366.0 * 24 * 3600 * 1000);
        report_item("replay.read.timeout");
    }
    if (!form_error_.empty()) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + fs * 44.0f);
        ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1), "%s", form_error_.c_str());
        ImGui::PopTextWrapPos();
    }
    apply |= ImGui::Button("Apply");
    report_item("replay.read.apply");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (apply) {
        ReadAs r{form_format_, form_layout_, form_failure_,
                 form_timeout_on_ ? form_timeout_ms_ : -1.0};
        form_error_ = read_as(r);
        if (reporting()) {
            std::printf("REPLAY_READ_AS %s\n", form_error_.empty() ? "ok" : form_error_.c_str());
            std::fflush(stdout);
        }
        if (form_error_.empty()) ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

void ReplayPanel::draw_configs() {
    bool changed = false;
    for (std::size_t i = 0; i < configs_.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        if (i > 0) ImGui::SameLine();
        changed |= ImGui::Checkbox(configs_[i].name.c_str(), &configs_[i].chosen);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", configs_[i].file.c_str());
        report_item("replay.config." + configs_[i].name);
        ImGui::PopID();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Add breaker file..."))
        view_.file_request = ViewState::FileRequest::add_breaker;
    report_item("replay.add_breaker");
    if (changed && !path_.empty()) restart();
}

void ReplayPanel::draw_plots(float width) {
    const ReplayResult& r = *result_;
    const float fs = ImGui::GetFontSize();
    const double end_s = std::max(static_cast<double>(r.trace.end()) / 1e6, 0.001);
    time_.new_frame();
    time_.live_span = end_s;
    time_.update(end_s);
    const float band_h = fs * 1.4f;
    const float bands_h =
        static_cast<float>(r.names.size()) * (band_h + ImGui::GetStyle().ItemSpacing.y);
    const float plot_h =
        std::max((ImGui::GetContentRegionAvail().y - bands_h) * 0.5f - fs * 1.6f, fs * 3.0f);
    (void)width;

    // Calls per second, and each call as a tick once a finest bucket is a pixel wide or more.
    ImGui::TextUnformatted("calls/s");
    if (rate_plot_.begin("##rate", time_, end_s, plot_h, TimePlot::YAxis{true, false, {}, "/s"})) {
        const ImVec2 p0 = ImGui::GetItemRectMin(), p1 = ImGui::GetItemRectMax();
        report_rect("replay.rate", ImVec4(p0.x, p0.y, p1.x, p1.y));
        const plot::Range v = rate_plot_.view();
        r.trace.columns(v.lo, v.hi, rate_plot_.columns(), rate_cols_, share_cols_);
        rate_plot_.line("calls/s", rate_cols_, theme::kSuccess);
        rate_plot_.end();
        const double col_us = v.span() * 1e6 / rate_plot_.columns();
        const auto w0 = static_cast<double>(r.trace.width(0));
        if (w0 >= col_us) {
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const std::vector<TraceAggregate::Bucket>& lv = r.trace.level(0);
            const auto first = static_cast<std::size_t>(std::max(v.lo * 1e6 / w0, 0.0));
            const double px_per_us = static_cast<double>(p1.x - p0.x) / (v.span() * 1e6);
            for (std::size_t i = first; i < lv.size() && static_cast<double>(i) * w0 < v.hi * 1e6;
                 ++i) {
                if (lv[i].calls == 0) continue;
                const double at = (static_cast<double>(i) + 0.5) * w0;
                const float x = p0.x + static_cast<float>((at - v.lo * 1e6) * px_per_us);
                dl->AddLine(ImVec2(x, p1.y), ImVec2(x, p1.y - (p1.y - p0.y) * 0.25f),
                            lv[i].failures > 0 ? theme::kFailure : theme::kSuccess, 2.0f);
            }
        }
    }
    ImGui::TextUnformatted("failure share");
    if (share_plot_.begin("##share", time_, end_s, plot_h,
                          TimePlot::YAxis{true, true, {0.0, 1.0}, ""})) {
        share_plot_.line("failure share", share_cols_, theme::kFailure);
        share_plot_.end();
    }

    // One state band per config.
    const std::array<ImU32, kStates> colors = band_colors();
    bands_.resize(r.names.size());
    TimePlot::YAxis fixed{false, true, {0.0, 1.0}, "", false};
    for (std::size_t c = 0; c < r.names.size(); ++c) {
        const std::string id = "##band_" + r.names[c];
        if (!bands_[c].begin(id.c_str(), time_, end_s, band_h, fixed)) continue;
        const ImVec2 p0 = ImGui::GetItemRectMin(), p1 = ImGui::GetItemRectMax();
        report_rect("replay.band." + r.names[c], ImVec4(p0.x, p0.y, p1.x, p1.y));
        const plot::Range v = bands_[c].view();
        r.timelines[c].columns(v.lo, v.hi, bands_[c].columns(), band_cols_);
        bands_[c].band(id.c_str(), band_cols_, colors);
        bands_[c].end();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 text(p0.x + 4.0f, p0.y + (p1.y - p0.y - fs) * 0.5f);
        dl->AddText(ImVec2(text.x + 1, text.y + 1), IM_COL32(0, 0, 0, 220), r.names[c].c_str());
        dl->AddText(text, IM_COL32(255, 255, 255, 255), r.names[c].c_str());
        if (ImGui::IsMouseHoveringRect(p0, p1) && ImGui::IsWindowHovered()) {
            const double t_s = v.lo + static_cast<double>(ImGui::GetIO().MousePos.x - p0.x) /
                                          static_cast<double>(p1.x - p0.x) * v.span();
            const auto t = static_cast<SimTime>(t_s * 1e6);
            const StateChange* ch = r.timelines[c].change_at(t);
            const State s = r.timelines[c].state_at(t);
            if (ch) {
                ImGui::SetTooltip("%s at %s: %s\nsince %s, %s", r.names[c].c_str(),
                                  time_text(t).c_str(), to_string(s), time_text(ch->at).c_str(),
                                  ch->reason.c_str());
            } else {
                ImGui::SetTooltip("%s at %s: %s (from the start)", r.names[c].c_str(),
                                  time_text(t).c_str(), to_string(s));
            }
        }
    }
}

void ReplayPanel::draw_summary() {
    const ReplayResult& r = *result_;
    if (r.kpis.empty()) return;
    // summary.csv turned on its side: a row per column of it (its first, the config's name,
    // heads the table), a column per config, so the configs sit beside the bands.
    const std::span<const ReplaySummaryColumn> cols = replay_summary_columns();
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("##summary", static_cast<int>(r.kpis.size()) + 1, flags)) return;
    ImGui::TableSetupScrollFreeze(1, 0);
    std::string cell;
    for (std::size_t row = 0; row < cols.size(); ++row) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextDisabled("%s", cols[row].name);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", cols[row].meaning);
        for (std::size_t c = 0; c < r.kpis.size(); ++c) {
            ImGui::TableSetColumnIndex(static_cast<int>(c) + 1);
            cell.clear();
            cols[row].append(cell, r.kpis[c]);
            ImGui::TextUnformatted(cell.c_str());
        }
    }
    ImGui::EndTable();
}

// [SECTION] Test report -----------------------------------------------------------------------

void ReplayPanel::report_done() {
    reported_ = true;
    if (!reporting()) return;
    const ReplayResult& r = *result_;
    if (!r.error.empty()) {
        std::printf("REPLAY_ERROR %s\n", r.error.c_str());
    } else {
        std::printf("REPLAYED %zu %llu\n", r.names.size(), static_cast<unsigned long long>(r.rows));
        for (std::size_t c = 0; c < r.names.size(); ++c) {
            // The first transition into open, in ms of trace time (-1: never opened).
            long long first_open = -1;
            for (const StateChange& ch : r.timelines[c].changes()) {
                if (ch.to == State::open) {
                    first_open = ch.at / kMillisecond;
                    break;
                }
            }
            std::printf("REPLAY_CONFIG %s opens=%llu first_open_ms=%lld\n", r.names[c].c_str(),
                        static_cast<unsigned long long>(r.kpis[c].opens), first_open);
        }
    }
    std::fflush(stdout);
}

}  // namespace cbsim::gui
