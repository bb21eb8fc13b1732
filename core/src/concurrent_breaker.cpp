// concurrent_breaker.cpp: ConcurrentBreaker (see the header for the hot-path design).
#include "cbsim/concurrent_breaker.hpp"

#include <variant>

#include "presets/extras.hpp"
#include "presets/gobreaker.hpp"

namespace cbsim {

namespace {
std::atomic<std::size_t> next_thread_slot{0};
constexpr std::size_t kNoSlot = ~std::size_t{0};
// Constant-initialised (no guard) and initial-exec (no __tls_get_addr): two loads.
thread_local std::size_t tls_slot __attribute__((tls_model("initial-exec"))) = kNoSlot;
}  // namespace

ConcurrentBreaker::ConcurrentBreaker(const BreakerConfig& config) : origin_(Clock::now()) {
    const auto* g = std::get_if<GobreakerSettings>(&config.settings);
    if (g != nullptr && !detail::needs_decorator(config.extras)) {
        auto bare =
            std::make_unique<detail::GobreakerBreaker>(*g, detail::preset_extras(config.extras), 0);
        gobreaker_ = bare.get();
        breaker_ = std::move(bare);
        using Trip = GobreakerSettings::Trip;
        if (g->interval_ms <= 0 &&
            (g->trip == Trip::default_trip || g->trip == Trip::consecutive_failures)) {
            fast_eligible_ = true;
            trip_threshold_ = g->trip == Trip::default_trip
                                  ? 6u
                                  : static_cast<std::uint32_t>(g->consecutive_failures);
        }
    } else {
        breaker_ = make_breaker(config);
    }
    wants_latency_ = preset_info(config.preset()).measures_latency;
    breaker_->set_transition_sink([this](const Transition& t) {
        if (!held_.empty()) release_held();
        if (sink_) sink_(t);
    });
    std::lock_guard lock(mutex_);
    update_mode(0);
}

ConcurrentBreaker::~ConcurrentBreaker() = default;

SimTime ConcurrentBreaker::now() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - origin_).count();
}

[[gnu::always_inline]] inline ConcurrentBreaker::Slot& ConcurrentBreaker::my_slot(Slot* slots) {
    std::size_t index = tls_slot;
    if (index == kNoSlot) [[unlikely]] {
        index = next_thread_slot.fetch_add(1, std::memory_order_relaxed) % kSlots;
        tls_slot = index;
    }
    return slots[index];
}

ConcurrentBreaker::Sums ConcurrentBreaker::sums() const {
    Sums s;
    for (const Slot& slot : slots_) {
        s.requests += slot.requests.load(std::memory_order_relaxed);
        s.successes += slot.successes.load(std::memory_order_relaxed);
        s.failures += slot.failures.load(std::memory_order_relaxed);
        s.exclusions += slot.exclusions.load(std::memory_order_relaxed);
    }
    return s;
}

std::uint64_t ConcurrentBreaker::success_sum() const {
    std::uint64_t total = 0;
    for (const Slot& slot : slots_)
        total += slot.successes.load(std::memory_order_relaxed);
    return total;
}

// [SECTION] Admission ----------------------------------------------------------------------

Admission ConcurrentBreaker::acquire() {
    if (word_.load(std::memory_order_acquire) & kFast) {
        const std::uint64_t generation = fast_generation_.load(std::memory_order_relaxed);
        my_slot(slots_).requests.fetch_add(1, std::memory_order_relaxed);
        return Admission{Rejection::none, Permit{generation, 0}};
    }
    return acquire_slow();
}

Admission ConcurrentBreaker::acquire_slow() {
    const SimTime t = now();
    const SimTime open_until = open_until_.load(std::memory_order_acquire);
    if (open_until != kNotOpen && t <= open_until) return Admission{Rejection::open, {}};
    std::unique_lock lock(mutex_);
    if (!asking_.empty()) released_.wait(lock, [this] { return asking_.empty(); });
    Admission a = ask(t);
    while (a.waits())
        [[unlikely]] {
            const std::uint64_t ticket = next_ticket_++;
            held_.push_back(ticket);
            released_.wait(lock, [&] { return !asking_.empty() && asking_.front() == ticket; });
            asking_.pop_front();
            a = ask(now());
            released_.notify_all();  // the next released caller, or the new ones, go on
        }
    return a;
}

Admission ConcurrentBreaker::ask(SimTime t) {
    const SimTime locked_now = std::max(t, now());
    finish_trip(locked_now);
    const Admission a = breaker_->acquire(locked_now);
    update_mode(locked_now);
    return a;
}

void ConcurrentBreaker::release_held() {
    asking_.insert(asking_.end(), held_.begin(), held_.end());
    held_.clear();
    released_.notify_all();
}

// [SECTION] Results ------------------------------------------------------------------------

void ConcurrentBreaker::record(const Permit& permit, Outcome outcome,
                               std::chrono::nanoseconds latency) {
    const auto duration = [latency] {
        return std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
    };
    std::uint64_t w = word_.load(std::memory_order_acquire);
    if (!(w & kFast) || permit.generation != fast_generation_.load(std::memory_order_relaxed)) {
        record_slow(permit, outcome, duration());
        return;
    }
    Slot& slot = my_slot(slots_);
    if (outcome == Outcome::ignored) {
        slot.exclusions.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (outcome == Outcome::success) {
        slot.successes.fetch_add(1, std::memory_order_relaxed);
        // Reset the streak only if there is one: no shared write on the common path.
        while ((w & kFast) && (w & kStreakMask) != 0) {
            if (word_.compare_exchange_weak(w, w & ~kStreakMask, std::memory_order_acq_rel)) break;
        }
        return;
    }
    // failure or timeout
    while (true) {
        if (!(w & kFast)) {  // the mode changed under us: let the state machine decide
            record_slow(permit, outcome, duration());
            return;
        }
        const std::uint64_t streak = (w & kStreakMask) + 1;
        if (streak >= trip_threshold_) {
            if (word_.compare_exchange_weak(w, kTripping, std::memory_order_acq_rel)) {
                slot.failures.fetch_add(1, std::memory_order_relaxed);
                trip_from_fast_path();
                return;
            }
        } else if (word_.compare_exchange_weak(w, (w & ~kStreakMask) | streak,
                                               std::memory_order_acq_rel)) {
            slot.failures.fetch_add(1, std::memory_order_relaxed);
            successes_at_last_failure_.store(success_sum(), std::memory_order_relaxed);
            return;
        }
    }
}

void ConcurrentBreaker::trip_from_fast_path() {
    std::lock_guard lock(mutex_);
    const SimTime t = now();
    finish_trip(t);
    update_mode(t);
}

void ConcurrentBreaker::finish_trip(SimTime t) {
    // The failure that reached the threshold took effect when it set kTripping. Whoever takes
    // the lock first (that thread, or another one's acquire, record or query) trips the state
    // machine before doing anything else, so no call is admitted or recorded in between.
    if (!(word_.load(std::memory_order_acquire) & kTripping)) return;
    // The state machine has been idle in this closed generation (zero counts): hand it the
    // streak, so that it trips with its own rule and reason ("consecutive_failures 3 >= 3").
    for (std::uint32_t i = 0; i < trip_threshold_; ++i) {
        const Admission a = gobreaker_->acquire(t);
        if (!a.allowed()) break;
        gobreaker_->record(a.permit, Outcome::failure, 0, t);
    }
    word_.store(0, std::memory_order_release);
}

void ConcurrentBreaker::record_slow(const Permit& permit, Outcome outcome, SimTime duration) {
    std::lock_guard lock(mutex_);
    const SimTime t = now();
    finish_trip(t);
    breaker_->record(permit, outcome, duration, t);
    update_mode(t);
}

// [SECTION] Mode -----------------------------------------------------------------------------

void ConcurrentBreaker::update_mode(SimTime t) {
    if (gobreaker_ == nullptr) return;
    const State s = gobreaker_->state(t);
    open_until_.store(s == State::open ? gobreaker_->expiry().value_or(kNotOpen) : kNotOpen,
                      std::memory_order_release);
    const std::uint64_t w = word_.load(std::memory_order_acquire);
    if (fast_eligible_ && s == State::closed && !(w & (kFast | kTripping))) {
        fast_generation_.store(gobreaker_->generation(), std::memory_order_relaxed);
        baseline_ = sums();
        successes_at_last_failure_.store(baseline_.successes, std::memory_order_relaxed);
        word_.store(kFast, std::memory_order_release);
    }
}

// [SECTION] Queries --------------------------------------------------------------------------

State ConcurrentBreaker::state() {
    if (word_.load(std::memory_order_acquire) & kFast) return State::closed;
    const SimTime t = now();
    const SimTime open_until = open_until_.load(std::memory_order_acquire);
    if (open_until != kNotOpen && t <= open_until) return State::open;
    std::lock_guard lock(mutex_);
    const SimTime locked_now = std::max(t, now());
    finish_trip(locked_now);
    const State s = breaker_->state(locked_now);
    update_mode(locked_now);
    return s;
}

Counts ConcurrentBreaker::counts() {
    std::lock_guard lock(mutex_);
    finish_trip(now());
    const std::uint64_t w = word_.load(std::memory_order_acquire);
    if (!(w & kFast)) return breaker_->counts();
    const Sums s = sums();
    const std::uint64_t since_failure =
        s.successes -
        std::max(baseline_.successes, successes_at_last_failure_.load(std::memory_order_relaxed));
    Counts c;
    c.requests = static_cast<std::uint32_t>(s.requests - baseline_.requests);
    c.total_successes = static_cast<std::uint32_t>(s.successes - baseline_.successes);
    c.total_failures = static_cast<std::uint32_t>(s.failures - baseline_.failures);
    c.total_exclusions = static_cast<std::uint32_t>(s.exclusions - baseline_.exclusions);
    c.consecutive_failures = static_cast<std::uint32_t>(w & kStreakMask);
    c.consecutive_successes =
        c.consecutive_failures == 0 ? static_cast<std::uint32_t>(since_failure) : 0;
    return c;
}

void ConcurrentBreaker::set_transition_sink(TransitionSink sink) {
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
}

bool ConcurrentBreaker::fast_path_active() const {
    return (word_.load(std::memory_order_acquire) & kFast) != 0;
}

}  // namespace cbsim
