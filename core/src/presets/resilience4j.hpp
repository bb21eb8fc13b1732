// presets/resilience4j.hpp: Resilience4j CircuitBreaker (CircuitBreakerStateMachine) on
// explicit time (internal to cbsim_core).
//
// What is reproduced (docs/BREAKERS.md states the rules):
// - Sliding windows: COUNT_BASED, a ring of the last `sliding_window_size` outcomes; TIME_BASED,
//   `sliding_window_size` one-second buckets keyed by the epoch second floor(now / 1 s) (a
//   bucket is cleared when the window moves past its second).
// - Rates are float percentages as in the library (failed * 100f / total); below the minimum
//   number of calls (min(minimum_number_of_calls, size) for COUNT_BASED, the plain minimum for
//   TIME_BASED) they are undefined and never trip. Checked after every recorded outcome:
//   failure_rate >= failure_rate_threshold, else slow_call_rate >= slow_call_rate_threshold.
//   A call is slow when its duration is strictly above slow_call_duration_threshold_ms; a slow
//   failure counts as a failure and as a slow call.
// - Open for wait_duration_in_open_state_ms, or with exponential_backoff_multiplier m > 0 the
//   library's IntervalFunction.ofExponentialBackoff: interval(1) = wait, interval(n + 1) =
//   (long) (interval(n) * m) in whole milliseconds (333 ms, m 1.5: 333, 499, 748, 1122), capped
//   by exponential_max_wait_duration_in_open_state_ms (cap only with a multiplier); n = the
//   attempt: 1 on the first open after closed, + 1 on each reopen from half-open, reset on
//   close. Open -> half-open at the first acquire strictly after the retry time.
// - Half-open: permitted_number_of_calls_in_half_open_state permits and a fresh COUNT_BASED
//   window of that size; the decision comes once min(minimum_number_of_calls, permitted)
//   outcomes are in (rate at/above a threshold -> open, else closed).
// - Timed transitions (the library's scheduled ones), each stamped with its due instant however
//   late it is observed: with max_wait_duration_in_half_open_state_ms > 0, half-open -> open
//   that long after the half-open transition (a reopening; the new wait counts from then);
//   with automatic_transition_from_open_to_half_open_enabled, open -> half-open at exactly the
//   retry time. next_timed_transition() / fire_timers() expose them; acquire() runs those due
//   at or before now, record(), state() and window() those due strictly before now (a
//   completion at the due instant comes first).
// - Modes (operator states): forced_open rejects everything and counts nothing, disabled
//   admits everything and counts nothing, metrics_only admits everything, counts, and never
//   transitions. Changing the mode (reconfigure) moves to that state with a fresh window;
//   going back to normal closes.
// - No generations: a late result counts in the state it arrives in (in open it is recorded
//   into the window that tripped, without a check). Outcome::ignored is not counted; in
//   half-open it gives a permit back to the current half-open state whenever its call was
//   admitted (the library's releasePermission() goes to the current state, and
//   HalfOpenState's adds one with no cap, so permits can exceed the permitted number).
//   Outcome::timeout counts as a failure.
// - Only acquire() leaves open (OpenState.tryAcquirePermission): a result that arrives after
//   the wait is over is recorded into the window that tripped and leaves it open, and
//   state() and window() do not move it either (getState() does not transition), so a GUI
//   polling them never changes what happens.
// - Extras: open durations go through OpenJitter (open_jitter, jitter_seed).
//
// counts(): requests, consecutive_* and total_exclusions since the last transition;
// total_successes / total_failures = the outcomes in the current window.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "presets/extras.hpp"
#include "presets/preset.hpp"

namespace cbsim::detail {

std::span<const ParamSpec> resilience4j_params();
std::optional<double> get_resilience4j_param(const Resilience4jSettings& s, std::string_view key);
/// Unknown key -> false. Values arrive range-checked (integers and choice indices exact).
bool set_resilience4j_param(Resilience4jSettings& s, std::string_view key, double value);
/// The rules the library's builders enforce beyond one key's range: a backoff multiplier in
/// (0, 1) is refused (IntervalFunction checks multiplier >= 1). Empty when valid.
std::string check_resilience4j_settings(const Resilience4jSettings& s);
std::unique_ptr<Breaker> make_resilience4j_breaker(const Resilience4jSettings& s,
                                                   const BreakerExtras& extras);
/// The KPIs' failure-rate threshold (see PresetEntry::failure_threshold).
double resilience4j_failure_threshold(const Resilience4jSettings& s);

/// Outcomes in a window: calls, failures among them, slow calls among them.
struct R4jTotals {
    std::uint64_t calls = 0;
    std::uint64_t failures = 0;
    std::uint64_t slow = 0;
};

/// The sliding window: a ring of outcomes (COUNT_BASED) or epoch-second buckets (TIME_BASED).
class R4jWindow {
  public:
    using Type = Resilience4jSettings::WindowType;

    /// Sets type and size. Same type: keeps the newest outcomes that fit (count) or the
    /// buckets whose seconds are still inside the window (time). Other type: empties it.
    void configure(Type type, std::size_t size);
    void clear();
    /// Records one outcome at `now` (the time window first moves to now's second).
    void record(SimTime now, bool failure, bool slow);
    /// Moves a time window to now's second (drops expired buckets); count windows ignore it.
    void advance(SimTime now);
    const R4jTotals& totals() const { return totals_; }
    Type type() const { return type_; }
    std::size_t size() const { return size_; }

  private:
    struct Bucket {
        std::int64_t second = 0;
        std::uint32_t calls = 0;
        std::uint32_t failures = 0;
        std::uint32_t slow = 0;
    };
    void rebuild_totals();

    Type type_ = Type::count_based;
    std::size_t size_ = 1;
    R4jTotals totals_;
    // count based: slots_ holds bit 0 = failure, bit 1 = slow; next_ = next write; used_ <= size_
    std::vector<std::uint8_t> slots_;
    std::size_t next_ = 0;
    std::size_t used_ = 0;
    // time based: buckets_[floor_mod(second, size_)]
    std::vector<Bucket> buckets_;
    std::int64_t head_second_ = 0;
    bool started_ = false;
};

/// The Resilience4j state machine. Public so that tests can inspect the retry time and attempt.
class Resilience4jBreaker final : public Breaker {
  public:
    Resilience4jBreaker(const Resilience4jSettings& settings, const BreakerExtras& extras);

    Admission acquire(SimTime now) override;
    void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) override;
    State state(SimTime now) override;
    Counts counts() const override;
    WindowView window(SimTime now) override;
    bool reconfigure(const BreakerConfig& config, SimTime now) override;

    /// The next instant at which the breaker changes state with no call: the end of the
    /// half-open max wait, or the end of the open wait when the automatic transition is on;
    /// none otherwise. Valid after every transition and reconfigure().
    std::optional<SimTime> next_timed_transition() const override;
    /// Runs every timed transition due at or before `now`, each emitted at its due instant.
    void fire_timers(SimTime now) override;

    /// Opens since the last close (the backoff's attempt number).
    std::int64_t attempt() const { return attempt_; }
    /// Open: the instant after which the breaker goes half-open.
    SimTime retry_at() const { return opened_at_ + open_duration_; }
    /// Half-open permits not handed out yet.
    std::int64_t half_open_permits() const { return permits_; }
    /// The open wait of `attempt` before jitter (backoff and cap applied).
    SimTime open_wait(std::int64_t attempt) const;

  private:
    /// Runs every timed transition due before `now` (and at `now` if `at_now`), each at its
    /// due instant but not before `not_before`.
    void run_timers(SimTime now, bool at_now, SimTime not_before);
    void enter(State to, SimTime now, const Reason& reason);
    void configure_window();
    std::uint64_t minimum_calls() const;
    /// true when the rates are defined; `above` says whether a threshold is reached and
    /// `reason` names the rule (or the failure rate below its threshold).
    bool evaluate(bool& above, Reason& reason) const;

    Resilience4jSettings settings_;
    BreakerExtras preset_extras_;
    OpenJitter jitter_;
    State state_ = State::closed;
    R4jWindow window_;
    Counts counts_;
    std::uint64_t generation_ = 1;
    std::int64_t attempt_ = 0;
    SimTime opened_at_ = 0;
    SimTime open_duration_ = 0;
    SimTime half_open_at_ = 0;
    std::int64_t permits_ = 0;
    struct Backoff {
        std::int64_t attempt = 0;      // 0: nothing computed yet
        std::int64_t interval_ms = 0;  // the backoff's interval of `attempt`, before the cap
    };
    mutable Backoff backoff_;  // open_wait()'s last step; cleared when the settings change
};

/// The resilience4j preset's registry entry.
inline constexpr PresetEntry<Resilience4jSettings> kResilience4jPreset{
    PresetInfo{Preset::resilience4j,
               "resilience4j",
               {"Resilience4j", "2.x", "github.com/resilience4j/resilience4j"},
               "resilience4j.toml",
               true},
    resilience4j_params,
    get_resilience4j_param,
    set_resilience4j_param,
    check_resilience4j_settings,
    resilience4j_failure_threshold,
    make_resilience4j_breaker};

}  // namespace cbsim::detail
