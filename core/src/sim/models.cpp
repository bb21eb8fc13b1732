// models.cpp: traffic, services and the caller side of edges (timeouts, retries, bulkhead,
// fallback, breakers per instance or shared through a store).
//
// [SECTION] Traffic
// [SECTION] Services
// [SECTION] Edges: attempts and their outcomes
// [SECTION] Edges: retries, budget, fallback
// [SECTION] Edges: attempts held by a breaker's wait answer
// [SECTION] Events
// [SECTION] Edges: breakers and their transitions
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "presets/registry.hpp"
#include "sim/engine.hpp"

namespace cbsim {

using sim::kNone;

namespace {
std::uint64_t pack(std::uint32_t call, std::uint32_t token) {
    return (std::uint64_t{call} << 32) | token;
}
bool severe(State s) {
    return s == State::open || s == State::forced_open;
}
/// Nearest microsecond of a non-negative duration (half up; cheaper than llround).
SimTime round_us(double us) {
    return us > 0.0 ? static_cast<SimTime>(us + 0.5) : 0;
}
SimTime ms_to_us(double ms) {
    return round_us(ms * 1000.0);
}
/// An attempt's timeout: the edge's, or the breaker's own call timeout if shorter; 0 = none.
SimTime attempt_limit(const sim::EdgeModel& e) {
    SimTime limit = e.cfg->timeout_ms * kMillisecond;
    if (e.call_timeout > 0 && (limit <= 0 || e.call_timeout < limit)) limit = e.call_timeout;
    return limit;
}
/// Whether an answer after `duration` is in time for an attempt on `e`: at the edge's
/// timeout the answer comes first, at the breaker's call timeout the timeout does.
bool in_time(const sim::EdgeModel& e, SimTime duration) {
    const SimTime edge_limit = e.cfg->timeout_ms * kMillisecond;
    return (edge_limit <= 0 || duration <= edge_limit) &&
           (e.call_timeout <= 0 || duration < e.call_timeout);
}
/// The stream of retry jitter under an attempt's key.
constexpr std::uint64_t kJitterStream = stream_id("jitter");
}  // namespace

// [SECTION] Traffic --------------------------------------------------------------------------

// The next arrival lives in the simulator's lane (one pending event, no queue entry): setting
// it replaces the one pending, as a rate change needs. A gap of kNoArrivalUs or more (a rate
// below about 2e-13 per second for constant arrivals; a rare draw at such rates for Poisson)
// never arrives: no run reaches that far, and the gap would not fit in a SimTime.
//
// Poisson gaps count from the last arrival when one just happened, else (a rate change) from
// now: the process is memoryless. Constant gaps count from the last arrival (a rate change
// keeps the rhythm), or from now before the first one.
void Run::Impl::schedule_arrival(bool after_arrival) {
    sim.clear_lane();
    if (traffic.rate <= 0.0) return;
    const double now = static_cast<double>(sim.now());
    double base = now, gap_us = traffic.mean_gap_us;
    if (live.traffic.arrival == Arrival::poisson) {
        gap_us = traffic.rng.exponential(gap_us);
        if (after_arrival) base = traffic.last_exact_us;
    } else if (traffic.requests) {
        base = traffic.last_exact_us;
    }
    if (!(gap_us < sim::kNoArrivalUs)) return;  // also a NaN or an infinite mean
    // After an arrival the next one rounds to now or later by itself (base rounds to now);
    // a rate change moves an instant already past to now.
    traffic.next_exact_us = after_arrival ? base + gap_us : std::max(now, base + gap_us);
    sim.set_lane(static_cast<SimTime>(traffic.next_exact_us + 0.5), this, sim::kArrival);
}

void Run::Impl::set_rate(double rate) {
    traffic.rate = std::max(0.0, rate);
    traffic.mean_gap_us = traffic.rate > 0.0 ? 1e6 / traffic.rate : 0.0;  // inf below ~1e-302
    schedule_arrival(false);
}

void Run::Impl::on_arrival() {
    traffic.last_exact_us = traffic.next_exact_us;
    const std::uint64_t key = derive_key(traffic.key, traffic.requests++);
    sim::EdgeModel& entry = edges[0];
    ++entry.acc.calls;
    ++entry.acc.allowed;
    ++entry.first_tries;
    ++entry.inflight_total;
    schedule_arrival(true);
    arrive(entry.target, key, kNone, 0);
}

void Run::Impl::on_phase(std::uint32_t index) {
    const TrafficPhase& p = live.traffic.phases[index];
    ++traffic.ramp_gen;
    traffic.ramping = false;
    if (p.ramp <= 0) {
        set_rate(p.rate_rps);
        return;
    }
    traffic.ramping = true;
    traffic.ramp_start = sim.now();
    traffic.ramp_end = sim.now() + p.ramp;
    traffic.ramp_from = traffic.rate;
    traffic.ramp_to = p.rate_rps;
    on_ramp_tick(traffic.ramp_gen);
}

void Run::Impl::on_ramp_tick(std::uint64_t gen) {
    if (!traffic.ramping || gen != traffic.ramp_gen) return;
    const SimTime now = sim.now();
    if (now >= traffic.ramp_end) {
        traffic.ramping = false;
        set_rate(traffic.ramp_to);
        return;
    }
    const double f = static_cast<double>(now - traffic.ramp_start) /
                     static_cast<double>(traffic.ramp_end - traffic.ramp_start);
    set_rate(traffic.ramp_from + (traffic.ramp_to - traffic.ramp_from) * f);
    constexpr SimTime kStep = 100 * kMillisecond;  // ramps move in 100 ms steps
    sim.schedule_at(std::min(now + kStep, traffic.ramp_end), this, sim::kRampTick, gen);
}

// [SECTION] Services -------------------------------------------------------------------------

void Run::Impl::refresh_service(std::uint32_t index) {
    sim::ServiceModel& s = services[index];
    const Latency& l = s.cfg->latency;
    s.lognormal = lognormal_shape(std::max(l.p50_ms, 1e-9), l.p99_ms);
    const auto n = static_cast<std::size_t>(std::max<std::int64_t>(1, s.cfg->instances));
    if (s.instances.size() < n) s.instances.resize(n);
    for (std::uint32_t e : s.out_edges)
        grow_caller_instances(e);
    // More capacity: start queued calls.
    for (std::uint32_t i = 0; i < s.instances.size(); ++i) {
        const auto cap = static_cast<std::uint32_t>(s.cfg->capacity);
        while (!s.instances[i].queue.empty() && (cap == 0 || s.instances[i].busy < cap)) {
            const std::uint32_t job = s.instances[i].queue.front();
            s.instances[i].queue.pop_front();
            --s.queued;
            start(job);
        }
    }
}

void Run::Impl::set_busy(sim::ServiceModel& s, std::int64_t delta) {
    const SimTime now = sim.now();
    s.busy_moments += delta * now;
    s.busy += delta;
}

SimTime Run::Impl::arrive(std::uint32_t service, std::uint64_t key, std::uint32_t call,
                          std::uint32_t token) {
    sim::ServiceModel& s = services[service];
    ++s.arrivals;
    const auto active = static_cast<std::uint32_t>(std::max<std::int64_t>(1, s.cfg->instances));
    if (s.rr >= active) s.rr = 0;
    const std::uint32_t inst = s.rr;
    if (++s.rr == active) s.rr = 0;  // (rr + 1) % active without a division
    const std::uint32_t j = jobs.alloc();
    sim::Job& job = jobs[j];
    job = sim::Job{.key = key,
                   .service = service,
                   .instance = inst,
                   .call = call,
                   .token = token,
                   .arrived = sim.now()};  // (one set of stores)
    sim::Instance& in = s.instances[inst];
    const auto cap = static_cast<std::uint32_t>(s.cfg->capacity);
    if (cap == 0 || in.busy < cap) return start(j);
    if (in.queue.size() < static_cast<std::size_t>(s.cfg->queue_limit)) {
        in.queue.push_back(j);
        ++s.queued;
        return kUnknown;
    }
    ++s.dropped;
    job.failed = true;
    finish(j, false);  // fails at once, no worker held
    return sim.now();
}

// A call's own work draws from SplitMix(job key) at fixed indices: 0 the failure (random
// pattern), 1 the hang, 2 on the service time. (A job key names one call at one service, so
// it needs no service stream mixed in; its dependency calls take indices derive_key(key, edge
// stream), far from 0-2.) A draw that is switched off (probability 0, a healthy instance,
// every_nth, a constant latency) is simply not taken; the others stay where they are. A healthy
// instance (faulty_instances > 0 and the instance is not among the first faulty_instances) neither
// fails nor hangs.
sim::Work Run::Impl::own_work(const sim::ServiceModel& s, std::uint32_t instance, std::uint64_t key,
                              std::uint64_t count) const {
    const Service& cfg = *s.cfg;
    // Faulty: instance < faulty_instances, or any instance when it is 0 (0 - 1 wraps to the
    // maximum).
    const bool faulty = instance <= static_cast<std::uint64_t>(cfg.faulty_instances - 1);
    sim::Work w;
    if (cfg.failure_pattern == FailurePattern::random) {
        w.fail = cfg.failure_rate > 0.0 && faulty &&
                 SplitMix::to_unit(SplitMix::at(key, 0)) < cfg.failure_rate;
    } else if (faulty) {
        if (cfg.every_nth > 0) {
            w.fail = count % static_cast<std::uint64_t>(cfg.every_nth) == 0;
        } else {
            w.fail = std::floor(static_cast<double>(count) * cfg.failure_rate) >
                     std::floor(static_cast<double>(count - 1) * cfg.failure_rate);
        }
    }
    w.hang =
        cfg.hang_rate > 0.0 && faulty && SplitMix::to_unit(SplitMix::at(key, 1)) < cfg.hang_rate;
    const Latency& l = cfg.latency;
    SplitMix time(key + 2 * kGolden);  // its first output is at(key, 2)
    switch (l.dist) {
        case LatencyDist::lognormal:
            w.ms = time.lognormal(s.lognormal.mu, s.lognormal.sigma);
            break;
        case LatencyDist::exponential:
            w.ms = time.exponential(l.mean_ms);
            break;
        case LatencyDist::constant:
            w.ms = l.constant_ms;
            break;
    }
    if (w.fail && !w.hang && cfg.failure_latency_ms >= 0) w.ms = cfg.failure_latency_ms;
    return w;
}

SimTime Run::Impl::start(std::uint32_t j) {
    sim::Job& job = jobs[j];
    sim::ServiceModel& s = services[job.service];
    const Service& cfg = *s.cfg;
    ++s.instances[job.instance].busy;
    set_busy(s, +1);
    // every_nth counts the faulty instances' calls in start order (not keyed: it is a count).
    std::uint64_t count = 0;
    if (cfg.failure_pattern != FailurePattern::random &&
        job.instance <= static_cast<std::uint64_t>(cfg.faulty_instances - 1))
        count = ++s.started;
    const sim::Work w = own_work(s, job.instance, job.key, count);
    if (probe) [[unlikely]]
        probe->started(job.service, job.key, w);
    job.failed = w.fail;
    job.hang = w.hang;
    const SimTime done = sim.now() + ms_to_us(w.ms);
    sim.schedule_at(done, this, sim::kWorkDone, j);
    // Answered when the work is done (on_work_done), unless it hangs or calls dependencies.
    return !w.hang && (w.fail || s.out_edges.empty()) ? done : kUnknown;
}

void Run::Impl::release_worker(std::uint32_t service, std::uint32_t instance) {
    sim::ServiceModel& s = services[service];
    sim::Instance& in = s.instances[instance];
    --in.busy;
    set_busy(s, -1);
    const auto cap = static_cast<std::uint32_t>(s.cfg->capacity);
    while (!in.queue.empty() && (cap == 0 || in.busy < cap)) {
        const std::uint32_t next = in.queue.front();
        in.queue.pop_front();
        --s.queued;
        start(next);
    }
}

void Run::Impl::on_work_done(std::uint32_t j) {
    sim::Job& job = jobs[j];
    sim::ServiceModel& s = services[job.service];
    ++s.served;
    if (job.hang || job.failed || s.out_edges.empty()) {
        release_worker(job.service, job.instance);
        finish(j, !job.failed && !job.hang);
        return;
    }
    job.pending = static_cast<std::uint32_t>(s.out_edges.size());
    for (std::uint32_t e : s.out_edges)
        start_call(e, j);  // the job may finish in here
}

void Run::Impl::finish(std::uint32_t j, bool ok) {
    const sim::Job& job = jobs[j];
    const std::uint32_t call = job.call, token = job.token;
    const bool hang = job.hang;
    const SimTime arrived = job.arrived;
    jobs.release(j);
    if (call == kNone) {  // a client request: the entry edge records it
        sim::EdgeModel& entry = edges[0];
        --entry.inflight_total;
        ++entry.finished;
        if (ok) {
            ++entry.acc.successes;
            ++entry.succeeded;
        } else {
            ++entry.acc.failures;
            if (hang) ++entry.acc.timeouts;  // the client never hears back
        }
        entry.hist.add(sim.now() - arrived);
        return;
    }
    if (hang) return;  // never answers: the caller's timeout decides
    on_answer(call, token, ok);
}

// [SECTION] Edges: attempts and their outcomes -----------------------------------------------

void Run::Impl::start_call(std::uint32_t edge, std::uint32_t j) {
    const std::uint32_t ci = calls.alloc();
    calls[ci] = sim::Call{
        .key = derive_key(jobs[j].key, edges[edge].stream),
        .edge = edge,
        .job = j,
        .instance = jobs[j].instance,
        .prev_sleep = std::max<SimTime>(0, edges[edge].cfg->retry.backoff_base_ms) * kMillisecond};
    ++edges[edge].first_tries;
    try_attempt(ci);
}

void Run::Impl::try_attempt(std::uint32_t ci) {
    sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    const Dependency& cfg = *e.cfg;
    ++c.attempt;
    ++e.acc.calls;
    if (c.attempt > 1) ++e.acc.retries;
    if (cfg.max_in_flight > 0 &&
        e.inflight[c.instance] >= static_cast<std::uint64_t>(cfg.max_in_flight)) {
        ++e.acc.bulkhead_rejected;
        call_done(ci, false);  // rejections are not retried: they fail fast
        return;
    }
    if (!e.breakers.empty()) {
        const std::uint32_t b = e.shared ? 0 : c.instance;
        const Admission a = e.breakers[b]->acquire(sim.now());
        if (!a.allowed()) {
            if (a.waits()) [[unlikely]] {
                hold(ci, b);
                return;
            }
            refuse(ci, a.rejection);
            return;
        }
        c.take_permit(a.permit, b, e.epoch);
    }
    ++e.acc.allowed;
    ++e.inflight[c.instance];
    ++e.inflight_total;
    const std::uint32_t token = c.token = ++attempt_seq;
    const std::uint32_t edge = c.edge;
    c.waiting = true;
    c.attempt_start = sim.now();
    const SimTime limit = attempt_limit(e);
    const SimTime expiry = sim.now() + limit;
    // the attempt may complete in here
    const SimTime answer = arrive(e.target, derive_key(c.key, c.attempt), ci, token);
    // A timeout is kept only for an attempt that may still wait at its expiry: one whose
    // answer is already scheduled before it (a leaf service at work, a failure at once) never
    // times out. Most attempts are such, and so skip the timeout queue altogether.
    if (limit > 0 && answer >= expiry) add_timeout(edge, expiry, ci, token);
}

// A refused attempt fails fast (not retried). The preset's own concurrency limit counts as a
// bulkhead (opossum capacity); every other refusal as rejected, and as good_rejected when the
// attempt's own draws say it would have succeeded in time (would_answer()).
void Run::Impl::refuse(std::uint32_t ci, Rejection rejection) {
    const sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    if (rejection == Rejection::capacity) {
        ++e.acc.bulkhead_rejected;
    } else {
        ++e.acc.rejected;
        would_budget = kWouldBudget;
        const sim::WouldBe w = would_answer(e.target, derive_key(c.key, c.attempt));
        if (w.answers && w.ok && in_time(e, w.duration)) ++e.good_rejected;
    }
    call_done(ci, false);
}

// What a call would have given, from its keyed draws alone. The instance is the one the
// balancer would pick next and the every_nth count the next one; queueing, breakers,
// bulkheads and retry budgets downstream are left out (the call is taken at once, every
// attempt is admitted, every retry has a token). At most kWouldBudget would-be calls per
// rejection: past them a call counts as never answering (a timeout where its caller has one),
// which only makes the attempt fail or finish later: good_rejected stays a lower bound.
sim::WouldBe Run::Impl::would_answer(std::uint32_t service, std::uint64_t key) {
    if (would_budget == 0) return {.answers = false};
    --would_budget;
    const sim::ServiceModel& s = services[service];
    const auto active = static_cast<std::uint32_t>(std::max<std::int64_t>(1, s.cfg->instances));
    const sim::Work w = own_work(s, s.rr >= active ? 0 : s.rr, key, s.started + 1);
    if (w.hang) return {.answers = false};
    sim::WouldBe out{.ok = !w.fail, .duration = ms_to_us(w.ms)};
    if (w.fail) return out;
    SimTime deps = 0;  // dependencies run in parallel after the own work
    for (std::uint32_t e : s.out_edges) {
        const sim::WouldBe d = would_call(e, key);
        if (!d.answers) return {.answers = false};
        out.ok = out.ok && d.ok;
        deps = std::max(deps, d.duration);
    }
    out.duration += deps;
    return out;
}

sim::WouldBe Run::Impl::would_call(std::uint32_t edge, std::uint64_t job_key) {
    const sim::EdgeModel& e = edges[edge];
    const Dependency& cfg = *e.cfg;
    const std::uint64_t call_key = derive_key(job_key, e.stream);
    const SimTime limit = attempt_limit(e);
    const auto max_attempts = static_cast<std::uint32_t>(std::clamp<std::int64_t>(
        cfg.retry.max_attempts, 1, std::numeric_limits<std::int32_t>::max()));
    SimTime t = 0, sleep = std::max<SimTime>(0, cfg.retry.backoff_base_ms) * kMillisecond;
    for (std::uint32_t a = 1;; ++a) {
        const std::uint64_t key = derive_key(call_key, a);
        const sim::WouldBe r = would_answer(e.target, key);
        bool ok = false;
        if (r.answers && (limit <= 0 || in_time(e, r.duration))) {
            t += r.duration;
            ok = r.ok;
        } else if (limit > 0) {
            t += limit;  // timed out
        } else {
            return {.answers = false};  // waits forever
        }
        if (ok) return {.duration = t};
        if (a >= max_attempts) break;
        sleep = backoff_sleep(cfg.retry, key, a, sleep);
        t += sleep;
    }
    return {.ok = cfg.fallback, .duration = t};
}

void Run::Impl::on_answer(std::uint32_t ci, std::uint32_t token, bool ok) {
    sim::Call& c = calls[ci];
    if (!c.waiting || c.token != token) return;  // answered after its timeout
    c.waiting = false;
    complete_attempt(ci, ok ? Outcome::success : Outcome::failure, sim.now() - c.attempt_start);
}

void Run::Impl::on_timeout(std::uint32_t ci, std::uint32_t token) {
    sim::Call& c = calls[ci];
    if (c.token != token) return;
    if (!c.waiting) {
        if (c.held) held_timed_out(ci);
        return;
    }
    c.waiting = false;
    complete_attempt(ci, Outcome::timeout, sim.now() - c.attempt_start);
}

void Run::Impl::add_timeout(std::uint32_t edge, SimTime at, std::uint32_t call,
                            std::uint32_t token) {
    sim::EdgeModel& e = edges[edge];
    const sim::PendingTimeout t{at, call, token};
    const bool in_order = e.timeouts.empty() || e.timeouts.back().at <= at;
    e.timeouts.push_back(t);
    if (!in_order) {  // timeout_ms shrank: move it before the later ones (after equal ones)
        std::size_t i = e.timeouts.size() - 1;
        while (i > 0 && e.timeouts.at(i - 1).at > at) {
            e.timeouts.at(i) = e.timeouts.at(i - 1);
            --i;
        }
        e.timeouts.at(i) = t;
    }
    if (!e.timer_armed || at < e.timer_at) {
        sim.cancel(e.timer);
        e.timer = sim.schedule_at(at, this, sim::kTimeout, edge);
        e.timer_at = at;
        e.timer_armed = true;
    }
}

void Run::Impl::arm_timer(std::uint32_t edge) {
    sim::EdgeModel& e = edges[edge];
    while (!e.timeouts.empty()) {
        const sim::PendingTimeout& f = e.timeouts.front();
        const sim::Call& c = calls[f.call];
        if ((c.waiting || c.held) && c.token == f.token) break;
        e.timeouts.pop_front();  // answered already
    }
    if (e.timeouts.empty()) return;
    e.timer = sim.schedule_at(e.timeouts.front().at, this, sim::kTimeout, edge);
    e.timer_at = e.timeouts.front().at;
    e.timer_armed = true;
}

void Run::Impl::on_timer(std::uint32_t edge) {
    sim::EdgeModel& e = edges[edge];
    e.timer_armed = false;
    while (!e.timeouts.empty() && e.timeouts.front().at <= sim.now()) {
        const sim::PendingTimeout t = e.timeouts.front();
        e.timeouts.pop_front();
        on_timeout(t.call, t.token);
    }
    if (!e.timer_armed) arm_timer(edge);
}

void Run::Impl::complete_attempt(std::uint32_t ci, Outcome outcome, SimTime duration) {
    sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    --e.inflight[c.instance];
    --e.inflight_total;
    // The breaker's call timeout includes its instant: an answer then is a timeout.
    if (e.call_timeout > 0 && outcome != Outcome::timeout && duration >= e.call_timeout)
        outcome = Outcome::timeout;
    if (outcome == Outcome::success) {
        ++e.acc.successes;
    } else {
        ++e.acc.failures;
        if (outcome == Outcome::timeout) ++e.acc.timeouts;
    }
    e.hist.add(duration);
    if (c.has_permit) {
        c.has_permit = false;
        if (e.shared && e.cfg->store_sync_ms > 0) {
            const std::uint32_t w = writes.alloc();
            writes[w] = sim::StoreWrite{c.edge, c.epoch, c.permit, outcome, duration};
            sim.schedule_in(e.cfg->store_sync_ms * kMillisecond, this, sim::kStoreWrite, w);
        } else if (c.epoch == e.epoch && c.breaker < e.breakers.size()) {
            e.breakers[c.breaker]->record(c.permit, outcome, duration, sim.now());
        }
    }
    if (outcome == Outcome::success)
        call_done(ci, true);
    else
        attempt_failed(ci);
}

void Run::Impl::on_store_write(std::uint32_t w) {
    const sim::StoreWrite write = writes[w];
    writes.release(w);
    sim::EdgeModel& e = edges[write.edge];
    if (write.epoch != e.epoch || e.breakers.empty()) return;  // the breaker was rebuilt
    e.breakers[0]->record(write.permit, write.outcome, write.duration, sim.now());
}

// [SECTION] Edges: retries, budget, fallback -------------------------------------------------

bool Run::Impl::take_retry_token(sim::EdgeModel& e, std::uint32_t instance) {
    const RetryPolicy& r = e.cfg->retry;
    if (r.budget_rps <= 0.0) return true;
    sim::Budget& b = e.budget[instance];
    const SimTime now = sim.now();
    b.tokens =
        std::min(r.budget_burst, b.tokens + static_cast<double>(now - b.last) * r.budget_rps / 1e6);
    b.last = now;
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

// Jitter draws from SplitMix(derive_key(attempt key, "jitter")): a function of the call, the
// attempt and the seed, whatever happened before.
SimTime Run::Impl::backoff_sleep(const RetryPolicy& r, std::uint64_t attempt_key,
                                 std::uint32_t attempt, SimTime prev_sleep) {
    const double base = static_cast<double>(r.backoff_base_ms) * 1000.0;
    const double cap = static_cast<double>(r.backoff_cap_ms) * 1000.0;
    const int n = static_cast<int>(std::min<std::uint32_t>(attempt, 62));  // retry number
    const double expo = std::min(cap, base * std::ldexp(1.0, n - 1));
    SplitMix jitter(derive_key(attempt_key, kJitterStream));
    double sleep = expo;
    switch (r.jitter) {
        case Jitter::none:
            break;
        case Jitter::full:
            sleep = jitter.uniform(0.0, expo);
            break;
        case Jitter::equal:
            sleep = expo / 2.0 + jitter.uniform(0.0, expo / 2.0);
            break;
        case Jitter::decorrelated: {
            const double prev = static_cast<double>(prev_sleep);
            sleep = std::min(cap, jitter.uniform(base, std::max(base, prev * 3.0)));
            break;
        }
    }
    return round_us(sleep);
}

SimTime Run::Impl::backoff(sim::EdgeModel& e, sim::Call& c) {
    c.prev_sleep =
        backoff_sleep(e.cfg->retry, derive_key(c.key, c.attempt), c.attempt, c.prev_sleep);
    return c.prev_sleep;
}

void Run::Impl::attempt_failed(std::uint32_t ci) {
    sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    if (c.attempt < static_cast<std::uint64_t>(e.cfg->retry.max_attempts) &&
        take_retry_token(e, c.instance)) {
        sim.schedule_in(backoff(e, c), this, sim::kRetry, pack(ci, c.token));
        return;
    }
    call_done(ci, false);
}

void Run::Impl::call_done(std::uint32_t ci, bool ok) {
    const std::uint32_t edge = calls[ci].edge, job_index = calls[ci].job;
    calls.release(ci);
    sim::EdgeModel& e = edges[edge];
    if (!ok && e.cfg->fallback) {
        ok = true;
        ++e.acc.fallbacks;
    }
    ++e.finished;
    if (ok) ++e.succeeded;
    sim::Job& job = jobs[job_index];
    if (!ok) job.dep_failed = true;
    if (--job.pending == 0) {
        const bool job_ok = !job.dep_failed;
        release_worker(job.service, job.instance);
        finish(job_index, job_ok);
    }
}

// [SECTION] Edges: attempts held by a breaker's wait answer ---------------------------------
//
// A breaker that answers wait (cockatiel while its half-open trials run) holds the attempt: it
// neither reaches the target nor fails. It keeps its bulkhead slot (counted in flight, as a
// bulkhead wrapped around the breaker would see it) and its attempt timeout, which runs from
// its first ask. When the breaker transitions, an event at that instant (after the events
// already due then) asks the breaker again for every held attempt, in the order they first
// asked: admitted, it goes to the target with its latency counted from its first ask;
// rejected, it fails fast; told to wait again, it stays held. An attempt whose timeout fires
// while held is refused: counted as rejected (it never reached the target) and, like any
// rejection, not retried. `calls`, `retries`, `allowed` and `rejected` count a held attempt
// once, in the bucket where the breaker finally decides.

void Run::Impl::hold(std::uint32_t ci, std::uint32_t b) {
    sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    --e.acc.calls;  // counted when the breaker decides
    if (c.attempt > 1) --e.acc.retries;
    ++e.waited;
    c.token = ++attempt_seq;
    c.attempt_start = sim.now();
    if (const SimTime limit = attempt_limit(e); limit > 0)
        add_timeout(c.edge, sim.now() + limit, ci, c.token);
    park(ci, b);
}

void Run::Impl::park(std::uint32_t ci, std::uint32_t b) {
    sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    c.held = true;
    ++e.held_now;
    ++e.inflight[c.instance];
    ++e.inflight_total;
    if (e.held.size() <= b) e.held.resize(b + 1);
    e.held[b].push_back(sim::Held{ci, c.token});
}

void Run::Impl::release_held(std::uint32_t edge, std::uint32_t b) {
    sim::EdgeModel& e = edges[edge];
    if (b >= e.held.size() || e.held[b].empty()) return;
    sim::Ring<sim::Held> batch;
    std::swap(batch, e.held[b]);  // attempts held again go to a fresh ring
    for (; !batch.empty(); batch.pop_front()) {
        const sim::Held h = batch.front();
        sim::Call& c = calls[h.call];
        if (!c.held || c.token != h.token) continue;  // timed out while held
        c.held = false;
        --e.held_now;
        --e.inflight[c.instance];
        --e.inflight_total;
        readmit(h.call);
    }
}

void Run::Impl::readmit(std::uint32_t ci) {
    sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    if (!e.breakers.empty()) {
        const std::uint32_t b = e.shared ? 0 : c.instance;
        const Admission a = e.breakers[b]->acquire(sim.now());
        if (a.waits()) {
            park(ci, b);
            return;
        }
        ++e.acc.calls;
        if (c.attempt > 1) ++e.acc.retries;
        if (!a.allowed()) {
            refuse(ci, a.rejection);
            return;
        }
        c.take_permit(a.permit, b, e.epoch);
    } else {  // the breaker was removed while the attempt was held
        ++e.acc.calls;
        if (c.attempt > 1) ++e.acc.retries;
    }
    ++e.acc.allowed;
    ++e.inflight[c.instance];
    ++e.inflight_total;
    c.waiting = true;
    // its timeout, from the first ask, is queued already
    arrive(e.target, derive_key(c.key, c.attempt), ci, c.token);
}

void Run::Impl::held_timed_out(std::uint32_t ci) {
    sim::Call& c = calls[ci];
    sim::EdgeModel& e = edges[c.edge];
    c.held = false;
    --e.held_now;
    --e.inflight[c.instance];
    --e.inflight_total;
    ++e.acc.calls;
    if (c.attempt > 1) ++e.acc.retries;
    ++e.acc.rejected;
    call_done(ci, false);
}

// [SECTION] Events ---------------------------------------------------------------------------

// Every event of a run comes through here; in models.cpp so that the handlers of a call can be
// inlined into it.
void Run::Impl::on_event(std::uint32_t kind, std::uint64_t payload) {
    const auto lo = static_cast<std::uint32_t>(payload);
    const auto hi = static_cast<std::uint32_t>(payload >> 32);
    switch (kind) {
        case sim::kArrival:
            on_arrival();
            break;
        case sim::kWorkDone:
            on_work_done(lo);
            break;
        case sim::kTimeout:
            on_timer(lo);
            break;
        case sim::kRetry:
            if (calls[hi].token == lo && !calls[hi].waiting) try_attempt(hi);
            break;
        case sim::kStoreWrite:
            on_store_write(lo);
            break;
        case sim::kPhase:
            on_phase(lo);
            break;
        case sim::kRampTick:
            on_ramp_tick(payload);
            break;
        case sim::kBoundary:
            on_boundary(static_cast<SimTime>(payload));
            break;
        case sim::kBreakerTimer:
            on_breaker_timer(hi, lo);
            break;
        case sim::kRelease:
            release_held(hi, lo);
            break;
        default:
            break;
    }
}

// [SECTION] Edges: breakers and their transitions --------------------------------------------

void Run::Impl::grow_caller_instances(std::uint32_t edge) {
    sim::EdgeModel& e = edges[edge];
    const auto n = services[e.caller].instances.size();
    if (e.inflight.size() < n) e.inflight.resize(n, 0);
    if (e.budget.size() < n) e.budget.resize(n, sim::Budget{e.cfg->retry.budget_burst, sim.now()});
    if (e.cfg->breaker && !e.shared && e.breakers.size() < n) build_breakers(edge);
}

void Run::Impl::build_breakers(std::uint32_t edge) {
    sim::EdgeModel& e = edges[edge];
    const SimTime now = sim.now();
    for (std::size_t b = 0; b < e.breakers.size(); ++b)
        e.time_in_state[b][static_cast<std::size_t>(e.state[b])] += now - e.since[b];
    for (EventId& id : e.breaker_timers)
        sim.cancel(id);
    e.breaker_timers.clear();
    e.breakers.clear();
    e.call_timeout = 0;
    ++e.epoch;
    e.open_count = 0;
    e.notclosed = 0;
    for (std::uint32_t b = 0; b < e.held.size(); ++b) {  // held attempts ask the new breakers
        if (!e.held[b].empty()) sim.schedule_at(now, this, sim::kRelease, pack(edge, b));
    }
    if (!e.cfg->breaker) return;
    e.shared = e.cfg->breaker_scope == BreakerScope::shared;
    const std::size_t n = e.shared ? 1 : services[e.caller].instances.size();
    e.state.assign(n, State::closed);
    e.since.assign(n, now);
    if (e.time_in_state.size() < n) e.time_in_state.resize(n, {});
    for (std::size_t b = 0; b < n; ++b) {
        e.breakers.push_back(make_breaker(*e.cfg->breaker));
        const auto bi = static_cast<std::uint32_t>(b);
        e.breakers.back()->set_transition_sink(
            [this, edge, bi](const Transition& t) { on_transition(edge, bi, t); });
    }
    breakers_changed(edge);
}

void Run::Impl::breakers_changed(std::uint32_t edge) {
    sim::EdgeModel& e = edges[edge];
    e.call_timeout = e.breakers.empty() ? 0 : e.breakers[0]->call_timeout();
    e.breaker_timers.resize(e.breakers.size());
    for (std::uint32_t b = 0; b < e.breakers.size(); ++b)
        schedule_breaker_timer(edge, b);
}

void Run::Impl::schedule_breaker_timer(std::uint32_t edge, std::uint32_t b) {
    sim::EdgeModel& e = edges[edge];
    if (b >= e.breaker_timers.size()) return;  // while the breakers are being built
    sim.cancel(e.breaker_timers[b]);
    e.breaker_timers[b] = EventId{};
    const std::optional<SimTime> due = e.breakers[b]->next_timed_transition();
    if (!due) return;
    e.breaker_timers[b] = sim.schedule_at(std::max(*due, sim.now()), this, sim::kBreakerTimer,
                                          (std::uint64_t{edge} << 32) | b);
}

void Run::Impl::on_breaker_timer(std::uint32_t edge, std::uint32_t b) {
    sim::EdgeModel& e = edges[edge];
    if (b >= e.breakers.size()) return;
    e.breaker_timers[b] = EventId{};
    e.breakers[b]->fire_timers(sim.now());  // its transitions reschedule through on_transition
    if (!e.breaker_timers[b].valid()) schedule_breaker_timer(edge, b);
}

void Run::Impl::on_transition(std::uint32_t edge, std::uint32_t b, const Transition& t) {
    sim::EdgeModel& e = edges[edge];
    const auto from = static_cast<std::size_t>(t.from);
    const auto to = static_cast<std::size_t>(t.to);
    e.time_in_state[b][static_cast<std::size_t>(e.state[b])] += t.at - e.since[b];
    e.since[b] = t.at;
    if (severe(e.state[b])) --e.open_count;
    if (e.state[b] != State::closed) --e.notclosed;
    e.state[b] = t.to;
    if (severe(t.to)) ++e.open_count;
    if (t.to != State::closed) ++e.notclosed;
    ++e.transitions;
    std::string reason = t.text();
    if (b == 0) {
        ++e.transitions0[from][to];
        e.last_reason0 = reason;
        e.last_transition0 = t.at;
    }
    if (severe(t.to)) {
        ++e.opens;
        const double p = true_failure_probability(*services[e.target].cfg);
        const double threshold = failure_threshold(*e.cfg->breaker);
        if (threshold > 0 ? p < threshold : p <= 0.0) ++e.false_trips;
        if (e.fault_at) {
            e.detect_sum += t.at - *e.fault_at;
            ++e.detections;
            e.fault_at.reset();
        }
    }
    if (e.notclosed == 0 && e.clear_at) {
        e.recover_sum += t.at - *e.clear_at;
        ++e.recoveries;
        e.clear_at.reset();
    }
    recorder->add_event(EventRecord{EventRecord::Kind::transition, t.at, e.name,
                                    e.shared ? -1 : static_cast<std::int32_t>(b), to_string(t.from),
                                    to_string(t.to), std::move(reason)});
    schedule_breaker_timer(edge, b);
    // Attempts the breaker holds ask again at this instant, once the event causing it is done.
    if (b < e.held.size() && !e.held[b].empty())
        sim.schedule_at(sim.now(), this, sim::kRelease, pack(edge, b));
}

double true_failure_probability(const Service& s) {
    double f = s.failure_rate;
    if (s.failure_pattern == FailurePattern::every_nth && s.every_nth > 0)
        f = 1.0 / static_cast<double>(s.every_nth);
    const double faulty =
        s.faulty_instances == 0 || s.faulty_instances >= s.instances
            ? 1.0
            : static_cast<double>(s.faulty_instances) / static_cast<double>(s.instances);
    return faulty * (f + (1.0 - f) * s.hang_rate);
}

double failure_threshold(const BreakerConfig& config) {
    return detail::visit_preset(config.settings, [](const auto& entry, const auto& s) {
        return entry.failure_threshold(s);
    });
}

void Run::Impl::mark_fault_or_clear(std::uint32_t service, const Service& before) {
    // The changes of one instant are one change: the end of a fault that restores two keys
    // (failure_rate and faulty_instances) clears it even when the step between them is worse
    // than the first. Compared with the service before the instant's first change; when that
    // shows no net change, with the service before this change.
    sim::ServiceModel& model = services[service];
    if (model.changed_at != sim.now() || !model.instant_before) {
        model.changed_at = sim.now();
        model.instant_before = before;
    }
    const Service& after = *model.cfg;
    auto tail_ms = [](const Service& s) {
        switch (s.latency.dist) {
            case LatencyDist::lognormal:
                return s.latency.p99_ms;
            case LatencyDist::exponential:
                return s.latency.mean_ms * 4.605170185988091;  // p99 of an exponential
            case LatencyDist::constant:
                return s.latency.constant_ms;
        }
        return 0.0;
    };
    auto workers = [](const Service& s) {
        return s.capacity == 0 ? 1e300 : static_cast<double>(s.capacity * s.instances);
    };
    bool worse = false, better = false;
    const auto compare = [&](const Service& from) {
        const double p0 = true_failure_probability(from), p1 = true_failure_probability(after);
        const double l0 = tail_ms(from), l1 = tail_ms(after);
        const double w0 = workers(from), w1 = workers(after);
        worse = p1 > p0 || l1 > l0 || w1 < w0;
        better = p1 < p0 || l1 < l0 || w1 > w0;
    };
    compare(*model.instant_before);
    if (worse == better) compare(before);
    if (worse == better) return;
    for (std::uint32_t ei : services[service].in_edges) {
        sim::EdgeModel& e = edges[ei];
        if (e.breakers.empty()) continue;
        if (worse) {
            if (!e.fault_at && e.open_count == 0) {
                e.fault_at = sim.now();
                ++e.faults;
            }
            e.clear_at.reset();
        } else {
            e.fault_at.reset();
            if (e.notclosed > 0 && !e.clear_at) e.clear_at = sim.now();
        }
    }
}

}  // namespace cbsim
