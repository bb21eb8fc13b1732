// Concurrency stress of the thread-safe breaker: more threads than cores, over a million calls
// with random outcomes and random hold times while the real clock moves the breaker through
// open, half-open and closed many times. Checked afterwards, from what the threads and the
// transition sink saw:
//   - every transition is a legal one and continues from the previous state;
//   - half-open never admits more probes than its budget (gobreaker: per half-open generation);
//   - counts conserve: at rest, the breaker's counts of its current generation equal the
//     admissions and outcomes the threads made with permits of that generation, and every
//     admission was recorded exactly once;
//   - nothing deadlocks (each thread finishes; ctest's timeout would catch a hang).
#include <gtest/gtest.h>
#include <cbsim/breaker_config.hpp>
#include <cbsim/concurrent_breaker.hpp>
#include <cbsim/rng.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace cbsim {
namespace {

struct Tally {
    std::uint64_t attempts = 0, admitted = 0, rejected = 0;
    std::uint64_t successes = 0, failures = 0, ignored = 0;
    // Per permit generation: admissions, successes, failures, exclusions.
    std::map<std::uint64_t, std::array<std::uint64_t, 4>> by_generation;
};

struct TransitionLog {
    std::mutex mutex;
    std::vector<Transition> transitions;
};

bool legal(State from, State to) {
    return (from == State::closed && to == State::open) ||
           (from == State::open && to == State::half_open) ||
           (from == State::half_open && (to == State::closed || to == State::open));
}

// Each thread keeps up to `max_held` permits in flight and reports them in random order, so
// results race transitions and arrive stale.
Tally hammer(ConcurrentBreaker& breaker, std::uint64_t seed, std::uint64_t calls,
             double failure_rate, double ignored_rate, std::size_t max_held) {
    Tally t;
    Rng rng(seed, stream_id("stress-thread"));
    std::deque<Permit> held;
    auto report = [&](const Permit& p) {
        const double u = rng.uniform();
        Outcome o = Outcome::success;
        if (u < failure_rate) {
            o = Outcome::failure;
        } else if (u < failure_rate + ignored_rate) {
            o = Outcome::ignored;
        }
        breaker.record(p, o, std::chrono::microseconds(rng.below(2000)));
        auto& g = t.by_generation[p.generation];
        switch (o) {
            case Outcome::success:
                ++t.successes, ++g[1];
                break;
            case Outcome::failure:
                ++t.failures, ++g[2];
                break;
            default:
                ++t.ignored, ++g[3];
                break;
        }
    };
    for (std::uint64_t i = 0; i < calls; ++i) {
        ++t.attempts;
        const Admission a = breaker.acquire();
        if (a.allowed()) {
            ++t.admitted;
            ++t.by_generation[a.permit.generation][0];
            held.push_back(a.permit);
        } else {
            ++t.rejected;
        }
        while (held.size() > max_held || (!held.empty() && rng.bernoulli(0.5))) {
            const std::size_t k = rng.below(held.size());
            const Permit p = held[k];
            held.erase(held.begin() + static_cast<std::ptrdiff_t>(k));
            report(p);
        }
        if (rng.bernoulli(0.001)) std::this_thread::yield();
    }
    while (!held.empty()) {
        report(held.front());
        held.pop_front();
    }
    return t;
}

struct StressResult {
    std::vector<Tally> tallies;
    std::vector<Transition> transitions;
    Tally total;
};

StressResult stress(ConcurrentBreaker& breaker, int threads, std::uint64_t calls_per_thread,
                    double failure_rate, double ignored_rate) {
    TransitionLog log;
    breaker.set_transition_sink([&](const Transition& t) {
        std::lock_guard lock(log.mutex);
        log.transitions.push_back(t);
    });
    StressResult r;
    r.tallies.resize(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    std::atomic<int> ready{0};
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            ready.fetch_add(1);
            while (ready.load() < threads)
                std::this_thread::yield();  // start together
            r.tallies[static_cast<std::size_t>(i)] =
                hammer(breaker, 1000 + static_cast<std::uint64_t>(i), calls_per_thread,
                       failure_rate, ignored_rate, 8);
        });
    }
    for (auto& th : pool)
        th.join();
    breaker.set_transition_sink({});
    r.transitions = log.transitions;
    for (const Tally& t : r.tallies) {
        r.total.attempts += t.attempts;
        r.total.admitted += t.admitted;
        r.total.rejected += t.rejected;
        r.total.successes += t.successes;
        r.total.failures += t.failures;
        r.total.ignored += t.ignored;
        for (const auto& [g, v] : t.by_generation) {
            auto& sum = r.total.by_generation[g];
            for (std::size_t k = 0; k < 4; ++k)
                sum[k] += v[k];
        }
    }
    return r;
}

void expect_legal_chain(const std::vector<Transition>& ts) {
    State current = State::closed;
    SimTime last_at = 0;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        SCOPED_TRACE("transition " + std::to_string(i) + ": " + ts[i].text());
        EXPECT_EQ(ts[i].from, current);
        EXPECT_TRUE(legal(ts[i].from, ts[i].to));
        EXPECT_GE(ts[i].at, last_at) << "transitions are emitted in time order";
        current = ts[i].to;
        last_at = ts[i].at;
        if (::testing::Test::HasFailure()) return;  // one broken link is enough to report
    }
}

BreakerConfig gobreaker_config(std::int64_t max_requests, std::int64_t consecutive) {
    BreakerConfig c = BreakerConfig::defaults(Preset::gobreaker);
    auto& g = std::get<GobreakerSettings>(c.settings);
    g.max_requests = max_requests;
    g.timeout_ms = 1;  // open for just over a millisecond: thousands of cycles per run
    g.trip = GobreakerSettings::Trip::consecutive_failures;
    g.consecutive_failures = consecutive;
    return c;
}

TEST(ConcurrentBreakerStress, GobreakerFastPathMillionCallsFourThreads) {
    const std::int64_t max_requests = 3;
    ConcurrentBreaker breaker(gobreaker_config(max_requests, 4));
    const StressResult r = stress(breaker, 4, 300'000, 0.35, 0.0);

    EXPECT_EQ(r.total.attempts, 1'200'000u);
    EXPECT_EQ(r.total.admitted + r.total.rejected, r.total.attempts);
    EXPECT_EQ(r.total.successes + r.total.failures + r.total.ignored, r.total.admitted)
        << "every admission is reported exactly once";
    ASSERT_GT(r.transitions.size(), 30u) << "the run must cycle through the states many times";
    expect_legal_chain(r.transitions);

    // gobreaker starts in generation 1 and starts a new generation at every state change, so
    // the state during generation 1 + k is the target of the k-th transition.
    std::uint64_t half_open_generations = 0;
    for (const auto& [g, v] : r.total.by_generation) {
        ASSERT_GE(g, 1u);
        const std::size_t k = g - 1;
        const State s = k == 0 ? State::closed : r.transitions.at(k - 1).to;
        EXPECT_NE(s, State::open) << "generation " << g << " is open yet admitted " << v[0];
        if (s == State::half_open) {
            ++half_open_generations;
            EXPECT_LE(v[0], static_cast<std::uint64_t>(max_requests))
                << "half-open generation " << g << " admitted more probes than its budget";
        }
    }
    EXPECT_GT(half_open_generations, 10u);

    // At rest, the counts of the current generation are exactly what the threads did with
    // permits of that generation.
    const std::uint64_t current = r.transitions.size() + 1;
    const auto it = r.total.by_generation.find(current);
    const std::array<std::uint64_t, 4> mine =
        it == r.total.by_generation.end() ? std::array<std::uint64_t, 4>{} : it->second;
    const Counts c = breaker.counts();
    EXPECT_EQ(c.requests, mine[0]);
    EXPECT_EQ(c.total_successes, mine[1]);
    EXPECT_EQ(c.total_failures, mine[2]);
    EXPECT_EQ(c.total_exclusions, mine[3]);
}

TEST(ConcurrentBreakerStress, GobreakerWithExclusionsAndRatioTripUsesTheLockedPath) {
    BreakerConfig c = gobreaker_config(2, 4);
    auto& g = std::get<GobreakerSettings>(c.settings);
    g.trip = GobreakerSettings::Trip::failure_ratio;
    g.failure_ratio = 0.5;
    g.min_requests = 6;
    ConcurrentBreaker breaker(c);
    const StressResult r = stress(breaker, 4, 250'000, 0.55, 0.05);
    EXPECT_EQ(r.total.successes + r.total.failures + r.total.ignored, r.total.admitted);
    ASSERT_GT(r.transitions.size(), 10u);
    expect_legal_chain(r.transitions);
    // With exclusions a half-open generation admits up to max_requests calls plus one per
    // excluded result reported in it (gobreaker v2: requests - total_exclusions).
    for (const auto& [gen, v] : r.total.by_generation) {
        const std::size_t k = gen - 1;
        const State s = k == 0 ? State::closed : r.transitions.at(k - 1).to;
        EXPECT_NE(s, State::open);
        if (s == State::half_open) {
            EXPECT_LE(v[0], 2u + v[3]) << "generation " << gen;
        }
    }
    const std::uint64_t current = r.transitions.size() + 1;
    const auto it = r.total.by_generation.find(current);
    const auto mine =
        it == r.total.by_generation.end() ? std::array<std::uint64_t, 4>{} : it->second;
    const Counts counts = breaker.counts();
    EXPECT_EQ(counts.requests, mine[0]);
    EXPECT_EQ(counts.total_successes, mine[1]);
    EXPECT_EQ(counts.total_failures, mine[2]);
    EXPECT_EQ(counts.total_exclusions, mine[3]);
}

TEST(ConcurrentBreakerStress, RateBasedPresetsStayLegalUnderThreads) {
    for (const Preset preset : {Preset::resilience4j, Preset::polly, Preset::hystrix}) {
        SCOPED_TRACE(to_string(preset));
        BreakerConfig c = BreakerConfig::defaults(preset);
        if (preset == Preset::resilience4j) {
            auto& s = std::get<Resilience4jSettings>(c.settings);
            s.sliding_window_size = 20;
            s.minimum_number_of_calls = 10;
            s.wait_duration_in_open_state_ms = 1;
            s.permitted_number_of_calls_in_half_open_state = 3;
        } else if (preset == Preset::polly) {
            auto& s = std::get<PollySettings>(c.settings);
            s.minimum_throughput = 10;
            s.failure_ratio = 0.3;
            s.break_duration_ms = 500;
            s.sampling_duration_ms = 500;
        } else {
            auto& s = std::get<HystrixSettings>(c.settings);
            s.request_volume_threshold = 10;
            s.sleep_window_ms = 1;
            s.health_snapshot_interval_ms = 10;
        }
        ConcurrentBreaker breaker(c);
        const StressResult r = stress(breaker, 4, 60'000, 0.5, 0.02);
        EXPECT_EQ(r.total.admitted + r.total.rejected, r.total.attempts);
        EXPECT_EQ(r.total.successes + r.total.failures + r.total.ignored, r.total.admitted);
        EXPECT_GE(r.transitions.size(), 1u) << "a 50 % failure rate must trip";
        expect_legal_chain(r.transitions);
    }
}

}  // namespace
}  // namespace cbsim
