// gui_bench: the GUI's frame build time (NewFrame -> Render, CPU, no GPU) with every panel open
// on a run with 1 minute and with 24 hours of history, and the memory a 24 h run holds.
//
// Goals (docs/PERFORMANCE.md): <= 2 ms per frame; the 24 h frame within 1.5x of the 1 min frame
// (plots read per-pixel-column aggregates from the recorder's levels, so history length must
// not matter); RSS after a simulated 24 h run <= 200 MB.
#ifdef CBSIM_BENCH_GUI

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <cbsim/scenario.hpp>

#include "../app/imgui_harness.hpp"
#include "event_cache.hpp"
#include "panels/breaker_panel.hpp"
#include "panels/events_panel.hpp"
#include "panels/plots_panel.hpp"
#include "panels/run_panel.hpp"
#include "panels/services_panel.hpp"
#include "panels/summary_panel.hpp"
#include "sim_worker.hpp"

namespace cbsim::gui {
namespace {

double rss_mb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    }
    return 0.0;
}

/// A paused worker whose run has `seconds` of history; B fails half the time from the middle
/// on, so the breaker cycles and the event log fills as in real use. Built once per length.
SimWorker& worker_with_history(long seconds) {
    static std::map<long, std::unique_ptr<SimWorker>> workers;
    auto& w = workers[seconds];
    if (!w) {
        SimWorker::Options o;
        o.playing = false;
        w = std::make_unique<SimWorker>(default_scenario(), "", o);
        w->send(Step{from_s(seconds / 2)});
        w->send(SetSetting{"B.failure_rate", 0.5});
        w->send(Step{from_s(seconds - seconds / 2)});
        w->sync();
    }
    return *w;
}

/// Every panel of the app at the App's 1280x800 layout.
struct Ui {
    TimeView view;
    EventCache events;
    RunPanel run{std::string(CBSIM_ASSET_DIR) + "/scenarios"};
    ServicesPanel services;
    BreakerPanel breaker;
    PlotsPanel plots{view, events};
    EventsPanel log{view, events};
    SummaryPanel summary;
    CommandLog sink;

    Ui() {
        run.place({0, 20}, {345, 200});
        services.place({0, 220}, {345, 560});
        plots.place({345, 20}, {590, 540});
        log.place({345, 560}, {590, 220});
        breaker.place({935, 20}, {345, 490});
        summary.place({935, 510}, {345, 270});
    }
    void frame(const Snapshot& snap) {
        events.update(snap);
        view.update(snap.now_s());
        plots.set_edge(breaker.edge());
        for (Panel* p :
             std::initializer_list<Panel*>{&run, &services, &plots, &log, &breaker, &summary}) {
            p->draw(snap, sink);
        }
    }
};

void BM_FrameBuild(benchmark::State& state) {
    const long seconds = state.range(0);
    const bool whole = state.range(1) != 0;  // view the whole run instead of the last minute
    SimWorker& worker = worker_with_history(seconds);
    const auto snap = worker.snapshot();
    testing::ImGuiHarness harness(1280, 800);
    Ui ui;
    if (whole) {
        ui.view.follow_live = false;
        ui.view.range = {0.0, snap->now_s()};
    }
    for (int i = 0; i < 3; ++i)
        harness.frame([&] { ui.frame(*snap); });  // settle the layout
    for (auto _ : state) {
        harness.frame([&] { ui.frame(*snap); });
        benchmark::DoNotOptimize(ImGui::GetDrawData()->TotalVtxCount);
    }
    state.counters["vertices"] = ImGui::GetDrawData()->TotalVtxCount;
    state.counters["history_s"] = static_cast<double>(seconds);
    state.counters["events"] = static_cast<double>(ui.events.events().size());
}
BENCHMARK(BM_FrameBuild)
    ->ArgNames({"history_s", "whole_run"})
    ->Args({60, 0})
    ->Args({86400, 0})
    ->Args({86400, 1})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

void BM_Rss24h(benchmark::State& state) {
    for (auto _ : state) {
        SimWorker& worker = worker_with_history(86400);
        benchmark::DoNotOptimize(worker.snapshot()->now);
    }
    state.counters["rss_mb"] = rss_mb();
    const auto snap = worker_with_history(86400).snapshot();
    state.counters["recorder_mb"] =
        static_cast<double>(snap->recorder->memory_bytes()) / (1024.0 * 1024.0);
}
BENCHMARK(BM_Rss24h)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cbsim::gui

#endif  // CBSIM_BENCH_GUI
