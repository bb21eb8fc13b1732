// presets/gobreaker.cpp: sony/gobreaker v2 on explicit time. Method names follow gobreaker's
// (currentState -> observe, toNewGeneration -> new_generation, rollingCounts -> buckets_).
#include "presets/gobreaker.hpp"

#include <algorithm>
#include <string>
#include <variant>

namespace cbsim::detail {

// [SECTION] Parameters ----------------------------------------------------------------------

namespace {

using Trip = GobreakerSettings::Trip;

constexpr double kMaxMs = 1e9;
constexpr double kMaxU32 = 4294967295.0;
constexpr const char* kTripChoices[] = {"default", "consecutive_failures", "failure_ratio",
                                        "total_failures"};

const ParamSpec kParams[] = {
    {"max_requests",
     ParamKind::integer,
     0,
     kMaxU32,
     {},
     "Half-open probes admitted (MaxRequests); closing needs this many consecutive successes. "
     "0 means 1."},
    {"interval_ms",
     ParamKind::integer,
     0,
     kMaxMs,
     {},
     "Closed-state count reset period (Interval), re-anchored at the first call after it "
     "expires; 0 = counts are never cleared while closed."},
    {"timeout_ms",
     ParamKind::integer,
     0,
     kMaxMs,
     {},
     "Open -> half-open once strictly more than this has passed (Timeout); 0 means 60000."},
    {"bucket_period_ms",
     ParamKind::integer,
     0,
     kMaxMs,
     {},
     "Rolling window bucket (v2 BucketPeriod): the interval is rounded up to a multiple and "
     "split in buckets that expire one by one; 0 = fixed window."},
    {"trip", ParamKind::choice, 0, 3, kTripChoices,
     "ReadyToTrip form: default (ConsecutiveFailures > 5), consecutive_failures, "
     "failure_ratio (with min_requests) or total_failures."},
    {"trip.consecutive_failures",
     ParamKind::integer,
     1,
     kMaxU32,
     {},
     "Trip when ConsecutiveFailures >= this (selects this trip form)."},
    {"trip.failure_ratio",
     ParamKind::real,
     0,
     1,
     {},
     "Trip when TotalFailures / Requests >= this and Requests >= min_requests (selects this "
     "trip form)."},
    {"trip.min_requests",
     ParamKind::integer,
     0,
     kMaxU32,
     {},
     "Requests needed before failure_ratio can trip (selects the failure_ratio form)."},
    {"trip.total_failures",
     ParamKind::integer,
     1,
     kMaxU32,
     {},
     "Trip when TotalFailures >= this (selects this trip form)."},
};

void select_trip(GobreakerSettings& s, Trip form) {
    if (s.trip == form) return;
    const GobreakerSettings d;
    s.consecutive_failures = d.consecutive_failures;
    s.failure_ratio = d.failure_ratio;
    s.min_requests = d.min_requests;
    s.total_failures = d.total_failures;
    s.trip = form;
}

void on_request(Counts& c) {
    ++c.requests;
}
void on_success(Counts& c) {
    ++c.total_successes;
    ++c.consecutive_successes;
    c.consecutive_failures = 0;
}
void on_failure(Counts& c) {
    ++c.total_failures;
    ++c.consecutive_failures;
    c.consecutive_successes = 0;
}
void on_exclusion(Counts& c) {
    ++c.total_exclusions;
}
void saturating_sub(std::uint32_t& total, std::uint32_t part) {
    total = total > part ? total - part : 0;
}

}  // namespace

std::span<const ParamSpec> gobreaker_params() {
    return kParams;
}

std::optional<double> get_gobreaker_param(const GobreakerSettings& s, std::string_view key) {
    if (key == "max_requests") return static_cast<double>(s.max_requests);
    if (key == "interval_ms") return static_cast<double>(s.interval_ms);
    if (key == "timeout_ms") return static_cast<double>(s.timeout_ms);
    if (key == "bucket_period_ms") return static_cast<double>(s.bucket_period_ms);
    if (key == "trip") return static_cast<double>(s.trip);
    if (key == "trip.consecutive_failures") return static_cast<double>(s.consecutive_failures);
    if (key == "trip.failure_ratio") return s.failure_ratio;
    if (key == "trip.min_requests") return static_cast<double>(s.min_requests);
    if (key == "trip.total_failures") return static_cast<double>(s.total_failures);
    return std::nullopt;
}

bool set_gobreaker_param(GobreakerSettings& s, std::string_view key, double value) {
    const auto integer = static_cast<std::int64_t>(value);
    if (key == "max_requests") {
        s.max_requests = integer;
    } else if (key == "interval_ms") {
        s.interval_ms = integer;
    } else if (key == "timeout_ms") {
        s.timeout_ms = integer;
    } else if (key == "bucket_period_ms") {
        s.bucket_period_ms = integer;
    } else if (key == "trip") {
        select_trip(s, static_cast<Trip>(integer));
    } else if (key == "trip.consecutive_failures") {
        select_trip(s, Trip::consecutive_failures);
        s.consecutive_failures = integer;
    } else if (key == "trip.failure_ratio") {
        select_trip(s, Trip::failure_ratio);
        s.failure_ratio = value;
    } else if (key == "trip.min_requests") {
        select_trip(s, Trip::failure_ratio);
        s.min_requests = integer;
    } else if (key == "trip.total_failures") {
        select_trip(s, Trip::total_failures);
        s.total_failures = integer;
    } else {
        return false;
    }
    return true;
}

std::string check_gobreaker_settings(const GobreakerSettings& s) {
    if (s.interval_ms <= 0 || s.bucket_period_ms <= 0) return {};
    const std::int64_t buckets = (s.interval_ms + s.bucket_period_ms - 1) / s.bucket_period_ms;
    if (buckets <= kGobreakerMaxBuckets) return {};
    return "interval_ms " + std::to_string(s.interval_ms) + " / bucket_period_ms " +
           std::to_string(s.bucket_period_ms) + " makes " + std::to_string(buckets) +
           " buckets; at most " + std::to_string(kGobreakerMaxBuckets) +
           " (raise bucket_period_ms or lower interval_ms)";
}

double gobreaker_failure_threshold(const GobreakerSettings& s) {
    return s.trip == GobreakerSettings::Trip::failure_ratio ? s.failure_ratio : 0.0;
}

std::unique_ptr<Breaker> make_gobreaker_breaker(const GobreakerSettings& s,
                                                const BreakerExtras& extras) {
    return std::make_unique<GobreakerBreaker>(s, extras);
}

// [SECTION] State machine -------------------------------------------------------------------

GobreakerBreaker::GobreakerBreaker(const GobreakerSettings& settings, const BreakerExtras& extras,
                                   SimTime created_at)
    : settings_(settings), preset_extras_(preset_extras(extras)), jitter_(preset_extras_) {
    apply_settings(settings);
    new_generation(created_at);
}

void GobreakerBreaker::apply_settings(const GobreakerSettings& s) {
    settings_ = s;
    max_requests_ = s.max_requests == 0 ? 1u : static_cast<std::uint32_t>(s.max_requests);
    std::size_t nb = 1;
    if (s.interval_ms <= 0) {
        interval_ = 0;
        bucket_period_ = 0;
    } else if (s.bucket_period_ms <= 0) {
        interval_ = from_ms(s.interval_ms);
        bucket_period_ = interval_;
    } else {
        // Last resort against a window nobody could allocate (configs are checked before).
        const std::int64_t period_ms = std::max<std::int64_t>(
            s.bucket_period_ms, (s.interval_ms + kGobreakerMaxBuckets - 1) / kGobreakerMaxBuckets);
        const SimTime bp = from_ms(period_ms);
        interval_ = (from_ms(s.interval_ms) + bp - 1) / bp * bp;
        bucket_period_ = bp;
        nb = static_cast<std::size_t>(interval_ / bp);
    }
    if (buckets_.size() != nb) buckets_.assign(nb, Counts{});
    rolling_ = nb >= 2;
    update_idle();
    timeout_ = s.timeout_ms <= 0 ? from_s(60) : from_ms(s.timeout_ms);
}

std::uint64_t GobreakerBreaker::age_at(SimTime t) const {
    if (bucket_period_ == 0) return 0;
    const SimTime elapsed = t - start_;
    if (elapsed < 0) return 0;
    return static_cast<std::uint64_t>(elapsed / bucket_period_);
}

std::uint64_t GobreakerBreaker::permit_age(const Permit& permit) const {
    // gobreaker hands out counts.age, which only moves in a closed rolling window; in the same
    // generation (same start) it equals the age of the admission time.
    if (state_ == State::closed && rolling_) return age_at(permit.admitted_at);
    return 0;
}

void GobreakerBreaker::clear_counts() {
    counts_ = Counts{};
    age_ = 0;
    for (auto& b : buckets_)
        b = Counts{};
}

void GobreakerBreaker::new_generation(SimTime now) {
    ++generation_;
    start_ = now;
    clear_counts();
    switch (state_) {
        case State::closed:
            has_expiry_ = interval_ != 0 && buckets_.size() < 2;
            expiry_ = now + interval_;
            break;
        case State::open:
            open_duration_ = jitter_.next(timeout_);
            has_expiry_ = true;
            expiry_ = now + open_duration_;
            break;
        default:
            has_expiry_ = false;
            expiry_ = 0;
            break;
    }
    update_idle();
}

void GobreakerBreaker::set_state(State to, SimTime now, const Reason& reason) {
    if (state_ == to) return;
    const State from = state_;
    state_ = to;
    new_generation(now);
    emit(Transition{now, from, to, reason});
}

void GobreakerBreaker::observe_time(SimTime now) {
    if (state_ == State::closed) {
        if (has_expiry_ && expiry_ < now) {
            new_generation(now);
        } else if (rolling_) {
            grow(age_at(now));
        }
    } else if (state_ == State::open) {
        if (expiry_ < now) {
            set_state(State::half_open, now,
                      Reason{"open_elapsed_ms", to_ms(now - start_), ">", to_ms(open_duration_)});
        }
    }
}

Admission GobreakerBreaker::acquire(SimTime now) {
    if (idle_closed()) {  // nothing for time to do: a plain admission
        ++counts_.requests;
        return Admission{Rejection::none, Permit{generation_, now}};
    }
    if (state_ == State::open && !(expiry_ < now)) return Admission{Rejection::open, {}};
    return acquire_observed(now);
}

Admission GobreakerBreaker::acquire_observed(SimTime now) {
    observe_time(now);
    if (state_ == State::open) return Admission{Rejection::open, {}};
    if (state_ == State::half_open) {
        const std::uint32_t valid = counts_.requests > counts_.total_exclusions
                                        ? counts_.requests - counts_.total_exclusions
                                        : 0;
        if (valid >= max_requests_) return Admission{Rejection::too_many_requests, {}};
    }
    on_request(counts_);
    if (rolling_) on_request(buckets_[age_ % buckets_.size()]);
    return Admission{Rejection::none, Permit{generation_, now}};
}

bool GobreakerBreaker::in_window(std::uint64_t age) const {
    if (age > age_) return false;
    return age_ - age < buckets_.size();
}

void GobreakerBreaker::record(const Permit& permit, Outcome outcome, SimTime duration,
                              SimTime now) {
    if (idle_closed() && permit.generation == generation_) {
        if (outcome == Outcome::success) {  // the common case, without a stack frame
            on_success(counts_);
            return;
        }
        if (outcome == Outcome::ignored) {
            on_exclusion(counts_);
            return;
        }
        on_failure(counts_);  // failure or timeout
        if (ready_to_trip()) trip(now);
        return;
    }
    record_observed(permit, outcome, duration, now);
}

void GobreakerBreaker::record_observed(const Permit& permit, Outcome outcome, SimTime /*duration*/,
                                       SimTime now) {
    observe(now);
    if (permit.generation != generation_) return;
    bool counted = true;
    Counts* bucket = nullptr;
    if (rolling_) {
        const std::uint64_t age = permit_age(permit);
        counted = in_window(age);
        if (counted) bucket = &buckets_[age % buckets_.size()];
    }

    if (outcome == Outcome::ignored) {
        if (counted) on_exclusion(counts_);
        if (bucket) on_exclusion(*bucket);
        return;
    }
    if (outcome == Outcome::success) {
        if (state_ == State::open) return;
        if (counted) on_success(counts_);
        if (bucket) on_success(*bucket);
        if (state_ == State::half_open && counts_.consecutive_successes >= max_requests_)
            close_after_probes(now);
        return;
    }
    record_failure(counted, bucket, now);  // failure or timeout
}

void GobreakerBreaker::close_after_probes(SimTime now) {
    set_state(State::closed, now,
              Reason{"consecutive_successes", static_cast<double>(counts_.consecutive_successes),
                     ">=", static_cast<double>(max_requests_)});
}

void GobreakerBreaker::record_failure(bool counted, Counts* bucket, SimTime now) {
    if (state_ == State::closed) {
        if (counted) on_failure(counts_);
        if (bucket) on_failure(*bucket);
        if (ready_to_trip()) trip(now);
    } else if (state_ == State::half_open) {
        set_state(State::open, now, Reason{"half_open_failures", 1, ">=", 1});
    }
}

bool GobreakerBreaker::ready_to_trip() const {
    const auto& s = settings_;
    switch (s.trip) {
        case Trip::default_trip:
            return counts_.consecutive_failures > 5;
        case Trip::consecutive_failures:
            return counts_.consecutive_failures >=
                   static_cast<std::uint64_t>(s.consecutive_failures);
        case Trip::failure_ratio:
            // The README's example: float64(TotalFailures) / float64(Requests).
            return counts_.requests >= static_cast<std::uint64_t>(s.min_requests) &&
                   static_cast<double>(counts_.total_failures) /
                           static_cast<double>(counts_.requests) >=
                       s.failure_ratio;
        case Trip::total_failures:
            return counts_.total_failures >= static_cast<std::uint64_t>(s.total_failures);
    }
    return false;
}

void GobreakerBreaker::trip(SimTime now) {
    const auto& s = settings_;
    Reason reason;
    switch (s.trip) {
        case Trip::default_trip:
            reason = {"consecutive_failures", static_cast<double>(counts_.consecutive_failures),
                      ">", 5};
            break;
        case Trip::consecutive_failures:
            reason = {"consecutive_failures", static_cast<double>(counts_.consecutive_failures),
                      ">=", static_cast<double>(s.consecutive_failures)};
            break;
        case Trip::failure_ratio:
            reason = {
                "failure_ratio",
                static_cast<double>(counts_.total_failures) / static_cast<double>(counts_.requests),
                ">=", s.failure_ratio};
            break;
        case Trip::total_failures:
            reason = {"total_failures", static_cast<double>(counts_.total_failures),
                      ">=", static_cast<double>(s.total_failures)};
            break;
    }
    set_state(State::open, now, reason);
}

// [SECTION] Rolling window (gobreaker v2 rollingCounts) --------------------------------------

void GobreakerBreaker::grow(std::uint64_t age) {
    if (age <= age_) return;
    const std::uint64_t diff = age - age_;
    if (diff >= buckets_.size()) {
        clear_counts();
        age_ = age;
        return;
    }
    for (std::uint64_t i = 0; i < diff; ++i)
        roll();
}

void GobreakerBreaker::roll() {
    ++age_;
    const std::size_t current = static_cast<std::size_t>(age_ % buckets_.size());
    subtract(current);
    buckets_[current] = Counts{};
}

void GobreakerBreaker::subtract(std::size_t oldest) {
    const std::size_t n = buckets_.size();
    const Counts& bucket = buckets_[oldest];
    // A consecutive count loses the evicted bucket's streak only if the streak reaches into
    // it, i.e. it equals that streak plus every success (failure) of the younger buckets.
    std::uint32_t successes = bucket.consecutive_successes;
    std::uint32_t failures = bucket.consecutive_failures;
    for (std::size_t i = 1; i < n; ++i) {
        const Counts& younger = buckets_[(oldest + i) % n];
        successes += younger.total_successes;
        failures += younger.total_failures;
    }
    if (counts_.consecutive_successes == successes)
        saturating_sub(counts_.consecutive_successes, bucket.consecutive_successes);
    if (counts_.consecutive_failures == failures)
        saturating_sub(counts_.consecutive_failures, bucket.consecutive_failures);
    saturating_sub(counts_.requests, bucket.requests);
    saturating_sub(counts_.total_successes, bucket.total_successes);
    saturating_sub(counts_.total_failures, bucket.total_failures);
    saturating_sub(counts_.total_exclusions, bucket.total_exclusions);
}

// [SECTION] Queries and reconfiguration ----------------------------------------------------------

bool GobreakerBreaker::generation_expired(SimTime now) const {
    return state_ == State::closed && has_expiry_ && expiry_ < now;
}

void GobreakerBreaker::observe_for_read(SimTime now) {
    // A closed counting period that has run out is left for the next call to end: ending it
    // here would start the next period at the read, and when a read happens (every frame, every
    // bucket) must not change what later calls see. Open -> half-open may happen here: its
    // instant is the same whoever observes it first (the half-open generation has no expiry).
    if (!generation_expired(now)) observe(now);
}

State GobreakerBreaker::state(SimTime now) {
    observe_for_read(now);
    return state_;
}

WindowView GobreakerBreaker::window(SimTime now) {
    observe_for_read(now);
    WindowView view;
    // Past the period's end the next call starts from empty counts: show those.
    const Counts counts = generation_expired(now) ? Counts{} : counts_;
    view.calls = counts.requests;
    if (counts.requests > 0) {
        view.failure_rate =
            static_cast<double>(counts.total_failures) / static_cast<double>(counts.requests);
    }
    if (settings_.trip == Trip::failure_ratio) {
        view.minimum_calls = static_cast<std::uint64_t>(settings_.min_requests);
        if (counts.requests < view.minimum_calls) view.failure_rate = -1.0;
        view.failure_threshold = settings_.failure_ratio;
    } else {
        view.failure_threshold = 2.0;  // no rate rule: the trip counts failures
    }
    view.slow_call_threshold = 2.0;
    return view;
}

bool GobreakerBreaker::reconfigure(const BreakerConfig& config, SimTime now) {
    const auto* s = std::get_if<GobreakerSettings>(&config.settings);
    if (s == nullptr || needs_decorator(config.extras)) return false;  // see make_breaker()
    observe(now);
    const SimTime old_interval = interval_;
    const SimTime old_period = bucket_period_;
    const std::size_t old_nb = buckets_.size();
    const SimTime old_timeout = timeout_;
    const BreakerExtras jitter_fields = preset_extras(config.extras);
    if (!(jitter_fields == preset_extras_)) {
        jitter_ = OpenJitter(jitter_fields);
        preset_extras_ = jitter_fields;
    }
    apply_settings(*s);
    const bool window_changed =
        interval_ != old_interval || bucket_period_ != old_period || buckets_.size() != old_nb;
    if (window_changed) {
        if (state_ == State::closed) {
            new_generation(now);  // a new window: the old counts do not fit it
        } else {
            for (auto& b : buckets_)
                b = Counts{};
            age_ = 0;
        }
    }
    if (state_ == State::open && timeout_ != old_timeout) {
        open_duration_ = timeout_;
        expiry_ = start_ + open_duration_;
    }
    return true;
}

}  // namespace cbsim::detail
