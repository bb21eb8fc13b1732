// cbsim/breaker.hpp: the circuit-breaker state machine every preset implements.
//
// [SECTION] States, outcomes, permits
// [SECTION] Transitions and their reasons
// [SECTION] Counts and the window view
// [SECTION] Breaker (the two-step interface)
//
// A breaker is a pure state machine: time is always a parameter (`now`, SimTime microseconds
// from any fixed origin), nothing reads a clock. Two steps, because in a simulation an outcome
// arrives after a latency:
//
//   if (auto a = breaker.acquire(now); a.allowed()) {
//       ... call the service ...
//       breaker.record(a.permit, Outcome::success, duration, later);
//   } else if (a.waits()) {
//       ... hold the call; acquire() again for it once the breaker next transitions ...
//   } else {
//       ... fail fast; a.rejection says why ...
//   }
//
// The third answer, wait (Rejection::wait), comes only from presets whose library makes a call
// wait for a running half-open trial (cockatiel); the others answer allowed or rejected.
// Every state change is passed to the transition sink with its reason, e.g.
// "opened: consecutive_failures 3 >= 3". Presets: gobreaker (exact), resilience4j, polly,
// hystrix, opossum, cockatiel; make_breaker() in breaker_config.hpp builds one from a
// BreakerConfig.
//
// Timed transitions. A preset may change state at an instant with no call (opossum's reset
// timer: open -> half_open at t_open + reset_timeout). next_timed_transition() names that
// instant; whoever drives the breaker calls fire_timers(at) there, after the completions of
// that instant and before its new calls (the simulator schedules an event, replay interleaves
// it with the trace). A breaker that is not driven this way still gets it right lazily:
// acquire(now) first applies every timed transition due at or before `now`; record(), state()
// and window() apply those due strictly before `now` (a completion or a read at the due
// instant comes before the timer). Either way the transition is emitted stamped with its due
// instant. Reading (state(), window(), next_timed_transition()) never changes what happens
// next. Presets without timed transitions keep the defaults (none).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cbsim/time.hpp"

namespace cbsim {

struct BreakerConfig;

// [SECTION] States, outcomes, permits ------------------------------------------------------

enum class State : std::uint8_t {
    closed,        ///< calls flow, outcomes are counted
    open,          ///< calls fail fast
    half_open,     ///< a few probe calls decide between closed and open
    forced_open,   ///< held open by the operator (resilience4j FORCED_OPEN, hystrix force_open,
                   ///< polly isolate)
    disabled,      ///< always allows, counts nothing (resilience4j DISABLED, hystrix
                   ///< force_closed)
    metrics_only,  ///< always allows, counts, never transitions (resilience4j METRICS_ONLY)
};

/// "closed", "open", "half_open", "forced_open", "disabled", "metrics_only".
const char* to_string(State state);

/// The outcome of a call, as the caller reports it.
enum class Outcome : std::uint8_t {
    success,
    failure,  ///< the call failed (an error the breaker counts)
    timeout,  ///< the caller's timeout fired: a failure, weighted by `timeout_weight` if set
    ignored,  ///< neither success nor failure (gobreaker IsExcluded, resilience4j ignored)
};

const char* to_string(Outcome outcome);

/// Proof of admission, handed back to record(). A result whose generation is stale (the
/// breaker changed state or rolled its window since) is dropped where the preset says so.
struct Permit {
    std::uint64_t generation = 0;
    SimTime admitted_at = 0;
};

enum class Rejection : std::uint8_t {
    none,               ///< admitted
    open,               ///< the breaker is open (or forced open)
    too_many_requests,  ///< half-open and the probe budget is spent
    ramp_up,            ///< closed but still ramping up after recovery (extras.ramp_up_ms)
    capacity,  ///< the preset's own concurrency limit is full (opossum `capacity`); unlike the
               ///< other rejections the preset counts it as a failure of its trip rule
    /// Not decided yet: the call neither runs nor fails. The caller holds it and asks again
    /// (acquire() at the transition's time) when the breaker next transitions, calls in the
    /// order they first asked; a held call counts nowhere in the breaker. A breaker answers
    /// wait only while a call it admitted is outstanding, whose record() brings the transition
    /// (cockatiel: calls arriving while the half-open trials run).
    wait,
};

const char* to_string(Rejection rejection);

struct Admission {
    Rejection rejection = Rejection::none;
    Permit permit;  ///< valid when allowed()
    bool allowed() const { return rejection == Rejection::none; }
    /// The call must wait: ask again when the breaker next transitions (see Rejection::wait).
    bool waits() const { return rejection == Rejection::wait; }
};

// [SECTION] Transitions and their reasons --------------------------------------------------

/// Why a transition happened, in the terms of the rule that fired:
/// `rule value comparison threshold`, e.g. {"consecutive_failures", 3, ">=", 3}.
struct Reason {
    const char* rule = "";        ///< counter or quantity the rule tested
    double value = 0.0;           ///< its value when the rule fired
    const char* comparison = "";  ///< ">=", ">", "<", "==" ...
    double threshold = 0.0;       ///< what it was compared with
};

struct Transition {
    SimTime at = 0;
    State from = State::closed;
    State to = State::closed;
    Reason reason;

    /// "opened: consecutive_failures 3 >= 3", "half-open: open_elapsed_ms 5001 > 5000", ...
    std::string text() const;
};

using TransitionSink = std::function<void(const Transition&)>;

// [SECTION] Counts and the window view -----------------------------------------------------

/// gobreaker's Counts, kept by every preset for the calls of the current generation/window.
struct Counts {
    std::uint32_t requests = 0;
    std::uint32_t total_successes = 0;
    std::uint32_t total_failures = 0;
    std::uint32_t consecutive_successes = 0;
    std::uint32_t consecutive_failures = 0;
    std::uint32_t total_exclusions = 0;
    bool operator==(const Counts&) const = default;
};

/// What the GUI shows about the trip rule: the window's fill against the minimum number of
/// calls, and the failure (and slow-call) rate against the thresholds. Rates are in [0, 1];
/// a rate is negative when the preset does not define it yet (window below its minimum).
struct WindowView {
    std::uint64_t calls = 0;          ///< outcomes in the window
    std::uint64_t minimum_calls = 0;  ///< calls needed before the rate can trip
    double failure_rate = -1.0;
    double failure_threshold = 1.0;
    double slow_call_rate = -1.0;
    double slow_call_threshold = 1.0;  ///< > 1 when the preset has no slow-call rule
};

// [SECTION] Breaker (the two-step interface) -----------------------------------------------

class Breaker {
  public:
    virtual ~Breaker() = default;

    /// Asks to make a call at `now`. Observes time first (an open breaker whose wait is over
    /// becomes half-open here). Rejections are counted nowhere in the breaker's counts.
    virtual Admission acquire(SimTime now) = 0;

    /// Reports the outcome of an admitted call at `now`; `duration` is its latency (used by
    /// slow-call rules). Observes time first; a stale permit may be dropped (see Permit).
    virtual void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) = 0;

    /// The state at `now` (observing time may change it, and emits that transition).
    virtual State state(SimTime now) = 0;

    /// The counts of the current generation / window.
    virtual Counts counts() const = 0;

    /// The trip rule's inputs at `now`, for display.
    virtual WindowView window(SimTime now) = 0;

    /// Applies new settings of the same preset at `now`, keeping state and counts where the
    /// new settings allow. Returns false (and changes nothing) if `config` is another preset:
    /// the caller then builds a new breaker.
    virtual bool reconfigure(const BreakerConfig& config, SimTime now) = 0;

    /// The next instant at which the breaker changes state with no call (see "Timed
    /// transitions" above), or none. Valid whenever the transition sink is called (a preset
    /// emits a transition after its state is updated), so a driver asks again there and after
    /// reconfigure(); an instant that has become stale is harmless (fire_timers() then does
    /// nothing). Default: none.
    virtual std::optional<SimTime> next_timed_transition() const { return std::nullopt; }

    /// Applies every timed transition due at or before `now`, each emitted at its due instant.
    /// Default: nothing.
    virtual void fire_timers(SimTime /*now*/) {}

    /// The preset's own per-call timeout (opossum `timeout`), 0 if it has none. A caller
    /// enforces it as the attempt's timeout: an attempt still unanswered `call_timeout()` after
    /// its admission (a result at exactly that instant included) is recorded then as
    /// Outcome::timeout, and its late result is dropped. A preset with a call timeout also
    /// treats a success or failure recorded with duration >= it as a timeout. Default: 0.
    virtual SimTime call_timeout() const { return 0; }

    /// Where transitions go (at most one sink; an empty function removes it).
    void set_transition_sink(TransitionSink sink) { sink_ = std::move(sink); }
    /// The sink set now (empty if none), so a driver can chain its own in front of it.
    const TransitionSink& transition_sink() const { return sink_; }

  protected:
    /// Emits a transition to the sink, if there is one.
    void emit(const Transition& t) const {
        if (sink_) sink_(t);
    }

  private:
    TransitionSink sink_;
};

}  // namespace cbsim
