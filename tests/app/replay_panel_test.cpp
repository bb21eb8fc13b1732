// The Replay view: the trace aggregate, the state timelines against the Replayer's own
// decisions, format detection, and the panel driven through the ImGui harness.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cbsim/access_log.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/replay.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "common/temp_dir.hpp"
#include "imgui_harness.hpp"
#include "panels/replay_panel.hpp"
#include "replay_model.hpp"
#include "theme.hpp"

namespace cbsim::gui {
namespace {

// 10 min at 50 calls/s; from minute 3 for 30 s, 9 calls in 10 fail. With `durations`, each
// call ends at the next whole second (what nginx's $time_local can hold).
std::string outage_trace(bool durations = false) {
    std::string t = durations ? "t_ms,outcome,duration_ms\n" : "t_ms,outcome\n";
    for (int i = 0; i < 600 * 50; ++i) {
        const int ms = i * 20;
        const bool outage = ms >= 180000 && ms < 210000;
        t += std::to_string(ms);
        t += outage && i % 10 != 0 ? ",failure" : ",success";
        if (durations) {
            t += ',';
            t += std::to_string((1000 - ms % 1000) % 1000);
        }
        t += "\n";
    }
    return t;
}

const std::string kPresetDir = std::string(CBSIM_ASSET_DIR) + "/presets";

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

TEST(TraceAggregate, ColumnsCountEveryCallAtAnyZoom) {
    TraceAggregate agg;
    // 1000 calls a second for 16.384 s (the 1 ms buckets x 16384), 4.096 s to 5.12 s failing.
    for (int i = 0; i < 16384; ++i)
        agg.add(static_cast<SimTime>(i) * kMillisecond, i >= 4096 && i < 5120);
    EXPECT_EQ(agg.calls(), 16384u);
    EXPECT_EQ(agg.failures(), 1024u);
    std::vector<ColumnAgg> rate, share;
    // Columns of 1024, 256, 16 and 1 ms: each reads whole buckets of one level (256, 16, 1 ms
    // and, zoomed to the finest, 1 ms).
    for (int n : {16, 64, 1024, 16384}) {
        agg.columns(0.0, 16.384, n, rate, share);
        ASSERT_EQ(rate.size(), static_cast<std::size_t>(n));
        for (int c = 0; c < n; ++c) {
            EXPECT_NEAR(rate[static_cast<std::size_t>(c)].max, 1000.0, 1e-6) << n << " " << c;
            const double t = (c + 0.5) * 16.384 / n;
            EXPECT_NEAR(share[static_cast<std::size_t>(c)].max, t >= 4.096 && t < 5.12 ? 1.0 : 0.0,
                        1e-9)
                << n << " " << c;
        }
    }
    // Columns that do not fall on bucket edges: every call is in exactly one column.
    for (int n : {7, 100, 999}) {
        agg.columns(0.0, 16.384, n, rate, share);
        const double w = static_cast<double>(agg.width(agg.level_for(16.384e6 / n)));
        double calls = 0.0;
        for (const ColumnAgg& c : rate)
            calls += c.max * c.rows * w / 1e6;
        EXPECT_NEAR(calls, 16384.0, 1e-6) << n;
    }
    // Zoomed to 10 ms over 100 columns: finer than the 1 ms buckets, each column one bucket.
    agg.columns(2.0, 2.01, 100, rate, share);
    for (const ColumnAgg& c : rate)
        EXPECT_NEAR(c.max, 1000.0, 1e-6);
    // Past the end: empty.
    agg.columns(20.0, 30.0, 10, rate, share);
    for (const ColumnAgg& c : rate)
        EXPECT_TRUE(c.empty());
}

TEST(TraceAggregate, MemoryIsBoundedWhateverTheTraceLength) {
    TraceAggregate agg;
    // A call every second for 30 days: 2.6 M finest buckets of 1 ms would not fit.
    const SimTime days = 30LL * 24 * 3600 * kSecond;
    for (SimTime t = 0; t < days; t += kSecond)
        agg.add(t, false);
    EXPECT_LE(agg.level(0).size(), TraceAggregate::kMaxBuckets);
    EXPECT_GT(agg.width(0), kMillisecond);
    EXPECT_LE(agg.bytes(), 2 * TraceAggregate::kMaxBuckets * sizeof(TraceAggregate::Bucket));
    std::vector<ColumnAgg> rate, share;
    agg.columns(0.0, 30.0 * 24 * 3600, 300, rate, share);
    for (const ColumnAgg& c : rate)
        EXPECT_NEAR(c.max, 1.0, 0.01);
}

TEST(StateTimeline, TransitionsMatchTheReplayersDecisions) {
    test::TempDir dir;
    const std::string trace_path = dir.path.string() + "/outage.csv";
    write(trace_path, outage_trace());
    ReplayRequest request;
    request.path = trace_path;
    for (const PresetInfo& p : all_presets()) {
        request.configs.push_back(NamedConfig{
            p.name, load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/" + p.preset_file)});
    }
    const ReplayResult result = replay_request(request);
    ASSERT_EQ(result.error, "");
    EXPECT_EQ(result.rows, 30000u);
    const Trace trace = load_trace(trace_path);
    for (std::size_t c = 0; c < request.configs.size(); ++c) {
        const std::vector<Decision> decisions = replay(request.configs[c].config, trace);
        const StateTimeline& tl = result.timelines[c];
        // Every row's state, read where the replay read it, is the timeline's state there.
        std::size_t mismatches = 0;
        for (const Decision& d : decisions)
            mismatches += tl.state_at(d.state_at) != d.state ? 1U : 0U;
        EXPECT_EQ(mismatches, 0u) << request.configs[c].name;
        // Every preset opens during the outage, and the KPIs count the same opens.
        std::uint64_t opens = 0;
        for (const StateChange& ch : tl.changes())
            opens += ch.to == State::open && ch.from != State::open ? 1U : 0U;
        EXPECT_EQ(opens, result.kpis[c].opens) << request.configs[c].name;
        ASSERT_FALSE(tl.changes().empty()) << request.configs[c].name;
        EXPECT_GE(tl.changes().front().at, 180 * kSecond);
        EXPECT_LT(tl.changes().front().at, 210 * kSecond);
        EXPECT_EQ(tl.changes().front().to, State::open);
        EXPECT_NE(tl.changes().front().reason.find("open"), std::string::npos);
        // The band shows open during the outage and closed before it.
        std::vector<ColumnAgg> cols;
        tl.columns(0.0, 600.0, 600, cols);
        EXPECT_EQ(cols[100].max, state_severity(State::closed));
        bool open = false;
        for (int s = 180; s < 215; ++s)
            open |= cols[static_cast<std::size_t>(s)].max == state_severity(State::open);
        EXPECT_TRUE(open) << request.configs[c].name;
    }
}

TEST(DetectTraceKind, TracesLogsAndNeither) {
    test::TempDir dir;
    const std::string trace_path = dir.path.string() + "/t.csv";
    write(trace_path, "t_ms,outcome\n0,success\n");
    TraceKind k = detect_trace_kind(trace_path);
    EXPECT_EQ(k.error, "");
    EXPECT_FALSE(k.log);
    // Every format's example line is read as that format.
    for (const LogFormatInfo& f : log_formats()) {
        if (f.format == LogFormat::csv) continue;  // its example needs its header line
        const std::string path = dir.path.string() + "/" + f.name + ".log";
        write(path, std::string(f.example) + "\n");
        k = detect_trace_kind(path);
        EXPECT_EQ(k.error, "") << f.name;
        EXPECT_TRUE(k.log) << f.name;
        EXPECT_EQ(k.format, f.format) << f.name;
    }
    // A gzip log is read through zlib.
    const std::string gz_path = dir.path.string() + "/access.log.gz";
    gzFile gz = gzopen(gz_path.c_str(), "wb");
    ASSERT_NE(gz, nullptr);
    const std::string line = std::string(log_format_info(LogFormat::haproxy).example) + "\n";
    gzwrite(gz, line.data(), static_cast<unsigned>(line.size()));
    gzclose(gz);
    k = detect_trace_kind(gz_path);
    EXPECT_EQ(k.error, "");
    EXPECT_EQ(k.format, LogFormat::haproxy);
    const std::string junk = dir.path.string() + "/junk.log";
    write(junk, "\nhello world\nsecond\n");
    k = detect_trace_kind(junk);
    EXPECT_NE(k.error.find(junk), std::string::npos) << k.error;
    EXPECT_NE(k.error.find("hello world"), std::string::npos) << k.error;
    const std::string empty = dir.path.string() + "/empty.log";
    write(empty, "");
    EXPECT_NE(detect_trace_kind(empty).error.find("is empty"), std::string::npos);
    EXPECT_NE(detect_trace_kind(dir.path.string() + "/missing.log").error, "");
}

TEST(DetectTraceKind, AGeneratedNginxLogIsReplayedAsItsTrace) {
    test::TempDir dir;
    const std::string text = outage_trace(true);
    const Trace trace = parse_trace(text, "outage.csv");
    const std::string log_path = dir.path.string() + "/access.log";
    SynthOptions synth;
    ASSERT_TRUE(parse_iso8601("2026-12-07T03:00:00Z", synth.start));
    write(log_path, synth_log(trace, synth, "outage.csv"));
    const TraceKind k = detect_trace_kind(log_path);
    ASSERT_EQ(k.error, "");
    EXPECT_TRUE(k.log);
    EXPECT_EQ(k.format, LogFormat::nginx);
    ReplayRequest request{log_path, true, LogOptions{}, {}};
    request.configs.push_back(NamedConfig{
        "gobreaker", load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/gobreaker.toml")});
    const ReplayResult r = replay_request(request);
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.rows, trace.rows.size());
    EXPECT_EQ(r.origin_us, synth.start);
    EXPECT_GE(r.kpis[0].opens, 1u);
}

TEST(ReplayPanel, OpensATraceReplaysInTheBackgroundAndDrawsBandsAndSummary) {
    test::TempDir dir;
    const std::string trace_path = dir.path.string() + "/outage.csv";
    write(trace_path, outage_trace());
    testing::PanelFixture<ReplayPanel> fx(Snapshot{}, {{1400, 900}, {1400, 900}}, kPresetDir);
    auto& [h, view, panel, rects, snap, log, ui] = fx;
    EXPECT_FALSE(panel.is_open());
    EXPECT_EQ(panel.configs().size(), all_presets().size());
    EXPECT_NE(panel.open_trace(dir.path.string() + "/missing.csv"), "");
    EXPECT_FALSE(panel.is_open());
    ASSERT_EQ(panel.open_trace(trace_path), "");
    EXPECT_TRUE(panel.is_open());
    for (int i = 0; i < 600 && panel.result() == nullptr; ++i) {
        h.frame(ui);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(panel.result(), nullptr);
    h.frame(ui);
    h.frame(ui);
    EXPECT_EQ(panel.result()->rows, 30000u);
    for (const PresetInfo& p : all_presets())
        EXPECT_TRUE(rects.rects.count(std::string("replay.band.") + p.name)) << p.name;
    EXPECT_TRUE(rects.rects.count("replay.rate"));
    // The open state is drawn in its colour.
    EXPECT_GT(testing::vertices_in(theme::state_color(State::open)), 0);
    // Unchoosing a config replays without it.
    const std::size_t before = panel.result()->names.size();
    h.click(rects.rects.at("replay.config.gobreaker"), ui);
    for (int i = 0; i < 600 && (panel.result() == nullptr || panel.job().running()); ++i) {
        h.frame(ui);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(panel.result(), nullptr);
    EXPECT_EQ(panel.result()->names.size(), before - 1);
    // A breaker file is added as a config; a bad one is refused with its reason.
    const std::string bad = dir.path.string() + "/bad.toml";
    write(bad, "preset = \"nosuch\"\n");
    EXPECT_NE(panel.add_breaker(bad), "");
    EXPECT_EQ(panel.add_breaker(std::string(CBSIM_ASSET_DIR) + "/presets/gobreaker_rolling.toml"),
              "");
    EXPECT_EQ(panel.configs().back().name, "gobreaker_rolling");
}

// Waits, drawing frames, until the panel's replay in progress is done.
template <typename Ui>
void wait_replay(testing::ImGuiHarness& h, const ReplayPanel& panel, Ui&& ui) {
    for (int i = 0; i < 1000 && (panel.result() == nullptr || panel.job().running()); ++i) {
        h.frame(ui);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

TEST(ReplayPanel, ALogOfAnotherLayoutOpensForReadAsAndReplaysOnceGivenIt) {
    test::TempDir dir;
    const std::string text = outage_trace(true);
    const Trace trace = parse_trace(text, "outage.csv");
    const std::string layout = "$remote_addr [$msec] \"$request\" $status $request_time";
    SynthOptions synth;
    synth.log_format = layout;
    ASSERT_TRUE(parse_iso8601("2026-12-07T03:00:00Z", synth.start));
    const std::string log_path = dir.path.string() + "/custom.log";
    write(log_path, synth_log(trace, synth, "outage.csv"));
    // No format reads it with its default layout.
    const TraceKind kind = detect_trace_kind(log_path);
    EXPECT_TRUE(kind.readable);
    EXPECT_NE(kind.error, "");

    testing::PanelFixture<ReplayPanel> fx(Snapshot{}, {{1400, 900}, {1400, 900}}, kPresetDir);
    auto& [h, view, panel, rects, snap, log, ui] = fx;
    // The view opens with the "Read as" popup and replays nothing yet.
    ASSERT_EQ(panel.open_trace(log_path), "");
    EXPECT_TRUE(panel.is_open());
    h.frame(ui);
    h.frame(ui);
    EXPECT_FALSE(panel.job().running());
    EXPECT_EQ(panel.result(), nullptr);
    EXPECT_TRUE(rects.rects.count("replay.read.layout"));
    EXPECT_TRUE(rects.rects.count("replay.read.apply"));

    // Refused, nothing changes: a layout that does not read the lines, a field mapping or a
    // failure rule that does not parse, a layout for HAProxy.
    ReplayPanel::ReadAs r;
    r.format = LogFormat::nginx;
    EXPECT_NE(panel.read_as(r).find("not read as nginx"), std::string::npos);
    r.format = LogFormat::json;
    r.layout = "when=ts";
    EXPECT_NE(panel.read_as(r), "");
    r.format = LogFormat::haproxy;
    EXPECT_EQ(panel.read_as(r), "haproxy has a fixed layout");
    r.format = LogFormat::nginx;
    r.layout = layout;
    r.failure = "status >>= 500";
    EXPECT_NE(panel.read_as(r), "");
    EXPECT_EQ(panel.read_options().log_format, "");
    EXPECT_EQ(panel.result(), nullptr);

    // The layout read: every call, the outage's failures under the default rule.
    r.failure.clear();
    ASSERT_EQ(panel.read_as(r), "");
    EXPECT_EQ(panel.read_options().log_format, layout);
    wait_replay(h, panel, ui);
    ASSERT_NE(panel.result(), nullptr);
    ASSERT_EQ(panel.result()->error, "");
    EXPECT_EQ(panel.result()->rows, trace.rows.size());
    std::uint64_t failed = 0;
    for (const TraceRow& row : trace.rows)
        failed += row.outcome == Outcome::failure ? 1U : 0U;
    EXPECT_EQ(panel.result()->trace.failures(), failed);
    EXPECT_EQ(panel.result()->origin_us, synth.start);

    // Another failure rule and a timeout: every 4xx and 5xx (the failures were written as
    // 429 and 5xx) and every call over 500 ms fails.
    r.failure = "status >= 400";
    r.timeout_ms = 500;
    ASSERT_EQ(panel.read_as(r), "");
    wait_replay(h, panel, ui);
    ASSERT_NE(panel.result(), nullptr);
    std::uint64_t expected = 0;
    for (const TraceRow& row : trace.rows)
        expected += row.outcome == Outcome::failure || row.duration > 500 * kMillisecond ? 1U : 0U;
    EXPECT_GT(expected, failed);
    EXPECT_EQ(panel.result()->trace.failures(), expected);
    EXPECT_EQ(panel.read_options().timeout, 500 * kMillisecond);
}

// Opens `path` in the fixture's Replay view and waits, drawing frames, until its replay is done
// and drawn once.
void open_and_replay(testing::PanelFixture<ReplayPanel>& fx, const std::string& path) {
    ASSERT_EQ(fx.panel.open_trace(path), "");
    wait_replay(fx.ui, fx.panel, fx.draw);
    ASSERT_NE(fx.panel.result(), nullptr);
    fx.ui.frame(fx.draw);
}

TEST(ReplayPanel, TheHoverHintSaysADoubleClickFitsTheWholeTrace) {
    const test::TempDir dir;
    const std::string trace_path = dir.file("outage.csv", outage_trace());
    testing::PanelFixture<ReplayPanel> fx(Snapshot{}, {{1400, 900}, {1400, 900}}, kPresetDir);
    ASSERT_NO_FATAL_FAILURE(open_and_replay(fx, trace_path));
    auto& [h, view, panel, rects, snap, log, ui] = fx;
    ASSERT_TRUE(rects.rects.count("replay.rate"));
    const ImVec4 r = rects.rects.at("replay.rate");
    const float x = (r.x + r.z) * 0.5f, y = (r.y + r.w) * 0.5f;
    h.mouse(x, y, false);
    h.frame(ui);
    // The whole trace in view: no hint. Zoomed in: a double-click fits the trace again.
    EXPECT_EQ(h.frame_text(ui).find("double-click"), std::string::npos);
    ImGui::GetIO().MouseWheel = 3.0f;
    h.frame(ui);
    const std::string zoomed = h.frame_text(ui);
    EXPECT_NE(zoomed.find("double-click: fit the whole trace"), std::string::npos) << zoomed;
    EXPECT_EQ(zoomed.find("follow live"), std::string::npos) << zoomed;
    h.click_at(x, y, ui);
    h.click_at(x, y, ui);
    EXPECT_EQ(h.frame_text(ui).find("double-click"), std::string::npos);
}

TEST(ReplayPanel, ALogsSkippedLinesAreCountedBesideItsNameAsTheCliReportsThem) {
    test::TempDir dir;
    const Trace trace = parse_trace(outage_trace(true), "outage.csv");
    SynthOptions synth;
    ASSERT_TRUE(parse_iso8601("2026-12-07T03:00:00Z", synth.start));
    const std::string text = synth_log(trace, synth, "outage.csv");
    const std::string clean = dir.path.string() + "/clean.log";
    write(clean, text);
    // The same log with 7 lines of garbage after its 100th line.
    std::size_t at = 0;
    for (int i = 0; i < 100; ++i)
        at = text.find('\n', at) + 1;
    std::string garbage;
    for (int i = 1; i <= 7; ++i)
        garbage += "garbage line " + std::to_string(i) + "\n";
    const std::string bad = dir.path.string() + "/bad.log";
    write(bad, text.substr(0, at) + garbage + text.substr(at));

    {
        testing::PanelFixture<ReplayPanel> fx(Snapshot{}, {{1400, 900}, {1400, 900}}, kPresetDir);
        ASSERT_NO_FATAL_FAILURE(open_and_replay(fx, clean));
        EXPECT_EQ(fx.panel.result()->log.skipped(), 0u);
        EXPECT_EQ(fx.panel.result()->log.lines, trace.rows.size());
        EXPECT_FALSE(fx.rects.rects.count("replay.skipped"));
    }
    testing::PanelFixture<ReplayPanel> fx(Snapshot{}, {{1400, 900}, {1400, 900}}, kPresetDir);
    ASSERT_NO_FATAL_FAILURE(open_and_replay(fx, bad));
    auto& [h, view, panel, rects, snap, log, ui] = fx;
    const ReplayResult& r = *panel.result();
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.rows, trace.rows.size());
    EXPECT_EQ(r.log.lines, trace.rows.size() + 7);
    EXPECT_EQ(r.log.skipped(), 7u);
    EXPECT_EQ(skipped_counts_text(r.log), "7 not in the format");
    ASSERT_EQ(r.log.first_skipped.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(r.log.first_skipped[i].line, 101 + i);
        EXPECT_EQ(skipped_line_text(r.log.first_skipped[i]),
                  bad + ":" + std::to_string(101 + i) +
                      ": not in the format (does not match the nginx layout): 'garbage line " +
                      std::to_string(1 + i) + "'");
    }
    // Shown beside the file's name, in the header line.
    ASSERT_TRUE(rects.rects.count("replay.skipped"));
    ASSERT_TRUE(rects.rects.count("replay.read_as"));
    EXPECT_NEAR(rects.rects.at("replay.skipped").y, rects.rects.at("replay.read_as").y, 4.0f);
    const ImVec4 skipped_at = rects.rects.at("replay.skipped");
    const std::string shown = h.frame_text(ui);
    EXPECT_NE(shown.find("7 of " + std::to_string(trace.rows.size() + 7) +
                         " lines skipped: 7 not in the format"),
              std::string::npos)
        << shown;
    EXPECT_EQ(shown.find("garbage line"), std::string::npos) << shown;
    // Hovered: the first five quoted, as the CLI quotes them.
    h.mouse((skipped_at.x + skipped_at.z) * 0.5f, (skipped_at.y + skipped_at.w) * 0.5f, false);
    h.frame(ui);
    const std::string hovered = h.frame_text(ui);
    for (const SkippedLine& l : r.log.first_skipped)
        EXPECT_NE(hovered.find(skipped_line_text(l)), std::string::npos) << hovered;
}

}  // namespace
}  // namespace cbsim::gui
