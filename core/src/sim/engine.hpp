// sim/engine.hpp: the models behind Run (internal to cbsim_core).
//
// [SECTION] Pooled objects (jobs at services, logical calls on edges)
// [SECTION] Models (traffic, service, edge)
// [SECTION] Run::Impl
//
// Flow of one request: the traffic model makes a client request arrive at the entry service;
// a service instance takes it on a worker or queues it (FIFO, bounded); when its work ends it
// fails, hangs, or calls every dependency in parallel (one logical Call per edge, retried per
// the edge's policy) and answers when all of them are done. Objects live in pools (vectors
// with free lists, indexed, not referenced, across allocations), so steady runs allocate
// nothing per call.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"
#include "cbsim/histogram.hpp"
#include "cbsim/recorder.hpp"
#include "cbsim/rng.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario.hpp"
#include "cbsim/simulator.hpp"

namespace cbsim {

namespace sim {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

/// A gap between client arrivals of this many microseconds or more (2^62, about 146,000
/// years) is never scheduled: far beyond any run, and still far from SimTime's overflow.
inline constexpr double kNoArrivalUs = 4611686018427387904.0;

enum Kind : std::uint32_t {
    kArrival,     // next client request
    kWorkDone,    // payload: job
    kTimeout,     // payload: edge (its earliest pending timeout is due)
    kRetry,       // payload: call << 32 | token
    kStoreWrite,  // payload: pending store write
    kPhase,       // payload: traffic phase index
    kRampTick,    // payload: ramp generation
    kBoundary,    // payload: bucket end time
    // payload: edge << 32 | breaker (its next timed transition may be due)
    kBreakerTimer,
    kRelease,  // payload: edge << 32 | breaker (its held attempts ask again)
};

// [SECTION] Pooled objects (jobs at services, logical calls on edges) ---------------------------

/// A call being served by a service instance.
struct Job {
    std::uint64_t key = 0;  // identity of the call (docs/SIMULATION.md "Random numbers")
    std::uint32_t service = 0;
    std::uint32_t instance = 0;
    std::uint32_t call = kNone;  // the caller's Call, kNone for a client request
    std::uint32_t token = 0;     // the caller's attempt token
    SimTime arrived = 0;
    std::uint32_t pending = 0;  // dependencies still running
    bool failed = false;        // own work failed
    bool hang = false;          // never answers
    bool dep_failed = false;    // a dependency finally failed
};

/// A logical call on an edge: first try plus retries, one attempt outstanding at a time.
struct Call {
    std::uint64_t key = 0;  // derive_key(caller job's key, edge stream); attempt a's job key
                            // is derive_key(key, a)
    std::uint32_t edge = 0;
    std::uint32_t job = 0;       // the caller's job
    std::uint32_t instance = 0;  // the caller's instance
    std::uint32_t attempt = 0;   // attempts made
    std::uint32_t token = 0;     // unique per attempt: stale answers and timeouts are dropped
    bool waiting = false;
    bool held = false;  // the breaker answered wait: held until it transitions
    bool has_permit = false;
    std::uint32_t breaker = 0;
    std::uint64_t epoch = 0;  // breaker set the permit came from
    Permit permit{};
    SimTime attempt_start = 0;
    SimTime prev_sleep = 0;  // decorrelated jitter

    /// Keeps the breaker's permit (and which breaker of which set) for the attempt's record.
    void take_permit(const Permit& p, std::uint32_t b, std::uint64_t e) {
        has_permit = true;
        permit = p;
        breaker = b;
        epoch = e;
    }
};

/// Objects in one vector with a free list of indices. The vector may relocate when alloc()
/// grows it, so callers keep indices, never references, across anything that can allocate
/// (arrive() allocates a Job, start_call() a Call); one vector is one load cheaper per access
/// than chunks, and the models index their objects a dozen times per call.
template <typename T>
struct Pool {
    std::vector<T> items;
    std::vector<std::uint32_t> free;
    /// An object to be assigned whole by the caller (a reused one keeps its old values).
    std::uint32_t alloc() {
        if (free.empty()) return add();
        const std::uint32_t i = free.back();
        free.pop_back();
        return i;
    }
    void release(std::uint32_t i) { free.push_back(i); }
    [[gnu::noinline]] std::uint32_t add() {  // a new object: the rare, growing path
        items.emplace_back();
        return static_cast<std::uint32_t>(items.size() - 1);
    }
    T& operator[](std::uint32_t i) { return items[i]; }
    const T& operator[](std::uint32_t i) const { return items[i]; }
    std::size_t live() const { return items.size() - free.size(); }
};

/// A FIFO in a ring of power-of-two capacity: push_back and pop_front without the node
/// allocations of std::deque; storage grows (doubling) and is kept.
template <typename T>
struct Ring {
    std::vector<T> items;  // capacity: a power of two, or empty
    std::size_t head = 0, count = 0;
    bool empty() const { return count == 0; }
    std::size_t size() const { return count; }
    T& at(std::size_t i) { return items[(head + i) & (items.size() - 1)]; }
    const T& at(std::size_t i) const { return items[(head + i) & (items.size() - 1)]; }
    T& front() { return at(0); }
    T& back() { return at(count - 1); }
    void push_back(const T& v) {
        if (count == items.size()) grow();
        at(count++) = v;
    }
    void pop_front() {
        head = (head + 1) & (items.size() - 1);
        --count;
    }
    [[gnu::noinline]] void grow() {
        std::vector<T> bigger(items.empty() ? 16 : items.size() * 2);
        for (std::size_t i = 0; i < count; ++i)
            bigger[i] = at(i);
        items.swap(bigger);
        head = 0;
    }
};

// [SECTION] Models (traffic, service, edge) -----------------------------------------------------

struct TrafficModel {
    Rng rng{0, 0};          // arrival gaps (a sequential stream)
    std::uint64_t key = 0;  // request i's job key is derive_key(key, i)
    double rate = 0.0;
    double mean_gap_us = 0.0;  // 1e6 / rate, set with it
    // Arrival instants kept exact (unrounded microseconds): each is scheduled at its nearest
    // microsecond, but the next gap counts from the exact instant, so rounding never adds up
    // (a 3.3 us gap stays 3.3 us on average, and a Poisson gap below 0.5 us is not lost).
    double last_exact_us = 0.0;  // the last arrival
    double next_exact_us = 0.0;  // the pending one
    std::uint64_t requests = 0;
    // a ramp in progress
    std::uint64_t ramp_gen = 0;
    bool ramping = false;
    SimTime ramp_start = 0, ramp_end = 0;
    double ramp_from = 0.0, ramp_to = 0.0;
};

struct Instance {
    std::uint32_t busy = 0;
    Ring<std::uint32_t> queue;
};

struct ServiceModel {
    const Service* cfg = nullptr;     // Run::Impl::service_cfg (stable; a copy of live's)
    bool present = true;              // in the live scenario (topology changes)
    std::vector<Instance> instances;  // grows with cfg->instances, never shrinks
    std::uint32_t rr = 0;
    std::uint64_t started = 0;  // every_nth counter
    LognormalShape lognormal;   // of the service time (ms), when its latency is lognormal
    std::vector<std::uint32_t> out_edges;
    std::vector<std::uint32_t> in_edges;
    // bucket accumulators
    std::uint32_t arrivals = 0, served = 0, dropped = 0;
    std::uint32_t queued = 0;  // over all instances
    std::int64_t busy = 0;     // over all instances
    // The bucket's time integral of busy, from [bucket_from, end): busy * end - busy_from *
    // bucket_from - busy_moments, where busy_moments sums delta * t over the changes since
    // bucket_from (exact integers; a change costs one add, no multiply).
    SimTime bucket_from = 0;
    std::int64_t busy_from = 0;
    std::int64_t busy_moments = 0;
    // The service before the first change of the instant `changed_at`: fault marking compares
    // against it, so the changes of one instant count as one (mark_fault_or_clear()).
    SimTime changed_at = -1;
    std::optional<Service> instant_before;
};

/// Per-edge counters of the current bucket (EdgeRow's counters) and the logical totals.
struct EdgeCounters {
    std::uint64_t calls = 0, allowed = 0, rejected = 0, successes = 0, failures = 0, timeouts = 0,
                  retries = 0, fallbacks = 0, bulkhead_rejected = 0;
    void add(const EdgeCounters& o) {
        calls += o.calls;
        allowed += o.allowed;
        rejected += o.rejected;
        successes += o.successes;
        failures += o.failures;
        timeouts += o.timeouts;
        retries += o.retries;
        fallbacks += o.fallbacks;
        bulkhead_rejected += o.bulkhead_rejected;
    }
};

struct Budget {
    double tokens = 0.0;
    SimTime last = 0;
};

/// An attempt's timeout. Timeouts of an edge are kept sorted by expiry in a FIFO (they are
/// scheduled in expiry order while timeout_ms does not shrink); answered attempts leave their
/// entry behind and it is skipped, so the kernel sees one timer per edge, armed only while a
/// live attempt waits, instead of an event per attempt.
struct PendingTimeout {
    SimTime at = 0;
    std::uint32_t call = 0;
    std::uint32_t token = 0;
};

/// An attempt the breaker answered wait, in the order of its first ask (the token tells a
/// stale entry, one whose attempt timed out meanwhile, from a held one).
struct Held {
    std::uint32_t call = 0;
    std::uint32_t token = 0;
};

struct EdgeModel {
    std::string name;
    const Dependency* cfg = nullptr;  // nullptr for the entry edge; else Impl::edge_cfg
    bool present = true;              // in the live scenario (topology changes)
    std::uint32_t caller = kNone;     // service index, kNone for the client
    std::uint32_t target = 0;
    std::uint64_t stream = 0;             // stream_id("edge:<name>"): keys its calls
    std::vector<std::uint32_t> inflight;  // per caller instance
    std::vector<Budget> budget;           // per caller instance
    std::uint32_t inflight_total = 0;
    Ring<PendingTimeout> timeouts;
    EventId timer;
    SimTime timer_at = 0;  // when `timer` fires; meaningful while timer is pending
    bool timer_armed = false;
    // breakers (one per caller instance, or one shared) and what we track of them
    std::vector<std::unique_ptr<Breaker>> breakers;
    std::vector<EventId> breaker_timers;  // per breaker: the event of its timed transition
    SimTime call_timeout = 0;             // the breakers' own call timeout (0: none)
    std::uint64_t epoch = 0;
    bool shared = false;
    std::vector<State> state;
    std::vector<SimTime> since;
    std::vector<std::array<SimTime, kStates>> time_in_state;
    std::array<std::array<std::uint32_t, kStates>, kStates> transitions0{};
    std::string last_reason0;
    SimTime last_transition0 = -1;
    std::uint32_t open_count = 0;  // breakers open or forced open
    std::uint32_t notclosed = 0;   // breakers not closed
    std::vector<Ring<Held>> held;  // per breaker: attempts answered wait (cockatiel)
    std::uint32_t held_now = 0;    // over every breaker
    std::uint64_t waited = 0;      // attempts ever answered wait
    // bucket
    EdgeCounters acc;
    LogHistogram hist;
    // totals (completed buckets) and logical calls
    EdgeCounters total;
    LogHistogram total_hist;
    std::uint64_t first_tries = 0, finished = 0, succeeded = 0;
    // KPIs
    std::uint64_t good_rejected = 0;  // rejected attempts that would have succeeded
    std::uint64_t transitions = 0, opens = 0, false_trips = 0, faults = 0;
    std::optional<SimTime> fault_at, clear_at;
    std::uint64_t detections = 0, recoveries = 0;
    SimTime detect_sum = 0, recover_sum = 0;
};

/// The draws of one call's own work at a service: a pure function of the job's key, the
/// service's settings and the instance it runs on (own_work()).
struct Work {
    bool fail = false;
    bool hang = false;
    double ms = 0.0;  // until it answers (or would, for a hang)
};

/// What a call would have given (would_answer()): whether it answers at all, its success, and
/// its duration.
struct WouldBe {
    bool answers = true;
    bool ok = true;
    SimTime duration = 0;
};

/// Observes the draws of every call started at a service (tests compare runs by it; nullptr,
/// the default, costs one predictable branch per call).
struct WorkProbe {
    virtual ~WorkProbe() = default;
    virtual void started(std::uint32_t service, std::uint64_t key, const Work& work) = 0;
};

struct StoreWrite {
    std::uint32_t edge = 0;
    std::uint64_t epoch = 0;
    Permit permit{};
    Outcome outcome = Outcome::success;
    SimTime duration = 0;
};

}  // namespace sim

// [SECTION] Run::Impl ---------------------------------------------------------------------------

struct Run::Impl final : EventHandler {
    Impl(Scenario scenario, std::size_t max_rows);

    void on_event(std::uint32_t kind, std::uint64_t payload) override;

    // timeline and changes (run.cpp)
    void advance_to(SimTime t);
    void flush_timeline_at_or_before(SimTime t);
    void perform(const TimelineAction& a);
    /// Applies and, with `record`, adds the change event; `before` (if given) gets the old value.
    std::string apply_change(std::string_view path, const SettingValue& value, bool record = true,
                             std::string* before = nullptr);
    /// The one change event of a finished gesture (entry `e`, value before it `from`).
    void record_gesture(const TimelineEntry& e, const std::string& from);
    void end_live_gesture();
    void react_to_change(std::string_view path, const Service* before_copy);
    /// After live changed at `path`: copies what it touched into the models' configuration
    /// (service_cfg, edge_cfg); a topology path also updates which models are present.
    void sync_models(std::string_view path);
    /// out_edges and in_edges of every service: the present edges, in edge order.
    void relink();

    // Models (models.cpp). The functions on every call's path are `inline` (defined and used
    // only in models.cpp): the core is built with -fPIC, where GCC does not inline a function
    // that could be interposed, so without it each step of a call is an out-of-line call.
    // They are always inlined, except finish(), which closes the cycle finish -> on_answer ->
    // complete_attempt -> call_done -> finish (of the caller's job); so a call's path through
    // on_event has one out-of-line call. The rare paths are noinline so that they stay out.

    // traffic
    [[gnu::noinline]] void set_rate(double rate);
    [[gnu::always_inline]] inline void schedule_arrival(bool after_arrival);
    [[gnu::always_inline]] inline void on_arrival();
    [[gnu::noinline]] void on_phase(std::uint32_t index);
    [[gnu::noinline]] void on_ramp_tick(std::uint64_t gen);

    // services. arrive() and start() return when the call will be answered, if that is known
    // already (kUnknown if not: queued, hanging, or waiting on dependencies).
    static constexpr SimTime kUnknown = std::numeric_limits<SimTime>::max();
    [[gnu::always_inline]] inline SimTime arrive(std::uint32_t service, std::uint64_t key,
                                                 std::uint32_t call, std::uint32_t token);
    [[gnu::always_inline]] inline SimTime start(std::uint32_t job);
    /// The draws of the work of a call with `key` at `service` on `instance`; `count` is its
    /// every_nth count (only read for that pattern on a faulty instance).
    [[gnu::always_inline]] inline sim::Work own_work(const sim::ServiceModel& s,
                                                     std::uint32_t instance, std::uint64_t key,
                                                     std::uint64_t count) const;
    /// What a call with `key` at `service` would give, from the draws alone: its own work and,
    /// recursively, its dependencies' logical calls with their retries, backoffs, timeouts and
    /// fallbacks (no queueing, breakers, bulkheads or retry budgets). For good_rejected. Each
    /// would-be call takes one of `would_budget`; with none left it counts as never answering.
    [[gnu::noinline]] sim::WouldBe would_answer(std::uint32_t service, std::uint64_t key);
    [[gnu::noinline]] sim::WouldBe would_call(std::uint32_t edge, std::uint64_t job_key);
    /// Would-be calls one rejection may evaluate: bounds the work of deep graphs with many
    /// attempts per call (up to 100^depth); past it a would-be call never answers.
    static constexpr std::uint32_t kWouldBudget = 1024;
    [[gnu::always_inline]] inline void on_work_done(std::uint32_t job);
    [[gnu::always_inline]] inline void release_worker(std::uint32_t service,
                                                      std::uint32_t instance);
    inline void finish(std::uint32_t job, bool ok);
    [[gnu::always_inline]] inline void set_busy(sim::ServiceModel& s, std::int64_t delta);
    [[gnu::noinline]] void refresh_service(std::uint32_t service);

    // edges
    [[gnu::always_inline]] inline void start_call(std::uint32_t edge, std::uint32_t job);
    [[gnu::always_inline]] inline void try_attempt(std::uint32_t call);
    [[gnu::always_inline]] inline void on_answer(std::uint32_t call, std::uint32_t token, bool ok);
    [[gnu::noinline]] void on_timeout(std::uint32_t call, std::uint32_t token);
    // attempts held by a breaker's wait answer (sim/models.cpp "held attempts")
    [[gnu::noinline]] void hold(std::uint32_t call, std::uint32_t breaker);
    [[gnu::noinline]] void park(std::uint32_t call, std::uint32_t breaker);
    [[gnu::noinline]] void release_held(std::uint32_t edge, std::uint32_t breaker);
    [[gnu::noinline]] void readmit(std::uint32_t call);
    [[gnu::noinline]] void refuse(std::uint32_t call, Rejection rejection);
    [[gnu::noinline]] void held_timed_out(std::uint32_t call);
    [[gnu::always_inline]] inline void add_timeout(std::uint32_t edge, SimTime at,
                                                   std::uint32_t call, std::uint32_t token);
    [[gnu::noinline]] void arm_timer(std::uint32_t edge);
    [[gnu::noinline]] void on_timer(std::uint32_t edge);
    [[gnu::always_inline]] inline void complete_attempt(std::uint32_t call, Outcome outcome,
                                                        SimTime duration);
    [[gnu::always_inline]] inline void attempt_failed(std::uint32_t call);
    [[gnu::always_inline]] inline void call_done(std::uint32_t call, bool ok);
    [[gnu::noinline]] SimTime backoff(sim::EdgeModel& e, sim::Call& c);
    /// The sleep before retry `attempt + 1` of a call whose attempt `attempt` had job key
    /// `attempt_key`, after a previous sleep of `prev_sleep`.
    [[gnu::noinline]] static SimTime backoff_sleep(const RetryPolicy& r, std::uint64_t attempt_key,
                                                   std::uint32_t attempt, SimTime prev_sleep);
    [[gnu::noinline]] bool take_retry_token(sim::EdgeModel& e, std::uint32_t instance);
    [[gnu::noinline]] void on_store_write(std::uint32_t write);
    [[gnu::noinline]] void build_breakers(std::uint32_t edge);
    [[gnu::noinline]] void grow_caller_instances(std::uint32_t edge);
    [[gnu::noinline]] void on_transition(std::uint32_t edge, std::uint32_t breaker,
                                         const Transition& t);
    /// (Re)schedules the event of breaker `b`'s next timed transition, cancelling the old one.
    [[gnu::noinline]] void schedule_breaker_timer(std::uint32_t edge, std::uint32_t b);
    [[gnu::noinline]] void on_breaker_timer(std::uint32_t edge, std::uint32_t b);
    /// After the breakers of `edge` were built or reconfigured: their call timeout and timers.
    [[gnu::noinline]] void breakers_changed(std::uint32_t edge);
    [[gnu::noinline]] void mark_fault_or_clear(std::uint32_t service, const Service& before);

    // buckets and KPIs (run.cpp)
    void on_boundary(SimTime b);
    void fill_rows(SimTime end, bool observe, std::vector<EdgeRow>& edges,
                   std::vector<ServiceRow>& services) const;
    EdgeLive live_view(std::uint32_t edge, SimTime now) const;
    Summary summary() const;

    Scenario scenario;  // as loaded + applied changes
    Scenario live;      // parameters in force: the services and dependencies present now
    // The models: every service and edge that exists at any time of the run (the scenario's,
    // then those its timeline adds, in order), so indices and draws never depend on later
    // topology changes. Their configuration lives here (stable addresses), copied from live.
    std::vector<std::unique_ptr<Service>> service_cfg;
    std::vector<std::unique_ptr<Dependency>> edge_cfg;  // [0] (the entry edge) is null
    std::map<std::string, std::uint32_t, std::less<>> service_index, edge_index;
    Simulator sim;
    SimTime resolution = 0;
    std::vector<TimelineAction> timeline_order;  // of the timeline as loaded
    std::size_t next_timeline = 0;
    std::map<std::size_t, std::string> gesture_from;  // value before each gesture in progress
    std::optional<std::size_t> live_gesture;          // the gesture apply_step() is making
    std::string live_gesture_from;                    // the value before it
    std::uint64_t changes_applied = 0;
    std::uint32_t attempt_seq = 0;  // source of attempt tokens
    sim::WorkProbe* probe = nullptr;
    std::uint32_t would_budget = 0;  // of the rejection being evaluated (would_answer())

    sim::TrafficModel traffic;
    std::vector<sim::ServiceModel> services;
    // [0] = client -> entry. Filled once in the constructor (reserved, so it never relocates
    // after), a vector rather than a deque: edges[i] is on every call's path.
    std::vector<sim::EdgeModel> edges;
    sim::Pool<sim::Job> jobs;
    sim::Pool<sim::Call> calls;
    sim::Pool<sim::StoreWrite> writes;
    std::unique_ptr<Recorder> recorder;
    SimTime bucket_start = 0;
    std::vector<EdgeRow> row_edges;  // scratch
    std::vector<ServiceRow> row_services;
    std::vector<EdgeLive> live_views;
};

/// The configured failure probability of a service as its callers see it (failures + hangs).
double true_failure_probability(const Service& s);
/// The failure-rate threshold of a breaker's trip rule; 0 when the rule has none.
double failure_threshold(const BreakerConfig& config);

}  // namespace cbsim
