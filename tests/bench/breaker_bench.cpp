// breaker_bench.cpp: breaker hot paths. Goals (docs/PERFORMANCE.md): state machine <= 5 ns/op,
// thread-safe closed success <= 20 ns/op on one thread, two threads no slower per op than one.
//
//   breaker/*             make_breaker(gobreaker, 3 consecutive failures), explicit time
//   concurrent_breaker/*  ConcurrentBreaker (reads its clock where it needs one), shared by the
//                         benchmark's threads
#include <benchmark/benchmark.h>

#include <cbsim/breaker_config.hpp>
#include <cbsim/concurrent_breaker.hpp>

#include <memory>

namespace {

cbsim::BreakerConfig three_consecutive(std::int64_t timeout_ms) {
    cbsim::BreakerConfig c = cbsim::BreakerConfig::defaults(cbsim::Preset::gobreaker);
    cbsim::set_param(c, "trip.consecutive_failures", 3);
    cbsim::set_param(c, "timeout_ms", static_cast<double>(timeout_ms));
    return c;
}

// [SECTION] State machine, explicit time -------------------------------------------------------

void closed_success(benchmark::State& state) {
    const auto breaker = cbsim::make_breaker(three_consecutive(5000));
    cbsim::SimTime now = 0;
    for (auto _ : state) {
        const cbsim::Admission a = breaker->acquire(now);
        breaker->record(a.permit, cbsim::Outcome::success, 0, now);
        ++now;
    }
    benchmark::DoNotOptimize(breaker->counts());
}
BENCHMARK(closed_success)->Name("breaker/closed_success");

void closed_failure(benchmark::State& state) {
    // Failures that never trip: every second outcome is a success that resets the streak.
    const auto breaker = cbsim::make_breaker(three_consecutive(5000));
    cbsim::SimTime now = 0;
    bool fail = true;
    for (auto _ : state) {
        const cbsim::Admission a = breaker->acquire(now);
        breaker->record(a.permit, fail ? cbsim::Outcome::failure : cbsim::Outcome::success, 0, now);
        fail = !fail;
        ++now;
    }
    benchmark::DoNotOptimize(breaker->counts());
}
BENCHMARK(closed_failure)->Name("breaker/closed_failure");

void open_reject(benchmark::State& state) {
    const auto breaker = cbsim::make_breaker(three_consecutive(1'000'000'000));
    for (int i = 0; i < 3; ++i)
        breaker->record(breaker->acquire(0).permit, cbsim::Outcome::failure, 0, 0);
    cbsim::SimTime now = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(breaker->acquire(now));
        ++now;
    }
    if (breaker->state(now) != cbsim::State::open) state.SkipWithError("not open");
}
BENCHMARK(open_reject)->Name("breaker/open_reject");

// [SECTION] Thread-safe breaker ----------------------------------------------------------------

std::unique_ptr<cbsim::ConcurrentBreaker> shared;

void concurrent_closed_success(benchmark::State& state) {
    if (state.thread_index() == 0)
        shared = std::make_unique<cbsim::ConcurrentBreaker>(three_consecutive(5000));
    // Google Benchmark starts the timed loops of all threads together, after this setup.
    for (auto _ : state) {
        const cbsim::Admission a = shared->acquire();
        shared->record(a.permit, cbsim::Outcome::success);
    }
    if (state.thread_index() == 0 && shared->state() != cbsim::State::closed)
        state.SkipWithError("not closed");
}
BENCHMARK(concurrent_closed_success)
    ->Name("concurrent_breaker/closed_success")
    ->Threads(1)
    ->Threads(2);

void concurrent_open_reject(benchmark::State& state) {
    if (state.thread_index() == 0) {
        shared = std::make_unique<cbsim::ConcurrentBreaker>(three_consecutive(1'000'000'000));
        for (int i = 0; i < 3; ++i)
            shared->record(shared->acquire().permit, cbsim::Outcome::failure);
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(shared->acquire());
    if (state.thread_index() == 0 && shared->state() != cbsim::State::open)
        state.SkipWithError("not open");
}
BENCHMARK(concurrent_open_reject)->Name("concurrent_breaker/open_reject")->Threads(1)->Threads(2);

}  // namespace
