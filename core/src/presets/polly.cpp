// presets/polly.cpp: Polly v8's CircuitStateController with AdvancedCircuitBehavior and
// RollingHealthMetrics on explicit time.
#include "presets/polly.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

namespace cbsim::detail {

// [SECTION] Parameters ----------------------------------------------------------------------

namespace {

constexpr double kMaxMs = 86400000.0;  // one day (Polly's upper bound for both durations)
constexpr double kMaxBreakMs = 1e12;   // backoff ceiling without a cap
constexpr std::int64_t kSubWindows = 10;

// clang-format off
const ParamSpec kParams[] = {
    {"failure_ratio", ParamKind::real, 0, 1, {},
     "Polly FailureRatio: break when failures / throughput in the sampling duration is at or "
     "above this."},
    {"minimum_throughput", ParamKind::integer, 2, 1000000, {},
     "Polly MinimumThroughput: calls in the sampling duration needed before the ratio can "
     "break (at least 2)."},
    {"sampling_duration_ms", ParamKind::integer, 500, kMaxMs, {},
     "Polly SamplingDuration: the health window, kept in 10 sub-windows that start lazily and "
     "expire one by one."},
    {"break_duration_ms", ParamKind::integer, 500, kMaxMs, {},
     "Polly BreakDuration: how long the circuit stays open; half-open once at least this has "
     "passed."},
    {"break_duration_backoff", ParamKind::real, 0, 10, {},
     "Polly BreakDurationGenerator as a backoff: break * this^(half-open attempts since the "
     "last close); 0 = constant break."},
    {"max_break_duration_ms", ParamKind::integer, 0, kMaxMs, {},
     "Polly BreakDurationGenerator backoff cap: the longest break it returns; 0 = no cap."},
    {"isolate", ParamKind::boolean, 0, 1, {},
     "Polly CircuitBreakerManualControl.IsolateAsync: hold the circuit open; clearing it "
     "closes the circuit (CloseAsync)."},
};
// clang-format on

}  // namespace

std::span<const ParamSpec> polly_params() {
    return kParams;
}

std::optional<double> get_polly_param(const PollySettings& s, std::string_view key) {
    if (key == "failure_ratio") return s.failure_ratio;
    if (key == "minimum_throughput") return static_cast<double>(s.minimum_throughput);
    if (key == "sampling_duration_ms") return static_cast<double>(s.sampling_duration_ms);
    if (key == "break_duration_ms") return static_cast<double>(s.break_duration_ms);
    if (key == "break_duration_backoff") return s.break_duration_backoff;
    if (key == "max_break_duration_ms") return static_cast<double>(s.max_break_duration_ms);
    if (key == "isolate") return s.isolate ? 1.0 : 0.0;
    return std::nullopt;
}

bool set_polly_param(PollySettings& s, std::string_view key, double value) {
    const auto integer = static_cast<std::int64_t>(std::llround(value));
    if (key == "failure_ratio") {
        s.failure_ratio = value;
    } else if (key == "minimum_throughput") {
        s.minimum_throughput = integer;
    } else if (key == "sampling_duration_ms") {
        s.sampling_duration_ms = integer;
    } else if (key == "break_duration_ms") {
        s.break_duration_ms = integer;
    } else if (key == "break_duration_backoff") {
        s.break_duration_backoff = value;
    } else if (key == "max_break_duration_ms") {
        s.max_break_duration_ms = integer;
    } else if (key == "isolate") {
        s.isolate = integer != 0;
    } else {
        return false;
    }
    return true;
}

double polly_failure_threshold(const PollySettings& s) {
    return s.failure_ratio;
}

std::unique_ptr<Breaker> make_polly_breaker(const PollySettings& s, const BreakerExtras& extras) {
    return std::make_unique<PollyBreaker>(s, extras);
}

// [SECTION] State machine -------------------------------------------------------------------

PollyBreaker::PollyBreaker(const PollySettings& settings, const BreakerExtras& extras)
    : settings_(settings), preset_extras_(preset_extras(extras)), jitter_(preset_extras_) {
    if (settings.isolate) state_ = State::forced_open;
}

SimTime PollyBreaker::break_for(std::int64_t half_open_attempts) const {
    double ms = static_cast<double>(settings_.break_duration_ms);
    const double f = settings_.break_duration_backoff;
    if (f > 0.0) {
        ms *= std::pow(f, static_cast<double>(std::max<std::int64_t>(half_open_attempts, 0)));
        if (settings_.max_break_duration_ms > 0)
            ms = std::min(ms, static_cast<double>(settings_.max_break_duration_ms));
    }
    ms = std::min(ms, kMaxBreakMs);
    return static_cast<SimTime>(std::llround(ms * static_cast<double>(kMillisecond)));
}

void PollyBreaker::reset_metrics() {
    windows_.clear();
    successes_ = 0;
    failures_ = 0;
}

PollyBreaker::SubWindow& PollyBreaker::current_window(SimTime now) {
    const SimTime sampling = from_ms(settings_.sampling_duration_ms);
    const SimTime width = sampling / kSubWindows;
    if (windows_.empty() || now - windows_.back().start >= width) windows_.push_back({now, 0, 0});
    while (now - windows_.front().start >= sampling) {
        successes_ -= windows_.front().successes;
        failures_ -= windows_.front().failures;
        windows_.pop_front();
    }
    return windows_.back();
}

void PollyBreaker::change(State to, SimTime now, const Reason& reason) {
    if (to == state_) return;
    const State from = state_;
    state_ = to;
    ++generation_;
    counts_ = Counts{};
    probe_taken_ = false;
    if (to == State::closed) {
        reset_metrics();
        half_open_attempts_ = 0;
    } else if (to == State::half_open) {
        ++half_open_attempts_;
    }
    emit(Transition{now, from, to, reason});
}

void PollyBreaker::open(SimTime now, const Reason& reason) {
    opened_at_ = now;
    break_duration_ = jitter_.next(break_for(half_open_attempts_));
    change(State::open, now, reason);
}

Admission PollyBreaker::acquire(SimTime now) {
    // OnActionPreExecuteAsync: the only way out of open once the break is over (outcomes and
    // the CircuitState getter leave it open).
    if (state_ == State::open && now >= blocked_until()) {
        change(State::half_open, now,
               Reason{"open_elapsed_ms", to_ms(now - opened_at_), ">=", to_ms(break_duration_)});
    }
    switch (state_) {
        case State::open:
        case State::forced_open:
            return Admission{Rejection::open, {}};
        case State::half_open:
            if (probe_taken_) return Admission{Rejection::too_many_requests, {}};
            probe_taken_ = true;
            break;
        default:
            break;
    }
    ++counts_.requests;
    return Admission{Rejection::none, Permit{generation_, now}};
}

void PollyBreaker::record(const Permit& /*permit*/, Outcome outcome, SimTime /*duration*/,
                          SimTime now) {
    if (!is_failure(outcome)) {  // success, or an outcome ShouldHandle does not handle
        ++counts_.consecutive_successes;
        counts_.consecutive_failures = 0;
        ++current_window(now).successes;
        ++successes_;
        if (state_ == State::half_open) change(State::closed, now, {"probe_successes", 1, ">=", 1});
        return;
    }
    ++counts_.consecutive_failures;
    counts_.consecutive_successes = 0;
    if (state_ == State::half_open) {
        open(now, Reason{"probe_failures", 1, ">=", 1});
        return;
    }
    ++current_window(now).failures;
    ++failures_;
    if (state_ != State::closed) return;
    const std::uint64_t throughput = successes_ + failures_;
    const double ratio = static_cast<double>(failures_) / static_cast<double>(throughput);
    if (throughput >= static_cast<std::uint64_t>(settings_.minimum_throughput) &&
        ratio >= settings_.failure_ratio) {
        open(now, Reason{"failure_ratio", ratio, ">=", settings_.failure_ratio});
    }
}

State PollyBreaker::state(SimTime /*now*/) {
    return state_;
}

Counts PollyBreaker::counts() const {
    Counts c = counts_;
    c.total_successes = static_cast<std::uint32_t>(successes_);
    c.total_failures = static_cast<std::uint32_t>(failures_);
    return c;
}

WindowView PollyBreaker::window(SimTime now) {
    const SimTime sampling = from_ms(settings_.sampling_duration_ms);
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    for (const SubWindow& w : windows_) {
        if (now - w.start >= sampling) continue;
        successes += w.successes;
        failures += w.failures;
    }
    WindowView view;
    view.calls = successes + failures;
    view.minimum_calls = static_cast<std::uint64_t>(settings_.minimum_throughput);
    view.failure_threshold = settings_.failure_ratio;
    view.slow_call_threshold = 2.0;  // no slow-call rule
    if (view.calls > 0)
        view.failure_rate = static_cast<double>(failures) / static_cast<double>(view.calls);
    return view;
}

bool PollyBreaker::reconfigure(const BreakerConfig& config, SimTime now) {
    const auto* s = std::get_if<PollySettings>(&config.settings);
    if (s == nullptr) return false;
    const BreakerExtras jitter_fields = preset_extras(config.extras);
    if (!(jitter_fields == preset_extras_)) {
        jitter_ = OpenJitter(jitter_fields);
        preset_extras_ = jitter_fields;
    }
    const SimTime old_break = break_for(half_open_attempts_);
    const bool was_isolated = settings_.isolate;
    settings_ = *s;
    if (s->isolate && !was_isolated) {
        change(State::forced_open, now, Reason{"isolate", 1, "==", 1});
        return true;
    }
    if (!s->isolate && was_isolated) {
        half_open_attempts_ = 0;
        change(State::closed, now, Reason{"isolate", 0, "==", 0});
        reset_metrics();
        return true;
    }
    if (state_ == State::open && break_for(half_open_attempts_) != old_break)
        break_duration_ = jitter_.next(break_for(half_open_attempts_));
    return true;
}

}  // namespace cbsim::detail
