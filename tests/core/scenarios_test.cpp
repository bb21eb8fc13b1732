// Every scenario in assets/scenarios/ tells a story in its header comment; each story is
// asserted here on a real Run. A file without a story test (or a story without its file) fails
// ScenarioStories.EveryAssetHasAStory.
//
// [SECTION] Helpers: windows over the recorded rows, transitions, summaries
// [SECTION] Story registry
// [SECTION] Stories (one per asset)
// [SECTION] Every asset: coverage, determinism, reproduction from the exported scenario
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <cbsim/compare.hpp>
#include <cbsim/edge_name.hpp>
#include <cbsim/export.hpp>
#include <cbsim/run.hpp>
#include <cbsim/scenario.hpp>
#include <cbsim/scenario_io.hpp>
#include <cbsim/summary.hpp>

namespace cbsim {
namespace {

namespace fs = std::filesystem;

// [SECTION] Helpers: windows over the recorded rows, transitions, summaries --------------------

fs::path scenario_dir() {
    return fs::path(CBSIM_ASSET_DIR) / "scenarios";
}

/// The scenario of an asset: the file's own, or the base a compare file names.
Scenario load_asset(const std::string& file) {
    return load_scenario_or_compare((scenario_dir() / file).string()).scenario;
}

/// The variants of a compare asset (empty for a scenario file).
std::vector<Variant> asset_variants(const std::string& file) {
    return load_scenario_or_compare((scenario_dir() / file).string()).variants;
}

std::unique_ptr<Run> run_to_end(const Scenario& s) {
    auto run = std::make_unique<Run>(s);
    run->advance_to(s.duration());
    return run;
}

/// Sums of an edge's rows over the buckets of [t0, t1) (seconds).
struct EdgeWindow {
    std::uint64_t calls = 0, allowed = 0, rejected = 0, successes = 0, failures = 0, timeouts = 0,
                  retries = 0, fallbacks = 0, bulkhead_rejected = 0;
    std::uint32_t max_inflight = 0;
    double availability() const {
        const auto done = successes + failures;
        return done == 0 ? 1.0 : static_cast<double>(successes) / static_cast<double>(done);
    }
};

struct ServiceWindow {
    std::uint64_t arrivals = 0, dropped = 0;
    std::uint32_t max_queue = 0;
};

/// Row indices of [t0, t1) seconds.
std::pair<std::size_t, std::size_t> rows_of(const Recorder& r, double t0, double t1) {
    const auto res = static_cast<double>(r.resolution());
    return {static_cast<std::size_t>(t0 * 1e6 / res), static_cast<std::size_t>(t1 * 1e6 / res)};
}

EdgeWindow edge_window(const Run& run, const std::string& edge, double t0, double t1) {
    const Recorder& r = run.recorder();
    const std::size_t index = r.edge_index(edge);
    EXPECT_NE(index, Recorder::npos) << edge;
    EdgeWindow w;
    if (index == Recorder::npos) return w;
    const auto [first, last] = rows_of(r, t0, t1);
    for (const EdgeRow& row : r.edge_rows(index, first, last - first)) {
        w.calls += row.calls;
        w.allowed += row.allowed;
        w.rejected += row.rejected;
        w.successes += row.successes;
        w.failures += row.failures;
        w.timeouts += row.timeouts;
        w.retries += row.retries;
        w.fallbacks += row.fallbacks;
        w.bulkhead_rejected += row.bulkhead_rejected;
        w.max_inflight = std::max(w.max_inflight, row.inflight);
    }
    return w;
}

ServiceWindow service_window(const Run& run, const std::string& service, double t0, double t1) {
    const Recorder& r = run.recorder();
    const std::size_t index = r.service_index(service);
    EXPECT_NE(index, Recorder::npos) << service;
    ServiceWindow w;
    if (index == Recorder::npos) return w;
    const auto [first, last] = rows_of(r, t0, t1);
    for (const ServiceRow& row : r.service_rows(index, first, last - first)) {
        w.arrivals += row.arrivals;
        w.dropped += row.dropped;
        w.max_queue = std::max(w.max_queue, row.queue);
    }
    return w;
}

/// The breaker transitions recorded on `edge`, in time order.
std::vector<EventRecord> transitions(const Run& run, const std::string& edge) {
    std::vector<EventRecord> out;
    for (EventRecord& e : run.recorder().events()) {
        if (e.kind == EventRecord::Kind::transition && e.edge == edge) out.push_back(std::move(e));
    }
    return out;
}

std::vector<EventRecord> transitions_of(const Run& run, const std::string& edge,
                                        std::int32_t instance) {
    std::vector<EventRecord> out;
    for (EventRecord& e : transitions(run, edge)) {
        if (e.instance == instance) out.push_back(std::move(e));
    }
    return out;
}

/// The first transition on `edge` to state `to` at or after `after` seconds; nullptr if none.
const EventRecord* first_to(const std::vector<EventRecord>& events, std::string_view to,
                            double after = 0.0) {
    for (const EventRecord& e : events) {
        if (e.to == to && to_s(e.at) >= after) return &e;
    }
    return nullptr;
}

EdgeSummary edge_summary(const Run& run, const std::string& edge) {
    for (const EdgeSummary& e : run.summary().edges) {
        if (e.edge == edge) return e;
    }
    ADD_FAILURE() << "no edge " << edge;
    return {};
}

Dependency& dependency(Scenario& s, const std::string& caller, const std::string& target) {
    for (Dependency& d : s.find_service(caller)->dependencies) {
        if (d.target == target) return d;
    }
    throw std::logic_error("no dependency " + EdgeName{caller, target}.text());
}

// [SECTION] Story registry -----------------------------------------------------------------

using Story = void (*)(const Scenario&);

std::map<std::string, Story>& stories() {
    static std::map<std::string, Story> registry;
    return registry;
}

bool register_story(const char* file, Story story) {
    return stories().emplace(file, story).second;
}

/// Declares the story test of one asset: the body receives the loaded scenario as `sc`.
#define CBSIM_SCENARIO_STORY(file, name)                                                \
    void story_##name(const Scenario& sc);                                              \
    [[maybe_unused]] const bool registered_##name = register_story(file, story_##name); \
    TEST(ScenarioStory, name) {                                                         \
        story_##name(load_asset(file));                                                 \
    }                                                                                   \
    void story_##name(const Scenario& sc)

// [SECTION] Stories (one per asset) ----------------------------------------------------------

/// What a run uses of a scenario: the inactive latency fields set aside.
Scenario run_inputs(Scenario s) {
    for (Service& service : s.services) {
        const Latency d;
        Latency& l = service.latency;
        if (l.dist != LatencyDist::lognormal) l.p50_ms = d.p50_ms, l.p99_ms = d.p99_ms;
        if (l.dist != LatencyDist::exponential) l.mean_ms = d.mean_ms;
        if (l.dist != LatencyDist::constant) l.constant_ms = d.constant_ms;
    }
    return s;
}

CBSIM_SCENARIO_STORY("default.toml", DefaultHealthyThenDraggedOpen) {
    // The app starts on this file's scenario: the same as default_scenario().
    EXPECT_TRUE(run_inputs(sc) == run_inputs(default_scenario()));

    Run run(sc);
    run.advance_to(from_s(10));
    EXPECT_TRUE(transitions(run, "A->B").empty()) << "healthy: the breakers stay closed";
    EXPECT_EQ(edge_window(run, "client->A", 0, 10).failures, 0u);
    // Dragging B.failure_rate up opens both A instances' breakers within seconds.
    ASSERT_EQ(run.apply("B.failure_rate", 0.5), "");
    run.advance_to(from_s(20));
    for (std::int32_t instance : {0, 1}) {
        const auto events = transitions_of(run, "A->B", instance);
        const EventRecord* open = first_to(events, "open");
        ASSERT_NE(open, nullptr) << "instance " << instance;
        EXPECT_GE(to_s(open->at), 10.0);
        EXPECT_LT(to_s(open->at), 13.0) << "instance " << instance;
        EXPECT_EQ(open->reason, "opened: consecutive_failures 3 >= 3");
    }
    EXPECT_GT(edge_window(run, "A->B", 10, 20).rejected, 0u);
    // Dragging it back: after the 5 s open period a successful probe closes them for good.
    ASSERT_EQ(run.apply("B.failure_rate", 0.0), "");
    run.advance_to(from_s(40));
    for (std::int32_t instance : {0, 1}) {
        const auto events = transitions_of(run, "A->B", instance);
        ASSERT_FALSE(events.empty());
        EXPECT_EQ(events.back().to, "closed") << "instance " << instance;
        EXPECT_LE(to_s(events.back().at), 26.0);
    }
    EXPECT_EQ(edge_window(run, "client->A", 27, 40).failures, 0u);
}

CBSIM_SCENARIO_STORY("every_third.toml", EveryThirdNeverOpensAtRatio06) {
    const auto run = run_to_end(sc);
    const EdgeSummary ab = edge_summary(*run, "A->B");
    EXPECT_EQ(ab.transitions, 0u) << "1/3 < 0.6: a faithful breaker never opens";
    EXPECT_EQ(ab.rejected, 0u);
    ASSERT_GT(ab.allowed, 2000u);
    // B fails exactly every third call.
    EXPECT_GE(ab.failures * 3, ab.allowed - 2);
    EXPECT_LE(ab.failures * 3, ab.allowed);
    // The two A instances share one breaker state.
    const EdgeLive live = run->recorder().live(run->recorder().edge_index("A->B"));
    EXPECT_TRUE(live.has_breaker);
    EXPECT_EQ(live.breakers, 1u);

    // Control: the same pattern against a ratio of 0.3 trips at once.
    Scenario lower = sc;
    ASSERT_EQ(apply_setting(lower, "A->B.breaker.trip.failure_ratio", 0.3), "");
    const auto tripped = run_to_end(lower);
    const auto tripped_events = transitions(*tripped, "A->B");
    const EventRecord* open = first_to(tripped_events, "open");
    ASSERT_NE(open, nullptr);
    EXPECT_LT(to_s(open->at), 1.0);
}

CBSIM_SCENARIO_STORY("always_failing.toml", AlwaysFailingExactlyThreeCallsReachB) {
    const auto run = run_to_end(sc);
    EXPECT_EQ(service_window(*run, "B", 0, sc.duration_s).arrivals, 3u);
    const EdgeSummary ab = edge_summary(*run, "A->B");
    EXPECT_EQ(ab.allowed, 3u);
    EXPECT_EQ(ab.failures, 3u);
    EXPECT_EQ(ab.rejected, ab.attempts - 3);
    EXPECT_GT(ab.rejected, 250u);
    const auto events = transitions(*run, "A->B");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].from, "closed");
    EXPECT_EQ(events[0].to, "open");
    EXPECT_EQ(events[0].reason, "opened: consecutive_failures 3 >= 3");
    // The third call leaves at 0.3 s and fails 5 ms later; the 4th (0.4 s) is rejected.
    EXPECT_GE(to_s(events[0].at), 0.3);
    EXPECT_LT(to_s(events[0].at), 0.4);
    EXPECT_EQ(edge_summary(*run, "client->A").availability, 0.0);
}

CBSIM_SCENARIO_STORY("grpc_recovery.toml", GrpcOpensHalfOpensAndClosesOnRecovery) {
    const auto run = run_to_end(sc);
    const auto events = transitions(*run, "frontend->greeter");
    ASSERT_GE(events.size(), 3u);
    // closed -> open right after the failures start at 10 s ...
    EXPECT_EQ(events[0].from, "closed");
    EXPECT_EQ(events[0].to, "open");
    EXPECT_GE(to_s(events[0].at), 10.0);
    EXPECT_LT(to_s(events[0].at), 10.5);
    // ... open -> half_open strictly after the 5 s timeout, at the first call after it ...
    EXPECT_EQ(events[1].from, "open");
    EXPECT_EQ(events[1].to, "half_open");
    EXPECT_GT(events[1].at - events[0].at, from_s(5));
    EXPECT_LE(events[1].at - events[0].at, from_s(5) + from_ms(60));
    // ... and half_open -> closed only once the greeter has recovered (20 s), for good.
    const EventRecord* closed = first_to(events, "closed");
    ASSERT_NE(closed, nullptr);
    EXPECT_EQ(closed->from, "half_open");
    EXPECT_GE(to_s(closed->at), 20.0);
    EXPECT_LT(to_s(closed->at), 26.0);
    EXPECT_EQ(closed->reason, "closed: consecutive_successes 3 >= 3");
    EXPECT_EQ(&events.back(), closed) << "no transition after recovery";
    for (const EventRecord& e : events) {
        if (e.from == "half_open" && e.to == "open") {
            EXPECT_LT(to_s(e.at), 20.0);
        }
    }
}

CBSIM_SCENARIO_STORY("custom_breaker_shop.toml", ShopOnlyTheSlowServiceTrips) {
    const auto run = run_to_end(sc);
    for (const std::string edge : {"shop->users", "shop->orders"}) {
        EXPECT_TRUE(transitions(*run, edge).empty()) << edge;
        EXPECT_EQ(edge_summary(*run, edge).failures, 0u) << edge;
    }
    const auto events = transitions(*run, "shop->inventory");
    const EventRecord* open = first_to(events, "open");
    ASSERT_NE(open, nullptr);
    // The first timeout fires 1 s after the slowdown; 5 in a row open the breaker (max failures).
    EXPECT_GE(to_s(open->at), 11.0);
    EXPECT_LT(to_s(open->at), 12.0);
    EXPECT_EQ(open->reason, "opened: consecutive_failures 5 >= 5");
    // Reset timeout: open for 10 s, inventory sees no call meanwhile.
    EXPECT_EQ(service_window(*run, "inventory", 12, 21).arrivals, 0u);
    const EventRecord* half = first_to(events, "half_open");
    ASSERT_NE(half, nullptr);
    EXPECT_GT(half->at - open->at, from_s(10));
    // Success threshold: after inventory recovers (40 s), 2 successful probes close it.
    const EventRecord* closed = first_to(events, "closed");
    ASSERT_NE(closed, nullptr);
    EXPECT_GE(to_s(closed->at), 40.0);
    EXPECT_EQ(closed->reason, "closed: consecutive_successes 2 >= 2");
    EXPECT_EQ(&events.back(), closed);
    EXPECT_EQ(edge_window(*run, "client->shop", 0, 10).failures, 0u);
    EXPECT_EQ(edge_window(*run, "client->shop", 45, 70).failures, 0u);
}

CBSIM_SCENARIO_STORY("gateway_profile_auth.toml", ProfileInstancesShareOneBreaker) {
    const auto run = run_to_end(sc);
    const Recorder& r = run->recorder();
    EXPECT_EQ(r.live(r.edge_index("profile->auth")).breakers, 1u);
    const auto events = transitions(*run, "profile->auth");
    ASSERT_FALSE(events.empty());
    for (const EventRecord& e : events)
        EXPECT_EQ(e.instance, -1) << "one shared state";
    const EventRecord* open = first_to(events, "open");
    ASSERT_NE(open, nullptr);
    EXPECT_GE(to_s(open->at), 10.0);
    EXPECT_LT(to_s(open->at), 11.0);
    EXPECT_EQ(events.back().to, "closed");
    EXPECT_GE(to_s(events.back().at), 30.0);
    EXPECT_LT(to_s(events.back().at), 36.0);
    EXPECT_EQ(edge_window(*run, "client->gateway", 37, 60).failures, 0u);

    // A breaker per profile instance lets many more calls hit the failing auth service.
    Scenario per_instance = sc;
    dependency(per_instance, "profile", "auth").breaker_scope = BreakerScope::instance;
    const auto alone = run_to_end(per_instance);
    const Recorder& ra = alone->recorder();
    EXPECT_EQ(ra.live(ra.edge_index("profile->auth")).breakers, 3u);
    const auto shared_calls = service_window(*run, "auth", 10, 30).arrivals;
    const auto instance_calls = service_window(*alone, "auth", 10, 30).arrivals;
    EXPECT_LT(shared_calls * 3, instance_calls * 2)
        << "shared " << shared_calls << ", per instance " << instance_calls;
}

CBSIM_SCENARIO_STORY("retry_storm.toml", RetryStormAmplifiesLoad) {
    const auto run = run_to_end(sc);
    EXPECT_GE(edge_summary(*run, "A->B").retry_amplification, 2.5);
    // During the outage B receives far more calls than users send.
    const auto requests = edge_window(*run, "client->A", 10, 50).calls;
    EXPECT_GE(static_cast<double>(service_window(*run, "B", 10, 50).arrivals),
              2.5 * static_cast<double>(requests));
    EXPECT_TRUE(transitions(*run, "A->B").empty()) << "no breaker on this edge";
}

CBSIM_SCENARIO_STORY("retry_storm_breaker.toml", BreakerStopsTheRetryStorm) {
    const auto run = run_to_end(sc);
    EXPECT_LT(edge_summary(*run, "A->B").retry_amplification, 1.3);
    const auto requests = edge_window(*run, "client->A", 10, 50).calls;
    EXPECT_LT(static_cast<double>(service_window(*run, "B", 10, 50).arrivals),
              0.05 * static_cast<double>(requests));
    const auto events = transitions(*run, "A->B");
    ASSERT_FALSE(events.empty());
    const EventRecord* open = first_to(events, "open");
    ASSERT_NE(open, nullptr);
    EXPECT_LT(to_s(open->at), 6.0);
    EXPECT_EQ(events.back().to, "closed");
    EXPECT_GE(to_s(events.back().at), 55.0);

    // The same system without the breaker: the storm of retry_storm.toml.
    Scenario without = sc;
    dependency(without, "A", "B").breaker.reset();
    EXPECT_GE(edge_summary(*run_to_end(without), "A->B").retry_amplification, 2.5);
}

CBSIM_SCENARIO_STORY("bulkhead_slow_dependency.toml", BulkheadKeepsTheCallerAvailable) {
    const auto run = run_to_end(sc);
    const EdgeWindow ab = edge_window(*run, "A->B", 11, 40);
    EXPECT_GT(ab.bulkhead_rejected, 1000u) << "the slow B fills the bulkhead";
    EXPECT_LE(ab.max_inflight, 10u) << "never more than the bulkhead in flight";
    EXPECT_EQ(ab.fallbacks, ab.bulkhead_rejected);
    EXPECT_GE(edge_window(*run, "client->A", 11, 40).availability(), 0.999);
    EXPECT_EQ(service_window(*run, "A", 0, 60).dropped, 0u);
    EXPECT_EQ(edge_window(*run, "A->C", 11, 40).failures, 0u);
    EXPECT_EQ(edge_window(*run, "A->B", 45, 60).bulkhead_rejected, 0u) << "B is fast again";

    // Without the bulkhead, B's slowness holds all of A's workers: A drops requests.
    Scenario without = sc;
    dependency(without, "A", "B").max_in_flight = 0;
    const auto exhausted = run_to_end(without);
    EXPECT_LT(edge_window(*exhausted, "client->A", 15, 40).availability(), 0.5);
    EXPECT_GT(service_window(*exhausted, "A", 15, 40).dropped, 1000u);
}

CBSIM_SCENARIO_STORY("metastable_overload.toml", OverloadOutlivesItsTriggerUntilLoadDrops) {
    const auto run = run_to_end(sc);
    EXPECT_GE(edge_window(*run, "client->A", 5, 20).availability(), 0.99) << "healthy at 150/s";
    // The spike ended at 25 s, the load is back to 150/s, yet the system stays down.
    EXPECT_LT(edge_window(*run, "client->A", 30, 60).availability(), 0.5);
    EXPECT_GT(edge_summary(*run, "A->B").timeouts, 1000u);
    EXPECT_GE(service_window(*run, "B", 30, 60).max_queue, 190u);
    // Only when the load drops (60 s) does it recover.
    EXPECT_GE(edge_window(*run, "client->A", 70, 90).availability(), 0.99);

    // Without retries the same spike leaves no trace once it is over: the retries sustain it.
    Scenario no_retry = sc;
    dependency(no_retry, "A", "B").retry.max_attempts = 1;
    const auto plain = run_to_end(no_retry);
    EXPECT_LT(edge_window(*plain, "client->A", 20, 25).availability(), 0.9) << "the spike hurts";
    EXPECT_GE(edge_window(*plain, "client->A", 30, 60).availability(), 0.99);
}

CBSIM_SCENARIO_STORY("cascade_abc.toml", SlownessOfCCascadesToA) {
    const auto run = run_to_end(sc);
    EXPECT_GE(edge_window(*run, "client->A", 2, 10).availability(), 0.99);
    // C slow -> B's workers wait on C -> B saturates -> A's calls to B time out.
    EXPECT_GT(edge_window(*run, "B->C", 11, 40).timeouts, 500u);
    EXPECT_GE(service_window(*run, "B", 12, 40).max_queue, 90u);
    EXPECT_GT(edge_window(*run, "A->B", 11, 40).timeouts, 500u);
    EXPECT_LT(edge_window(*run, "client->A", 12, 40).availability(), 0.2);
    // After C recovers (40 s) the chain recovers within seconds.
    EXPECT_GE(edge_window(*run, "client->A", 45, 60).availability(), 0.99);

    // A breaker with a fallback on B -> C contains the failure: users barely notice.
    Scenario contained = sc;
    Dependency& bc = dependency(contained, "B", "C");
    bc.breaker = BreakerConfig::defaults(Preset::gobreaker);
    ASSERT_EQ(set_param(*bc.breaker, "trip.consecutive_failures", 5), "");
    bc.fallback = true;
    const auto protected_run = run_to_end(contained);
    EXPECT_GE(edge_window(*protected_run, "client->A", 12, 40).availability(), 0.95);
}

CBSIM_SCENARIO_STORY("partial_failure.toml", OneBadInstanceTripsConsecutiveNotRatio) {
    const auto run = run_to_end(sc);
    // B: instance 0 of 4 fails every call, so a quarter of the calls that reach B fail.
    const EdgeSummary tolerant = edge_summary(*run, "tolerant->B");
    ASSERT_GT(tolerant.allowed, 2500u);
    const double share =
        static_cast<double>(tolerant.failures) / static_cast<double>(tolerant.allowed);
    EXPECT_GT(share, 0.2);
    EXPECT_LT(share, 0.3);
    // The 50 % ratio breaker never opens: tolerant keeps about 3 calls in 4.
    EXPECT_EQ(tolerant.transitions, 0u);
    EXPECT_EQ(tolerant.rejected, 0u);
    EXPECT_GT(tolerant.availability, 0.7);
    // The 2-consecutive-failures breaker opens within seconds and cuts off all of B: most of
    // strict's calls are rejected, the healthy instances' share with them.
    const EdgeSummary strict = edge_summary(*run, "strict->B");
    const auto events = transitions(*run, "strict->B");
    const EventRecord* open = first_to(events, "open");
    ASSERT_NE(open, nullptr);
    EXPECT_LT(to_s(open->at), 10.0);
    EXPECT_GE(strict.opens, 3u) << "each probe after the open period soon re-trips it";
    // Measured with seeds 1 to 5: 82 % to 94 % rejected, availability 4 % to 13 %.
    const double rejected =
        static_cast<double>(strict.rejected) / static_cast<double>(strict.first_tries);
    EXPECT_GT(rejected, 0.7);
    EXPECT_LT(strict.availability, 0.25);
    // Every failure comes from instance 0: with it healthy, neither breaker opens.
    Scenario healthy = sc;
    healthy.find_service("B")->faulty_instances = 0;
    healthy.find_service("B")->failure_rate = 0.0;
    const auto control = run_to_end(healthy);
    EXPECT_EQ(edge_summary(*control, "strict->B").transitions, 0u);
    EXPECT_EQ(edge_summary(*control, "strict->B").failures, 0u);
}

CBSIM_SCENARIO_STORY("four_libraries_base.toml", FourLibrariesBaseHealthy) {
    // The world of the four-libraries compare: healthy, so its gobreaker breaker (library
    // defaults: more than 5 failures in a row) never opens.
    const auto run = run_to_end(sc);
    const EdgeSummary ab = edge_summary(*run, "A->B");
    EXPECT_EQ(ab.transitions, 0u);
    EXPECT_EQ(ab.failures, 0u);
    EXPECT_GT(ab.allowed, 25000u) << "100 requests/s for 300 s";
}

CBSIM_SCENARIO_STORY("four_libraries.toml", FourLibrariesEachOpensAtItsOwnMoment) {
    // Six libraries at their defaults on one edge, the same traffic and failures: B starts
    // failing 60 % of its calls at 20 s, and each breaker opens, each at its own moment.
    const std::vector<Variant> variants = asset_variants("four_libraries.toml");
    ASSERT_EQ(variants.size(), 6u);
    Compare c(sc, variants);
    c.advance_to(from_s(20));
    for (std::size_t i = 0; i < c.size(); ++i) {
        EXPECT_TRUE(transitions(c.run(i), "A->B").empty()) << variants[i].name;
        // Each variant runs its own library.
        const Dependency& d = c.run(i).live().services[0].dependencies[0];
        ASSERT_TRUE(d.breaker);
        EXPECT_EQ(to_string(d.breaker->preset()), variants[i].name);
    }
    ASSERT_EQ(c.apply("B.failure_rate", 0.6), "");
    c.advance_to(from_s(60));
    std::set<SimTime> first_opens;
    for (std::size_t i = 0; i < c.size(); ++i) {
        const auto events = transitions(c.run(i), "A->B");
        const EventRecord* open = first_to(events, "open");
        ASSERT_NE(open, nullptr) << variants[i].name << " never opened";
        EXPECT_GE(open->at, from_s(20)) << variants[i].name;
        first_opens.insert(open->at);
        EXPECT_GT(edge_summary(c.run(i), "A->B").rejected, 0u) << variants[i].name;
    }
    EXPECT_GE(first_opens.size(), 3u) << "the libraries open at their own moments";
    // Same world: every variant made the same client requests.
    for (std::size_t i = 1; i < c.size(); ++i)
        EXPECT_EQ(c.run(i).requests(), c.run(0).requests()) << variants[i].name;
}

// [SECTION] Every asset: coverage, determinism, reproduction from the exported scenario --------

std::vector<std::string> asset_names() {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(scenario_dir())) {
        if (entry.path().extension() == ".toml") out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(ScenarioStories, EveryAssetHasAStory) {
    const std::vector<std::string> files = asset_names();
    ASSERT_FALSE(files.empty());
    for (const std::string& file : files)
        EXPECT_TRUE(stories().count(file)) << file << " has no story test in scenarios_test.cpp";
    for (const auto& [file, story] : stories())
        EXPECT_TRUE(std::binary_search(files.begin(), files.end(), file))
            << "story of a missing asset: " << file;
}

/// The bytes a run exports: both CSVs and the summary.
std::string export_bytes(const Run& run) {
    return timeseries_csv(run) + events_csv(run) + summary_json(run.summary());
}

/// The bytes of every variant's run of a compare run to its end.
std::string compare_bytes(const Scenario& base, const std::vector<Variant>& variants) {
    Compare c(base, variants);
    c.advance_to(base.duration());
    std::string out;
    for (std::size_t i = 0; i < c.size(); ++i)
        out += export_bytes(c.run(i));
    return out;
}

TEST(ScenarioStories, EveryAssetRunsDeterministicallyAndReproducesFromItsExport) {
    for (const std::string& file : asset_names()) {
        SCOPED_TRACE(file);
        const Scenario s = load_asset(file);
        if (const std::vector<Variant> variants = asset_variants(file); !variants.empty()) {
            // A compare file: every variant, twice, and again from the exported compare.
            const std::string bytes = compare_bytes(s, variants);
            EXPECT_EQ(compare_bytes(s, variants), bytes) << "same compare, same seed";
            Compare c(s, variants);
            c.advance_to(s.duration());
            const Scenario base = parse_scenario_toml(scenario_to_toml(c.exported_base()), "b");
            const std::optional<CompareFile> again = parse_compare_toml(
                compare_file_toml(CompareFile{"b", 1, c.exported_variants()}), "compare.toml");
            ASSERT_TRUE(again);
            EXPECT_EQ(compare_bytes(base, again->variants), bytes);
            continue;
        }
        const auto first = run_to_end(s);
        const std::string bytes = export_bytes(*first);
        EXPECT_EQ(export_bytes(*run_to_end(s)), bytes) << "same scenario, same seed";
        // The exported scenario, saved and loaded, reproduces the run byte for byte.
        const Scenario exported =
            parse_scenario_toml(scenario_to_toml(first->exported_scenario()), "exported.toml");
        EXPECT_EQ(export_bytes(*run_to_end(exported)), bytes);
    }
}

TEST(ScenarioStories, LiveChangesSavedToTomlReproduceTheRun) {
    // What the app does: a run driven by sliders, exported, re-run headless from the file.
    cbsim::Run live(load_asset("default.toml"));
    live.advance_to(from_ms(7300));
    ASSERT_EQ(live.apply("B.failure_rate", 0.35), "");
    live.advance_to(from_ms(12345) + 17);
    ASSERT_EQ(live.apply("A->B.breaker.timeout_ms", 2500.0), "");
    ASSERT_EQ(live.apply("A->B.retry.jitter", std::string("full")), "");
    ASSERT_EQ(live.apply("A->B.retry.max_attempts", 3.0), "");
    live.advance_to(from_s(20));
    ASSERT_EQ(live.apply("B.failure_rate", 0.0), "");
    ASSERT_EQ(live.apply("traffic.rate_rps", 80.5), "");
    live.advance_to(from_s(30));
    ASSERT_EQ(live.scenario().timeline.size(), 6u);

    const std::string text = scenario_to_toml(live.exported_scenario());
    EXPECT_THAT(text, ::testing::HasSubstr("at_s = 12.345017\n"));
    const auto replay = run_to_end(parse_scenario_toml(text, "exported.toml"));
    EXPECT_EQ(replay->now(), live.now());
    EXPECT_EQ(export_bytes(*replay), export_bytes(live));
    EXPECT_GT(edge_summary(*replay, "A->B").opens, 0u) << "the changes took effect";
}

}  // namespace
}  // namespace cbsim
