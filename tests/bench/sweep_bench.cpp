// Sweep throughput: `sweep/grid/jobs:J` runs a G x G grid (consecutive_failures 1..G, open
// timeout 1..20 s) of the default scenario at 100 requests/s for 10 simulated minutes, with a
// 50 % outage of B from 60 s to 300 s, 5 seeds per point, on J threads, into a sweep folder
// (journal, sweep.csv, points.csv included). G is 20 with CBSIM_BENCH_SWEEP_GRID unset or 20
// (2000 runs: the figure of docs/PERFORMANCE.md); a smaller G runs fast (e.g. 4: 80 runs).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cbsim/scenario_io.hpp"
#include "cbsim/sweep.hpp"

namespace {

namespace fs = std::filesystem;

int grid_size() {
    const char* g = std::getenv("CBSIM_BENCH_SWEEP_GRID");
    const int n = g != nullptr ? std::atoi(g) : 20;
    return n >= 1 && n <= 100 ? n : 20;
}

cbsim::SweepPlan grid_plan(const fs::path& dir) {
    cbsim::Scenario base = cbsim::default_scenario();
    base.traffic.rate_rps = 100;
    base.duration_s = 600;
    std::ofstream(dir / "base.toml") << cbsim::scenario_to_toml(base);
    const int g = grid_size();
    const std::string spec =
        "scenario = \"base.toml\"\nedge = \"A->B\"\nseeds = 5\n"
        "[[axis]]\npath = \"A->B.breaker.trip.consecutive_failures\"\n"
        "linear = { from = 1, to = " +
        std::to_string(g) + ", steps = " + std::to_string(g) +
        " }\n"
        "[[axis]]\npath = \"A->B.breaker.timeout_ms\"\n"
        "linear = { from = 1000, to = 20000, steps = " +
        std::to_string(g) +
        " }\n"
        "[[profile]]\nname = \"outage\"\nkind = \"step\"\nat_s = 60\n"
        "failure_rate = 0.5\nend_s = 300\n";
    return cbsim::parse_sweep(spec, (dir / "grid.sweep.toml").string());
}

void BM_SweepGrid(benchmark::State& state) {
    const fs::path dir = fs::temp_directory_path() / "cbsim_bench_sweep";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const cbsim::SweepPlan plan = grid_plan(dir);
    cbsim::SweepOptions options;
    options.jobs = static_cast<unsigned>(state.range(0));
    std::size_t runs = 0;
    for (auto _ : state) {
        state.PauseTiming();
        fs::remove_all(dir / "out");  // no resume: every task runs
        state.ResumeTiming();
        bool bad = false;
        const std::string e = cbsim::run_sweep(plan, (dir / "out").string(), options, bad);
        if (!e.empty()) state.SkipWithError(e.c_str());
        runs += cbsim::task_count(plan.spec);
    }
    state.counters["runs"] = static_cast<double>(cbsim::task_count(plan.spec));
    state.counters["grid"] = grid_size();
    state.SetItemsProcessed(static_cast<std::int64_t>(runs));
    fs::remove_all(dir);
}
BENCHMARK(BM_SweepGrid)
    ->Name("sweep/grid")
    ->ArgName("jobs")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace
