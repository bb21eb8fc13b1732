// cbsim/concurrent_breaker.hpp: the same breaker engine for real code: thread-safe, on
// std::chrono::steady_clock.
//
//   cbsim::ConcurrentBreaker breaker(cbsim::load_breaker_file("breaker.toml"));
//   try {
//       Reply r = breaker.execute([&] { return client.call(request); });  // throws = failure
//   } catch (const cbsim::BreakerRejected& e) {
//       // failed fast: e.rejection() is Rejection::open, too_many_requests, ramp_up or
//       // capacity
//   }
//   // or in two steps, when the outcome arrives elsewhere:
//   if (auto a = breaker.acquire(); a.allowed()) {
//       breaker.record(a.permit, ok ? Outcome::success : Outcome::failure);
//   }
//
// Time is the steady clock, in microseconds since the breaker was built (the state machine's
// SimTime origin). Semantics are the preset's, call for call, with calls ordered as they take
// effect. Timed transitions (opossum's reset timer, Breaker::next_timed_transition) are not
// driven by a thread of their own: they happen lazily at the first acquire, record or state
// query after their instant, stamped with that instant, which decides the same calls. A
// preset's call timeout (Breaker::call_timeout) is the caller's to enforce; a result recorded
// with a latency at least that long counts as a timeout.
//
// Hot path. gobreaker without extras that need the decorator (probe timeout, ramp-up, timeout
// weight) rejects lock-free while open (an atomic `open until` read against the clock), and,
// when its trip is the default or consecutive_failures and interval_ms is 0, runs the closed
// state without a lock and without reading the clock: admission is one atomic load, a result
// one atomic load plus a per-thread counter, and a failure a compare-and-swap on the
// (generation, consecutive failures) word. The failure that reaches the threshold leaves fast
// mode in that compare-and-swap; the first thread to take the lock afterwards hands the streak
// to the state machine, which trips with its usual reason, before it admits or records
// anything (so no call is admitted between the tripping failure and the trip). Every
// other case (other presets, windows, open -> half-open, half-open probes) runs the state
// machine under a mutex. counts() are exact when no call is in flight, and may lag by the
// calls racing a transition otherwise.
//
// Waiting calls. A preset that answers wait (cockatiel while its half-open trials run) makes
// acquire() block: the caller sleeps on a condition variable until the breaker transitions
// (a trial's record() closes or reopens it), then asks again. Released callers ask in the
// order they first asked, before any caller arriving after the transition; so acquire() and
// execute() never return the wait answer. There is no time limit on the wait (as in the
// library): a trial that never reports holds its waiters.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"

namespace cbsim {

namespace detail {
class GobreakerBreaker;
}

/// Thrown by ConcurrentBreaker::execute when the breaker rejects the call.
class BreakerRejected : public std::runtime_error {
  public:
    explicit BreakerRejected(Rejection rejection)
        : std::runtime_error(std::string("circuit breaker rejected the call: ") +
                             to_string(rejection)),
          rejection_(rejection) {}
    Rejection rejection() const { return rejection_; }

  private:
    Rejection rejection_;
};

class ConcurrentBreaker {
  public:
    using Clock = std::chrono::steady_clock;

    /// Builds the preset's state machine; its time origin is now.
    explicit ConcurrentBreaker(const BreakerConfig& config);
    ~ConcurrentBreaker();
    ConcurrentBreaker(const ConcurrentBreaker&) = delete;
    ConcurrentBreaker& operator=(const ConcurrentBreaker&) = delete;

    /// Asks to make a call now. Safe from any thread. Blocks while the breaker answers wait
    /// (see "Waiting calls" above); the answer is allowed or a rejection.
    Admission acquire();

    /// Reports the outcome of an admitted call. `latency` feeds slow-call rules
    /// (resilience4j); gobreaker ignores it.
    void record(const Permit& permit, Outcome outcome,
                std::chrono::nanoseconds latency = std::chrono::nanoseconds(0));

    /// Runs `fn` if admitted: returns its result and records a success, or records a failure
    /// and rethrows what it threw. Throws BreakerRejected when rejected (fn does not run).
    template <class F>
    std::invoke_result_t<F&> execute(F&& fn);

    /// The state now.
    State state();

    /// The counts of the current generation / window.
    Counts counts();

    /// Transitions go to `sink`, called with the breaker's lock held (the sink must not call
    /// back into this breaker).
    void set_transition_sink(TransitionSink sink);

    /// true when the lock-free closed-state path is in use (gobreaker, consecutive trip,
    /// no interval, no decorator extras) and the breaker is closed.
    bool fast_path_active() const;

    /// Microseconds since construction: the `now` handed to the state machine.
    SimTime now() const;

  private:
    struct alignas(128) Slot {
        std::atomic<std::uint64_t> requests{0};
        std::atomic<std::uint64_t> successes{0};
        std::atomic<std::uint64_t> failures{0};
        std::atomic<std::uint64_t> exclusions{0};
    };
    static constexpr std::size_t kSlots = 16;
    struct Sums {
        std::uint64_t requests = 0, successes = 0, failures = 0, exclusions = 0;
    };

    Admission acquire_slow();
    Admission ask(SimTime t);  // with mutex_ held: the state machine's answer at t
    void release_held();       // with mutex_ held: a transition lets the held callers ask
    void record_slow(const Permit& permit, Outcome outcome, SimTime duration);
    void trip_from_fast_path();
    void finish_trip(SimTime now);  // with mutex_ held: a fast-path trip handed over
    void update_mode(SimTime now);  // with mutex_ held
    Sums sums() const;
    std::uint64_t success_sum() const;
    static Slot& my_slot(Slot* slots);
    bool wants_latency() const { return wants_latency_; }

    // Word layout: bit 63 fast closed mode, bit 62 a trip is being handed over, low 32 bits the
    // consecutive failures of the fast closed state.
    static constexpr std::uint64_t kFast = 1ull << 63;
    static constexpr std::uint64_t kTripping = 1ull << 62;
    static constexpr std::uint64_t kStreakMask = 0xFFFF'FFFFull;
    static constexpr SimTime kNotOpen = -1;

    alignas(64) std::atomic<std::uint64_t> word_{0};
    std::atomic<std::uint64_t> fast_generation_{0};
    std::atomic<SimTime> open_until_{kNotOpen};
    std::uint32_t trip_threshold_ = 0;  // consecutive failures that trip (fast path)
    bool fast_eligible_ = false;
    bool wants_latency_ = false;
    Clock::time_point origin_;

    alignas(64) std::mutex mutex_;
    std::unique_ptr<Breaker> breaker_;               // the state machine
    detail::GobreakerBreaker* gobreaker_ = nullptr;  // breaker_ when it is a bare gobreaker
    TransitionSink sink_;
    std::condition_variable released_;  // a held caller may ask again
    std::deque<std::uint64_t> held_;    // tickets of callers answered wait, in order
    std::deque<std::uint64_t> asking_;  // released tickets, asking again in this order
    std::uint64_t next_ticket_ = 0;
    Sums baseline_;  // sums when the fast period began
    std::atomic<std::uint64_t> successes_at_last_failure_{0};
    Slot slots_[kSlots];
};

template <class F>
std::invoke_result_t<F&> ConcurrentBreaker::execute(F&& fn) {
    using Result = std::invoke_result_t<F&>;
    const Admission a = acquire();
    if (!a.allowed()) throw BreakerRejected(a.rejection);
    const Clock::time_point start = wants_latency() ? Clock::now() : Clock::time_point{};
    auto latency = [&] {
        return wants_latency()
                   ? std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start)
                   : std::chrono::nanoseconds(0);
    };
    if constexpr (std::is_void_v<Result>) {
        try {
            std::invoke(fn);
        } catch (...) {
            record(a.permit, Outcome::failure, latency());
            throw;
        }
        record(a.permit, Outcome::success, latency());
    } else {
        Result result = [&]() -> Result {
            try {
                return std::invoke(fn);
            } catch (...) {
                record(a.permit, Outcome::failure, latency());
                throw;
            }
        }();
        record(a.permit, Outcome::success, latency());
        return result;
    }
}

}  // namespace cbsim
