// replay_view_bench: the app's Replay view on a trace file (docs/PERFORMANCE.md, "Replay view").
//
//   replay_view/trace   replay_request (replay_model.hpp) of the trace named by
//                       $CBSIM_BENCH_REPLAY_TRACE through the six presets' breaker files, as the
//                       view runs it in its background thread; counters: the aggregate's bytes,
//                       the transitions kept, and the process's peak RSS (ru_maxrss) after it.
//   replay_view/columns the calls/s and failure-share columns of 1200 pixels over the whole
//                       trace and over 1 s of it (one frame's work for the two plots)
//
// Memory goal: bounded by the aggregate's levels and the transitions, not by the trace's length
// (tests/bench/make_trace.sh 10000000 writes the 10 M-call trace of the measurement).
#ifdef CBSIM_BENCH_GUI

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cbsim/breaker_config.hpp>

#include <cstdlib>
#include <string>

#include "replay_model.hpp"

namespace cbsim::gui {
namespace {

const char* trace_path() {
    return std::getenv("CBSIM_BENCH_REPLAY_TRACE");
}

ReplayRequest presets_request() {
    ReplayRequest request;
    request.path = trace_path();
    for (const PresetInfo& p : all_presets()) {
        request.configs.push_back(NamedConfig{
            p.name, load_breaker_file(std::string(CBSIM_ASSET_DIR) + "/presets/" + p.preset_file)});
    }
    return request;
}

void trace(benchmark::State& state) {
    if (trace_path() == nullptr) {
        state.SkipWithError("set CBSIM_BENCH_REPLAY_TRACE to a trace.csv");
        return;
    }
    const ReplayRequest request = presets_request();
    std::uint64_t rows = 0;
    for (auto _ : state) {
        const ReplayResult r = replay_request(request);
        if (!r.error.empty()) {
            state.SkipWithError(r.error.c_str());
            return;
        }
        rows = r.rows;
        std::size_t transitions = 0;
        for (const StateTimeline& t : r.timelines)
            transitions += t.changes().size();
        state.counters["aggregate_MB"] = static_cast<double>(r.trace.bytes()) / 1e6;
        state.counters["transitions"] = static_cast<double>(transitions);
    }
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    state.counters["peak_rss_MB"] = static_cast<double>(u.ru_maxrss) / 1024.0;
    state.SetItemsProcessed(static_cast<std::int64_t>(rows) * state.iterations());
}
BENCHMARK(trace)->Name("replay_view/trace")->Iterations(1)->Unit(benchmark::kMillisecond);

void columns(benchmark::State& state) {
    TraceAggregate agg;
    // 10 M calls, one every 0.1 ms (the make_trace.sh spacing), 2 % failures.
    for (std::int64_t i = 0; i < 10'000'000; ++i)
        agg.add(i * 100, i % 50 == 0);
    const double end_s = static_cast<double>(agg.end()) / 1e6;
    std::vector<ColumnAgg> rate, share;
    for (auto _ : state) {
        agg.columns(0.0, end_s, 1200, rate, share);
        agg.columns(end_s / 2, end_s / 2 + 1.0, 1200, rate, share);
        benchmark::DoNotOptimize(rate.data());
    }
}
BENCHMARK(columns)->Name("replay_view/columns")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cbsim::gui

#endif  // CBSIM_BENCH_GUI
