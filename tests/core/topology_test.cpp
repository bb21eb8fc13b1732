// Topology changes (services.add / services.remove / dependencies.add / dependencies.remove):
// the checks of apply_setting(), the TOML form, a run that adds and removes models on its
// timeline, the rebuild a live edit makes (history before it unchanged) and byte-identical
// replay of its export.
#include <gtest/gtest.h>

#include "cbsim/error.hpp"
#include "cbsim/export.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario_io.hpp"

namespace cbsim {
namespace {

const std::string kAddS(topology::kAddService), kRemoveS(topology::kRemoveService),
    kAddD(topology::kAddDependency), kRemoveD(topology::kRemoveDependency);

/// A -> B (the default scenario) and a third service C, not called.
Scenario with_c() {
    Scenario s = default_scenario();
    EXPECT_EQ(apply_setting(s, kAddS, std::string("C")), "");
    return s;
}

TEST(Topology, AddAndRemoveAServiceAndADependency) {
    Scenario s = default_scenario();
    ASSERT_EQ(apply_setting(s, kAddS, std::string("C")), "");
    ASSERT_NE(s.find_service("C"), nullptr);
    Service c;
    c.name = "C";
    EXPECT_EQ(*s.find_service("C"), c);  // the documented defaults
    ASSERT_EQ(apply_setting(s, kAddD, std::string("B->C")), "");
    ASSERT_EQ(s.find_service("B")->dependencies.size(), 1u);
    Dependency bc;
    bc.target = "C";
    EXPECT_EQ(s.find_service("B")->dependencies[0], bc);
    // A new dependency is configured by the ordinary paths.
    EXPECT_EQ(apply_setting(s, "B->C.timeout_ms", 250.0), "");
    EXPECT_EQ(apply_setting(s, "B->C.breaker.preset", std::string("gobreaker")), "");
    EXPECT_EQ(apply_setting(s, "B->C.breaker_scope", std::string("shared")), "");
    EXPECT_TRUE(validate(s).empty());
    ASSERT_EQ(apply_setting(s, kRemoveD, std::string("B->C")), "");
    EXPECT_TRUE(s.find_service("B")->dependencies.empty());
    ASSERT_EQ(apply_setting(s, kRemoveS, std::string("C")), "");
    EXPECT_EQ(s, default_scenario());
}

TEST(Topology, InvalidEditsAreRefusedWithTheReasonAndChangeNothing) {
    const Scenario s = with_c();
    auto refused = [&](const std::string& path, const SettingValue& v, const std::string& why) {
        Scenario copy = s;
        const std::string error = apply_setting(copy, path, v);
        EXPECT_NE(error.find(why), std::string::npos) << path << ": " << error;
        EXPECT_EQ(copy, s) << path;
    };
    refused(kAddS, std::string("B"), "\"B\" is used by another service; names are unique");
    refused(kAddS, std::string(""), "is not a valid name");
    refused(kAddS, std::string("client"), "is not a valid name");
    refused(kAddS, 3.0, "expected a name");
    refused(kRemoveS, std::string("B"), "\"B\" is still called by A; remove the dependency A->B");
    refused(kRemoveS, std::string("A"), "is the entry service (traffic.target)");
    refused(kRemoveS, std::string("X"), "\"X\" is not a service of this scenario");
    refused(kAddD, std::string("B->A"), "B->A would close a cycle (A already reaches B)");
    refused(kAddD, std::string("A->A"), "a service cannot call itself");
    refused(kAddD, std::string("A->B"), "\"B\" is already a dependency of A");
    refused(kAddD, std::string("A->X"), "\"X\" is not a service of this scenario");
    refused(kAddD, std::string("AB"), "is not an edge name; expected CALLER->TARGET");
    refused(kRemoveD, std::string("A->C"), "A->C is not a dependency of this scenario");
    // check_changes: the first refusal of a sequence.
    EXPECT_EQ(check_changes(s, {{kAddD, std::string("B->C")}, {kAddD, std::string("C->A")}}),
              "dependencies.add: C->A would close a cycle (A already reaches C); calls must "
              "flow one way");
    EXPECT_EQ(check_changes(s, {{kAddD, std::string("B->C")}, {"B->C.timeout_ms", 5.0}}), "");
}

TEST(Topology, RemovingAServiceRemovesItsDependencies) {
    Scenario s = with_c();
    ASSERT_EQ(apply_setting(s, kAddS, std::string("D")), "");
    ASSERT_EQ(apply_setting(s, kAddD, std::string("C->D")), "");
    ASSERT_EQ(apply_setting(s, kRemoveS, std::string("C")), "");
    EXPECT_EQ(s.find_service("C"), nullptr);
    // D is no longer called: it can go too.
    EXPECT_EQ(apply_setting(s, kRemoveS, std::string("D")), "");
}

TEST(Topology, TimelineEntriesReadWriteAndValidate) {
    Scenario s = default_scenario();
    s.timeline = {{from_s(1), kAddS, std::string("C")},
                  {from_s(1), kAddD, std::string("B->C")},
                  {from_s(1), "B->C.retry.max_attempts", 3.0},
                  {from_s(2), kRemoveD, std::string("B->C")},
                  {from_s(2), kRemoveS, std::string("C")}};
    EXPECT_TRUE(validate(s).empty());
    const std::string toml = scenario_to_toml(s);
    EXPECT_NE(toml.find("set = \"services.add\"\nvalue = \"C\""), std::string::npos) << toml;
    EXPECT_NE(toml.find("set = \"dependencies.add\"\nvalue = \"B->C\""), std::string::npos);
    EXPECT_EQ(parse_scenario_toml(toml, "t.toml"), s);
    // Each entry is checked against the scenario as it is at that instant.
    Scenario bad = s;
    bad.timeline.push_back({from_s(3), "B->C.timeout_ms", 5.0});  // after its removal
    const auto problems = validate(bad);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].key, "timeline[5].set");
    Scenario early = s;
    early.timeline[1].at = 500 * kMillisecond;  // before C exists
    const auto p2 = validate(early);
    ASSERT_FALSE(p2.empty());
    EXPECT_EQ(p2[0].key, "timeline[1].value");
    EXPECT_NE(p2[0].message.find("\"C\" is not a service of this scenario"), std::string::npos);
}

std::string all_csv(const Run& run) {
    return timeseries_csv(run) + services_csv(run) + events_csv(run);
}

TEST(Topology, ScenariosWithoutTopologyChangesKeepTheirModels) {
    cbsim::Run run(default_scenario());
    EXPECT_EQ(run.recorder().edge_names(), (std::vector<std::string>{"client->A", "A->B"}));
    EXPECT_EQ(run.recorder().service_names(), (std::vector<std::string>{"A", "B"}));
}

/// A -> B; at 5 s C is added behind B (B -> C with a gobreaker breaker) and C starts failing
/// at 8 s; at 15 s the dependency and C go again.
Scenario timeline_topology() {
    Scenario s = default_scenario();
    s.timeline = {{from_s(5), kAddS, std::string("C")},
                  {from_s(5), kAddD, std::string("B->C")},
                  {from_s(5), "B->C.breaker.preset", std::string("gobreaker")},
                  {from_s(8), "C.failure_rate", 1.0},
                  {from_s(15), kRemoveD, std::string("B->C")},
                  {from_s(15), kRemoveS, std::string("C")}};
    return s;
}

TEST(Topology, ARunAddsAndRemovesModelsOnItsTimeline) {
    cbsim::Run run(timeline_topology());
    EXPECT_EQ(run.recorder().edge_names(), (std::vector<std::string>{"client->A", "A->B", "B->C"}));
    EXPECT_EQ(run.recorder().service_names(), (std::vector<std::string>{"A", "B", "C"}));
    run.advance_to(from_s(4));
    EXPECT_EQ(run.live().find_service("C"), nullptr);
    run.advance_to(from_s(10));
    ASSERT_NE(run.live().find_service("C"), nullptr);
    EXPECT_EQ(run.live().find_service("B")->dependencies.size(), 1u);
    EXPECT_TRUE(run.recorder().live(2).has_breaker);
    run.advance_to(from_s(20));
    EXPECT_EQ(run.live().find_service("C"), nullptr);
    EXPECT_TRUE(run.live().find_service("B")->dependencies.empty());
    EXPECT_FALSE(run.recorder().live(2).has_breaker);  // the app shows no breaker for it
    // B->C carried calls only while it existed, and its breaker opened once C failed.
    const Recorder& rec = run.recorder();
    const std::vector<EdgeRow> bc = rec.edge_rows(rec.edge_index("B->C"));
    ASSERT_EQ(bc.size(), 200u);  // 100 ms rows from t = 0, zero while absent
    std::uint64_t before = 0, during = 0, after = 0;
    for (std::size_t row = 0; row < bc.size(); ++row) {
        const SimTime start = static_cast<SimTime>(row) * rec.resolution();
        (start < from_s(5)              ? before
         : start < from_s(15) + kSecond ? during
                                        : after) += bc[row].calls;
    }
    EXPECT_EQ(before, 0u);
    EXPECT_GT(during, 100u);
    EXPECT_EQ(after, 0u);
    bool opened = false;
    for (const EventRecord& e : rec.events())
        opened = opened || (e.edge == "B->C" && e.to == "open");
    EXPECT_TRUE(opened);
    // Failures of C reached the users until the breaker opened (no fallback).
    EXPECT_LT(run.summary().edges[0].availability, 1.0);
}

TEST(Topology, ATimelineWithTopologyChangesReplaysByteForByte) {
    cbsim::Run a(timeline_topology());
    a.advance_to(from_s(20));
    cbsim::Run b(parse_scenario_toml(scenario_to_toml(a.exported_scenario()), "export.toml"));
    b.advance_to(from_s(20));
    EXPECT_EQ(all_csv(a), all_csv(b));
}

/// Rows and events of `run` before `t`, as text.
std::string history_before(const Run& run, SimTime t) {
    const Recorder& rec = run.recorder();
    std::string out;
    const auto rows = static_cast<std::size_t>(t / rec.resolution());  // complete before t
    for (std::size_t row = 0; row < rows; ++row) {
        out += std::to_string(row) + ":";
        for (std::size_t e = 0; e < rec.edge_names().size(); ++e) {
            const EdgeRow r = rec.edge_rows(e, row, 1).at(0);
            out += " " + rec.edge_names()[e] + "=" + std::to_string(r.calls) + "/" +
                   std::to_string(r.successes) + "/" + std::to_string(r.rejected);
        }
        for (std::size_t si = 0; si < rec.service_names().size(); ++si) {
            const ServiceRow r = rec.service_rows(si, row, 1).at(0);
            if (rec.service_names()[si] == "C") continue;  // the added one (all zero)
            out += " " + rec.service_names()[si] + "=" + std::to_string(r.arrivals) + "/" +
                   std::to_string(r.served);
        }
        out += "\n";
    }
    for (const EventRecord& e : rec.events()) {
        if (e.at < t) out += std::to_string(e.at) + " " + e.edge + " " + e.to + "\n";
    }
    return out;
}

TEST(Topology, ALiveEditRebuildsTheRunWithTheSameHistory) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(3));
    ASSERT_EQ(run.apply("B.failure_rate", 0.5), "");  // an ordinary change before the edit
    run.advance_to(7250 * kMillisecond);
    const std::vector<Change> edit = {{kAddS, std::string("C")},
                                      {kAddD, std::string("B->C")},
                                      {"B->C.breaker.preset", std::string("gobreaker")}};
    ASSERT_EQ(check_changes(run.live(), edit), "");
    // A run cannot apply an add whose model it lacks: it says so and nothing changes.
    cbsim::Run copy(run.scenario());
    copy.advance_to(run.now());
    EXPECT_NE(copy.apply(kAddS, std::string("C")).find("has no model in this run"),
              std::string::npos);
    EXPECT_EQ(copy.live().services, run.live().services);

    cbsim::Run rebuilt(run.scenario_with(edit));
    rebuilt.advance_to(run.now());
    rebuilt.settle();
    ASSERT_NE(rebuilt.live().find_service("C"), nullptr);
    ASSERT_TRUE(rebuilt.live().find_service("B")->dependencies.at(0).breaker);
    // The live breaker view shows the new breaker before the run advances.
    EXPECT_TRUE(rebuilt.recorder().live(rebuilt.recorder().edge_index("B->C")).has_breaker);
    // The history before the edit is the old run's: rows (the new edge's all zero) and events.
    EXPECT_EQ(history_before(run, run.now()), [&] {
        std::string h = history_before(rebuilt, run.now());
        const std::string zero = " B->C=0/0/0";
        for (auto p = h.find(zero); p != std::string::npos; p = h.find(zero))
            h.erase(p, zero.size());
        return h;
    }());
    EXPECT_EQ(events_csv(run), events_csv(rebuilt).substr(0, events_csv(run).size()));
    // The edit is recorded at its instant; removing afterwards works in place.
    rebuilt.advance_to(from_s(12));
    ASSERT_EQ(rebuilt.apply(kRemoveD, std::string("B->C")), "");
    ASSERT_EQ(rebuilt.apply(kRemoveS, std::string("C")), "");
    rebuilt.advance_to(from_s(15));
    const Scenario exported = rebuilt.exported_scenario();
    ASSERT_EQ(exported.timeline.size(), 6u);
    EXPECT_EQ(exported.timeline[1].at, 7250 * kMillisecond);
    EXPECT_EQ(exported.timeline[1].path, kAddS);
    // Its export replays byte for byte.
    cbsim::Run replay(parse_scenario_toml(scenario_to_toml(exported), "scenario.toml"));
    replay.advance_to(from_s(15));
    EXPECT_EQ(all_csv(replay), all_csv(rebuilt));
}

TEST(Topology, RecreateChangesBringARemovedObjectBackWithItsSettings) {
    Scenario s = with_c();
    ASSERT_EQ(apply_setting(s, kAddD, std::string("B->C")), "");
    ASSERT_EQ(apply_setting(s, "C.latency_p99_ms", 200.0), "");
    ASSERT_EQ(apply_setting(s, "C.latency_p50_ms", 50.0), "");  // above the default p99 (5)
    ASSERT_EQ(apply_setting(s, "B->C.breaker.preset", std::string("polly")), "");
    ASSERT_EQ(apply_setting(s, "B->C.retry.max_attempts", 4.0), "");
    Scenario removed = s;
    ASSERT_EQ(apply_setting(removed, kRemoveD, std::string("B->C")), "");
    const auto edge = recreate_changes(s, removed, "B->C");
    ASSERT_FALSE(edge.empty());
    EXPECT_EQ(edge.front(), (Change{kAddD, std::string("B->C")}));
    Scenario back = removed;
    ASSERT_EQ(check_changes(back, edge), "");
    for (const Change& c : edge)
        ASSERT_EQ(apply_setting(back, c.path, c.value), "");
    EXPECT_EQ(back, s);
    // A service with its dependencies (C calls nothing; A is recreated after removing it is
    // impossible, so take B's callee chain: remove B->C, then C).
    ASSERT_EQ(apply_setting(removed, kRemoveS, std::string("C")), "");
    auto svc = recreate_changes(s, removed, "C");
    auto dep = recreate_changes(s, removed, "B->C");
    EXPECT_EQ(dep, std::vector<Change>{});  // C is absent: B->C cannot come back first
    back = removed;
    for (const Change& c : svc)
        ASSERT_EQ(apply_setting(back, c.path, c.value), "") << c.path;
    for (const Change& c : recreate_changes(s, back, "B->C"))
        ASSERT_EQ(apply_setting(back, c.path, c.value), "") << c.path;
    EXPECT_EQ(back, s);
    EXPECT_TRUE(recreate_changes(s, removed, "X").empty());
}

TEST(Topology, RenameAServiceEverywhere) {
    Scenario s = timeline_topology();
    ASSERT_EQ(rename_service(s, "B", "backend"), "");
    EXPECT_EQ(s.services[1].name, "backend");
    EXPECT_EQ(s.services[0].dependencies[0].target, "backend");
    EXPECT_EQ(std::get<std::string>(s.timeline[1].value), "backend->C");
    EXPECT_EQ(s.timeline[2].path, "backend->C.breaker.preset");
    EXPECT_TRUE(validate(s).empty());
    ASSERT_EQ(rename_service(s, "A", "gateway"), "");
    EXPECT_EQ(s.traffic.target, "gateway");
    const Scenario before = s;
    EXPECT_EQ(rename_service(s, "gateway", "backend"),
              "\"backend\" is used by another service; names are unique");
    EXPECT_NE(rename_service(s, "gateway", "a b").find("is not a valid name"), std::string::npos);
    EXPECT_EQ(s, before);
}

}  // namespace
}  // namespace cbsim
