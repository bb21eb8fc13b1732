// presets/cockatiel.cpp: cockatiel 4.0.0's CircuitBreakerPolicy and its three breakers on
// explicit time. Method names follow the library's (recordHalfOpenFailure ->
// the trial branch of record, maybeCompleteHalfOpen -> close, rotateWindow -> push_sample).
#include "presets/cockatiel.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

namespace cbsim::detail {

// [SECTION] Parameters ----------------------------------------------------------------------

namespace {

using Kind = CockatielSettings::Kind;
using Backoff = CockatielSettings::Backoff;

constexpr double kMaxMs = 1e9;
constexpr double kMaxSamplingMs = 86400000.0;  // one day: at most 86400 buckets
constexpr double kMaxCount = 1000000.0;
constexpr double kMaxBackoffMs = 1e12;  // ceiling of a backoff without a cap
constexpr const char* kBreakerChoices[] = {"consecutive", "count", "sampling"};
constexpr const char* kBackoffChoices[] = {"constant", "exponential"};

// clang-format off
const ParamSpec kParams[] = {
    {"breaker", ParamKind::choice, 0, 2, kBreakerChoices,
     "cockatiel breaker: which IBreaker decides when to open: consecutive (ConsecutiveBreaker), "
     "count (CountBreaker) or sampling (SamplingBreaker); only its keys are used."},
    {"consecutive.threshold", ParamKind::integer, 1, 4294967295.0, {},
     "ConsecutiveBreaker(threshold): open on this many failures in a row (++count >= "
     "threshold); a success sets the count to 0."},
    {"count.threshold", ParamKind::real, 0, 1, {},
     "CountBreaker threshold, in (0, 1) exclusive: open when failures > threshold * calls in "
     "the ring."},
    {"count.size", ParamKind::integer, 1, kMaxCount, {},
     "CountBreaker size: the ring holds the last this many results."},
    {"count.minimum_number_of_calls", ParamKind::integer, 0, kMaxCount, {},
     "CountBreaker minimumNumberOfCalls, in [1, size]: results in the ring needed before it "
     "can open; 0 = size (the library's default)."},
    {"sampling.threshold", ParamKind::real, 0, 1, {},
     "SamplingBreaker threshold, in (0, 1) exclusive: open when failures > threshold * calls in "
     "the buckets."},
    {"sampling.duration_ms", ParamKind::integer, 1, kMaxSamplingMs, {},
     "SamplingBreaker duration: max(5, ceil(d / 1000)) buckets of round(d / buckets) ms; a "
     "result moves on by one bucket at most, so buckets survive idle gaps."},
    {"sampling.minimum_rps", ParamKind::real, 0, kMaxCount, {},
     "SamplingBreaker minimumRps: calls needed = duration * rps / 1000 (no rounding) before it "
     "can open; 0 = the library's default, 5 / threshold per second."},
    {"half_open_after", ParamKind::choice, 0, 1, kBackoffChoices,
     "halfOpenAfter: constant (a number: half_open_after_ms) or exponential (ExponentialBackoff "
     "with noJitterGenerator: initial * 2^n, capped; restarts on close)."},
    {"half_open_after_ms", ParamKind::integer, 0, kMaxMs, {},
     "halfOpenAfter as a number: the next call at or after opened + this is the first half-open "
     "trial (the open state has no timer)."},
    {"exponential.initial_delay_ms", ParamKind::integer, 0, kMaxMs, {},
     "ExponentialBackoff initialDelay: the wait after the first open; doubles on every "
     "re-open from half-open (the exponent option is ignored by noJitterGenerator)."},
    {"exponential.max_delay_ms", ParamKind::integer, 0, kMaxMs, {},
     "ExponentialBackoff maxDelay: the longest wait the backoff returns."},
    {"half_open_sampling.calls", ParamKind::integer, 1, kMaxCount, {},
     "halfOpenSampling.calls: trial calls per half-open episode; other calls wait for the "
     "decision, then run (closed) or are rejected (open)."},
    {"half_open_sampling.threshold", ParamKind::real, 0, 1, {},
     "halfOpenSampling.threshold, in [0, 1): reopen as soon as trial failures > threshold * "
     "calls; close when all trials finished below it."},
};
// clang-format on

/// The half-open trial limit as the library computes it (threshold * calls, in double).
double trial_failure_limit(const CockatielSettings& s) {
    return s.half_open_sampling_threshold * static_cast<double>(s.half_open_sampling_calls);
}

}  // namespace

std::span<const ParamSpec> cockatiel_params() {
    return kParams;
}

std::optional<double> get_cockatiel_param(const CockatielSettings& s, std::string_view key) {
    if (key == "breaker") return static_cast<double>(s.breaker);
    if (key == "consecutive.threshold") return static_cast<double>(s.consecutive_threshold);
    if (key == "count.threshold") return s.count_threshold;
    if (key == "count.size") return static_cast<double>(s.count_size);
    if (key == "count.minimum_number_of_calls")
        return static_cast<double>(s.count_minimum_number_of_calls);
    if (key == "sampling.threshold") return s.sampling_threshold;
    if (key == "sampling.duration_ms") return static_cast<double>(s.sampling_duration_ms);
    if (key == "sampling.minimum_rps") return s.sampling_minimum_rps;
    if (key == "half_open_after") return static_cast<double>(s.half_open_after);
    if (key == "half_open_after_ms") return static_cast<double>(s.half_open_after_ms);
    if (key == "exponential.initial_delay_ms")
        return static_cast<double>(s.exponential_initial_delay_ms);
    if (key == "exponential.max_delay_ms") return static_cast<double>(s.exponential_max_delay_ms);
    if (key == "half_open_sampling.calls") return static_cast<double>(s.half_open_sampling_calls);
    if (key == "half_open_sampling.threshold") return s.half_open_sampling_threshold;
    return std::nullopt;
}

bool set_cockatiel_param(CockatielSettings& s, std::string_view key, double value) {
    const auto integer = static_cast<std::int64_t>(std::llround(value));
    if (key == "breaker") {
        s.breaker = static_cast<Kind>(integer);
    } else if (key == "consecutive.threshold") {
        s.consecutive_threshold = integer;
    } else if (key == "count.threshold") {
        s.count_threshold = value;
    } else if (key == "count.size") {
        s.count_size = integer;
    } else if (key == "count.minimum_number_of_calls") {
        s.count_minimum_number_of_calls = integer;
    } else if (key == "sampling.threshold") {
        s.sampling_threshold = value;
    } else if (key == "sampling.duration_ms") {
        s.sampling_duration_ms = integer;
    } else if (key == "sampling.minimum_rps") {
        s.sampling_minimum_rps = value;
    } else if (key == "half_open_after") {
        s.half_open_after = static_cast<Backoff>(integer);
    } else if (key == "half_open_after_ms") {
        s.half_open_after_ms = integer;
    } else if (key == "exponential.initial_delay_ms") {
        s.exponential_initial_delay_ms = integer;
    } else if (key == "exponential.max_delay_ms") {
        s.exponential_max_delay_ms = integer;
    } else if (key == "half_open_sampling.calls") {
        s.half_open_sampling_calls = integer;
    } else if (key == "half_open_sampling.threshold") {
        s.half_open_sampling_threshold = value;
    } else {
        return false;
    }
    return true;
}

std::string check_cockatiel_settings(const CockatielSettings& s) {
    auto open_unit = [](const char* key, double v) -> std::string {
        if (v > 0.0 && v < 1.0) return {};
        return std::string(key) +
               " must be in (0, 1), both ends excluded (the library throws a "
               "RangeError for 0 and 1)";
    };
    if (std::string e = open_unit("count.threshold", s.count_threshold); !e.empty()) return e;
    if (std::string e = open_unit("sampling.threshold", s.sampling_threshold); !e.empty()) return e;
    if (s.count_minimum_number_of_calls > s.count_size) {
        return "count.minimum_number_of_calls " + std::to_string(s.count_minimum_number_of_calls) +
               " is above count.size " + std::to_string(s.count_size) +
               "; it must be in [1, size] (0 = size)";
    }
    if (!(s.half_open_sampling_threshold < 1.0)) {
        return "half_open_sampling.threshold must be in [0, 1), 1 excluded (the library throws a "
               "RangeError)";
    }
    return {};
}

double cockatiel_failure_threshold(const CockatielSettings& s) {
    switch (s.breaker) {
        case Kind::consecutive:
            return 0.0;
        case Kind::count:
            return s.count_threshold;
        case Kind::sampling:
            return s.sampling_threshold;
    }
    return 0.0;
}

std::unique_ptr<Breaker> make_cockatiel_breaker(const CockatielSettings& s,
                                                const BreakerExtras& extras) {
    return std::make_unique<CockatielBreaker>(s, extras);
}

// [SECTION] Breakers (ConsecutiveBreaker, CountBreaker, SamplingBreaker) ---------------------

CockatielBreaker::CockatielBreaker(const CockatielSettings& settings, const BreakerExtras& extras)
    : settings_(settings), preset_extras_(preset_extras(extras)), jitter_(preset_extras_) {
    build_breaker();
}

void CockatielBreaker::build_breaker() {
    consecutive_ = 0;
    samples_.clear();
    current_sample_ = 0;
    count_successes_ = count_failures_ = 0;
    buckets_.clear();
    current_bucket_ = 0;
    sampling_successes_ = sampling_failures_ = 0;
    if (settings_.breaker == Kind::count) {
        samples_.assign(static_cast<std::size_t>(std::max<std::int64_t>(1, settings_.count_size)),
                        std::int8_t{-1});
    } else if (settings_.breaker == Kind::sampling) {
        const auto d = static_cast<double>(settings_.sampling_duration_ms);
        const double n = std::max(5.0, std::ceil(d / 1000.0));
        window_ms_ = static_cast<std::int64_t>(std::floor(d / n + 0.5));  // Math.round
        buckets_.assign(static_cast<std::size_t>(n), Bucket{});
    }
    derive_limits();
}

void CockatielBreaker::derive_limits() {
    if (settings_.breaker != Kind::sampling) return;
    // The effective duration is width * buckets; the minimum is compared unrounded.
    sampling_duration_ms_ = static_cast<double>(window_ms_) * static_cast<double>(buckets_.size());
    const double rpms = settings_.sampling_minimum_rps != 0.0
                            ? settings_.sampling_minimum_rps / 1000.0
                            : 5.0 / (settings_.sampling_threshold * 1000.0);
    sampling_minimum_ = sampling_duration_ms_ * rpms;
}

void CockatielBreaker::push_sample(bool success, SimTime now) {
    if (settings_.breaker == Kind::count) {
        std::int8_t& slot = samples_[current_sample_];
        if (slot == 1) --count_successes_;
        if (slot == 0) --count_failures_;
        slot = success ? 1 : 0;
        ++(success ? count_successes_ : count_failures_);
        current_sample_ = (current_sample_ + 1) % samples_.size();
        return;
    }
    Bucket* bucket = &buckets_[current_bucket_];
    if (now - bucket->started_at >= from_ms(window_ms_)) {  // rotates exactly one bucket
        current_bucket_ = (current_bucket_ + 1) % buckets_.size();
        bucket = &buckets_[current_bucket_];
        sampling_successes_ -= bucket->successes;
        sampling_failures_ -= bucket->failures;
        *bucket = Bucket{now, 0, 0};
    }
    ++(success ? bucket->successes : bucket->failures);
    ++(success ? sampling_successes_ : sampling_failures_);
}

void CockatielBreaker::reset_window() {
    if (settings_.breaker == Kind::count) {  // reset(): currentSample is kept
        std::fill(samples_.begin(), samples_.end(), std::int8_t{-1});
        count_successes_ = count_failures_ = 0;
    } else {  // resetWindows(): currentWindow is kept, every start back to 0
        std::fill(buckets_.begin(), buckets_.end(), Bucket{});
        sampling_successes_ = sampling_failures_ = 0;
    }
}

void CockatielBreaker::breaker_success(bool half_open, SimTime now) {
    if (settings_.breaker == Kind::consecutive) {
        consecutive_ = 0;
        return;
    }
    if (half_open) reset_window();
    push_sample(true, now);
}

bool CockatielBreaker::breaker_failure(bool half_open, SimTime now, Reason& reason) {
    if (settings_.breaker == Kind::consecutive) {
        ++consecutive_;
        const auto threshold = static_cast<double>(settings_.consecutive_threshold);
        reason = Reason{"consecutive_failures", static_cast<double>(consecutive_), ">=", threshold};
        return static_cast<double>(consecutive_) >= threshold;
    }
    push_sample(false, now);
    if (half_open) return true;
    const std::uint64_t failures = window_failures();
    const std::uint64_t total = window_successes() + failures;
    if (settings_.breaker == Kind::count) {
        const std::int64_t minimum = settings_.count_minimum_number_of_calls > 0
                                         ? settings_.count_minimum_number_of_calls
                                         : settings_.count_size;
        if (total < static_cast<std::uint64_t>(minimum)) return false;
    } else if (static_cast<double>(total) < sampling_minimum_) {
        return false;
    }
    const double threshold =
        settings_.breaker == Kind::count ? settings_.count_threshold : settings_.sampling_threshold;
    const double limit = threshold * static_cast<double>(total);
    reason = Reason{"failures", static_cast<double>(failures), ">", limit};
    return static_cast<double>(failures) > limit;
}

std::uint64_t CockatielBreaker::window_successes() const {
    return settings_.breaker == Kind::count ? count_successes_ : sampling_successes_;
}

std::uint64_t CockatielBreaker::window_failures() const {
    return settings_.breaker == Kind::count ? count_failures_ : sampling_failures_;
}

// [SECTION] Circuit (CircuitBreakerPolicy) ---------------------------------------------------

SimTime CockatielBreaker::backoff_for(std::int64_t k) const {
    double ms = static_cast<double>(settings_.half_open_after_ms);
    if (settings_.half_open_after == Backoff::exponential) {
        // noJitterGenerator: min(maxDelay, initialDelay * 2 ** attempts), attempts from 0.
        const double grown = static_cast<double>(settings_.exponential_initial_delay_ms) *
                             std::ldexp(1.0, static_cast<int>(std::min<std::int64_t>(k, 4096)));
        ms = std::min(static_cast<double>(settings_.exponential_max_delay_ms), grown);
    }
    ms = std::min(ms, kMaxBackoffMs);
    return static_cast<SimTime>(std::llround(ms * static_cast<double>(kMillisecond)));
}

void CockatielBreaker::change(State to, SimTime now, const Reason& reason) {
    const State from = state_;
    state_ = to;
    counts_ = Counts{};
    emit(Transition{now, from, to, reason});
}

void CockatielBreaker::open(SimTime now, const Reason& reason) {
    // A fresh backoff from closed, the next element from half-open.
    backoff_step_ = state_ == State::half_open ? backoff_step_ + 1 : 0;
    opened_at_ = now;
    open_duration_ = jitter_.next(backoff_for(backoff_step_));
    change(State::open, now, reason);
}

void CockatielBreaker::close(SimTime now, const Reason& reason) {
    breaker_success(true, now);
    backoff_step_ = 0;
    change(State::closed, now, reason);
}

Admission CockatielBreaker::acquire(SimTime now) {
    switch (state_) {
        case State::open: {
            const SimTime elapsed = now - opened_at_;
            if (elapsed < open_duration_) return Admission{Rejection::open, {}};
            ++episode_;
            in_flight_ = trial_successes_ = trial_failures_ = 0;
            change(State::half_open, now,
                   Reason{"open_elapsed_ms", to_ms(elapsed), ">=", to_ms(open_duration_)});
            break;  // this call is the first trial
        }
        case State::half_open:
            if (trial_successes_ + trial_failures_ + in_flight_ >=
                settings_.half_open_sampling_calls)
                return Admission{Rejection::wait, {}};
            break;
        default:
            ++counts_.requests;
            return Admission{Rejection::none, Permit{0, now}};
    }
    ++in_flight_;
    ++counts_.requests;
    return Admission{Rejection::none, Permit{episode_, now}};
}

void CockatielBreaker::record(const Permit& permit, Outcome outcome, SimTime /*duration*/,
                              SimTime now) {
    const bool failed = is_failure(outcome);
    if (permit.generation == 0) {  // started in closed: a closed result, whatever the state now
        if (outcome == Outcome::ignored) return;  // not handled by the policy: not recorded
        if (failed) {
            ++counts_.consecutive_failures;
            counts_.consecutive_successes = 0;
        } else {
            ++counts_.consecutive_successes;
            counts_.consecutive_failures = 0;
        }
        if (!failed) {
            breaker_success(false, now);
            return;
        }
        Reason reason;
        if (breaker_failure(false, now, reason) && state_ != State::open) open(now, reason);
        return;
    }
    // A trial: counts only in its own episode, while it is the current one.
    if (state_ != State::half_open || permit.generation != episode_) return;
    --in_flight_;
    const auto calls = settings_.half_open_sampling_calls;
    if (failed) {
        ++counts_.consecutive_failures;
        counts_.consecutive_successes = 0;
        ++trial_failures_;
        const double limit = trial_failure_limit(settings_);
        if (static_cast<double>(trial_failures_) > limit) {
            Reason ignored;
            breaker_failure(true, now, ignored);
            open(now, Reason{"trial_failures", static_cast<double>(trial_failures_), ">", limit});
            return;
        }
    } else {  // a success, or an error the policy does not handle ("failed successfully")
        ++counts_.consecutive_successes;
        counts_.consecutive_failures = 0;
        ++trial_successes_;
    }
    const std::int64_t done = trial_successes_ + trial_failures_;
    if (done >= calls && in_flight_ == 0) {
        close(now,
              Reason{"trials_done", static_cast<double>(done), ">=", static_cast<double>(calls)});
    }
}

State CockatielBreaker::state(SimTime /*now*/) {
    return state_;  // open -> half-open happens only in acquire()
}

Counts CockatielBreaker::counts() const {
    Counts c = counts_;
    if (settings_.breaker == Kind::consecutive) {
        c.total_failures = static_cast<std::uint32_t>(consecutive_);
    } else {
        c.total_successes = static_cast<std::uint32_t>(window_successes());
        c.total_failures = static_cast<std::uint32_t>(window_failures());
    }
    return c;
}

WindowView CockatielBreaker::window(SimTime /*now*/) {
    WindowView view;
    view.slow_call_threshold = 2.0;  // no slow-call rule
    switch (settings_.breaker) {
        case Kind::consecutive:  // a counter rule: the streak, no minimum, no rate
            view.calls = consecutive_;
            view.failure_threshold = 2.0;
            return view;
        case Kind::count:
            view.minimum_calls =
                static_cast<std::uint64_t>(settings_.count_minimum_number_of_calls > 0
                                               ? settings_.count_minimum_number_of_calls
                                               : settings_.count_size);
            view.failure_threshold = settings_.count_threshold;
            break;
        case Kind::sampling:
            view.minimum_calls = static_cast<std::uint64_t>(std::ceil(sampling_minimum_));
            view.failure_threshold = settings_.sampling_threshold;
            break;
    }
    view.calls = window_successes() + window_failures();
    if (view.calls > 0) {
        view.failure_rate =
            static_cast<double>(window_failures()) / static_cast<double>(view.calls);
    }
    return view;
}

bool CockatielBreaker::reconfigure(const BreakerConfig& config, SimTime now) {
    const auto* s = std::get_if<CockatielSettings>(&config.settings);
    if (s == nullptr) return false;
    const BreakerExtras jitter_fields = preset_extras(config.extras);
    if (!(jitter_fields == preset_extras_)) {
        jitter_ = OpenJitter(jitter_fields);
        preset_extras_ = jitter_fields;
    }
    const CockatielSettings old = settings_;
    settings_ = *s;
    // A new kind or window shape starts empty; new thresholds apply to the results kept.
    if (old.breaker != s->breaker || old.count_size != s->count_size ||
        old.sampling_duration_ms != s->sampling_duration_ms) {
        build_breaker();
    } else {
        derive_limits();
    }
    // The open wait in force is the backoff drawn when the circuit opened; a new backoff
    // applies from the next open. A half-open episode that now has all its trials decides.
    if (state_ == State::half_open && in_flight_ == 0) {
        const std::int64_t done = trial_successes_ + trial_failures_;
        if (static_cast<double>(trial_failures_) > trial_failure_limit(settings_)) {
            Reason ignored;
            breaker_failure(true, now, ignored);
            open(now, Reason{"trial_failures", static_cast<double>(trial_failures_), ">",
                             trial_failure_limit(settings_)});
        } else if (done >= settings_.half_open_sampling_calls && done > 0) {
            close(now, Reason{"trials_done", static_cast<double>(done),
                              ">=", static_cast<double>(settings_.half_open_sampling_calls)});
        }
    }
    return true;
}

}  // namespace cbsim::detail
