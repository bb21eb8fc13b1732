// presets/polly.hpp: Polly v8 circuit breaker (CircuitStateController + AdvancedCircuitBehavior
// + RollingHealthMetrics) on explicit time (internal to cbsim_core).
//
// What is reproduced (docs/BREAKERS.md states the rules):
// - Health metrics: sampling_duration_ms split in 10 sub-windows of sampling / 10. An outcome
//   goes into the newest sub-window, or starts a new one at `now` when there is none or the
//   newest started >= sampling / 10 ago (sub-windows start lazily, at the first outcome after
//   the previous one ends); sub-windows with `now - start >= sampling` are dropped. Only
//   outcomes touch the windows; window() and counts() read them without starting one.
// - Trip, on a handled failure while closed: throughput >= minimum_throughput and
//   failure_rate >= failure_ratio (both after counting that failure).
// - Open for break_duration_ms, or break * break_duration_backoff^(half-open attempts) capped
//   by max_break_duration_ms (the BreakDurationGenerator cbsim offers; the cap applies only
//   with a backoff). Half-open attempts count the half-opens since the last close: 0 on the
//   first break after closed.
// - Open -> half-open at the first acquire with now >= blocked_until (non-strict). One probe; every
// other
//   call in half-open is rejected (Rejection::too_many_requests). Any success while half-open
//   closes (metrics reset, attempts reset), any failure reopens (not counted). A probe that
//   never reports keeps the breaker half-open (Polly has no probe timeout; see extras).
// - isolate = forced_open (Polly's manual Isolate: held open, every call rejected); clearing
//   it closes the circuit like Polly's manual Close (metrics reset).
// - No generations: late results count in the state they arrive in (in open a failure or a
//   success is only added to the metrics). Polly has no "ignored": an outcome its ShouldHandle
//   predicate does not handle is reported as a success, so Outcome::ignored is a success here
//   (it also closes from half-open). Outcome::timeout is a handled failure.
// - Only acquire() leaves open (OnActionPreExecuteAsync): an outcome that arrives after the
//   break is over is added to the metrics and leaves the circuit open (OnUnhandledOutcomeAsync
//   and OnHandledOutcomeAsync change nothing while open), and state() and window() only read
//   (the CircuitState getter does not transition), so a polling GUI never changes results.
// - Extras: break durations go through OpenJitter (open_jitter, jitter_seed).
//
// counts(): requests and consecutive_* since the last transition; total_successes /
// total_failures = the sums of the live sub-windows (as of the last outcome).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "presets/extras.hpp"
#include "presets/preset.hpp"

namespace cbsim::detail {

std::span<const ParamSpec> polly_params();
std::optional<double> get_polly_param(const PollySettings& s, std::string_view key);
/// Unknown key -> false. Values arrive range-checked.
bool set_polly_param(PollySettings& s, std::string_view key, double value);
std::unique_ptr<Breaker> make_polly_breaker(const PollySettings& s, const BreakerExtras& extras);
/// The KPIs' failure-rate threshold (see PresetEntry::failure_threshold).
double polly_failure_threshold(const PollySettings& s);

/// The Polly state machine. Public so that tests can inspect the break and the sub-windows.
class PollyBreaker final : public Breaker {
  public:
    PollyBreaker(const PollySettings& settings, const BreakerExtras& extras);

    Admission acquire(SimTime now) override;
    void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) override;
    State state(SimTime now) override;
    Counts counts() const override;
    WindowView window(SimTime now) override;
    bool reconfigure(const BreakerConfig& config, SimTime now) override;

    /// Open: calls are rejected before this instant.
    SimTime blocked_until() const { return opened_at_ + break_duration_; }
    /// Half-opens since the last close (the BreakDurationGenerator's HalfOpenAttempts).
    std::int64_t half_open_attempts() const { return half_open_attempts_; }
    /// Live sub-windows (as of the last outcome).
    std::size_t sub_windows() const { return windows_.size(); }
    /// The break before jitter for `half_open_attempts` (backoff and cap applied).
    SimTime break_for(std::int64_t half_open_attempts) const;

  private:
    struct SubWindow {
        SimTime start = 0;
        std::uint64_t successes = 0;
        std::uint64_t failures = 0;
    };
    void change(State to, SimTime now, const Reason& reason);
    SubWindow& current_window(SimTime now);
    void reset_metrics();
    void open(SimTime now, const Reason& reason);

    PollySettings settings_;
    BreakerExtras preset_extras_;
    OpenJitter jitter_;
    State state_ = State::closed;
    std::deque<SubWindow> windows_;
    std::uint64_t successes_ = 0;  // sums over windows_
    std::uint64_t failures_ = 0;
    Counts counts_;
    std::uint64_t generation_ = 1;
    SimTime opened_at_ = 0;
    SimTime break_duration_ = 0;
    std::int64_t half_open_attempts_ = 0;
    bool probe_taken_ = false;
};

/// The polly preset's registry entry.
inline constexpr PresetEntry<PollySettings> kPollyPreset{
    PresetInfo{
        Preset::polly, "polly", {"Polly", "v8", "github.com/App-vNext/Polly"}, "polly.toml", false},
    polly_params,
    get_polly_param,
    set_polly_param,
    nullptr,  // no rule across keys
    polly_failure_threshold,
    make_polly_breaker};

}  // namespace cbsim::detail
