// Determinism: same seed -> same bytes; other seed -> other bytes; a knob moved on one service
// leaves another service's draws alone; a run driven live re-runs byte for byte from its
// exported scenario.
#include <gtest/gtest.h>

#include <string>

#include "cbsim/export.hpp"
#include "cbsim/rng.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario_io.hpp"
#include "sim_test_util.hpp"

namespace cbsim {
namespace {

using namespace cbsim::test;

std::string bytes_of(const Scenario& sc, SimTime until) {
    cbsim::Run run(sc);
    run.advance_to(until);
    return timeseries_csv(run) + events_csv(run) + services_csv(run) + summary_json(run.summary());
}

Scenario busy_scenario() {
    Scenario sc = default_scenario();
    sc.services[1].failure_rate = 0.2;
    sc.services[1].hang_rate = 0.01;
    sc.services[0].dependencies[0].retry.max_attempts = 2;
    sc.services[0].dependencies[0].retry.jitter = Jitter::decorrelated;
    sc.timeline = {{from_s(5), "B.failure_rate", 0.9}, {from_s(12), "B.failure_rate", 0.0}};
    return sc;
}

TEST(SimDeterminism, SameSeedGivesIdenticalBytes) {
    const std::string a = bytes_of(busy_scenario(), from_s(30));
    const std::string b = bytes_of(busy_scenario(), from_s(30));
    EXPECT_GT(a.size(), 10000u);
    EXPECT_EQ(a, b);
}

TEST(SimDeterminism, OtherSeedGivesOtherBytes) {
    Scenario other = busy_scenario();
    other.seed = 2;
    EXPECT_NE(bytes_of(busy_scenario(), from_s(30)), bytes_of(other, from_s(30)));
}

std::vector<std::string> lines_of(const std::string& csv, const std::string& needle) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < csv.size()) {
        const std::size_t end = csv.find('\n', pos);
        const std::string line = csv.substr(pos, end - pos);
        if (line.find(needle) != std::string::npos) out.push_back(line);
        pos = end + 1;
    }
    return out;
}

TEST(SimDeterminism, MovingOneServiceKnobLeavesOtherServicesDrawsAlone) {
    // A fans out to B and C; moving C's failure rate (and latency) must not change A->B.
    Scenario sc;
    sc.seed = 11;
    sc.traffic.target = "A";
    sc.traffic.rate_rps = 100;
    Service a = service("A", 2, 0, lognormal_ms(1, 3));
    a.dependencies = {edge_to("B", 200), edge_to("C", 200)};
    Service b = service("B", 1, 0, lognormal_ms(10, 60));
    b.failure_rate = 0.1;
    Service c = service("C", 1, 0, lognormal_ms(10, 60));
    c.failure_rate = 0.1;
    sc.services = {a, b, c};
    Scenario moved = sc;
    moved.timeline = {{from_s(3), "C.failure_rate", 0.7}, {from_s(6), "C.latency_p99_ms", 150.0}};
    cbsim::Run r1(sc), r2(moved);
    r1.advance_to(from_s(10));
    r2.advance_to(from_s(10));
    const std::string t1 = timeseries_csv(r1), t2 = timeseries_csv(r2);
    EXPECT_EQ(lines_of(t1, ",A->B,"), lines_of(t2, ",A->B,"));
    EXPECT_NE(lines_of(t1, ",A->C,"), lines_of(t2, ",A->C,"));
    const std::string s1 = services_csv(r1), s2 = services_csv(r2);
    EXPECT_EQ(lines_of(s1, ",B,"), lines_of(s2, ",B,"));
}

TEST(SimDeterminism, LiveRunReplaysFromItsExportedScenario) {
    // Drive a run like the GUI does: uneven frame steps, changes at arbitrary instants
    // (including one on a bucket boundary and two at the same instant).
    Scenario sc = busy_scenario();
    cbsim::Run live(sc);
    Rng frames(99, 1);
    SimTime t = 0;
    int step = 0;
    while (t < from_s(40)) {
        t += 1 + static_cast<SimTime>(frames.below(from_ms(40)));
        live.advance_to(t);
        ++step;
        std::string error;
        if (step == 50) error += live.apply("B.failure_rate", 0.95);
        if (step == 50) error += live.apply("A->B.breaker.timeout_ms", 2000.0);
        if (step == 300) error += live.apply("B.latency_p99_ms", 300.0);
        if (step == 600) error += live.apply("B.failure_rate", 0.0);
        ASSERT_EQ(error, "");
    }
    live.advance_to(from_s(20) * 2 + from_ms(100));
    ASSERT_EQ(live.apply("traffic.rate_rps", 80.0), "");  // on a bucket boundary
    live.advance_to(from_s(45) + 777);
    ASSERT_EQ(live.scenario().timeline.size(), 2u + 5u);

    const Scenario exported = live.exported_scenario();
    EXPECT_EQ(exported.duration(), from_s(45) + 777);
    cbsim::Run replay(exported);
    replay.advance_to(exported.duration());
    EXPECT_EQ(timeseries_csv(live), timeseries_csv(replay));
    EXPECT_EQ(events_csv(live), events_csv(replay));
    EXPECT_EQ(services_csv(live), services_csv(replay));
    EXPECT_EQ(summary_json(live.summary()), summary_json(replay.summary()));
}

TEST(SimDeterminism, LiveRunWithSharedStorePhasesAndTopologyChangesReplays) {
    // Fan-out with a shared breaker behind a store, a ramp, and live changes of instances,
    // capacity, preset and scope: the exported scenario still reproduces every byte.
    Scenario sc;
    sc.seed = 5;
    sc.traffic.target = "A";
    sc.traffic.rate_rps = 60;
    sc.traffic.phases = {{from_s(4), 150, from_s(3)}};
    Service a = service("A", 2, 8, lognormal_ms(1, 4));
    Dependency ab = edge_to("B", 150);
    ab.breaker = gobreaker_consecutive(4, 2000);
    ab.breaker_scope = BreakerScope::shared;
    ab.store_sync_ms = 30;
    ab.retry.max_attempts = 3;
    ab.retry.jitter = Jitter::equal;
    Dependency ac = edge_to("C", 200);
    ac.max_in_flight = 4;
    ac.fallback = true;
    a.dependencies = {ab, ac};
    Service b = service("B", 1, 6, lognormal_ms(15, 90));
    b.queue_limit = 20;
    Service c = service("C", 1, 0, exponential_ms(12));
    c.failure_pattern = FailurePattern::every_nth;
    c.every_nth = 4;
    sc.services = {a, b, c};
    cbsim::Run live(sc);
    const std::pair<SimTime, std::pair<const char*, SettingValue>> changes[] = {
        {from_ms(2500) + 17, {"B.failure_rate", 0.8}},
        {from_ms(3100), {"A.instances", 3.0}},
        {from_ms(5000) + 1, {"B.capacity", 2.0}},
        {from_ms(6200) + 333, {"A->B.breaker_scope", std::string("instance")}},
        {from_ms(7000), {"A->B.breaker.preset", std::string("resilience4j")}},
        {from_ms(7000), {"A->B.breaker.minimum_number_of_calls", 10.0}},
        {from_ms(8800) + 5, {"B.failure_rate", 0.0}},
        {from_ms(9100), {"traffic.rate_rps", 30.0}},
    };
    for (const auto& [at, change] : changes) {
        live.advance_to(at);
        ASSERT_EQ(live.apply(change.first, change.second), "") << change.first;
    }
    live.advance_to(from_ms(12345));
    cbsim::Run replay(live.exported_scenario());
    replay.advance_to(live.exported_scenario().duration());
    EXPECT_EQ(timeseries_csv(live), timeseries_csv(replay));
    EXPECT_EQ(events_csv(live), events_csv(replay));
    EXPECT_EQ(services_csv(live), services_csv(replay));
    EXPECT_EQ(summary_json(live.summary()), summary_json(replay.summary()));
    EXPECT_GT(live.summary().rejected, 0u);
    // Through the TOML text as well (what `cbsim-cli run <export>/scenario.toml` reads).
    const Scenario reread =
        parse_scenario_toml(scenario_to_toml(live.exported_scenario()), "scenario.toml");
    cbsim::Run from_file(reread);
    from_file.advance_to(reread.duration());
    EXPECT_EQ(timeseries_csv(live), timeseries_csv(from_file));
    EXPECT_EQ(events_csv(live), events_csv(from_file));
}

}  // namespace
}  // namespace cbsim
