// run.cpp: Run and Run::Impl wiring: construction, the timeline, live changes, time buckets,
// the live breaker view and the KPIs.
//
// [SECTION] Construction
// [SECTION] Events and time
// [SECTION] Timeline and changes
// [SECTION] Buckets
// [SECTION] Summary
// [SECTION] Run (public API)
#include <algorithm>
#include <map>

#include "cbsim/edge_name.hpp"
#include "cbsim/error.hpp"
#include "cbsim/number_text.hpp"
#include "sim/engine.hpp"

namespace cbsim {

using sim::kNone;

// [SECTION] Construction ---------------------------------------------------------------------

namespace {
Scenario checked(Scenario s) {
    const auto problems = validate(s);
    if (!problems.empty()) throw ConfigError("", 0, problems.front().key, problems.front().message);
    return s;
}
}  // namespace

Run::Impl::Impl(Scenario sc, std::size_t max_rows)
    : scenario(checked(std::move(sc))), live(scenario), sim(4096) {
    resolution = scenario.resolution_ms * kMillisecond;
    const std::uint64_t seed = scenario.seed;

    timeline_order = timeline_actions(scenario.timeline);

    // Every service and edge of the run: the scenario's, then those the timeline adds.
    std::vector<std::string> service_names;
    std::vector<EdgeName> edge_names{EdgeName::entry(live.traffic.target)};
    for (const Service& s : live.services) {
        service_cfg.push_back(std::make_unique<Service>(s));
        service_names.push_back(s.name);
    }
    edge_cfg.emplace_back();  // the entry edge has no dependency
    for (const Service& s : live.services) {
        for (const Dependency& d : s.dependencies) {
            edge_cfg.push_back(std::make_unique<Dependency>(d));
            edge_names.push_back(EdgeName{s.name, d.target});
        }
    }
    for (const TimelineEntry& t : scenario.timeline) {
        const auto* name = std::get_if<std::string>(&t.value);
        if (name == nullptr) continue;
        if (t.path == topology::kAddService &&
            std::find(service_names.begin(), service_names.end(), *name) == service_names.end()) {
            auto added = std::make_unique<Service>();
            added->name = *name;
            service_cfg.push_back(std::move(added));
            service_names.push_back(*name);
        } else if (t.path == topology::kAddDependency) {
            const auto e = EdgeName::parse(*name);
            if (!e || std::find(edge_names.begin(), edge_names.end(), *e) != edge_names.end())
                continue;
            auto added = std::make_unique<Dependency>();
            added->target = e->target;
            edge_cfg.push_back(std::move(added));
            edge_names.push_back(*e);
        }
    }
    services.resize(service_cfg.size());
    for (std::uint32_t i = 0; i < services.size(); ++i) {
        services[i].cfg = service_cfg[i].get();
        services[i].present = live.find_service(service_names[i]) != nullptr;
        service_index.emplace(service_names[i], i);
    }
    edges.reserve(edge_names.size());
    for (std::uint32_t ei = 0; ei < edge_names.size(); ++ei) {
        sim::EdgeModel e;
        e.name = edge_names[ei].text();
        e.target = service_index.at(edge_names[ei].target);
        if (ei > 0) {
            e.cfg = edge_cfg[ei].get();
            e.caller = service_index.at(edge_names[ei].caller);
            e.stream = stream_id("edge:" + e.name);
            const Service* caller = live.find_service(edge_names[ei].caller);
            e.present =
                caller != nullptr &&
                std::any_of(caller->dependencies.begin(), caller->dependencies.end(),
                            [&](const Dependency& d) { return d.target == edge_names[ei].target; });
        }
        edge_index.emplace(e.name, ei);
        edges.push_back(std::move(e));
    }
    relink();
    for (std::uint32_t i = 0; i < services.size(); ++i)
        refresh_service(i);
    for (std::uint32_t ei = 1; ei < edges.size(); ++ei)
        build_breakers(ei);

    std::vector<std::string> edge_texts;
    for (const auto& e : edges)
        edge_texts.push_back(e.name);
    recorder = std::make_unique<Recorder>(resolution, edge_texts, service_names, max_rows);
    row_edges.resize(edges.size());
    row_services.resize(services.size());
    live_views.resize(edges.size());
    // The breakers as they start, so a run that has not advanced (paused at t = 0) shows them.
    for (std::uint32_t ei = 0; ei < edges.size(); ++ei)
        live_views[ei] = live_view(ei, 0);
    recorder->publish_live(live_views);
    sim.set_period_hook(resolution, this, sim::kBoundary);

    traffic.rng = Rng(seed, stream_id("traffic"));
    traffic.key = derive_key(seed, stream_id("requests"));
    for (std::uint32_t p = 0; p < live.traffic.phases.size(); ++p)
        sim.schedule_at(live.traffic.phases[p].at, this, sim::kPhase, p);
    set_rate(live.traffic.rate_rps);
}

// [SECTION] Events and time ------------------------------------------------------------------

void Run::Impl::advance_to(SimTime t) {
    while (next_timeline < timeline_order.size()) {
        const TimelineAction& a = timeline_order[next_timeline];
        if (a.at >= t) break;
        sim.run_until(a.at);
        ++next_timeline;
        perform(a);
    }
    sim.run_until(t);
}

// [SECTION] Timeline and changes -------------------------------------------------------------

void Run::Impl::flush_timeline_at_or_before(SimTime t) {
    while (next_timeline < timeline_order.size()) {
        const TimelineAction& a = timeline_order[next_timeline];
        if (a.at > t) break;
        ++next_timeline;
        perform(a);
    }
}

void Run::Impl::perform(const TimelineAction& a) {
    // Validated when the run was built: every action applies.
    const TimelineEntry& e = scenario.timeline[a.entry];
    if (!e.gesture()) {
        apply_change(e.path, e.value);
    } else if (a.step == TimelineAction::kGestureEnd) {
        record_gesture(e, gesture_from[a.entry]);
        gesture_from.erase(a.entry);
    } else {
        std::string before;
        apply_change(e.path, e.steps[a.step].value, false, &before);
        if (a.step == 0) gesture_from[a.entry] = std::move(before);
    }
}

std::string Run::Impl::apply_change(std::string_view path, const SettingValue& value, bool record,
                                    std::string* before_text) {
    const auto before = get_setting(live, path);
    const std::string head(path.substr(0, path.find('.')));
    std::optional<Service> service_before;
    if (const Service* s = live.find_service(head)) service_before = *s;
    if (path == topology::kAddService || path == topology::kAddDependency) {
        const auto& index = path == topology::kAddService ? service_index : edge_index;
        const std::string name = to_string(value);
        if (!index.contains(name))
            return std::string(path) + ": " + name +
                   " has no model in this run (models are built when a run starts); run "
                   "Run::scenario_with() instead";
    }
    std::string error = apply_setting(live, path, value);
    if (!error.empty()) return error;
    sync_models(path);
    if (is_topology_path(path)) {
        if (!record) return {};
        ++changes_applied;
        const std::string name = to_string(value);
        const bool add = path == topology::kAddService || path == topology::kAddDependency;
        recorder->add_event(EventRecord{EventRecord::Kind::change, sim.now(), std::string(path), -1,
                                        add ? "" : name, add ? name : "",
                                        std::string(path) + " " + name});
        return {};
    }
    react_to_change(path, service_before ? &*service_before : nullptr);
    if (before_text) *before_text = before ? to_string(*before) : "";
    if (!record) return {};
    ++changes_applied;
    const auto after = get_setting(live, path);
    recorder->add_event(EventRecord{EventRecord::Kind::change, sim.now(), std::string(path), -1,
                                    before ? to_string(*before) : "",
                                    after ? to_string(*after) : "", "set " + std::string(path)});
    return {};
}

void Run::Impl::sync_models(std::string_view path) {
    if (!is_topology_path(path)) {
        const std::string_view head = path.substr(0, path.find('.'));
        if (head == "traffic") return;
        if (const auto e = EdgeName::parse(head)) {
            const auto ei = edge_index.find(head);
            const Service* caller = live.find_service(e->caller);
            if (ei == edge_index.end() || caller == nullptr) return;
            for (const Dependency& d : caller->dependencies) {
                if (d.target == e->target) *edge_cfg[ei->second] = d;
            }
        } else if (const auto si = service_index.find(head); si != service_index.end()) {
            if (const Service* s = live.find_service(head)) *service_cfg[si->second] = *s;
        }
        return;
    }
    std::vector<std::uint32_t> added_services, added_edges;
    for (std::uint32_t i = 0; i < services.size(); ++i) {
        const Service* s = live.find_service(service_cfg[i]->name);
        if (s != nullptr && !services[i].present) {
            *service_cfg[i] = *s;
            added_services.push_back(i);
        }
        services[i].present = s != nullptr;
    }
    for (std::uint32_t ei = 1; ei < edges.size(); ++ei) {
        sim::EdgeModel& e = edges[ei];
        const Dependency* dep = nullptr;
        if (const Service* caller = live.find_service(service_cfg[e.caller]->name)) {
            for (const Dependency& d : caller->dependencies) {
                if (d.target == service_cfg[e.target]->name) dep = &d;
            }
        }
        if (dep != nullptr && !e.present) {
            *edge_cfg[ei] = *dep;
            added_edges.push_back(ei);
        }
        e.present = dep != nullptr;
    }
    relink();
    for (std::uint32_t i : added_services)
        refresh_service(i);
    for (std::uint32_t ei : added_edges) {
        grow_caller_instances(ei);
        build_breakers(ei);
    }
}

void Run::Impl::relink() {
    for (sim::ServiceModel& s : services) {
        s.out_edges.clear();
        s.in_edges.clear();
    }
    for (std::uint32_t ei = 0; ei < edges.size(); ++ei) {
        const sim::EdgeModel& e = edges[ei];
        if (!e.present) continue;
        if (ei > 0) services[e.caller].out_edges.push_back(ei);
        services[e.target].in_edges.push_back(ei);
    }
}

void Run::Impl::record_gesture(const TimelineEntry& e, const std::string& from) {
    ++changes_applied;
    // "drag B.failure_rate 10.2 s to 11 s (0.8 s)": recorded at the end, it names the start.
    std::string reason = "drag " + e.path + " ";
    text::trimmed(reason, to_s(e.at), 3);
    reason += " s to ";
    text::trimmed(reason, to_s(e.until), 3);
    reason += " s (";
    text::trimmed(reason, to_s(e.until - e.at), 3);
    reason += " s)";
    recorder->add_event(EventRecord{EventRecord::Kind::change, sim.now(), e.path, -1, from,
                                    to_string(e.value), std::move(reason), e.at});
}

void Run::Impl::end_live_gesture() {
    if (!live_gesture) return;
    TimelineEntry& e = scenario.timeline[*live_gesture];
    live_gesture.reset();
    e.until = sim.now();
    if (e.steps.size() == 1 && e.until == e.at) {
        // A click: one value at one instant is a plain entry, recorded as one.
        e.steps.clear();
        e.until = 0;
        const auto value = get_setting(live, e.path);
        recorder->add_event(EventRecord{EventRecord::Kind::change, sim.now(), e.path, -1,
                                        live_gesture_from, value ? to_string(*value) : "",
                                        "set " + e.path});
        ++changes_applied;
        return;
    }
    record_gesture(e, live_gesture_from);
}

void Run::Impl::react_to_change(std::string_view path, const Service* before) {
    const std::string_view head = path.substr(0, path.find('.'));
    const std::string_view key = path.substr(head.size() + 1);
    if (head == "traffic") {
        traffic.ramping = false;  // the latest change wins over a ramp in progress
        ++traffic.ramp_gen;
        set_rate(live.traffic.rate_rps);
        return;
    }
    if (!EdgeName::parse(head)) {
        if (const auto i = service_index.find(head); i != service_index.end()) {
            refresh_service(i->second);
            if (before) mark_fault_or_clear(i->second, *before);
        }
        return;
    }
    for (std::uint32_t ei = 1; ei < edges.size(); ++ei) {
        sim::EdgeModel& e = edges[ei];
        if (e.name != head) continue;
        if (key == "breaker_scope" || !e.cfg->breaker || e.breakers.empty()) {
            build_breakers(ei);
        } else if (key.starts_with("breaker.")) {
            // Same preset: new settings keep state and counts; another preset: new breakers.
            bool ok = true;
            for (auto& b : e.breakers)
                ok = ok && b->reconfigure(*e.cfg->breaker, sim.now());
            if (!ok)
                build_breakers(ei);
            else
                breakers_changed(ei);
        } else if (key == "retry.budget_burst") {
            for (auto& b : e.budget)
                b.tokens = std::min(b.tokens, e.cfg->retry.budget_burst);
        }
    }
}

// [SECTION] Buckets --------------------------------------------------------------------------

void Run::Impl::fill_rows(SimTime end, bool observe, std::vector<EdgeRow>& out_edges,
                          std::vector<ServiceRow>& out_services) const {
    const SimTime length = std::max<SimTime>(1, end - bucket_start);
    for (std::size_t ei = 0; ei < edges.size(); ++ei) {
        const sim::EdgeModel& e = edges[ei];
        if (observe) {
            for (const auto& b : e.breakers)
                b->state(end);  // time-driven transitions
        }
        EdgeRow& r = out_edges[ei];
        r.calls = static_cast<std::uint32_t>(e.acc.calls);
        r.allowed = static_cast<std::uint32_t>(e.acc.allowed);
        r.rejected = static_cast<std::uint32_t>(e.acc.rejected);
        r.successes = static_cast<std::uint32_t>(e.acc.successes);
        r.failures = static_cast<std::uint32_t>(e.acc.failures);
        r.timeouts = static_cast<std::uint32_t>(e.acc.timeouts);
        r.retries = static_cast<std::uint32_t>(e.acc.retries);
        r.fallbacks = static_cast<std::uint32_t>(e.acc.fallbacks);
        r.bulkhead_rejected = static_cast<std::uint32_t>(e.acc.bulkhead_rejected);
        r.inflight = e.inflight_total;
        const std::array<double, 2> q = e.hist.quantiles(0.5, 0.99);
        r.latency_p50_ms = static_cast<float>(q[0] / 1000.0);
        r.latency_p99_ms = static_cast<float>(q[1] / 1000.0);
        r.open_instances = static_cast<std::uint16_t>(std::min<std::uint32_t>(e.open_count, 65535));
        State worst = State::closed;
        for (State s : e.state) {
            if (state_severity(s) > state_severity(worst)) worst = s;
        }
        r.state = e.breakers.empty() ? State::closed : worst;
    }
    for (std::size_t si = 0; si < services.size(); ++si) {
        const sim::ServiceModel& s = services[si];
        ServiceRow& r = out_services[si];
        r.arrivals = s.arrivals;
        r.served = s.served;
        r.dropped = s.dropped;
        r.queue = s.queued;
        const double integral =
            static_cast<double>(s.busy * end - s.busy_from * s.bucket_from - s.busy_moments);
        const double busy = integral / static_cast<double>(length);
        r.busy = static_cast<float>(busy);
        const double workers = static_cast<double>(s.cfg->capacity) *
                               static_cast<double>(std::max<std::int64_t>(1, s.cfg->instances));
        r.utilisation = workers > 0 ? static_cast<float>(busy / workers) : 0.0f;
    }
}

void Run::Impl::on_boundary(SimTime b) {
    fill_rows(b, true, row_edges, row_services);
    recorder->append(row_edges, row_services);
    for (std::uint32_t ei = 0; ei < edges.size(); ++ei) {
        sim::EdgeModel& e = edges[ei];
        e.total.add(e.acc);
        e.acc = sim::EdgeCounters{};
        e.total_hist.merge(e.hist);
        e.hist.clear();
        live_views[ei] = live_view(ei, b);
    }
    recorder->publish_live(live_views);
    for (sim::ServiceModel& s : services) {
        s.arrivals = s.served = s.dropped = 0;
        s.busy_moments = 0;
        s.busy_from = s.busy;
        s.bucket_from = b;
    }
    bucket_start = b;
}

EdgeLive Run::Impl::live_view(std::uint32_t ei, SimTime now) const {
    const sim::EdgeModel& e = edges[ei];
    EdgeLive v;
    v.has_breaker = e.present && !e.breakers.empty();  // a removed edge shows no breaker
    if (!v.has_breaker) return v;
    v.preset = e.cfg->breaker->preset();
    v.state = e.state[0];
    v.counts = e.breakers[0]->counts();
    v.window = e.breakers[0]->window(now);
    v.breakers = static_cast<std::uint32_t>(e.breakers.size());
    v.open_breakers = e.open_count;
    v.held = e.held_now;
    for (std::size_t s = 0; s < kStates; ++s)
        v.seconds_in_state[s] = to_s(e.time_in_state[0][s]);
    v.seconds_in_state[static_cast<std::size_t>(e.state[0])] += to_s(now - e.since[0]);
    v.transitions = e.transitions0;
    v.last_reason = e.last_reason0;
    v.last_transition_at = e.last_transition0;
    return v;
}

// [SECTION] Summary --------------------------------------------------------------------------

Summary Run::Impl::summary() const {
    Summary out;
    out.scenario = scenario.name;
    out.seed = scenario.seed;
    const SimTime now = sim.now();
    out.duration_s = to_s(now);
    out.changes_applied = changes_applied;
    out.events_processed = sim.processed();
    for (const sim::EdgeModel& e : edges) {
        EdgeSummary s;
        sim::EdgeCounters t = e.total;
        t.add(e.acc);
        LogHistogram h = e.total_hist;
        h.merge(e.hist);
        s.edge = e.name;
        s.has_breaker = e.cfg && e.cfg->breaker.has_value();
        s.first_tries = e.first_tries;
        s.finished = e.finished;
        s.succeeded = e.succeeded;
        s.attempts = t.calls;
        s.retries = t.retries;
        s.allowed = t.allowed;
        s.rejected = t.rejected;
        s.bulkhead_rejected = t.bulkhead_rejected;
        s.waited = e.waited;
        s.successes = t.successes;
        s.failures = t.failures;
        s.timeouts = t.timeouts;
        s.fallbacks = t.fallbacks;
        s.calls_saved = t.rejected;
        s.good_rejected = e.good_rejected;
        s.availability =
            e.finished ? static_cast<double>(e.succeeded) / static_cast<double>(e.finished) : 1.0;
        s.retry_amplification =
            e.first_tries ? static_cast<double>(t.calls) / static_cast<double>(e.first_tries) : 1.0;
        s.latency_mean_ms = h.mean() / 1000.0;
        s.latency_p50_ms = h.quantile(0.5) / 1000.0;
        s.latency_p99_ms = h.quantile(0.99) / 1000.0;
        s.transitions = e.transitions;
        s.opens = e.opens;
        s.false_trips = e.false_trips;
        s.faults = e.faults;
        s.detections = e.detections;
        if (e.detections)
            s.detection_delay_s = to_s(e.detect_sum) / static_cast<double>(e.detections);
        s.recoveries = e.recoveries;
        if (e.recoveries)
            s.recovery_delay_s = to_s(e.recover_sum) / static_cast<double>(e.recoveries);
        if (!e.state.empty()) {
            for (std::size_t b = 0; b < e.state.size(); ++b) {
                for (std::size_t st = 0; st < kStates; ++st) {
                    SimTime secs = e.time_in_state[b][st];
                    if (static_cast<std::size_t>(e.state[b]) == st) secs += now - e.since[b];
                    s.seconds_in_state[st] += to_s(secs) / static_cast<double>(e.state.size());
                }
            }
        }
        out.rejected += s.rejected;
        out.calls_saved += s.calls_saved;
        out.edges.push_back(std::move(s));
    }
    out.requests = edges[0].first_tries;
    out.availability = out.edges[0].availability;
    return out;
}

// [SECTION] Run (public API) -----------------------------------------------------------------

Run::Run(Scenario scenario, std::size_t max_rows)
    : impl_(std::make_unique<Impl>(std::move(scenario), max_rows)) {}
Run::~Run() = default;

SimTime Run::now() const {
    return impl_->sim.now();
}
void Run::advance_to(SimTime t) {
    if (t > impl_->sim.now()) impl_->advance_to(t);
}

std::string Run::apply(std::string_view path, const SettingValue& value) {
    Impl& m = *impl_;
    m.flush_timeline_at_or_before(m.sim.now());
    m.end_live_gesture();
    std::string error = m.apply_change(path, value);
    if (error.empty()) m.scenario.timeline.push_back({m.sim.now(), std::string(path), value});
    return error;
}

void Run::settle() {
    Impl& m = *impl_;
    const std::size_t before = m.next_timeline;
    m.flush_timeline_at_or_before(m.sim.now());
    if (m.next_timeline == before) return;
    // The breakers those entries built or changed, shown at once (as at construction).
    for (std::uint32_t ei = 0; ei < m.edges.size(); ++ei)
        m.live_views[ei] = m.live_view(ei, m.sim.now());
    m.recorder->publish_live(m.live_views);
}

Scenario Run::scenario_with(const std::vector<Change>& changes) const {
    Scenario s = impl_->scenario;
    if (impl_->live_gesture) s.timeline[*impl_->live_gesture].until = now();
    for (const Change& c : changes)
        s.timeline.push_back({now(), c.path, c.value});
    return s;
}

std::string Run::apply_step(std::string_view path, double value) {
    Impl& m = *impl_;
    m.flush_timeline_at_or_before(m.sim.now());
    if (m.live_gesture && m.scenario.timeline[*m.live_gesture].path != path) m.end_live_gesture();
    const auto current = get_setting(m.live, path);
    if (current && *current == SettingValue(value)) return {};  // nothing to apply
    std::string before;
    std::string error = m.apply_change(path, value, false, &before);
    if (!error.empty()) return error;
    const SimTime now = m.sim.now();
    if (!m.live_gesture) {
        m.live_gesture = m.scenario.timeline.size();
        m.live_gesture_from = std::move(before);
        m.scenario.timeline.push_back({now, std::string(path), value, {}, now});
    }
    TimelineEntry& e = m.scenario.timeline[*m.live_gesture];
    e.steps.push_back({now, value});
    e.value = value;
    e.until = now;
    return {};
}

std::optional<TimelineEntry> Run::end_gesture() {
    if (!impl_->live_gesture) return std::nullopt;
    const std::size_t i = *impl_->live_gesture;
    impl_->flush_timeline_at_or_before(impl_->sim.now());
    impl_->end_live_gesture();
    return impl_->scenario.timeline[i];
}

std::optional<TimelineEntry> Run::gesture() const {
    if (!impl_->live_gesture) return std::nullopt;
    TimelineEntry e = impl_->scenario.timeline[*impl_->live_gesture];
    e.until = now();
    return e;
}

const Scenario& Run::scenario() const {
    return impl_->scenario;
}
Scenario Run::exported_scenario() const {
    Scenario s = impl_->scenario;
    if (impl_->live_gesture) s.timeline[*impl_->live_gesture].until = now();
    if (now() > 0) s.duration_s = to_s(now());
    return s;
}
const Scenario& Run::live() const {
    return impl_->live;
}
const Recorder& Run::recorder() const {
    return *impl_->recorder;
}
Summary Run::summary() const {
    return impl_->summary();
}

Run::PartialBucket Run::partial_bucket() const {
    PartialBucket p;
    p.start = impl_->bucket_start;
    if (now() <= impl_->bucket_start) return p;
    p.edges.resize(impl_->edges.size());
    p.services.resize(impl_->services.size());
    impl_->fill_rows(now(), false, p.edges, p.services);
    return p;
}

std::uint64_t Run::events_processed() const {
    return impl_->sim.processed();
}
std::uint64_t Run::requests() const {
    return impl_->traffic.requests;
}

}  // namespace cbsim
