// presets/cockatiel.hpp: cockatiel 4.0.0's CircuitBreakerPolicy with its ConsecutiveBreaker,
// CountBreaker and SamplingBreaker on explicit time (internal to cbsim_core).
//
// What is reproduced (docs/BREAKERS.md "cockatiel: the rules" states them with examples):
// - Admission. Closed: admitted. Open: rejected while now - opened_at < duration; at or after
//   it (>=) the call itself turns the circuit half-open and is the first trial (lazy: nothing
//   changes without a call, state() and window() never half-open it). Half-open: a trial while
//   successes + failures + in flight < half_open_sampling.calls, else Rejection::wait (the
//   call waits for the episode's decision and asks again at the next transition).
// - The permit carries what the library's state snapshot carries: generation 0 = the call
//   started in closed; generation n > 0 = a trial of half-open episode n.
// - A closed-started result always feeds the breaker as a closed result, whatever the state
//   now (Outcome::ignored is an error the policy does not handle: not recorded). If the breaker
//   says open: closed -> open; half-open -> open (advancing the backoff; waiters released);
//   open: nothing (opened_at and the backoff stay).
// - A trial result counts only in its own, still current episode (else dropped, the breaker
//   never sees it). Success or ignored (the library's "task failed successfully") adds a
//   success; a failure adds a failure and reopens at once if failures > threshold * calls
//   (double), reporting failure(half-open) to the breaker. With successes + failures >= calls
//   and none in flight: close, reporting success(half-open) (Count/Sampling: reset, then one
//   success; Consecutive: 0).
// - opened_at is the time of the result that opened it. The backoff (constant, or
//   ExponentialBackoff with noJitterGenerator: min(max, initial * 2^k)) starts afresh on
//   closed -> open, advances on every half-open -> open, and is forgotten on close. The
//   breakers are never reset on open.
// - ConsecutiveBreaker: ++count >= threshold opens; a success sets 0. CountBreaker: a ring of
//   `size` results; opens when total >= minimum and failures > threshold * total (strict,
//   double). SamplingBreaker: max(5, ceil(d / 1000)) buckets of round(d / n) ms; a result
//   rotates exactly one bucket when now - bucket start >= width (stale buckets survive idle
//   gaps); opens when total >= duration * minimum_rpms (double, no rounding) and failures >
//   threshold * total. Bucket starts begin at 0 (the breaker's creation).
// - Extras: open durations go through OpenJitter (open_jitter, jitter_seed).
//
// counts(): requests and consecutive_* since the last transition; total_successes /
// total_failures = the window's (Count ring, Sampling buckets; the streak for Consecutive).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "presets/extras.hpp"
#include "presets/preset.hpp"

namespace cbsim::detail {

std::span<const ParamSpec> cockatiel_params();
std::optional<double> get_cockatiel_param(const CockatielSettings& s, std::string_view key);
/// Unknown key -> false. Values arrive range-checked.
bool set_cockatiel_param(CockatielSettings& s, std::string_view key, double value);
/// Rules the ranges cannot say: the library's exclusive bounds (thresholds in (0, 1),
/// half_open_sampling.threshold < 1) and minimum_number_of_calls <= size. Empty if fine.
std::string check_cockatiel_settings(const CockatielSettings& s);
/// The KPIs' failure-rate threshold: the Count/Sampling threshold, 0 for Consecutive.
double cockatiel_failure_threshold(const CockatielSettings& s);
std::unique_ptr<Breaker> make_cockatiel_breaker(const CockatielSettings& s,
                                                const BreakerExtras& extras);

/// The cockatiel state machine. Public so that tests can inspect the backoff and the windows.
class CockatielBreaker final : public Breaker {
  public:
    CockatielBreaker(const CockatielSettings& settings, const BreakerExtras& extras);

    Admission acquire(SimTime now) override;
    void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) override;
    State state(SimTime now) override;
    Counts counts() const override;
    WindowView window(SimTime now) override;
    bool reconfigure(const BreakerConfig& config, SimTime now) override;

    /// Open: when the circuit opened, and the backoff duration it waits from there.
    SimTime opened_at() const { return opened_at_; }
    SimTime open_duration() const { return open_duration_; }
    /// The current half-open episode (1, 2, ...; 0 before the first).
    std::uint64_t episode() const { return episode_; }
    /// Trials of the current episode in flight.
    std::int64_t trials_in_flight() const { return in_flight_; }
    /// The undrawn backoff for the k-th open since the last close (k = 0 first).
    SimTime backoff_for(std::int64_t k) const;
    /// SamplingBreaker geometry: buckets, their width, and the minimum count (a double).
    std::size_t sampling_buckets() const { return buckets_.size(); }
    SimTime sampling_width() const { return from_ms(window_ms_); }
    double sampling_minimum() const { return sampling_minimum_; }

  private:
    struct Bucket {
        SimTime started_at = 0;
        std::uint64_t failures = 0;
        std::uint64_t successes = 0;
    };
    void build_breaker();  // an empty window of the configured kind and shape
    void derive_limits();  // the SamplingBreaker's effective duration and minimum
    void change(State to, SimTime now, const Reason& reason);
    void open(SimTime now, const Reason& reason);
    void close(SimTime now, const Reason& reason);
    // The IBreaker: success(state) and failure(state) -> "open" (Closed or HalfOpen).
    void breaker_success(bool half_open, SimTime now);
    bool breaker_failure(bool half_open, SimTime now, Reason& reason);
    void push_sample(bool success, SimTime now);  // CountBreaker / SamplingBreaker
    void reset_window();
    std::uint64_t window_successes() const;
    std::uint64_t window_failures() const;

    CockatielSettings settings_;
    BreakerExtras preset_extras_;
    OpenJitter jitter_;
    State state_ = State::closed;
    Counts counts_;
    // circuit
    SimTime opened_at_ = 0;
    SimTime open_duration_ = 0;
    std::int64_t backoff_step_ = 0;  // opens since the last close, minus one
    std::uint64_t episode_ = 0;
    std::int64_t in_flight_ = 0, trial_successes_ = 0, trial_failures_ = 0;
    // ConsecutiveBreaker
    std::uint64_t consecutive_ = 0;
    // CountBreaker: -1 empty, 0 failure, 1 success
    std::vector<std::int8_t> samples_;
    std::size_t current_sample_ = 0;
    std::uint64_t count_successes_ = 0, count_failures_ = 0;
    // SamplingBreaker
    std::vector<Bucket> buckets_;
    std::size_t current_bucket_ = 0;
    std::int64_t window_ms_ = 0;
    double sampling_duration_ms_ = 0.0;
    double sampling_minimum_ = 0.0;
    std::uint64_t sampling_successes_ = 0, sampling_failures_ = 0;
};

/// The cockatiel preset's registry entry.
inline constexpr PresetEntry<CockatielSettings> kCockatielPreset{
    PresetInfo{Preset::cockatiel,
               "cockatiel",
               {"cockatiel", "4.0.0", "github.com/connor4312/cockatiel"},
               "cockatiel.toml",
               false},
    cockatiel_params,
    get_cockatiel_param,
    set_cockatiel_param,
    check_cockatiel_settings,
    cockatiel_failure_threshold,
    make_cockatiel_breaker};

}  // namespace cbsim::detail
