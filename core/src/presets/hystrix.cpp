// presets/hystrix.cpp: HystrixCircuitBreakerImpl and its health-counts stream on explicit
// time.
#include "presets/hystrix.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

namespace cbsim::detail {

// [SECTION] Parameters ----------------------------------------------------------------------

namespace {

constexpr double kMaxMs = 86400000.0;  // one day

// clang-format off
const ParamSpec kParams[] = {
    {"request_volume_threshold", ParamKind::integer, 0, 1000000, {},
     "Hystrix circuitBreaker.requestVolumeThreshold: calls in the rolling window needed before "
     "the error percentage can trip."},
    {"error_threshold_percentage", ParamKind::integer, 1, 100, {},
     "Hystrix circuitBreaker.errorThresholdPercentage: trip when the integer error percentage "
     "of the health snapshot is at or above this."},
    {"sleep_window_ms", ParamKind::integer, 1, kMaxMs, {},
     "Hystrix circuitBreaker.sleepWindowInMilliseconds: open this long, then one probe once "
     "strictly more has passed."},
    {"rolling_window_ms", ParamKind::integer, 100, 600000, {},
     "Hystrix metrics.rollingStats.timeInMilliseconds: the window the health snapshot sums."},
    {"rolling_window_buckets", ParamKind::integer, 1, 1000, {},
     "Hystrix metrics.rollingStats.numBuckets: buckets of the rolling statistics shown as "
     "counts."},
    {"health_snapshot_interval_ms", ParamKind::integer, 10, 60000, {},
     "Hystrix metrics.healthSnapshot.intervalInMilliseconds: trip decisions are taken only at "
     "this period, from completed buckets of this width."},
    {"force_open", ParamKind::boolean, 0, 1, {},
     "Hystrix circuitBreaker.forceOpen: reject every call."},
    {"force_closed", ParamKind::boolean, 0, 1, {},
     "Hystrix circuitBreaker.forceClosed: admit every call, still counting (force_open wins)."},
};
// clang-format on

}  // namespace

std::span<const ParamSpec> hystrix_params() {
    return kParams;
}

std::optional<double> get_hystrix_param(const HystrixSettings& s, std::string_view key) {
    if (key == "request_volume_threshold") return static_cast<double>(s.request_volume_threshold);
    if (key == "error_threshold_percentage")
        return static_cast<double>(s.error_threshold_percentage);
    if (key == "sleep_window_ms") return static_cast<double>(s.sleep_window_ms);
    if (key == "rolling_window_ms") return static_cast<double>(s.rolling_window_ms);
    if (key == "rolling_window_buckets") return static_cast<double>(s.rolling_window_buckets);
    if (key == "health_snapshot_interval_ms")
        return static_cast<double>(s.health_snapshot_interval_ms);
    if (key == "force_open") return s.force_open ? 1.0 : 0.0;
    if (key == "force_closed") return s.force_closed ? 1.0 : 0.0;
    return std::nullopt;
}

bool set_hystrix_param(HystrixSettings& s, std::string_view key, double value) {
    const auto integer = static_cast<std::int64_t>(std::llround(value));
    if (key == "request_volume_threshold") {
        s.request_volume_threshold = integer;
    } else if (key == "error_threshold_percentage") {
        s.error_threshold_percentage = integer;
    } else if (key == "sleep_window_ms") {
        s.sleep_window_ms = integer;
    } else if (key == "rolling_window_ms") {
        s.rolling_window_ms = integer;
    } else if (key == "rolling_window_buckets") {
        s.rolling_window_buckets = integer;
    } else if (key == "health_snapshot_interval_ms") {
        s.health_snapshot_interval_ms = integer;
    } else if (key == "force_open") {
        s.force_open = integer != 0;
    } else if (key == "force_closed") {
        s.force_closed = integer != 0;
    } else {
        return false;
    }
    return true;
}

double hystrix_failure_threshold(const HystrixSettings& s) {
    return static_cast<double>(s.error_threshold_percentage) / 100.0;
}

std::unique_ptr<Breaker> make_hystrix_breaker(const HystrixSettings& s,
                                              const BreakerExtras& extras) {
    return std::make_unique<HystrixBreaker>(s, extras);
}

// [SECTION] Bucketed streams ----------------------------------------------------------------

void HystrixBuckets::reset(SimTime anchor, SimTime width, std::size_t count) {
    anchor_ = anchor;
    width_ = std::max<SimTime>(width, 1);
    count_ = std::max<std::size_t>(count, 1);
    slots_.assign(count_ + 1, Slot{});
    current_ = 0;
    slot(0) = Slot{0, 0, 0};
    total_ = 0;
    errors_ = 0;
}

HystrixBuckets::Slot& HystrixBuckets::slot(std::int64_t index) {
    const auto n = static_cast<std::int64_t>(slots_.size());
    return slots_[static_cast<std::size_t>(((index % n) + n) % n)];
}

void HystrixBuckets::step() {
    const Slot& done = slot(current_);
    if (done.index == current_) {
        total_ += done.total;
        errors_ += done.errors;
    }
    Slot& next = slot(current_ + 1);  // the slot of bucket current_ - count_
    if (next.index == current_ - static_cast<std::int64_t>(count_)) {
        total_ -= next.total;
        errors_ -= next.errors;
    }
    ++current_;
    next = Slot{current_, 0, 0};
}

template <class F>
void HystrixBuckets::advance(SimTime now, F&& on_boundary) {
    const SimTime elapsed = now - anchor_;
    const std::int64_t target = elapsed < 0 ? 0 : elapsed / width_;
    std::size_t steps = 0;
    while (current_ < target) {
        if (steps > count_) {
            // Every completed bucket is empty from here on: jump to the last instant.
            std::fill(slots_.begin(), slots_.end(), Slot{});
            current_ = target;
            slot(current_) = Slot{current_, 0, 0};
            total_ = 0;
            errors_ = 0;
            on_boundary(anchor_ + current_ * width_);
            return;
        }
        step();
        ++steps;
        on_boundary(anchor_ + current_ * width_);
    }
}

void HystrixBuckets::add(bool error) {
    Slot& s = slot(current_);
    ++s.total;
    if (error) ++s.errors;
}

// [SECTION] State machine -------------------------------------------------------------------

HystrixBreaker::HystrixBreaker(const HystrixSettings& settings, const BreakerExtras& extras)
    : settings_(settings), preset_extras_(preset_extras(extras)), jitter_(preset_extras_) {
    restart_streams(0);
}

State HystrixBreaker::reported() const {
    if (settings_.force_open) return State::forced_open;
    if (settings_.force_closed) return State::metrics_only;
    return core_;
}

void HystrixBreaker::restart_streams(SimTime now) {
    const SimTime window = from_ms(settings_.rolling_window_ms);
    const SimTime interval = from_ms(settings_.health_snapshot_interval_ms);
    health_.reset(now, interval, static_cast<std::size_t>(std::max<SimTime>(window / interval, 1)));
    const auto buckets = std::max<std::int64_t>(settings_.rolling_window_buckets, 1);
    stats_.reset(now, window / buckets, static_cast<std::size_t>(buckets));
    snapshot_ = Snapshot{now, 0, 0, 0};
}

void HystrixBreaker::change(State to, SimTime now, const Reason& reason) {
    if (to == core_) return;
    const State from = core_;
    core_ = to;
    ++generation_;
    counts_ = Counts{};
    probe_taken_ = false;
    if (!forced()) emit(Transition{now, from, to, reason});
}

void HystrixBreaker::open(SimTime now, const Reason& reason) {
    opened_at_ = now;
    sleep_ = jitter_.next(from_ms(settings_.sleep_window_ms));
    change(State::open, now, reason);
}

void HystrixBreaker::observe(SimTime now) {
    health_.advance(now, [this](SimTime at) {
        const std::uint64_t total = health_.total();
        const std::uint64_t errors = health_.errors();
        // HealthCounts: (int) ((double) errorCount / totalCount * 100)
        const std::int64_t percentage =
            total == 0 ? 0
                       : static_cast<std::int64_t>(static_cast<double>(errors) /
                                                   static_cast<double>(total) * 100.0);
        snapshot_ = Snapshot{at, total, errors, percentage};
        if (core_ != State::closed) return;
        if (total < static_cast<std::uint64_t>(settings_.request_volume_threshold)) return;
        if (percentage < settings_.error_threshold_percentage) return;
        open(at, Reason{"error_percentage", static_cast<double>(percentage),
                        ">=", static_cast<double>(settings_.error_threshold_percentage)});
    });
    stats_.advance(now, [](SimTime) {});
    if (!forced() && core_ == State::open && now > opened_at_ + sleep_) {
        change(State::half_open, now,
               Reason{"open_elapsed_ms", to_ms(now - opened_at_), ">", to_ms(sleep_)});
    }
}

Admission HystrixBreaker::acquire(SimTime now) {
    observe(now);
    if (settings_.force_open) return Admission{Rejection::open, {}};
    if (!settings_.force_closed) {
        if (core_ == State::open) return Admission{Rejection::open, {}};
        if (core_ == State::half_open) {
            if (probe_taken_) return Admission{Rejection::too_many_requests, {}};
            probe_taken_ = true;
        }
    }
    ++counts_.requests;
    return Admission{Rejection::none, Permit{generation_, now}};
}

void HystrixBreaker::record(const Permit& permit, Outcome outcome, SimTime /*duration*/,
                            SimTime now) {
    observe(now);
    if (outcome == Outcome::ignored) {
        ++counts_.total_exclusions;
        if (core_ == State::half_open && permit.generation == generation_) probe_taken_ = false;
        return;
    }
    const bool error = is_failure(outcome);
    health_.add(error);
    stats_.add(error);
    if (error) {
        ++counts_.consecutive_failures;
        counts_.consecutive_successes = 0;
        if (core_ == State::half_open) open(now, Reason{"probe_failures", 1, ">=", 1});
    } else {
        ++counts_.consecutive_successes;
        counts_.consecutive_failures = 0;
        if (core_ == State::half_open) {
            change(State::closed, now, Reason{"probe_successes", 1, ">=", 1});
            restart_streams(now);
        }
    }
}

State HystrixBreaker::state(SimTime now) {
    observe(now);
    return reported();
}

Counts HystrixBreaker::counts() const {
    Counts c = counts_;
    c.total_failures = static_cast<std::uint32_t>(stats_.errors());
    c.total_successes = static_cast<std::uint32_t>(stats_.total() - stats_.errors());
    return c;
}

WindowView HystrixBreaker::window(SimTime now) {
    observe(now);
    WindowView view;
    view.calls = snapshot_.total;
    view.minimum_calls = static_cast<std::uint64_t>(settings_.request_volume_threshold);
    view.failure_threshold = static_cast<double>(settings_.error_threshold_percentage) / 100.0;
    view.slow_call_threshold = 2.0;  // no slow-call rule
    if (snapshot_.total > 0)
        view.failure_rate = static_cast<double>(snapshot_.error_percentage) / 100.0;
    return view;
}

bool HystrixBreaker::reconfigure(const BreakerConfig& config, SimTime now) {
    const auto* s = std::get_if<HystrixSettings>(&config.settings);
    if (s == nullptr) return false;
    observe(now);
    const BreakerExtras jitter_fields = preset_extras(config.extras);
    if (!(jitter_fields == preset_extras_)) {
        jitter_ = OpenJitter(jitter_fields);
        preset_extras_ = jitter_fields;
    }
    const HystrixSettings old = settings_;
    const State old_reported = reported();
    settings_ = *s;
    if (s->rolling_window_ms != old.rolling_window_ms ||
        s->rolling_window_buckets != old.rolling_window_buckets ||
        s->health_snapshot_interval_ms != old.health_snapshot_interval_ms) {
        restart_streams(now);  // new bucket geometry: the streams start over
    }
    if (core_ == State::open && s->sleep_window_ms != old.sleep_window_ms)
        sleep_ = jitter_.next(from_ms(s->sleep_window_ms));
    const State new_reported = reported();
    if (new_reported != old_reported) {
        const bool open_flag_changed = s->force_open != old.force_open;
        const char* rule = open_flag_changed ? "force_open" : "force_closed";
        const double flag = (open_flag_changed ? s->force_open : s->force_closed) ? 1.0 : 0.0;
        emit(Transition{now, old_reported, new_reported, Reason{rule, flag, "==", flag}});
    }
    observe(now);
    return true;
}

}  // namespace cbsim::detail
