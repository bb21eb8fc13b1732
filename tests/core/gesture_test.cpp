// Gestures (a slider drag as one timeline entry with steps): one change event, the TOML form,
// byte-identical replay, the checks on a gesture entry, gestures in a Compare.
#include <gtest/gtest.h>

#include <sstream>

#include "cbsim/compare.hpp"
#include "cbsim/error.hpp"
#include "cbsim/export.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario_io.hpp"

namespace cbsim {
namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

std::size_t change_events(const Run& run) {
    std::size_t n = 0;
    for (const EventRecord& e : run.recorder().events())
        n += e.kind == EventRecord::Kind::change ? 1 : 0;
    return n;
}

/// A 2-second drag of B.failure_rate from 0 to 0.84 in 60 steps starting at 10 s, ended 0.1 s
/// after the last step; the run goes on to 20 s.
void drag(Run& run) {
    run.advance_to(from_s(10));
    for (int i = 1; i <= 60; ++i) {
        ASSERT_EQ(run.apply_step("B.failure_rate", i == 60 ? 0.84 : 0.014 * i), "");
        run.advance_to(run.now() + 2 * kSecond / 60);
    }
    run.advance_to(run.now() + 100 * kMillisecond);
    ASSERT_TRUE(run.end_gesture());
    run.advance_to(from_s(20));
}

TEST(Gesture, ADragIsOneTimelineEntryAndOneChangeEvent) {
    cbsim::Run run(default_scenario());
    drag(run);
    ASSERT_EQ(run.scenario().timeline.size(), 1u);
    const TimelineEntry& e = run.scenario().timeline.front();
    EXPECT_EQ(e.path, "B.failure_rate");
    EXPECT_EQ(e.at, from_s(10));
    EXPECT_EQ(e.steps.size(), 60u);
    EXPECT_EQ(std::get<double>(e.value), 0.84);
    EXPECT_EQ(e.until, from_s(10) + 60 * (2 * kSecond / 60) + 100 * kMillisecond);
    EXPECT_EQ(change_events(run), 1u);
    EXPECT_EQ(run.summary().changes_applied, 1u);
    const std::string events = events_csv(run);
    EXPECT_NE(events.find(",B.failure_rate,,0,0.84,drag B.failure_rate 10 s to 12.1 s (2.1 s)\n"),
              std::string::npos)
        << events;
    // Applied live: the failures began during the drag, long before its end.
    EXPECT_DOUBLE_EQ(std::get<double>(*get_setting(run.live(), "B.failure_rate")), 0.84);
}

TEST(Gesture, TheExportReplaysByteForByteThroughToml) {
    cbsim::Run run(default_scenario());
    drag(run);
    const std::string toml = scenario_to_toml(run.exported_scenario());
    EXPECT_EQ(count_of(toml, "[[timeline]]"), 1u);
    EXPECT_NE(toml.find("until_s = 12.09998\nsteps = [\n  [10, 0.014], [10.033333, 0.028],"),
              std::string::npos)
        << toml;
    const Scenario again = parse_scenario_toml(toml, "scenario.toml");
    EXPECT_EQ(again.timeline, run.scenario().timeline);
    cbsim::Run rerun(again);
    rerun.advance_to(from_s(20));
    EXPECT_EQ(events_csv(rerun), events_csv(run));
    EXPECT_EQ(timeseries_csv(rerun), timeseries_csv(run));
    EXPECT_EQ(services_csv(rerun), services_csv(run));
    EXPECT_EQ(summary_json(rerun.summary()), summary_json(run.summary()));
}

TEST(Gesture, AnOpenGestureExportsUpToNowAndReplays) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(5));
    ASSERT_EQ(run.apply_step("B.failure_rate", 0.5), "");
    run.advance_to(from_s(6));
    ASSERT_EQ(run.apply_step("B.failure_rate", 0.9), "");
    run.advance_to(from_s(7));
    ASSERT_TRUE(run.gesture());
    EXPECT_EQ(run.gesture()->until, from_s(7));
    EXPECT_EQ(change_events(run), 0u);  // recorded when the gesture ends
    cbsim::Run rerun(
        parse_scenario_toml(scenario_to_toml(run.exported_scenario()), "scenario.toml"));
    rerun.advance_to(from_s(7));
    EXPECT_EQ(events_csv(rerun), events_csv(run));
    EXPECT_EQ(timeseries_csv(rerun), timeseries_csv(run));
}

TEST(Gesture, AClickIsAPlainEntryAndEqualValuesAreNoSteps) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(3));
    EXPECT_EQ(run.apply_step("B.failure_rate", 0.0), "");  // the value in force: no step
    EXPECT_FALSE(run.gesture());
    EXPECT_EQ(run.apply_step("B.failure_rate", 0.3), "");
    EXPECT_EQ(run.apply_step("B.failure_rate", 0.3), "");
    const auto e = run.end_gesture();
    ASSERT_TRUE(e);
    EXPECT_FALSE(e->gesture());
    EXPECT_EQ(*e, (TimelineEntry{from_s(3), "B.failure_rate", 0.3}));
    EXPECT_EQ(run.recorder().events().back().reason, "set B.failure_rate");
    EXPECT_FALSE(run.end_gesture());
}

TEST(Gesture, AnotherChangeEndsTheOpenGestureFirst) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(1));
    ASSERT_EQ(run.apply_step("B.failure_rate", 0.2), "");
    run.advance_to(from_s(2));
    ASSERT_EQ(run.apply_step("B.failure_rate", 0.4), "");
    ASSERT_EQ(run.apply("A.capacity", 50.0), "");
    ASSERT_EQ(run.scenario().timeline.size(), 2u);
    EXPECT_EQ(run.scenario().timeline[0].until, from_s(2));
    EXPECT_FALSE(run.gesture());
    EXPECT_EQ(change_events(run), 2u);
    EXPECT_NE(run.apply_step("B.failure_rate", 7.0), "");  // out of range: refused
    EXPECT_FALSE(run.gesture());
}

TEST(Gesture, TomlChecksNameTheKeyAndTheRule) {
    const std::string head = scenario_to_toml(default_scenario());
    const auto message = [&](const std::string& entry) {
        try {
            parse_scenario_toml(head + "\n[[timeline]]\n" + entry, "s.toml");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const std::string ok =
        "at_s = 1\nset = \"B.failure_rate\"\nvalue = 0.5\nuntil_s = 3\nsteps = [[1, 0.2], [2, "
        "0.5]]\n";
    EXPECT_EQ(message(ok), "accepted");
    EXPECT_NE(message("at_s = 1\nset = \"B.failure_rate\"\nvalue = 0.5\nsteps = [[1, 0.5]]\n")
                  .find("timeline[0].until_s"),
              std::string::npos);
    EXPECT_NE(message("at_s = 1\nset = \"B.failure_rate\"\nvalue = 0.5\nuntil_s = 3\nsteps = "
                      "[[2, 0.2], [2, 0.5]]\n")
                  .find("the first step must be at at_s"),
              std::string::npos);
    EXPECT_NE(message("at_s = 1\nset = \"B.failure_rate\"\nvalue = 0.5\nuntil_s = 3\nsteps = "
                      "[[1, 0.2], [2, 0.4]]\n")
                  .find("the last step's value must be the entry's value"),
              std::string::npos);
    EXPECT_NE(message("at_s = 1\nset = \"B.failure_rate\"\nvalue = 0.5\nuntil_s = 1.5\nsteps = "
                      "[[1, 0.2], [2, 0.5]]\n")
                  .find("until_s must not be earlier"),
              std::string::npos);
    EXPECT_NE(message("at_s = 1\nset = \"B.failure_rate\"\nvalue = 0.5\nuntil_s = 3\nsteps = "
                      "[[1, 0.2], [2]]\n")
                  .find("timeline[0].steps[1]"),
              std::string::npos);
    // Each step is checked against the key's range.
    const std::string bad = message(
        "at_s = 1\nset = \"B.failure_rate\"\nvalue = 0.5\nuntil_s = 3\nsteps = [[1, 2], [2, "
        "0.5]]\n");
    EXPECT_NE(bad.find("timeline[0].steps"), std::string::npos) << bad;
}

TEST(Gesture, StepsInterleaveWithOtherEntriesInTimeOrder) {
    Scenario sc = default_scenario();
    TimelineEntry g{
        from_s(1), "B.failure_rate", 0.5, {{from_s(1), 0.2}, {from_s(3), 0.5}}, from_s(4)};
    sc.timeline = {g, {from_s(2), "B.failure_rate", 0.9}};
    const auto actions = timeline_actions(sc.timeline);
    ASSERT_EQ(actions.size(), 4u);
    EXPECT_EQ(actions[1].entry, 1u);  // the plain entry at 2 s between the steps
    EXPECT_EQ(actions[3].step, TimelineAction::kGestureEnd);
    cbsim::Run run(sc);
    run.advance_to(from_s(5));
    EXPECT_EQ(std::get<double>(*get_setting(run.live(), "B.failure_rate")), 0.5);
    const auto events = run.recorder().events();
    ASSERT_EQ(events.size() >= 2, true);
    std::vector<EventRecord> changes;
    for (const auto& e : events)
        if (e.kind == EventRecord::Kind::change) changes.push_back(e);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].at, from_s(2));
    EXPECT_EQ(changes[1].at, from_s(4));
    EXPECT_EQ(changes[1].from, "0");
    EXPECT_EQ(changes[1].to, "0.5");
}

TEST(Gesture, AWorldDragInACompareIsOneBaseEntryAndTheCompareReRuns) {
    const Scenario base = default_scenario();
    std::vector<Variant> variants{{"a", {}}, {"b", {{"A->B.retry.max_attempts", 3.0, {}}}}};
    Compare c(base, variants);
    c.advance_to(from_s(2));
    for (int i = 1; i <= 10; ++i) {
        ASSERT_EQ(c.apply_step("B.failure_rate", 0.05 * i), "");
        c.advance_to(c.now() + 100 * kMillisecond);
    }
    // A click on a protection slider of one variant: a timed override in the compare's export.
    ASSERT_EQ(c.apply_step("b", "A->B.timeout_ms", 300.0), "");  // ends the world gesture
    c.end_gesture();
    c.advance_to(from_s(6));
    const Scenario exported = c.exported_base();
    ASSERT_EQ(exported.timeline.size(), 1u);
    EXPECT_EQ(exported.timeline[0].steps.size(), 10u);
    for (std::size_t i = 0; i < c.size(); ++i) {
        Scenario sc;
        ASSERT_EQ(variant_scenario(exported, c.exported_variants()[i], sc), "");
        cbsim::Run rerun(parse_scenario_toml(scenario_to_toml(sc), "scenario.toml"));
        rerun.advance_to(from_s(6));
        EXPECT_EQ(events_csv(rerun), events_csv(c.run(i))) << i;
        EXPECT_EQ(timeseries_csv(rerun), timeseries_csv(c.run(i))) << i;
    }
}

}  // namespace
}  // namespace cbsim
