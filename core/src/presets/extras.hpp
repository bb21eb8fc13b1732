// presets/extras.hpp: the extras of BreakerExtras, for every preset (internal to cbsim_core).
//
// How they reach a preset:
// - open_jitter / jitter_seed: the preset draws each open duration through OpenJitter
//   (a preset that does not, simply has no jitter). make_breaker hands each preset an extras
//   value in which only these two fields are set (see preset_extras()).
// - probe_timeout_ms, ramp_up_ms / ramp_up_start, timeout_weight: ExtrasBreaker, a decorator
//   that make_breaker() puts around every preset. A preset never sees them, so it cannot apply
//   them twice. With the default extras the decorator forwards every call unchanged.
//   Exception, for the hot path: a gobreaker whose extras need no decorator is returned bare,
//   and its reconfigure() returns false for a config that needs the decorator (the caller
//   then builds a new breaker, as for a change of preset).
//
//   probe timeout: a call admitted while the inner breaker is half-open and still unreported
//     `probe_timeout_ms` after its admission is recorded as a failure at admitted_at +
//     probe_timeout_ms (before anything else the decorator does at or after that instant; the
//     transition it causes has the reason "probe_silent_ms T >= T"); its late result is then
//     dropped. When the inner breaker leaves half-open, pending probes stop being probes.
//   ramp-up: after a half_open -> closed transition at t_c, for `ramp_up_ms` a call at `now` is
//     admitted with share s = ramp_up_start + (1 - ramp_up_start) * (now - t_c) / ramp_up_ms,
//     deterministically: a credit grows by s per call and a call passes when the credit
//     reaches 1 (which it then pays). Other calls are rejected with Rejection::ramp_up and
//     never reach the inner breaker. The ramp ends early if the inner breaker leaves closed.
//   timeout weight: Outcome::timeout counts as `timeout_weight` failures: a credit grows by the
//     weight per timeout, and each whole unit is recorded as one failure with the same permit;
//     a timeout that yields no whole unit is recorded as Outcome::ignored. Presets therefore
//     see Outcome::failure instead of timeout whenever timeout_weight != 1.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"
#include "cbsim/rng.hpp"

namespace cbsim::detail {

/// Jittered open durations: base * (1 + u), u uniform in [-open_jitter, +open_jitter), from
/// its own Rng stream seeded by `jitter_seed`. Same seed, same sequence of durations.
class OpenJitter {
  public:
    explicit OpenJitter(const BreakerExtras& extras);

    /// The next open duration for `base`; exactly `base` (and no draw) when open_jitter == 0.
    /// Never negative.
    SimTime next(SimTime base);

  private:
    double jitter_;
    Rng rng_;
};

/// true for the outcomes a breaker counts as failures (failure, timeout).
constexpr bool is_failure(Outcome outcome) {
    return outcome == Outcome::failure || outcome == Outcome::timeout;
}

/// The extras a preset receives from make_breaker: only the jitter fields of `extras`.
BreakerExtras preset_extras(const BreakerExtras& extras);

/// true when `extras` needs the decorator (probe timeout, ramp-up or timeout weight set).
bool needs_decorator(const BreakerExtras& extras);

/// The decorator described above. Wraps any preset; reconfigure() forwards to the inner
/// breaker and then takes the new extras.
class ExtrasBreaker final : public Breaker {
  public:
    ExtrasBreaker(std::unique_ptr<Breaker> inner, const BreakerExtras& extras);
    ExtrasBreaker(const ExtrasBreaker&) = delete;
    ExtrasBreaker& operator=(const ExtrasBreaker&) = delete;

    Admission acquire(SimTime now) override;
    void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) override;
    State state(SimTime now) override;
    Counts counts() const override;
    WindowView window(SimTime now) override;
    bool reconfigure(const BreakerConfig& config, SimTime now) override;
    /// The inner breaker's timed transitions and call timeout (fire_timers() first expires
    /// the probes due by then).
    std::optional<SimTime> next_timed_transition() const override;
    void fire_timers(SimTime now) override;
    SimTime call_timeout() const override;

    /// Probes admitted in half-open that have not reported yet (for tests and display).
    std::size_t pending_probes() const { return probes_.size(); }

  private:
    struct Probe {
        Permit permit;
        SimTime deadline;
    };
    void expire_probes(SimTime now);
    void on_inner_transition(const Transition& t);
    bool ramp_admits(SimTime now);

    std::unique_ptr<Breaker> inner_;
    BreakerExtras extras_;
    bool active_ = false;        // any decorator extra set
    std::vector<Probe> probes_;  // unreported half-open probes
    // Probes counted as failed, by (generation, admitted_at): their late result is dropped.
    // The oldest are forgotten first (timed_out_order_) beyond a bound.
    using PermitKey = std::pair<std::uint64_t, SimTime>;
    std::multiset<PermitKey> timed_out_;
    std::deque<PermitKey> timed_out_order_;
    bool expiring_probe_ = false;  // a probe timeout is being recorded (names the reason)
    bool ramping_ = false;
    SimTime ramp_start_ = 0;
    double ramp_credit_ = 0.0;
    double timeout_credit_ = 0.0;
};

}  // namespace cbsim::detail
