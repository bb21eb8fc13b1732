// Simulator and engine throughput: kernel events/s at 16, 1k and 100k pending events (hold
// model: each event schedules one more), simulated calls/s of a 1000 calls/s A->B run, and the
// cost of K variants of it in lockstep (Compare) against one run.
#include <benchmark/benchmark.h>

#include "cbsim/compare.hpp"
#include "cbsim/rng.hpp"
#include "cbsim/run.hpp"
#include "cbsim/simulator.hpp"

namespace {

struct Hold final : cbsim::EventHandler {
    cbsim::Simulator* sim = nullptr;
    cbsim::Rng rng{1, 1};
    void on_event(std::uint32_t, std::uint64_t payload) override {
        sim->schedule_in(1 + static_cast<cbsim::SimTime>(rng.below(1000000)), this, 0, payload);
    }
};

void BM_SimulatorEvents(benchmark::State& state) {
    const auto pending = static_cast<std::size_t>(state.range(0));
    cbsim::Simulator sim(pending + 16);
    Hold hold;
    hold.sim = &sim;
    for (std::size_t i = 0; i < pending; ++i)
        sim.schedule_at(static_cast<cbsim::SimTime>(hold.rng.below(1000000)), &hold, 0, i);
    for (auto _ : state)
        sim.step();
    state.SetItemsProcessed(state.iterations());
    state.counters["pending"] = static_cast<double>(sim.pending());
}
BENCHMARK(BM_SimulatorEvents)->Name("simulator/events")->Arg(16)->Arg(1024)->Arg(100000);

/// client -> A -> B at 1000 requests/s: A (2 instances) calls B behind a gobreaker breaker
/// with a 1 s timeout; B answers in a lognormal 20/80 ms and fails 1 % of calls.
cbsim::Scenario thousand_per_second() {
    cbsim::Scenario sc = cbsim::default_scenario();
    sc.traffic.rate_rps = 1000;
    sc.services[1].capacity = 0;
    sc.services[1].failure_rate = 0.01;
    return sc;
}

void BM_RunCalls(benchmark::State& state) {
    // Each iteration simulates one more minute of the same run; items = A->B calls.
    cbsim::Run run(thousand_per_second());
    std::uint64_t calls = 0;
    for (auto _ : state) {
        const std::uint64_t before = run.requests();
        run.advance_to(run.now() + cbsim::from_s(60));
        calls += run.requests() - before;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(calls));
    state.counters["events_per_call"] =
        static_cast<double>(run.events_processed()) / static_cast<double>(run.requests());
}
BENCHMARK(BM_RunCalls)->Name("run/calls")->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_RunOneHour(benchmark::State& state) {
    // The goal as stated: one simulated hour at 1000 calls/s (target: under 0.75 s).
    for (auto _ : state) {
        cbsim::Run run(thousand_per_second());
        run.advance_to(cbsim::from_s(3600));
        benchmark::DoNotOptimize(run.requests());
    }
}
BENCHMARK(BM_RunOneHour)
    ->Name("run/one_hour_1000rps")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

/// One simulated minute of thousand_per_second(): range(0) = 0 is one plain Run, K > 0 a
/// Compare of K variants (K = 1 is the Compare wrapper around one run). Each variant sets
/// A->B.retry.max_attempts = 1, the value it already has, so each does the work of the plain
/// run, and the time per variant against `compare/one_run` is the cost of comparing (goal: K
/// variants take at most K x one run + 10 %). range(1) is the step between lockstep points in
/// seconds: 60 is how `cbsim-cli compare` runs (each variant to the end in one go, nothing
/// changes mid-run); 1 is the app's pattern, every run advanced a little at a time so that a
/// slider moves all of them at the same instant.
void BM_CompareVariants(benchmark::State& state) {
    const auto k = static_cast<std::size_t>(state.range(0));
    const auto step = static_cast<int>(state.range(1));
    const cbsim::Scenario base = thousand_per_second();
    std::vector<cbsim::Variant> variants;
    for (std::size_t i = 0; i < k; ++i) {
        std::string name = "v";
        name += std::to_string(i);
        variants.push_back({name, {{"A->B.retry.max_attempts", 1.0, std::nullopt}}});
    }
    std::uint64_t requests = 0;
    for (auto _ : state) {
        if (k == 0) {
            cbsim::Run run(base);
            for (int s = step; s <= 60; s += step)
                run.advance_to(cbsim::from_s(s));
            requests += run.requests();
        } else {
            cbsim::Compare compare(base, variants);
            for (int s = step; s <= 60; s += step)
                compare.advance_to(cbsim::from_s(s));
            for (std::size_t i = 0; i < k; ++i)
                requests += compare.run(i).requests();
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(requests));
    state.counters["variants"] = static_cast<double>(std::max<std::size_t>(k, 1));
}
BENCHMARK(BM_CompareVariants)
    ->Name("compare/one_run")
    ->Args({0, 60})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
BENCHMARK(BM_CompareVariants)
    ->Name("compare/variants")
    ->Args({1, 60})
    ->Args({2, 60})
    ->Args({4, 60})
    ->Args({8, 60})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
BENCHMARK(BM_CompareVariants)
    ->Name("compare/lockstep_1s")
    ->Args({0, 1})
    ->Args({8, 1})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

}  // namespace
