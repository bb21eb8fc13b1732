// presets/resilience4j.cpp: Resilience4j's CircuitBreakerStateMachine on explicit time.
// ClosedState/OpenState/HalfOpenState become State values; CircuitBreakerMetrics becomes
// R4jWindow; the wait interval function becomes open_wait().
//
// [SECTION] Parameters
// [SECTION] Sliding window
// [SECTION] State machine
#include "presets/resilience4j.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

#include "cbsim/number_text.hpp"

namespace cbsim::detail {

// [SECTION] Parameters ----------------------------------------------------------------------

namespace {

using WindowType = Resilience4jSettings::WindowType;
using Mode = Resilience4jSettings::Mode;

constexpr double kMaxMs = 86400000.0;  // one day
constexpr double kMaxCalls = 100000.0;
constexpr std::int64_t kMaxWaitMs = 1000000000000;  // backoff ceiling without a cap (31 years)
constexpr SimTime kNoFloor = std::numeric_limits<SimTime>::min();
constexpr const char* kWindowTypes[] = {"count_based", "time_based"};
constexpr const char* kModes[] = {"normal", "forced_open", "disabled", "metrics_only"};

// clang-format off
const ParamSpec kParams[] = {
    {"sliding_window_type", ParamKind::choice, 0, 1, kWindowTypes,
     "Resilience4j slidingWindowType: count_based keeps the last N outcomes, time_based the "
     "outcomes of the last N seconds."},
    {"sliding_window_size", ParamKind::integer, 1, kMaxCalls, {},
     "Resilience4j slidingWindowSize: N calls (count_based) or N one-second buckets "
     "(time_based)."},
    {"minimum_number_of_calls", ParamKind::integer, 1, kMaxCalls, {},
     "Resilience4j minimumNumberOfCalls: outcomes needed before the rates can trip (capped at "
     "the window size when count_based)."},
    {"failure_rate_threshold", ParamKind::real, 0.1, 100, {},
     "Resilience4j failureRateThreshold: open when the failure rate (percent) is at or above "
     "this."},
    {"slow_call_rate_threshold", ParamKind::real, 0.1, 100, {},
     "Resilience4j slowCallRateThreshold: open when the share of slow calls (percent) is at or "
     "above this."},
    {"slow_call_duration_threshold_ms", ParamKind::integer, 1, kMaxMs, {},
     "Resilience4j slowCallDurationThreshold: a call is slow when it takes strictly longer."},
    {"wait_duration_in_open_state_ms", ParamKind::integer, 1, kMaxMs, {},
     "Resilience4j waitDurationInOpenState: open -> half-open once strictly more than this has "
     "passed (the first wait of a backoff)."},
    {"exponential_backoff_multiplier", ParamKind::real, 0, 10, {},
     "Resilience4j IntervalFunction.ofExponentialBackoff multiplier: each reopen since the last "
     "close waits the previous wait * m, truncated to whole ms; 0 = constant wait; the library "
     "refuses 0 < m < 1."},
    {"exponential_max_wait_duration_in_open_state_ms", ParamKind::integer, 0, kMaxMs, {},
     "Resilience4j exponential backoff maxWaitDuration: cap of the backoff wait; 0 = no cap."},
    {"permitted_number_of_calls_in_half_open_state", ParamKind::integer, 1, kMaxCalls, {},
     "Resilience4j permittedNumberOfCallsInHalfOpenState: probes admitted in half-open; the "
     "decision comes after min(minimum calls, this) outcomes."},
    {"max_wait_duration_in_half_open_state_ms", ParamKind::integer, 0, kMaxMs, {},
     "Resilience4j maxWaitDurationInHalfOpenState: half-open -> open after this long without a "
     "decision; 0 = wait for the probes."},
    {"automatic_transition_from_open_to_half_open_enabled", ParamKind::boolean, 0, 1, {},
     "Resilience4j automaticTransitionFromOpenToHalfOpenEnabled: open -> half-open by a timer at "
     "the end of the wait, with no call; false = at the first call after it."},
    {"mode", ParamKind::choice, 0, 3, kModes,
     "Resilience4j state override: normal, forced_open (transitionToForcedOpenState), disabled "
     "(transitionToDisabledState) or metrics_only (transitionToMetricsOnlyState)."},
};
// clang-format on

std::int64_t to_integer(double value) {
    return static_cast<std::int64_t>(std::llround(value));
}

State mode_state(Mode mode) {
    switch (mode) {
        case Mode::forced_open:
            return State::forced_open;
        case Mode::disabled:
            return State::disabled;
        case Mode::metrics_only:
            return State::metrics_only;
        case Mode::normal:
            break;
    }
    return State::closed;
}

const char* mode_rule(Mode mode) {
    switch (mode) {
        case Mode::forced_open:
            return "mode_forced_open";
        case Mode::disabled:
            return "mode_disabled";
        case Mode::metrics_only:
            return "mode_metrics_only";
        case Mode::normal:
            break;
    }
    return "mode_normal";
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::size_t floor_mod(std::int64_t a, std::size_t n) {
    const auto m = static_cast<std::int64_t>(n);
    std::int64_t r = a % m;
    if (r < 0) r += m;
    return static_cast<std::size_t>(r);
}

}  // namespace

std::span<const ParamSpec> resilience4j_params() {
    return kParams;
}

std::string check_resilience4j_settings(const Resilience4jSettings& s) {
    const double m = s.exponential_backoff_multiplier;
    if (m > 0.0 && m < 1.0) {
        return "exponential_backoff_multiplier " + text::number(m) +
               " is below 1, which Resilience4j refuses (IntervalFunction: \"Illegal argument "
               "multiplier\"); expected 0 (a constant wait) or a number in [1, 10]";
    }
    return {};
}

std::optional<double> get_resilience4j_param(const Resilience4jSettings& s, std::string_view key) {
    if (key == "sliding_window_type") return static_cast<double>(s.sliding_window_type);
    if (key == "sliding_window_size") return static_cast<double>(s.sliding_window_size);
    if (key == "minimum_number_of_calls") return static_cast<double>(s.minimum_number_of_calls);
    if (key == "failure_rate_threshold") return s.failure_rate_threshold;
    if (key == "slow_call_rate_threshold") return s.slow_call_rate_threshold;
    if (key == "slow_call_duration_threshold_ms")
        return static_cast<double>(s.slow_call_duration_threshold_ms);
    if (key == "wait_duration_in_open_state_ms")
        return static_cast<double>(s.wait_duration_in_open_state_ms);
    if (key == "exponential_backoff_multiplier") return s.exponential_backoff_multiplier;
    if (key == "exponential_max_wait_duration_in_open_state_ms")
        return static_cast<double>(s.exponential_max_wait_duration_in_open_state_ms);
    if (key == "permitted_number_of_calls_in_half_open_state")
        return static_cast<double>(s.permitted_number_of_calls_in_half_open_state);
    if (key == "max_wait_duration_in_half_open_state_ms")
        return static_cast<double>(s.max_wait_duration_in_half_open_state_ms);
    if (key == "automatic_transition_from_open_to_half_open_enabled")
        return s.automatic_transition_from_open_to_half_open_enabled ? 1.0 : 0.0;
    if (key == "mode") return static_cast<double>(s.mode);
    return std::nullopt;
}

bool set_resilience4j_param(Resilience4jSettings& s, std::string_view key, double value) {
    const std::int64_t integer = to_integer(value);
    if (key == "sliding_window_type") {
        s.sliding_window_type = integer == 1 ? WindowType::time_based : WindowType::count_based;
    } else if (key == "sliding_window_size") {
        s.sliding_window_size = integer;
    } else if (key == "minimum_number_of_calls") {
        s.minimum_number_of_calls = integer;
    } else if (key == "failure_rate_threshold") {
        s.failure_rate_threshold = value;
    } else if (key == "slow_call_rate_threshold") {
        s.slow_call_rate_threshold = value;
    } else if (key == "slow_call_duration_threshold_ms") {
        s.slow_call_duration_threshold_ms = integer;
    } else if (key == "wait_duration_in_open_state_ms") {
        s.wait_duration_in_open_state_ms = integer;
    } else if (key == "exponential_backoff_multiplier") {
        s.exponential_backoff_multiplier = value;
    } else if (key == "exponential_max_wait_duration_in_open_state_ms") {
        s.exponential_max_wait_duration_in_open_state_ms = integer;
    } else if (key == "permitted_number_of_calls_in_half_open_state") {
        s.permitted_number_of_calls_in_half_open_state = integer;
    } else if (key == "max_wait_duration_in_half_open_state_ms") {
        s.max_wait_duration_in_half_open_state_ms = integer;
    } else if (key == "automatic_transition_from_open_to_half_open_enabled") {
        s.automatic_transition_from_open_to_half_open_enabled = integer != 0;
    } else if (key == "mode") {
        s.mode = static_cast<Mode>(std::clamp<std::int64_t>(integer, 0, 3));
    } else {
        return false;
    }
    return true;
}

double resilience4j_failure_threshold(const Resilience4jSettings& s) {
    return s.failure_rate_threshold / 100.0;
}

std::unique_ptr<Breaker> make_resilience4j_breaker(const Resilience4jSettings& s,
                                                   const BreakerExtras& extras) {
    return std::make_unique<Resilience4jBreaker>(s, extras);
}

// [SECTION] Sliding window ------------------------------------------------------------------

void R4jWindow::clear() {
    totals_ = R4jTotals{};
    std::fill(slots_.begin(), slots_.end(), std::uint8_t{0});
    next_ = 0;
    used_ = 0;
    std::fill(buckets_.begin(), buckets_.end(), Bucket{});
    head_second_ = 0;
    started_ = false;
}

void R4jWindow::configure(Type type, std::size_t size) {
    size = std::max<std::size_t>(size, 1);
    if (type != type_) {
        type_ = type;
        size_ = size;
        slots_.assign(type == Type::count_based ? size : 0, 0);
        buckets_.assign(type == Type::time_based ? size : 0, Bucket{});
        clear();
        return;
    }
    if (type == Type::count_based) {
        if (slots_.size() == size) return;
        // oldest first: slots next_ - used_ ... next_ - 1
        std::vector<std::uint8_t> kept;
        const std::size_t keep = std::min(used_, size);
        const std::size_t cap = slots_.size();
        for (std::size_t i = keep; i > 0; --i)
            kept.push_back(cap == 0 ? 0 : slots_[(next_ + cap - i) % cap]);
        size_ = size;
        slots_.assign(size, 0);
        std::copy(kept.begin(), kept.end(), slots_.begin());
        used_ = kept.size();
        next_ = used_ % size;
    } else {
        if (buckets_.size() == size) return;
        std::vector<Bucket> kept(size);
        for (const Bucket& b : buckets_) {
            if (!started_ || b.calls == 0) continue;
            if (b.second > head_second_ - static_cast<std::int64_t>(size) &&
                b.second <= head_second_) {
                kept[floor_mod(b.second, size)] = b;
            }
        }
        size_ = size;
        buckets_ = std::move(kept);
    }
    rebuild_totals();
}

void R4jWindow::rebuild_totals() {
    totals_ = R4jTotals{};
    if (type_ == Type::count_based) {
        const std::size_t cap = slots_.size();
        for (std::size_t i = 1; i <= used_; ++i) {
            const std::uint8_t v = slots_[(next_ + cap - i) % cap];
            ++totals_.calls;
            totals_.failures += v & 1u;
            totals_.slow += (v >> 1) & 1u;
        }
    } else {
        for (const Bucket& b : buckets_) {
            totals_.calls += b.calls;
            totals_.failures += b.failures;
            totals_.slow += b.slow;
        }
    }
}

void R4jWindow::advance(SimTime now) {
    if (type_ != Type::time_based) return;
    const std::int64_t second = floor_div(now, kSecond);
    if (!started_) {
        started_ = true;
        head_second_ = second;
        buckets_[floor_mod(second, size_)] = Bucket{second, 0, 0, 0};
        return;
    }
    if (second <= head_second_) return;
    const std::int64_t from =
        std::max(head_second_ + 1, second - static_cast<std::int64_t>(size_) + 1);
    for (std::int64_t s = from; s <= second; ++s) {
        Bucket& b = buckets_[floor_mod(s, size_)];
        totals_.calls -= b.calls;
        totals_.failures -= b.failures;
        totals_.slow -= b.slow;
        b = Bucket{s, 0, 0, 0};
    }
    head_second_ = second;
}

void R4jWindow::record(SimTime now, bool failure, bool slow) {
    const std::uint8_t f = failure ? 1 : 0;
    const std::uint8_t sl = slow ? 1 : 0;
    if (type_ == Type::count_based) {
        if (used_ == size_) {
            const std::uint8_t old = slots_[next_];
            --totals_.calls;
            totals_.failures -= old & 1u;
            totals_.slow -= (old >> 1) & 1u;
        } else {
            ++used_;
        }
        slots_[next_] = static_cast<std::uint8_t>(f | (sl << 1));
        next_ = (next_ + 1) % size_;
    } else {
        advance(now);
        Bucket& b = buckets_[floor_mod(head_second_, size_)];
        ++b.calls;
        b.failures += f;
        b.slow += sl;
    }
    ++totals_.calls;
    totals_.failures += f;
    totals_.slow += sl;
}

// [SECTION] State machine -------------------------------------------------------------------

Resilience4jBreaker::Resilience4jBreaker(const Resilience4jSettings& settings,
                                         const BreakerExtras& extras)
    : settings_(settings), preset_extras_(preset_extras(extras)), jitter_(preset_extras_) {
    state_ = mode_state(settings.mode);
    configure_window();
}

void Resilience4jBreaker::configure_window() {
    if (state_ == State::half_open) {
        window_.configure(
            WindowType::count_based,
            static_cast<std::size_t>(settings_.permitted_number_of_calls_in_half_open_state));
    } else {
        window_.configure(settings_.sliding_window_type,
                          static_cast<std::size_t>(settings_.sliding_window_size));
    }
}

std::uint64_t Resilience4jBreaker::minimum_calls() const {
    const auto minimum = static_cast<std::uint64_t>(settings_.minimum_number_of_calls);
    if (state_ == State::half_open) {
        return std::min(minimum, static_cast<std::uint64_t>(
                                     settings_.permitted_number_of_calls_in_half_open_state));
    }
    if (settings_.sliding_window_type == WindowType::count_based)
        return std::min(minimum, static_cast<std::uint64_t>(settings_.sliding_window_size));
    return minimum;
}

SimTime Resilience4jBreaker::open_wait(std::int64_t attempt) const {
    std::int64_t ms = settings_.wait_duration_in_open_state_ms;
    const double m = settings_.exponential_backoff_multiplier;
    if (m > 0.0) {
        // IntervalFunction.ofExponentialBackoff: interval(1) = wait, interval(n + 1) =
        // (long) (interval(n) * m), each step truncated to whole milliseconds; then
        // Math.min(interval, max). The steps are walked on from the last attempt asked for.
        const auto cap = settings_.exponential_max_wait_duration_in_open_state_ms;
        attempt = std::max<std::int64_t>(attempt, 1);
        if (backoff_.attempt < 1 || backoff_.attempt > attempt) backoff_ = {1, ms};
        while (backoff_.attempt < attempt && backoff_.interval_ms < kMaxWaitMs) {
            const auto next =
                static_cast<std::int64_t>(static_cast<double>(backoff_.interval_ms) * m);
            if (next == backoff_.interval_ms) {  // a fixed point: every later step is the same
                backoff_.attempt = attempt;
                break;
            }
            backoff_ = {backoff_.attempt + 1, std::min(next, kMaxWaitMs)};
        }
        ms = backoff_.interval_ms;
        if (cap > 0) ms = std::min(ms, cap);
    }
    ms = std::min(ms, kMaxWaitMs);
    return static_cast<SimTime>(ms) * kMillisecond;
}

bool Resilience4jBreaker::evaluate(bool& above, Reason& reason) const {
    const R4jTotals& t = window_.totals();
    if (t.calls == 0 || t.calls < minimum_calls()) return false;
    // float, as CircuitBreakerMetrics computes rates and stores thresholds
    const float calls = static_cast<float>(t.calls);
    const float failure_rate = static_cast<float>(t.failures) * 100.0f / calls;
    const float slow_rate = static_cast<float>(t.slow) * 100.0f / calls;
    const auto failure_threshold = static_cast<float>(settings_.failure_rate_threshold);
    const auto slow_threshold = static_cast<float>(settings_.slow_call_rate_threshold);
    if (failure_rate >= failure_threshold) {
        above = true;
        reason = {"failure_rate_percent", static_cast<double>(failure_rate),
                  ">=", static_cast<double>(failure_threshold)};
    } else if (slow_rate >= slow_threshold) {
        above = true;
        reason = {"slow_call_rate_percent", static_cast<double>(slow_rate),
                  ">=", static_cast<double>(slow_threshold)};
    } else {
        above = false;
        reason = {"failure_rate_percent", static_cast<double>(failure_rate), "<",
                  static_cast<double>(failure_threshold)};
    }
    return true;
}

void Resilience4jBreaker::enter(State to, SimTime now, const Reason& reason) {
    if (to == state_) return;
    const State from = state_;
    state_ = to;
    ++generation_;
    counts_ = Counts{};
    switch (to) {
        case State::open:
            ++attempt_;
            opened_at_ = now;
            open_duration_ = jitter_.next(open_wait(attempt_));
            break;  // the window that tripped stays (late results are recorded into it)
        case State::half_open:
            half_open_at_ = now;
            permits_ = settings_.permitted_number_of_calls_in_half_open_state;
            window_.clear();
            configure_window();
            break;
        default:  // closed and the operator modes start from an empty window
            attempt_ = 0;
            window_.clear();
            configure_window();
            break;
    }
    emit(Transition{now, from, to, reason});
}

std::optional<SimTime> Resilience4jBreaker::next_timed_transition() const {
    if (state_ == State::half_open) {
        const auto max_wait = settings_.max_wait_duration_in_half_open_state_ms;
        if (max_wait > 0) return half_open_at_ + from_ms(max_wait);
    } else if (state_ == State::open &&
               settings_.automatic_transition_from_open_to_half_open_enabled) {
        return retry_at();
    }
    return std::nullopt;
}

void Resilience4jBreaker::fire_timers(SimTime now) {
    run_timers(now, true, kNoFloor);
}

void Resilience4jBreaker::run_timers(SimTime now, bool at_now, SimTime not_before) {
    // The library's scheduled transitions: HalfOpenState's timer of
    // maxWaitDurationInHalfOpenState (-> open, a new attempt whose wait counts from then) and,
    // when enabled, OpenState's timer of the wait (-> half-open). Each one happens at its due
    // instant however late it is observed, so one observation may run several in a row.
    while (const std::optional<SimTime> due = next_timed_transition()) {
        if (*due > now || (*due == now && !at_now)) return;
        const SimTime at = std::max(*due, not_before);
        if (state_ == State::half_open) {
            enter(State::open, at,
                  Reason{"half_open_elapsed_ms", to_ms(at - half_open_at_), ">=",
                         static_cast<double>(settings_.max_wait_duration_in_half_open_state_ms)});
        } else {
            enter(State::half_open, at,
                  Reason{"open_elapsed_ms", to_ms(at - opened_at_), ">=", to_ms(open_duration_)});
        }
    }
}

Admission Resilience4jBreaker::acquire(SimTime now) {
    run_timers(now, true, kNoFloor);  // a timer due now fires before the calls of its instant
    // OpenState.tryAcquirePermission: the only way out of open once the wait is over (results
    // and getState() leave it open).
    if (state_ == State::open && now > retry_at()) {
        enter(State::half_open, now,
              Reason{"open_elapsed_ms", to_ms(now - opened_at_), ">", to_ms(open_duration_)});
    }
    switch (state_) {
        case State::open:
        case State::forced_open:
            return Admission{Rejection::open, {}};
        case State::half_open:
            if (permits_ <= 0) return Admission{Rejection::too_many_requests, {}};
            --permits_;
            break;
        default:
            break;
    }
    if (state_ != State::disabled) ++counts_.requests;
    return Admission{Rejection::none, Permit{generation_, now}};
}

void Resilience4jBreaker::record(const Permit& /*permit*/, Outcome outcome, SimTime duration,
                                 SimTime now) {
    run_timers(now, false, kNoFloor);  // a completion at a timer's instant comes first
    if (state_ == State::disabled || state_ == State::forced_open) return;
    if (outcome == Outcome::ignored) {
        // releasePermission() of the current state: HalfOpenState adds a permit back, whenever
        // the call was admitted (an earlier half-open period, even closed) and with no cap;
        // the other states do nothing.
        ++counts_.total_exclusions;
        if (state_ == State::half_open) ++permits_;
        return;
    }
    const bool failure = is_failure(outcome);
    const bool slow = duration > from_ms(settings_.slow_call_duration_threshold_ms);
    window_.record(now, failure, slow);
    if (failure) {
        ++counts_.consecutive_failures;
        counts_.consecutive_successes = 0;
    } else {
        ++counts_.consecutive_successes;
        counts_.consecutive_failures = 0;
    }
    if (state_ != State::closed && state_ != State::half_open) return;
    bool above = false;
    Reason reason;
    if (!evaluate(above, reason)) return;
    if (above) {
        enter(State::open, now, reason);
    } else if (state_ == State::half_open) {
        enter(State::closed, now, reason);
    }
}

State Resilience4jBreaker::state(SimTime now) {
    run_timers(now, false, kNoFloor);
    return state_;
}

Counts Resilience4jBreaker::counts() const {
    Counts c = counts_;
    const R4jTotals& t = window_.totals();
    c.total_failures = static_cast<std::uint32_t>(t.failures);
    c.total_successes = static_cast<std::uint32_t>(t.calls - t.failures);
    return c;
}

WindowView Resilience4jBreaker::window(SimTime now) {
    run_timers(now, false, kNoFloor);
    window_.advance(now);
    WindowView view;
    const R4jTotals& t = window_.totals();
    view.calls = t.calls;
    view.minimum_calls = minimum_calls();
    view.failure_threshold = settings_.failure_rate_threshold / 100.0;
    view.slow_call_threshold = settings_.slow_call_rate_threshold / 100.0;
    if (t.calls > 0 && t.calls >= view.minimum_calls) {
        const auto calls = static_cast<double>(t.calls);
        view.failure_rate = static_cast<double>(t.failures) / calls;
        view.slow_call_rate = static_cast<double>(t.slow) / calls;
    }
    return view;
}

bool Resilience4jBreaker::reconfigure(const BreakerConfig& config, SimTime now) {
    const auto* s = std::get_if<Resilience4jSettings>(&config.settings);
    if (s == nullptr) return false;
    run_timers(now, false, kNoFloor);
    const BreakerExtras jitter_fields = preset_extras(config.extras);
    if (!(jitter_fields == preset_extras_)) {
        jitter_ = OpenJitter(jitter_fields);
        preset_extras_ = jitter_fields;
    }
    const Resilience4jSettings old = settings_;
    const SimTime old_wait = open_wait(attempt_);
    settings_ = *s;
    backoff_ = Backoff{};
    if (s->mode != old.mode) {
        enter(mode_state(s->mode), now, Reason{mode_rule(s->mode), 1, "==", 1});
        return true;
    }
    if (state_ == State::half_open) {
        const std::int64_t used = old.permitted_number_of_calls_in_half_open_state - permits_;
        permits_ =
            std::max<std::int64_t>(0, s->permitted_number_of_calls_in_half_open_state - used);
    }
    if (state_ != State::open) configure_window();
    if (state_ == State::open && open_wait(attempt_) != old_wait)
        open_duration_ = jitter_.next(open_wait(attempt_));
    // timers the new settings made overdue (a shorter wait or max wait) happen now
    run_timers(now, false, now);
    return true;
}

}  // namespace cbsim::detail
