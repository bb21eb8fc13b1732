// presets/extras.cpp: OpenJitter and the ExtrasBreaker decorator (see extras.hpp).
#include "presets/extras.hpp"

#include <algorithm>
#include <cmath>

namespace cbsim::detail {

namespace {
constexpr std::size_t kMaxTimedOut = 4096;  // late results of timed-out probes remembered
}

OpenJitter::OpenJitter(const BreakerExtras& extras)
    : jitter_(extras.open_jitter), rng_(extras.jitter_seed, stream_id("breaker.open_jitter")) {}

SimTime OpenJitter::next(SimTime base) {
    if (jitter_ == 0.0) return base;
    const double u = rng_.uniform(-jitter_, jitter_);
    const long long d = std::llround(static_cast<double>(base) * (1.0 + u));
    return d < 0 ? 0 : static_cast<SimTime>(d);
}

BreakerExtras preset_extras(const BreakerExtras& extras) {
    BreakerExtras out;
    out.open_jitter = extras.open_jitter;
    out.jitter_seed = extras.jitter_seed;
    return out;
}

bool needs_decorator(const BreakerExtras& extras) {
    return extras.probe_timeout_ms > 0 || extras.ramp_up_ms > 0 || extras.timeout_weight != 1.0;
}

ExtrasBreaker::ExtrasBreaker(std::unique_ptr<Breaker> inner, const BreakerExtras& extras)
    : inner_(std::move(inner)), extras_(extras), active_(needs_decorator(extras)) {
    inner_->set_transition_sink([this](const Transition& t) {
        on_inner_transition(t);
        if (expiring_probe_ && t.to == State::open) {
            Transition out = t;
            const double silent = static_cast<double>(extras_.probe_timeout_ms);
            out.reason = Reason{"probe_silent_ms", silent, ">=", silent};
            emit(out);
        } else {
            emit(t);
        }
    });
}

void ExtrasBreaker::on_inner_transition(const Transition& t) {
    if (t.from == State::half_open) probes_.clear();  // no longer probes
    if (t.to != State::closed) ramping_ = false;
    if (t.from == State::half_open && t.to == State::closed && extras_.ramp_up_ms > 0) {
        ramping_ = true;
        ramp_start_ = t.at;
        ramp_credit_ = 0.0;
    }
}

void ExtrasBreaker::expire_probes(SimTime now) {
    while (!probes_.empty()) {
        auto first = std::min_element(
            probes_.begin(), probes_.end(),
            [](const Probe& a, const Probe& b) { return a.deadline < b.deadline; });
        if (first->deadline > now) return;
        const Probe probe = *first;
        probes_.erase(first);
        if (timed_out_order_.size() >= kMaxTimedOut) {
            if (auto it = timed_out_.find(timed_out_order_.front()); it != timed_out_.end())
                timed_out_.erase(it);
            timed_out_order_.pop_front();
        }
        const PermitKey key{probe.permit.generation, probe.permit.admitted_at};
        timed_out_.insert(key);
        timed_out_order_.push_back(key);
        expiring_probe_ = true;
        inner_->record(probe.permit, Outcome::failure, probe.deadline - probe.permit.admitted_at,
                       probe.deadline);
        expiring_probe_ = false;
    }
}

bool ExtrasBreaker::ramp_admits(SimTime now) {
    if (!ramping_) return true;
    const SimTime span = from_ms(extras_.ramp_up_ms);
    const SimTime elapsed = now - ramp_start_;
    if (elapsed >= span) {
        ramping_ = false;
        return true;
    }
    const double share = extras_.ramp_up_start + (1.0 - extras_.ramp_up_start) *
                                                     static_cast<double>(elapsed) /
                                                     static_cast<double>(span);
    ramp_credit_ += share;
    if (ramp_credit_ >= 1.0) {
        ramp_credit_ -= 1.0;
        return true;
    }
    return false;
}

Admission ExtrasBreaker::acquire(SimTime now) {
    if (!active_) return inner_->acquire(now);
    expire_probes(now);
    if (!ramp_admits(now)) return Admission{Rejection::ramp_up, {}};
    Admission a = inner_->acquire(now);
    if (a.allowed() && extras_.probe_timeout_ms > 0 && inner_->state(now) == State::half_open) {
        probes_.push_back(
            Probe{a.permit, a.permit.admitted_at + from_ms(extras_.probe_timeout_ms)});
    }
    return a;
}

void ExtrasBreaker::record(const Permit& permit, Outcome outcome, SimTime duration, SimTime now) {
    if (!active_) {
        inner_->record(permit, outcome, duration, now);
        return;
    }
    expire_probes(now);
    const auto same = [&](const Permit& p) {
        return p.generation == permit.generation && p.admitted_at == permit.admitted_at;
    };
    if (auto it = std::find_if(probes_.begin(), probes_.end(),
                               [&](const Probe& p) { return same(p.permit); });
        it != probes_.end()) {
        probes_.erase(it);
    } else if (auto late = timed_out_.find(PermitKey{permit.generation, permit.admitted_at});
               late != timed_out_.end()) {
        timed_out_.erase(late);  // already counted as failed when it went silent
        return;
    }
    if (outcome != Outcome::timeout || extras_.timeout_weight == 1.0) {
        inner_->record(permit, outcome, duration, now);
        return;
    }
    timeout_credit_ += extras_.timeout_weight;
    const double whole = std::floor(timeout_credit_);
    timeout_credit_ -= whole;
    if (whole < 1.0) {
        inner_->record(permit, Outcome::ignored, duration, now);
        return;
    }
    for (double i = 0; i < whole; i += 1.0)
        inner_->record(permit, Outcome::failure, duration, now);
}

State ExtrasBreaker::state(SimTime now) {
    if (active_) expire_probes(now);
    return inner_->state(now);
}

Counts ExtrasBreaker::counts() const {
    return inner_->counts();
}

WindowView ExtrasBreaker::window(SimTime now) {
    if (active_) expire_probes(now);
    return inner_->window(now);
}

std::optional<SimTime> ExtrasBreaker::next_timed_transition() const {
    return inner_->next_timed_transition();
}

void ExtrasBreaker::fire_timers(SimTime now) {
    if (active_) expire_probes(now);
    inner_->fire_timers(now);
}

SimTime ExtrasBreaker::call_timeout() const {
    return inner_->call_timeout();
}

bool ExtrasBreaker::reconfigure(const BreakerConfig& config, SimTime now) {
    if (active_) expire_probes(now);
    BreakerConfig for_preset = config;
    for_preset.extras = preset_extras(config.extras);
    if (!inner_->reconfigure(for_preset, now)) return false;
    extras_ = config.extras;
    active_ = needs_decorator(extras_);
    if (extras_.probe_timeout_ms <= 0) probes_.clear();
    if (extras_.ramp_up_ms <= 0) ramping_ = false;
    return true;
}

}  // namespace cbsim::detail
