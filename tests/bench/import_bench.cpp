// import_bench.cpp: access-log import. Goal (docs/PERFORMANCE.md): >= 1 M nginx lines/s,
// the whole path of `cbsim-cli import` (read in chunks, parse, reorder, trace rows).
//
//   import/nginx   200 000 lines of the default nginx layout (combined + $request_time), 1000
//                  calls a second, in a file; items/s = lines/s
//   import/envoy   the same calls in Envoy's default format
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cbsim/access_log.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

/// A log of `n` calls, 1000 a second, each ending on a whole second (what $time_local holds).
std::string write_log(cbsim::LogFormat format, int n) {
    cbsim::Trace trace;
    trace.has_duration = true;
    for (int i = 0; i < n; ++i) {
        cbsim::TraceRow row;
        row.duration = (i * 7 % 200) * cbsim::kMillisecond;
        row.at = (i / 1000 + 1) * cbsim::kSecond - row.duration;
        row.outcome = i % 50 == 0 ? cbsim::Outcome::failure : cbsim::Outcome::success;
        row.line = i + 2;
        trace.rows.push_back(row);
    }
    std::stable_sort(trace.rows.begin(), trace.rows.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    cbsim::SynthOptions synth;
    synth.format = format;
    const std::string path = "/tmp/cbsim_import_bench_" + std::to_string(getpid()) + "_" +
                             cbsim::log_format_info(format).name + ".log";
    std::ofstream(path, std::ios::binary) << cbsim::synth_log(trace, synth, "bench");
    return path;
}

void import_log(benchmark::State& state, cbsim::LogFormat format) {
    constexpr int kLines = 200000;
    const std::string path = write_log(format, kLines);
    std::string out;
    for (auto _ : state) {
        cbsim::LogOptions options;
        options.format = format;
        cbsim::LogReader reader({path}, options);
        cbsim::LogRecord r;
        out.clear();
        cbsim::SimTime origin = -1;
        while (reader.next(r)) {
            if (origin < 0) origin = r.at;
            cbsim::append_trace_row(out, r.at - origin, r.outcome, r.duration, true);
            if (out.size() > (1 << 20)) out.clear();  // the command flushes its buffer here
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * kLines);
    std::remove(path.c_str());
}

void nginx(benchmark::State& state) {
    import_log(state, cbsim::LogFormat::nginx);
}
BENCHMARK(nginx)->Name("import/nginx")->Unit(benchmark::kMillisecond)->UseRealTime();

void envoy(benchmark::State& state) {
    import_log(state, cbsim::LogFormat::envoy);
}
BENCHMARK(envoy)->Name("import/envoy")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
