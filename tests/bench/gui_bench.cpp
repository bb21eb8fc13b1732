// gui_bench: the GUI's frame build time (NewFrame -> Render, CPU, no GPU) with every panel open
// (the topology map and the all-edges strip included) on a run with 1 minute and with 24 hours
// of history, on the default scenario and on trees of 3 and 50 services, and the memory a 24 h
// run holds.
//
// Goals (docs/PERFORMANCE.md): <= 2 ms per frame; the 24 h frame within 1.5x of the 1 min frame
// (plots read per-pixel-column aggregates from the recorder's levels, so history length must
// not matter); the 50-service frame within 1.5x of the 3-service frame (the map is laid out
// once per topology, its rates recomputed only when the recorder moves, and the strip reads
// only its visible bands); RSS after a simulated 24 h run <= 200 MB.
#ifdef CBSIM_BENCH_GUI

#include <benchmark/benchmark.h>

#include <malloc.h>

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
#include "panels/edge_strip_panel.hpp"
#include "panels/events_panel.hpp"
#include "panels/plots_panel.hpp"
#include "panels/run_panel.hpp"
#include "panels/services_panel.hpp"
#include "panels/summary_panel.hpp"
#include "panels/topology_panel.hpp"
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

/// `n` services s0..s<n-1> in a ternary tree (s<i> calls s<3i+1>..s<3i+3>), s0 the entry,
/// a gobreaker breaker (one per caller instance, 2 instances each) on every dependency.
/// "s<i>" (appended piecewise: GCC 12 warns falsely on `"s" + std::to_string(i)`).
std::string service_name(int i) {
    std::string out = "s";
    out += std::to_string(i);
    return out;
}

Scenario tree_scenario(int n) {
    Scenario sc = default_scenario();
    sc.name = "tree of " + std::to_string(n);
    sc.traffic.target = "s0";
    sc.traffic.rate_rps = 10;
    const Dependency with_breaker = sc.services.front().dependencies.front();
    const Service base = sc.services.back();
    sc.services.clear();
    for (int i = 0; i < n; ++i) {
        Service s = base;
        s.name = service_name(i);
        s.instances = 2;
        for (int c = 3 * i + 1; c <= 3 * i + 3 && c < n; ++c) {
            Dependency d = with_breaker;
            d.target = service_name(c);
            s.dependencies.push_back(d);
        }
        sc.services.push_back(s);
    }
    return sc;
}

/// A paused worker whose run has `seconds` of history on the default scenario (services = 0)
/// or a tree of `services`; the last service fails half the time from the middle on, so its
/// breaker cycles and the event log fills as in real use. Built once per length and size.
std::map<std::pair<long, int>, std::unique_ptr<SimWorker>>& history_workers() {
    static std::map<std::pair<long, int>, std::unique_ptr<SimWorker>> workers;
    return workers;
}

SimWorker& worker_with_history(long seconds, int services = 0) {
    auto& w = history_workers()[{seconds, services}];
    if (!w) {
        SimWorker::Options o;
        o.playing = false;
        const Scenario sc = services > 0 ? tree_scenario(services) : default_scenario();
        w = std::make_unique<SimWorker>(sc, "", o);
        w->send(Step{from_s(seconds / 2)});
        w->send(SetSetting{sc.services.back().name + ".failure_rate", 0.5});
        w->send(Step{from_s(seconds - seconds / 2)});
        w->sync();
    }
    return *w;
}

/// Every panel of the app at the App's 1280x800 layout (App::layout).
struct Ui {
    ViewState vs;
    TimeView& view = vs.time;
    EventCache events;
    RunPanel run{vs, std::string(CBSIM_ASSET_DIR) + "/scenarios"};
    ServicesPanel services{vs};
    BreakerPanel breaker{vs};
    PlotsPanel plots{vs, events};
    EventsPanel log{vs, events};
    SummaryPanel summary{vs};
    TopologyPanel map{vs};
    EdgeStripPanel strip{vs};
    CommandLog sink;

    Ui() {
        run.place({0, 20}, {345, 200});
        services.place({0, 220}, {345, 560});
        map.place({345, 20}, {590, 205});
        plots.place({345, 225}, {590, 349});
        strip.place({345, 574}, {590, 91});
        log.place({345, 665}, {590, 115});
        breaker.place({935, 20}, {345, 490});
        summary.place({935, 510}, {345, 270});
    }
    void frame(const Snapshot& snap) {
        events.update(snap);
        view.update(snap.now_s());
        vs.resolve(snap.live);
        for (Panel* p : std::initializer_list<Panel*>{&run, &services, &map, &plots, &strip, &log,
                                                      &breaker, &summary}) {
            p->draw(snap, sink);
        }
    }
};

void BM_FrameBuild(benchmark::State& state) {
    const long seconds = state.range(0);
    const bool whole = state.range(1) != 0;  // view the whole run instead of the last minute
    const int services = static_cast<int>(state.range(2));  // 0: the default scenario
    SimWorker& worker = worker_with_history(seconds, services);
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
    state.counters["services"] = static_cast<double>(snap->live.services.size());
}
BENCHMARK(BM_FrameBuild)
    ->ArgNames({"history_s", "whole_run", "tree"})
    ->Args({60, 0, 0})
    ->Args({86400, 0, 0})
    ->Args({86400, 1, 0})
    ->Args({86400, 0, 3})
    ->Args({86400, 0, 50})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

void BM_Rss24h(benchmark::State& state) {
    // The trees' runs of BM_FrameBuild are not part of this figure: the default scenario's are.
    std::erase_if(history_workers(), [](const auto& w) { return w.first.second > 0; });
    malloc_trim(0);
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
