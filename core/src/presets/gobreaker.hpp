// presets/gobreaker.hpp: sony/gobreaker v2 (CircuitBreaker + TwoStepCircuitBreaker), call for
// call, on explicit time (internal to cbsim_core).
//
// What is reproduced (docs/BREAKERS.md states the rules): normalisation of Settings (max_requests 0
// -> 1, timeout <= 0 -> 60 s, interval <= 0 -> never clear, bucket_period rounding the
// interval up), generations that drop stale results, strict `expiry < now` for the fixed
// window and for open -> half-open, the v2 rolling window (age = floor((now - start) /
// bucket_period), inclusive bucket boundaries, eviction with saturating subtraction and the
// consecutive-count rule), the trip forms and the default trip (ConsecutiveFailures > 5),
// IsExcluded (Outcome::ignored), and half-open admission `requests - total_exclusions >=
// max_requests`. Outcome::timeout counts as a failure.
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

std::span<const ParamSpec> gobreaker_params();
std::optional<double> get_gobreaker_param(const GobreakerSettings& s, std::string_view key);
/// Unknown key -> false. Setting a trip value selects its trip form; switching forms resets
/// the values of the other forms to their defaults (so a config's inactive trip values are
/// always the defaults and to_toml loses nothing).
bool set_gobreaker_param(GobreakerSettings& s, std::string_view key, double value);
std::unique_ptr<Breaker> make_gobreaker_breaker(const GobreakerSettings& s,
                                                const BreakerExtras& extras);
/// The KPIs' failure-rate threshold (see PresetEntry::failure_threshold).
double gobreaker_failure_threshold(const GobreakerSettings& s);

/// The most buckets a rolling window may have (interval_ms / bucket_period_ms, rounded up).
inline constexpr std::int64_t kGobreakerMaxBuckets = 100000;

/// Empty if the settings work together, else what is wrong (too many rolling buckets).
/// Checked by set_param() and the TOML reader; the breaker clamps the count as a last resort.
std::string check_gobreaker_settings(const GobreakerSettings& s);

/// The gobreaker state machine. Public so that tests and the thread-safe breaker can use it
/// without a virtual call.
class GobreakerBreaker final : public Breaker {
  public:
    GobreakerBreaker(const GobreakerSettings& settings, const BreakerExtras& extras,
                     SimTime created_at = 0);

    Admission acquire(SimTime now) override;
    void record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) override;
    State state(SimTime now) override;
    Counts counts() const override { return counts_; }
    WindowView window(SimTime now) override;
    bool reconfigure(const BreakerConfig& config, SimTime now) override;

    /// Normalised settings, as gobreaker's constructor leaves them.
    std::uint32_t max_requests() const { return max_requests_; }
    SimTime interval() const { return interval_; }
    SimTime bucket_period() const { return bucket_period_; }
    SimTime timeout() const { return timeout_; }
    std::uint32_t bucket_count() const { return static_cast<std::uint32_t>(buckets_.size()); }
    std::uint64_t generation() const { return generation_; }
    /// The expiry of the current generation, if any (closed fixed window or open).
    std::optional<SimTime> expiry() const {
        return has_expiry_ ? std::optional<SimTime>(expiry_) : std::nullopt;
    }

  private:
    void apply_settings(const GobreakerSettings& s);
    /// gobreaker's currentState(now): where time acts. Inline for the common case (closed
    /// without a window), where it has nothing to do.
    void observe(SimTime now) {
        if (idle_closed()) return;
        observe_time(now);
    }
    /// observe() for state() and window(): never ends a closed counting period (see there).
    void observe_for_read(SimTime now);
    /// Whether the closed fixed-window period has run out at `now` (the next call ends it).
    bool generation_expired(SimTime now) const;
    bool idle_closed() const { return idle_closed_; }
    void update_idle() { idle_closed_ = state_ == State::closed && !has_expiry_ && !rolling_; }
    [[gnu::noinline]] Admission acquire_observed(SimTime now);
    [[gnu::noinline]] void record_observed(const Permit& permit, Outcome outcome, SimTime duration,
                                           SimTime now);
    void observe_time(SimTime now);
    void set_state(State to, SimTime now, const Reason& reason);
    void new_generation(SimTime now);
    std::uint64_t age_at(SimTime t) const;
    std::uint64_t permit_age(const Permit& permit) const;
    bool ready_to_trip() const;
    [[gnu::noinline]] void trip(SimTime now);  // closed -> open with the trip form's reason
    [[gnu::noinline]] void record_failure(bool counted, Counts* bucket, SimTime now);
    [[gnu::noinline]] void close_after_probes(SimTime now);
    // rolling window
    void grow(std::uint64_t age);
    void roll();
    void subtract(std::size_t oldest);
    void clear_counts();
    bool in_window(std::uint64_t age) const;

    GobreakerSettings settings_;
    BreakerExtras preset_extras_;  // the jitter fields jitter_ was built from
    OpenJitter jitter_;
    std::uint32_t max_requests_ = 1;
    SimTime interval_ = 0;
    SimTime bucket_period_ = 0;
    SimTime timeout_ = 0;
    SimTime open_duration_ = 0;  // timeout_ with jitter, for the current open period

    State state_ = State::closed;
    std::uint64_t generation_ = 0;
    SimTime start_ = 0;
    SimTime expiry_ = 0;
    bool has_expiry_ = false;
    Counts counts_;
    std::uint64_t age_ = 0;        // rolling window: age of the current bucket
    std::vector<Counts> buckets_;  // size nb (1 = fixed window)
    bool rolling_ = false;         // nb >= 2
    bool idle_closed_ = false;     // closed without a window: time has nothing to do
};

/// The gobreaker preset's registry entry.
inline constexpr PresetEntry<GobreakerSettings> kGobreakerPreset{
    PresetInfo{Preset::gobreaker,
               "gobreaker",
               {"gobreaker", "v2.4", "github.com/sony/gobreaker"},
               "gobreaker.toml",
               false},
    gobreaker_params,
    get_gobreaker_param,
    set_gobreaker_param,
    check_gobreaker_settings,
    gobreaker_failure_threshold,
    make_gobreaker_breaker};

}  // namespace cbsim::detail
