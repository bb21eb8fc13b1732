// cockatiel_concurrent_test.cpp: the wait answer in the thread-safe breaker. Callers arriving
// while cockatiel's half-open trial runs block in acquire() (and execute()) until the trial
// decides, then ask again: they run when it closed, are rejected when it reopened.
#include "breaker_test_util.hpp"

#include <cbsim/concurrent_breaker.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cbsim::test {
namespace {

using namespace std::chrono_literals;

/// ConsecutiveBreaker(1), half-open after `after_ms`.
BreakerConfig cockatiel_one_strike(double after_ms) {
    return config_with(Preset::cockatiel,
                       {{"consecutive.threshold", 1}, {"half_open_after_ms", after_ms}});
}

/// Opens the breaker, waits out the backoff and takes the half-open trial.
Admission open_then_trial(ConcurrentBreaker& b, std::chrono::milliseconds backoff) {
    const Admission first = b.acquire();
    EXPECT_TRUE(first.allowed());
    b.record(first.permit, Outcome::failure);
    EXPECT_EQ(b.state(), State::open);
    std::this_thread::sleep_for(backoff + 5ms);
    const Admission trial = b.acquire();
    EXPECT_TRUE(trial.allowed());
    EXPECT_EQ(b.state(), State::half_open);
    return trial;
}

struct Waiters {
    std::vector<std::thread> threads;
    std::atomic<int> returned{0}, allowed{0}, rejected_open{0}, other{0};

    void start(ConcurrentBreaker& b, int n) {
        for (int i = 0; i < n; ++i) {
            threads.emplace_back([&] {
                const Admission a = b.acquire();
                ++returned;
                if (a.allowed()) {
                    ++allowed;
                    b.record(a.permit, Outcome::success);
                } else if (a.rejection == Rejection::open) {
                    ++rejected_open;
                } else {
                    ++other;
                }
            });
        }
    }
    void join() {
        for (std::thread& t : threads)
            t.join();
    }
};

TEST(CockatielConcurrent, WaitersBlockUntilTheTrialSucceedsThenRun) {
    ConcurrentBreaker b(cockatiel_one_strike(20));
    const Admission trial = open_then_trial(b, 20ms);
    Waiters w;
    w.start(b, 4);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(w.returned.load(), 0) << "no answer while the trial runs";
    b.record(trial.permit, Outcome::success);  // closes: the waiters ask again and run
    w.join();
    EXPECT_EQ(w.allowed.load(), 4);
    EXPECT_EQ(w.other.load(), 0) << "acquire() never returns the wait answer";
    EXPECT_EQ(b.state(), State::closed);
}

TEST(CockatielConcurrent, WaitersAreRejectedWhenTheTrialFails) {
    ConcurrentBreaker b(cockatiel_one_strike(200));
    const Admission trial = open_then_trial(b, 200ms);
    Waiters w;
    w.start(b, 4);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(w.returned.load(), 0);
    b.record(trial.permit, Outcome::failure);  // reopens for 200 ms: the waiters fail fast
    w.join();
    EXPECT_EQ(w.rejected_open.load(), 4);
    EXPECT_EQ(w.allowed.load(), 0);
    EXPECT_EQ(b.state(), State::open);
}

TEST(CockatielConcurrent, ExecuteWaitsThenRunsTheFunction) {
    ConcurrentBreaker b(cockatiel_one_strike(20));
    const Admission trial = open_then_trial(b, 20ms);
    std::atomic<bool> ran{false};
    std::thread caller([&] { EXPECT_EQ(b.execute([&] { return ran = true, 7; }), 7); });
    std::this_thread::sleep_for(30ms);
    EXPECT_FALSE(ran.load());
    b.record(trial.permit, Outcome::success);
    caller.join();
    EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace cbsim::test
