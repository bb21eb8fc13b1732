// presets/hystrix.hpp: Netflix Hystrix 1.5 circuit breaker (HystrixCircuitBreakerImpl fed by
// HealthCountsStream) on explicit time (internal to cbsim_core).
//
// What is reproduced (docs/BREAKERS.md states the rules):
// - Health stream: buckets of health_snapshot_interval_ms on a grid anchored at time 0 (the
//   origin of SimTime; not at the first observation, so polling state() changes nothing) and
//   re-anchored when the breaker closes from half-open, as Hystrix's resetStream() restarts
//   the stream. At every grid instant a snapshot of the completed buckets
//   of the last rolling_window_ms (rolling_window_ms / interval buckets, at least 1) is taken;
//   an outcome at exactly a grid instant belongs to the bucket that starts there.
// - Trip, only at a snapshot instant and only while closed: total >= request_volume_threshold
//   and error_percentage >= error_threshold_percentage, with Hystrix's integer percentage
//   (int)((double)errors / total * 100). The open period starts at that snapshot instant.
// - Open for sleep_window_ms; half-open when now is strictly after opened_at + sleep. One
//   probe (other calls: Rejection::too_many_requests). Any success while half-open closes
//   and restarts the streams (empty window, new grid); any failure while half-open reopens
//   with a new sleep window from now. No generations: late results count when they arrive.
// - Errors = Outcome::failure and Outcome::timeout; Outcome::ignored is a bad request: not
//   counted and decides nothing; cbsim then frees the half-open probe slot when it was the
//   probe's own result, so that another call can probe.
// - force_open -> State::forced_open (every call rejected). force_closed ->
//   State::metrics_only, not disabled: Hystrix keeps counting and its health stream keeps
//   running while force-closed, and the underlying circuit may even open; calls are admitted
//   regardless. force_open wins when both are set. While forced, the underlying state still
//   follows the snapshots and results (the probe logic does not run); its transitions are not
//   emitted, and clearing the flag emits forced -> underlying state.
// - rolling_window_buckets shapes the rolling statistics shown by counts() (Hystrix's rolling
//   counters): totals of the completed buckets of width rolling_window_ms / buckets. Trip
//   decisions use the health stream only, as in Hystrix.
// - Time is observed at every acquire, record, state and window call.
// - Extras: sleep windows go through OpenJitter (open_jitter, jitter_seed).
//
// counts(): requests and consecutive_* since the last transition of the underlying state;
// total_successes / total_failures from the rolling statistics (as of the last observation).
// window(): the last health snapshot (the trip rule's inputs).
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

std::span<const ParamSpec> hystrix_params();
std::optional<double> get_hystrix_param(const HystrixSettings& s, std::string_view key);
/// Unknown key -> false. Values arrive range-checked.
bool set_hystrix_param(HystrixSettings& s, std::string_view key, double value);
std::unique_ptr<Breaker> make_hystrix_breaker(const HystrixSettings& s,
                                              const BreakerExtras& extras);
/// The KPIs' failure-rate threshold (see PresetEntry::failure_threshold).
double hystrix_failure_threshold(const HystrixSettings& s);

/// Buckets on a time grid (anchor + k * width), with the totals of the last `count`
/// completed buckets. Hystrix's bucketed rolling streams.
class HystrixBuckets {
  public:
    /// Empty, grid starting at `anchor`; the bucket [anchor, anchor + width) is current.
    void reset(SimTime anchor, SimTime width, std::size_t count);
    /// Moves to the bucket holding `now`. For each grid instant crossed, in order, calls
    /// `on_boundary(instant)` with totals() covering the buckets completed at that instant.
    /// After count + 1 empty steps the remaining instants hold nothing and are skipped, except
    /// the last one.
    template <class F>
    void advance(SimTime now, F&& on_boundary);
    /// Adds an outcome to the current bucket.
    void add(bool error);
    std::uint64_t total() const { return total_; }
    std::uint64_t errors() const { return errors_; }

  private:
    struct Slot {
        std::int64_t index = -1;
        std::uint64_t total = 0;
        std::uint64_t errors = 0;
    };
    Slot& slot(std::int64_t index);
    void step();

    SimTime anchor_ = 0;
    SimTime width_ = 1;
    std::size_t count_ = 1;
    std::vector<Slot> slots_;  // count_ + 1: the completed ones and the current one
    std::int64_t current_ = 0;
    std::uint64_t total_ = 0;  // completed buckets current_ - count_ ... current_ - 1
    std::uint64_t errors_ = 0;
};

/// The Hystrix state machine. Public so that tests can inspect the snapshot.
class HystrixBreaker final : public Breaker {
  public:
    HystrixBreaker(const HystrixSettings& settings, const BreakerExtras& extras);

    Admission acquire(SimTime now) override;
    void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) override;
    State state(SimTime now) override;
    Counts counts() const override;
    WindowView window(SimTime now) override;
    bool reconfigure(const BreakerConfig& config, SimTime now) override;

    /// The last health snapshot.
    struct Snapshot {
        SimTime at = 0;
        std::uint64_t total = 0;
        std::uint64_t errors = 0;
        std::int64_t error_percentage = 0;
    };
    const Snapshot& last_snapshot() const { return snapshot_; }
    /// The state of the circuit underneath force_open / force_closed.
    State underlying_state() const { return core_; }
    /// Open: the instant the sleep window started.
    SimTime opened_at() const { return opened_at_; }

  private:
    void observe(SimTime now);
    void restart_streams(SimTime now);
    void change(State to, SimTime now, const Reason& reason);
    void open(SimTime now, const Reason& reason);
    bool forced() const { return settings_.force_open || settings_.force_closed; }
    State reported() const;

    HystrixSettings settings_;
    BreakerExtras preset_extras_;
    OpenJitter jitter_;
    State core_ = State::closed;
    HystrixBuckets health_;
    HystrixBuckets stats_;
    Snapshot snapshot_;
    Counts counts_;
    std::uint64_t generation_ = 1;
    SimTime opened_at_ = 0;
    SimTime sleep_ = 0;
    bool probe_taken_ = false;
};

/// The hystrix preset's registry entry.
inline constexpr PresetEntry<HystrixSettings> kHystrixPreset{
    PresetInfo{Preset::hystrix,
               "hystrix",
               {"Hystrix", "1.5", "github.com/Netflix/Hystrix"},
               "hystrix.toml",
               false},
    hystrix_params,
    get_hystrix_param,
    set_hystrix_param,
    nullptr,  // no rule across keys
    hystrix_failure_threshold,
    make_hystrix_breaker};

}  // namespace cbsim::detail
