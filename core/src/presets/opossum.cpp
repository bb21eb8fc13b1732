// presets/opossum.cpp: opossum's CircuitBreaker and its rolling Status on explicit time.
#include "presets/opossum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace cbsim::detail {

// [SECTION] Parameters ----------------------------------------------------------------------

namespace {

constexpr double kMaxMs = 86400000.0;                   // one day
constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

// clang-format off
const ParamSpec kParams[] = {
    {"timeout_ms", ParamKind::integer, 0, kMaxMs, {},
     "opossum timeout: a call still running this long after it started counts as a timeout "
     "and a failure at that instant (a call lasting exactly this long included); its late "
     "result is ignored. 0 = off (the library's false)."},
    {"error_threshold_percentage", ParamKind::real, 0, 100, {},
     "opossum errorThresholdPercentage: a failure trips the breaker when failures / fires * "
     "100 over the window is strictly above this (fires count every call, rejected ones "
     "included)."},
    {"reset_timeout_ms", ParamKind::integer, 1, kMaxMs, {},
     "opossum resetTimeout: open this long, then half-open by itself (no call needed); the "
     "first call then is the one trial."},
    {"rolling_count_timeout_ms", ParamKind::integer, 1, kMaxMs, {},
     "opossum rollingCountTimeout: the statistical window, and the warm-up length."},
    {"rolling_count_buckets", ParamKind::integer, 1, 1000, {},
     "opossum rollingCountBuckets: the window's buckets; one rotates out every "
     "floor(rolling_count_timeout_ms / rolling_count_buckets) ms from the breaker's creation."},
    {"volume_threshold", ParamKind::integer, 0, 1000000000, {},
     "opossum volumeThreshold: fires in the window needed before a failure can trip (not "
     "applied to half-open)."},
    {"allow_warm_up", ParamKind::boolean, 0, 1, {},
     "opossum allowWarmUp: failures never trip during the first rolling_count_timeout_ms after "
     "creation (they still count)."},
    {"capacity", ParamKind::integer, 0, kMaxSafeInteger, {},
     "opossum capacity: admitted calls in flight at once; a call beyond it fails at once and "
     "counts as a failure. 9007199254740991 (the default) = unlimited; 0 = every call fails."},
};
// clang-format on

}  // namespace

std::span<const ParamSpec> opossum_params() {
    return kParams;
}

std::optional<double> get_opossum_param(const OpossumSettings& s, std::string_view key) {
    if (key == "timeout_ms") return static_cast<double>(s.timeout_ms);
    if (key == "error_threshold_percentage") return s.error_threshold_percentage;
    if (key == "reset_timeout_ms") return static_cast<double>(s.reset_timeout_ms);
    if (key == "rolling_count_timeout_ms") return static_cast<double>(s.rolling_count_timeout_ms);
    if (key == "rolling_count_buckets") return static_cast<double>(s.rolling_count_buckets);
    if (key == "volume_threshold") return static_cast<double>(s.volume_threshold);
    if (key == "allow_warm_up") return s.allow_warm_up ? 1.0 : 0.0;
    if (key == "capacity") return static_cast<double>(s.capacity);
    return std::nullopt;
}

bool set_opossum_param(OpossumSettings& s, std::string_view key, double value) {
    const auto integer = static_cast<std::int64_t>(std::llround(value));
    if (key == "timeout_ms") {
        s.timeout_ms = integer;
    } else if (key == "error_threshold_percentage") {
        s.error_threshold_percentage = value;
    } else if (key == "reset_timeout_ms") {
        s.reset_timeout_ms = integer;
    } else if (key == "rolling_count_timeout_ms") {
        s.rolling_count_timeout_ms = integer;
    } else if (key == "rolling_count_buckets") {
        s.rolling_count_buckets = integer;
    } else if (key == "volume_threshold") {
        s.volume_threshold = integer;
    } else if (key == "allow_warm_up") {
        s.allow_warm_up = integer != 0;
    } else if (key == "capacity") {
        s.capacity = integer;
    } else {
        return false;
    }
    return true;
}

double opossum_failure_threshold(const OpossumSettings& s) {
    return s.error_threshold_percentage / 100.0;
}

std::unique_ptr<Breaker> make_opossum_breaker(const OpossumSettings& s,
                                              const BreakerExtras& extras) {
    return std::make_unique<OpossumBreaker>(s, extras);
}

// [SECTION] Rolling window ------------------------------------------------------------------

OpossumBreaker::OpossumBreaker(const OpossumSettings& settings, const BreakerExtras& extras)
    : settings_(settings), preset_extras_(preset_extras(extras)), jitter_(preset_extras_) {
    restart_buckets(0);
}

void OpossumBreaker::restart_buckets(SimTime anchor) {
    // status.js: setInterval(rotate, Math.floor(rollingCountTimeout / rollingCountBuckets));
    // Node runs a delay below 1 ms as 1 ms.
    const std::int64_t buckets = std::max<std::int64_t>(settings_.rolling_count_buckets, 1);
    const std::int64_t interval_ms =
        std::max<std::int64_t>(settings_.rolling_count_timeout_ms / buckets, 1);
    anchor_ = anchor;
    interval_ = from_ms(interval_ms);
    buckets_.assign(static_cast<std::size_t>(buckets), Bucket{});
}

std::int64_t OpossumBreaker::bucket_index(SimTime now) const {
    return now <= anchor_ ? 0 : (now - anchor_) / interval_;
}

OpossumBreaker::Stats& OpossumBreaker::head(SimTime now) {
    const std::int64_t k = bucket_index(now);
    Bucket& b = buckets_[static_cast<std::size_t>(k % static_cast<std::int64_t>(buckets_.size()))];
    if (b.index != k) b = Bucket{k, Stats{}};  // the rotation that reached k emptied it
    return b.stats;
}

OpossumBreaker::Stats OpossumBreaker::stats(SimTime now) const {
    // Buckets k - B + 1 .. k are in the window at `now`; an older one has rotated out.
    const std::int64_t k = bucket_index(now);
    const auto count = static_cast<std::int64_t>(buckets_.size());
    Stats sum;
    for (const Bucket& b : buckets_) {
        if (b.index < 0 || b.index > k || b.index <= k - count) continue;
        sum.fires += b.stats.fires;
        sum.failures += b.stats.failures;
        sum.successes += b.stats.successes;
        sum.rejects += b.stats.rejects;
        sum.timeouts += b.stats.timeouts;
        sum.semaphore_rejections += b.stats.semaphore_rejections;
    }
    return sum;
}

// [SECTION] State machine -------------------------------------------------------------------

void OpossumBreaker::change(State to, SimTime at, const Reason& reason) {
    const State from = state_;
    state_ = to;
    ++generation_;
    emit(Transition{at, from, to, reason});
}

void OpossumBreaker::observe(SimTime now, bool timers_at_now) {
    last_seen_ = std::max(last_seen_, now);
    if (state_ != State::open) return;
    if (reset_at_ < now || (timers_at_now && reset_at_ == now)) {
        // _halfOpen(): the reset timer fired at reset_at_, with no call.
        trial_free_ = true;
        const double waited = to_ms(reset_for_);
        change(State::half_open, reset_at_, Reason{"open_elapsed_ms", waited, ">=", waited});
    }
}

void OpossumBreaker::open(SimTime now, const Reason& reason) {
    if (state_ == State::open) return;  // open() while open: no event, no new timer
    trial_free_ = false;
    reset_for_ = jitter_.next(from_ms(settings_.reset_timeout_ms));
    reset_at_ = now + reset_for_;
    change(State::open, now, reason);
}

void OpossumBreaker::failure(SimTime now) {
    // fail(): the failure is counted before this runs.
    ++consecutive_failures_;
    consecutive_successes_ = 0;
    if (settings_.allow_warm_up && now < from_ms(settings_.rolling_count_timeout_ms)) return;
    const Stats s = stats(now);
    const bool half_open = state_ == State::half_open;
    if (s.fires < static_cast<std::uint64_t>(settings_.volume_threshold) && !half_open) return;
    // errorRate = stats.failures / stats.fires * 100, in IEEE double and in that order.
    const double rate =
        s.fires == 0 ? std::numeric_limits<double>::infinity()
                     : static_cast<double>(s.failures) / static_cast<double>(s.fires) * 100.0;
    if (half_open) {
        open(now, Reason{"half_open_failures", 1, ">=", 1});
    } else if (rate > settings_.error_threshold_percentage) {
        open(now, Reason{"error_percentage", rate, ">", settings_.error_threshold_percentage});
    }
}

Admission OpossumBreaker::acquire(SimTime now) {
    observe(now, true);
    ++head(now).fires;
    if (state_ != State::closed && !trial_free_) {
        ++head(now).rejects;
        return Admission{
            state_ == State::half_open ? Rejection::too_many_requests : Rejection::open, {}};
    }
    trial_free_ = false;  // a half-open trial is consumed here, even if the semaphore refuses
    if (in_flight_ >= static_cast<std::uint64_t>(settings_.capacity)) {
        Stats& h = head(now);
        ++h.semaphore_rejections;
        ++h.failures;
        failure(now);
        return Admission{Rejection::capacity, {}};
    }
    ++in_flight_;
    return Admission{Rejection::none, Permit{generation_, now}};
}

void OpossumBreaker::record(const Permit& /*permit*/, Outcome outcome, SimTime duration,
                            SimTime now) {
    observe(now, false);
    if (in_flight_ > 0) --in_flight_;
    const SimTime limit = call_timeout();
    if (limit > 0 && duration >= limit &&
        (outcome == Outcome::success || outcome == Outcome::failure))
        outcome = Outcome::timeout;  // the breaker's timer fired first
    Stats& h = head(now);
    switch (outcome) {
        case Outcome::success:
        case Outcome::ignored:  // an error errorFilter accepts: emitted as a success
            ++h.successes;
            ++consecutive_successes_;
            consecutive_failures_ = 0;
            if (state_ == State::half_open) {
                trial_free_ = false;
                change(State::closed, now, Reason{"half_open_successes", 1, ">=", 1});
            }
            return;
        case Outcome::timeout:
            ++h.timeouts;
            ++h.failures;
            failure(now);
            return;
        case Outcome::failure:
            ++h.failures;
            failure(now);
            return;
    }
}

State OpossumBreaker::state(SimTime now) {
    observe(now, false);
    return state_;
}

Counts OpossumBreaker::counts() const {
    const Stats s = stats(last_seen_);
    Counts c;
    c.requests = static_cast<std::uint32_t>(s.fires);
    c.total_successes = static_cast<std::uint32_t>(s.successes);
    c.total_failures = static_cast<std::uint32_t>(s.failures);
    c.consecutive_successes = consecutive_successes_;
    c.consecutive_failures = consecutive_failures_;
    return c;
}

WindowView OpossumBreaker::window(SimTime now) {
    observe(now, false);
    const Stats s = stats(now);
    WindowView view;
    view.calls = s.fires;
    view.minimum_calls = static_cast<std::uint64_t>(settings_.volume_threshold);
    view.failure_threshold = settings_.error_threshold_percentage / 100.0;
    view.slow_call_threshold = 2.0;  // no slow-call rule
    if (s.fires > 0)
        view.failure_rate = static_cast<double>(s.failures) / static_cast<double>(s.fires);
    return view;
}

std::optional<SimTime> OpossumBreaker::next_timed_transition() const {
    if (state_ == State::open) return reset_at_;
    return std::nullopt;
}

void OpossumBreaker::fire_timers(SimTime now) {
    observe(now, true);
}

SimTime OpossumBreaker::call_timeout() const {
    return settings_.timeout_ms > 0 ? from_ms(settings_.timeout_ms) : 0;
}

bool OpossumBreaker::reconfigure(const BreakerConfig& config, SimTime now) {
    const auto* s = std::get_if<OpossumSettings>(&config.settings);
    if (s == nullptr) return false;
    observe(now, false);
    const BreakerExtras jitter_fields = preset_extras(config.extras);
    if (!(jitter_fields == preset_extras_)) {
        jitter_ = OpenJitter(jitter_fields);
        preset_extras_ = jitter_fields;
    }
    const OpossumSettings old = settings_;
    settings_ = *s;
    // A new window geometry is a new Status: empty buckets on a grid from now. A running reset
    // timer keeps its delay (the library reads resetTimeout when it arms the timer).
    if (s->rolling_count_timeout_ms != old.rolling_count_timeout_ms ||
        s->rolling_count_buckets != old.rolling_count_buckets) {
        restart_buckets(now);
    }
    return true;
}

}  // namespace cbsim::detail
