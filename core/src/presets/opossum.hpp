// presets/opossum.hpp: nodeshift/opossum 10.0.0 CircuitBreaker on explicit time (internal to
// cbsim_core).
//
// What is reproduced (docs/BREAKERS.md, "opossum: the rules", states every boundary):
// - The breaker is created at SimTime 0 (the run's start; replay's t = 0): the rolling window's
//   buckets rotate every I = max(1, floor(rolling_count_timeout_ms / rolling_count_buckets)) ms
//   on a grid k * I from there, whatever the traffic or state, and warm-up ends at
//   rolling_count_timeout_ms. A counter is charged to the bucket current when its event
//   happens (a fire at admission, a failure or success at completion); open and close never
//   reset a counter. Buckets are kept lazily on the grid (same counts as the library's timer).
// - Every acquire() is a fire, rejected ones included. Open, or half-open with the trial
//   taken: Rejection::open / Rejection::too_many_requests, counted as fire + reject, never a
//   failure. Half-open admits one trial. An admitted call beyond `capacity` concurrent calls
//   is Rejection::capacity and counts as fire + failure, evaluated at once (a half-open trial
//   refused this way is consumed and reopens).
// - Only a failure evaluates, after counting it: skipped while warming up; skipped while fires
//   < volume_threshold unless half-open; else opens when half-open or when
//   double(failures) / double(fires) * 100.0 > error_threshold_percentage (IEEE double, strict;
//   fires == 0 gives +inf). A failure while open changes nothing.
// - Open -> half_open at exactly t_open + reset_timeout_ms with no call (next_timed_transition;
//   the reset duration goes through extras.open_jitter). Any success while half-open closes,
//   any failure reopens, whichever call it comes from (no generations; late results count).
// - Outcome::failure is an error; Outcome::timeout is the call's timeout (counted as a timeout
//   and a failure); Outcome::ignored is an error the library's errorFilter accepts, which
//   opossum counts as a success (it closes a half-open breaker). With timeout_ms > 0, a success
//   or failure recorded with duration >= timeout_ms is a timeout (call_timeout(): the engine
//   and replay deliver it at admission + timeout_ms).
// - Each record() of an admitted permit frees its capacity slot.
//
// counts(): requests = fires, total_successes / total_failures of the window as of the last
// observation; consecutive_* over all outcomes. window(): fires against volume_threshold, and
// failures / fires against the threshold (may exceed 1, as in the library).
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

std::span<const ParamSpec> opossum_params();
std::optional<double> get_opossum_param(const OpossumSettings& s, std::string_view key);
/// Unknown key -> false. Values arrive range-checked.
bool set_opossum_param(OpossumSettings& s, std::string_view key, double value);
std::unique_ptr<Breaker> make_opossum_breaker(const OpossumSettings& s,
                                              const BreakerExtras& extras);
/// The KPIs' failure-rate threshold (see PresetEntry::failure_threshold).
double opossum_failure_threshold(const OpossumSettings& s);

/// The opossum state machine.
class OpossumBreaker final : public Breaker {
  public:
    OpossumBreaker(const OpossumSettings& settings, const BreakerExtras& extras);

    Admission acquire(SimTime now) override;
    void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) override;
    State state(SimTime now) override;
    Counts counts() const override;
    WindowView window(SimTime now) override;
    bool reconfigure(const BreakerConfig& config, SimTime now) override;
    std::optional<SimTime> next_timed_transition() const override;
    void fire_timers(SimTime now) override;
    SimTime call_timeout() const override;

  private:
    /// The library's window counters (breaker.stats), summed over the buckets.
    struct Stats {
        std::uint64_t fires = 0;
        std::uint64_t failures = 0;
        std::uint64_t successes = 0;
        std::uint64_t rejects = 0;
        std::uint64_t timeouts = 0;
        std::uint64_t semaphore_rejections = 0;
    };
    struct Bucket {
        std::int64_t index = -1;  // grid index k of [k * I, (k + 1) * I); -1 = never used
        Stats stats;
    };
    /// The window at `now` (no side effect; `now` not before the last observation).
    Stats stats(SimTime now) const;
    void restart_buckets(SimTime anchor);
    std::int64_t bucket_index(SimTime now) const;
    Stats& head(SimTime now);
    void observe(SimTime now, bool timers_at_now);
    void failure(SimTime now);
    void open(SimTime now, const Reason& reason);
    void change(State to, SimTime at, const Reason& reason);

    OpossumSettings settings_;
    BreakerExtras preset_extras_;
    OpenJitter jitter_;
    State state_ = State::closed;
    bool trial_free_ = false;  // the library's PENDING_CLOSE: half-open trial not taken
    SimTime reset_at_ = 0;     // open: when the reset timer fires
    SimTime reset_for_ = 0;    // open: the (jittered) reset duration
    SimTime anchor_ = 0;       // where the bucket grid starts
    SimTime interval_ = 1;     // bucket width I (SimTime)
    std::vector<Bucket> buckets_;
    SimTime last_seen_ = 0;
    std::uint64_t in_flight_ = 0;
    std::uint64_t generation_ = 1;
    std::uint32_t consecutive_successes_ = 0;
    std::uint32_t consecutive_failures_ = 0;
};

/// The opossum preset's registry entry. It reads call durations: its call timeout makes a
/// result at least that long a timeout.
inline constexpr PresetEntry<OpossumSettings> kOpossumPreset{
    PresetInfo{Preset::opossum,
               "opossum",
               {"opossum", "10.0.0", "github.com/nodeshift/opossum"},
               "opossum.toml",
               true},
    opossum_params,
    get_opossum_param,
    set_opossum_param,
    nullptr,  // no rule across keys
    opossum_failure_threshold,
    make_opossum_breaker};

}  // namespace cbsim::detail
