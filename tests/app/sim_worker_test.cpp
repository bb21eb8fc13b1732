// SimWorker: commands reach the run on the worker thread, snapshots reflect them after sync().
#include "sim_worker.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <cbsim/export.hpp>
#include <cbsim/scenario_io.hpp>

#include "common/temp_dir.hpp"

namespace cbsim::gui {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

SimWorker::Options paused() {
    SimWorker::Options o;
    o.playing = false;
    return o;
}

double failure_rate(const Snapshot& s, const std::string& service) {
    return s.live.find_service(service)->failure_rate;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::string out, line;
    while (std::getline(in, line))
        out.append(line).push_back('\n');
    return out;
}

/// The run folder `dir`, exported at `now`, re-runs from its own scenario.toml to the same
/// events.csv and timeseries.csv, byte for byte.
void expect_export_replays(const fs::path& dir, SimTime now) {
    const Scenario exported = parse_scenario_toml(read_text(dir / "scenario.toml"), "s.toml");
    cbsim::Run rerun(exported);
    rerun.advance_to(now);
    EXPECT_EQ(events_csv(rerun), read_text(dir / "events.csv"));
    EXPECT_EQ(timeseries_csv(rerun), read_text(dir / "timeseries.csv"));
}

TEST(SimWorker, StartsOnTheScenarioAtTimeZero) {
    SimWorker worker(default_scenario(), "", paused());
    const auto snap = worker.snapshot();
    ASSERT_TRUE(snap);
    EXPECT_EQ(snap->now, 0);
    EXPECT_FALSE(snap->playing);
    EXPECT_TRUE(snap->recorder);
    EXPECT_TRUE(snap->error.empty());
    EXPECT_EQ(snap->live.name, default_scenario().name);
}

TEST(SimWorker, StepAdvancesExactlyAndSettingsApplyAtNow) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(Step{from_s(3)});
    worker.send(SetSetting{"B.failure_rate", 0.9});
    worker.sync();
    auto snap = worker.snapshot();
    EXPECT_EQ(snap->now, from_s(3));
    EXPECT_DOUBLE_EQ(failure_rate(*snap, "B"), 0.9);
    EXPECT_EQ(snap->changes, 1u);
    // Paused: a second sync leaves the clock where it was.
    worker.sync();
    EXPECT_EQ(worker.snapshot()->now, from_s(3));
}

TEST(SimWorker, ARefusedSettingIsANoticeAndChangesNothing) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(SetSetting{"B.failure_rate", 3.0});
    worker.sync();
    const auto notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].kind, Notice::Kind::error);
    EXPECT_NE(notices[0].text.find("B.failure_rate"), std::string::npos) << notices[0].text;
    EXPECT_DOUBLE_EQ(failure_rate(*worker.snapshot(), "B"),
                     default_scenario().find_service("B")->failure_rate);
    EXPECT_TRUE(worker.take_notices().empty());
}

TEST(SimWorker, ResetKeepsTheSettingsAndRestartsTheClock) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(Step{from_s(2)});
    worker.send(SetSetting{"B.failure_rate", 0.5});
    worker.sync();
    const auto before = worker.snapshot();
    worker.send(Reset{});
    worker.sync();
    const auto after = worker.snapshot();
    EXPECT_EQ(after->now, 0);
    EXPECT_NE(after->generation, before->generation);
    EXPECT_DOUBLE_EQ(failure_rate(*after, "B"), 0.5);
    EXPECT_EQ(after->changes, 0u);
    worker.send(SetSeed{42});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->live.seed, 42u);
}

TEST(SimWorker, PlaysAndPausesAndClampsTheSpeed) {
    SimWorker::Options o;
    o.playing = true;
    o.speed = 1000.0;
    SimWorker worker(default_scenario(), "", o);
    worker.send(SetSpeed{5000.0});
    worker.sync();
    EXPECT_DOUBLE_EQ(worker.snapshot()->speed, SimWorker::kMaxSpeed);
    // Wait (bounded) until simulated time moved: the worker advances on its own.
    for (int i = 0; i < 500 && worker.snapshot()->now == 0; ++i)
        worker.sync();
    worker.send(SetPlaying{false});
    worker.sync();
    const SimTime stopped = worker.snapshot()->now;
    EXPECT_GT(stopped, 0);
    worker.sync();
    EXPECT_EQ(worker.snapshot()->now, stopped);
    EXPECT_FALSE(worker.snapshot()->playing);
}

TEST(SimWorker, ExportsTheRunFolderAndReportsFailures) {
    const TempDir tmp("cbsim_worker_export");
    const fs::path dir = tmp.path / "run";
    SimWorker worker(default_scenario(), "", paused());
    worker.send(Step{from_s(2)});
    worker.send(SetSetting{"B.failure_rate", 1.0});
    worker.send(Step{from_s(3)});
    worker.send(ExportRun{dir.string()});
    worker.sync();
    auto notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].kind, Notice::Kind::exported) << notices[0].text;
    EXPECT_EQ(notices[0].path, dir.string());
    for (const char* f : {"timeseries.csv", "events.csv", "scenario.toml", "summary.json"}) {
        EXPECT_TRUE(fs::exists(dir / f)) << f;
    }
    const std::string text = read_text(dir / "scenario.toml");
    EXPECT_NE(text.find("B.failure_rate"), std::string::npos) << "the change is in the timeline";

    worker.send(ExportRun{"/proc/cbsim-cannot-write/run"});
    worker.send(SaveScenario{"/proc/cbsim-cannot-write/s.toml"});
    worker.sync();
    notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 2u);
    EXPECT_EQ(notices[0].kind, Notice::Kind::error);
    EXPECT_EQ(notices[1].kind, Notice::Kind::error);
    // The run is intact after the failures.
    EXPECT_EQ(worker.snapshot()->now, from_s(5));
}

TEST(SimWorker, AFailedExportKeepsThePlayingRunAndSaysWhere) {
    const TempDir tmp("cbsim_worker_export_fail");
    const fs::path& base = tmp.path;
    fs::create_directories(base / "mine");
    std::ofstream(base / "mine" / "notes.txt") << "keep me";
    SimWorker::Options o;
    o.speed = 1000.0;
    SimWorker worker(default_scenario(), "", o);
    // Unwritable (even for root), and a folder of the user's that an export must not replace.
    const std::string unwritable = "/proc/cbsim-cannot-write/run";
    const std::string foreign = (base / "mine").string();
    worker.send(ExportRun{unwritable});
    worker.send(ExportRun{foreign});
    worker.sync();
    auto notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 2u);
    EXPECT_EQ(notices[0].kind, Notice::Kind::error);
    EXPECT_NE(notices[0].text.find(unwritable), std::string::npos) << notices[0].text;
    EXPECT_EQ(notices[1].kind, Notice::Kind::error);
    EXPECT_NE(notices[1].text.find("notes.txt"), std::string::npos) << notices[1].text;
    std::ifstream kept(base / "mine" / "notes.txt");
    std::string text;
    std::getline(kept, text);
    EXPECT_EQ(text, "keep me");
    // The run goes on playing after the failures: simulated time keeps moving.
    const SimTime at_failure = worker.snapshot()->now;
    EXPECT_TRUE(worker.snapshot()->playing);
    bool moved = false;
    for (int i = 0; i < 3000 && !moved; ++i) {  // up to 30 s on a loaded machine
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        moved = worker.snapshot()->now > at_failure + from_s(1);
    }
    EXPECT_TRUE(moved) << "the run stopped after a failed export";
    // And the same run exports fine to a writable place.
    const fs::path good = base / "run";
    worker.send(ExportRun{good.string()});
    worker.sync();
    notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].kind, Notice::Kind::exported) << notices[0].text;
    EXPECT_TRUE(fs::exists(good / "timeseries.csv"));
}

TEST(SimWorker, ABadScenarioKeepsTheCurrentRun) {
    SimWorker worker(default_scenario(), "", paused());
    Scenario bad = default_scenario();
    bad.traffic.target = "nobody";
    worker.send(LoadScenario{bad, "bad.toml", {}, {}});
    worker.sync();
    const auto notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].kind, Notice::Kind::error);
    EXPECT_EQ(worker.snapshot()->live.traffic.target, default_scenario().traffic.target);
    EXPECT_TRUE(worker.snapshot()->error.empty());
}

TEST(SimWorker, CompareModeAddsSelectsRenamesAndRemovesVariants) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(Step{from_s(2)});
    worker.send(AddVariant{});  // a single run becomes "base" plus a copy, restarted at 0
    worker.sync();
    auto snap = worker.snapshot();
    ASSERT_TRUE(snap->comparing());
    ASSERT_EQ(snap->variants.size(), 2u);
    EXPECT_EQ(snap->variants[0].name, "base");
    EXPECT_EQ(snap->variants[1].name, "v2");
    EXPECT_EQ(snap->selected, 1u) << "the new variant is the one shown";
    EXPECT_EQ(snap->now, 0);

    // A protection change reaches the selected variant only; a world change every variant.
    worker.send(Step{from_s(1)});
    worker.send(SetSetting{"A->B.breaker.timeout_ms", 9000.0});
    worker.send(SetSetting{"B.failure_rate", 0.5});
    worker.send(Step{from_s(4)});
    worker.sync();
    snap = worker.snapshot();
    const auto timeout = [](const Snapshot& s) {
        return std::get<GobreakerSettings>(s.live.services[0].dependencies[0].breaker->settings)
            .timeout_ms;
    };
    EXPECT_EQ(timeout(*snap), 9000);
    EXPECT_DOUBLE_EQ(failure_rate(*snap, "B"), 0.5);
    worker.send(SelectVariant{0});
    worker.sync();
    snap = worker.snapshot();
    EXPECT_EQ(snap->selected, 0u);
    EXPECT_EQ(timeout(*snap), 5000) << "the base keeps its own protection";
    EXPECT_DOUBLE_EQ(failure_rate(*snap, "B"), 0.5) << "the world is common";
    // Both met the same traffic; the plots read each variant's recorder.
    ASSERT_TRUE(snap->variants[0].recorder && snap->variants[1].recorder);
    EXPECT_EQ(snap->variants[0].summary.requests, snap->variants[1].summary.requests);

    // Rename: refused when taken or not a name; accepted otherwise.
    worker.send(RenameVariant{1, "base"});
    worker.send(RenameVariant{1, "no spaces"});
    worker.send(RenameVariant{1, "slow_open"});
    worker.sync();
    EXPECT_EQ(worker.take_notices().size(), 2u);
    EXPECT_EQ(worker.snapshot()->variants[1].name, "slow_open");

    // Export: the compare folder, re-runnable from its compare.toml.
    const TempDir tmp("cbsim_worker_compare");
    const fs::path dir = tmp.path / "compare";
    worker.send(ExportRun{dir.string()});
    worker.sync();
    const auto notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].kind, Notice::Kind::exported) << notices[0].text;
    EXPECT_TRUE(fs::exists(dir / "slow_open" / "timeseries.csv"));
    const ScenarioOrCompare again = load_scenario_or_compare((dir / "compare.toml").string());
    ASSERT_EQ(again.variants.size(), 2u);
    EXPECT_EQ(again.variants[1].name, "slow_open");

    // Removing one of two returns to a single run, restarted with the remaining settings.
    worker.send(SelectVariant{1});
    worker.send(RemoveVariant{0});
    worker.sync();
    snap = worker.snapshot();
    EXPECT_FALSE(snap->comparing());
    EXPECT_EQ(snap->now, 0);
    EXPECT_EQ(timeout(*snap), 9000) << "the remaining variant's protection";
    EXPECT_DOUBLE_EQ(failure_rate(*snap, "B"), 0.5);
}

TEST(SimWorker, StartsInCompareModeOnACompareFile) {
    std::vector<Variant> variants(2);
    ASSERT_EQ(parse_variant("gob", variants[0]), "");
    ASSERT_EQ(parse_variant("r4j:A->B.breaker.preset=resilience4j", variants[1]), "");
    SimWorker worker(default_scenario(), "four.toml", paused(), variants);
    const auto snap = worker.snapshot();
    ASSERT_EQ(snap->variants.size(), 2u);
    EXPECT_EQ(snap->variants[1].name, "r4j");
    EXPECT_EQ(snap->selected, 0u);
}

std::size_t change_rows(const Snapshot& s) {
    std::size_t n = 0;
    for (const EventRecord& e : s.recorder->events())
        n += e.kind == EventRecord::Kind::change ? 1 : 0;
    return n;
}

// A retry setting of one variant (the Breaker panel's protection section sends it as any
// setting) changes that variant's run alone, is one change on its timeline and in its events,
// and undo takes it back in that variant.
TEST(SimWorker, AVariantsRetryChangeReachesThatVariantOnly) {
    SimWorker worker(default_scenario(), "", paused());
    const Dependency before = worker.snapshot()->live.services[0].dependencies[0];
    ASSERT_NE(before.retry.max_attempts, 4);
    ASSERT_NE(before.timeout_ms, 250);
    worker.send(AddVariant{});
    worker.send(Step{from_s(1)});
    worker.send(SetSetting{"A->B.retry.max_attempts", 4.0});
    worker.send(SetSetting{"A->B.timeout_ms", 250.0});
    worker.send(Step{from_s(1)});
    worker.sync();
    auto snap = worker.snapshot();
    ASSERT_EQ(snap->selected, 1u);
    const auto attempts = [](const Snapshot& s) {
        return s.live.services[0].dependencies[0].retry.max_attempts;
    };
    const auto timeout = [](const Snapshot& s) {
        return s.live.services[0].dependencies[0].timeout_ms;
    };
    EXPECT_EQ(attempts(*snap), 4);
    EXPECT_EQ(timeout(*snap), 250);
    EXPECT_EQ(snap->changes, 2u) << "two entries on the variant's timeline";
    EXPECT_EQ(change_rows(*snap), 2u) << "two changes in its events";
    EXPECT_EQ(snap->undo_label, "Undo A->B.timeout_ms 250 -> " + std::to_string(before.timeout_ms));
    worker.send(SelectVariant{0});
    worker.sync();
    snap = worker.snapshot();
    EXPECT_EQ(attempts(*snap), before.retry.max_attempts) << "the base keeps its retries";
    EXPECT_EQ(timeout(*snap), before.timeout_ms);
    EXPECT_EQ(snap->changes, 0u);
    EXPECT_EQ(change_rows(*snap), 0u);
    // Both met the same traffic.
    ASSERT_EQ(snap->variants.size(), 2u);
    EXPECT_EQ(snap->variants[0].summary.requests, snap->variants[1].summary.requests);
    // Undo takes the timeout back in that variant only.
    worker.send(Undo{});
    worker.send(SelectVariant{1});
    worker.sync();
    snap = worker.snapshot();
    EXPECT_EQ(timeout(*snap), before.timeout_ms);
    EXPECT_EQ(attempts(*snap), 4);
    EXPECT_EQ(snap->changes, 3u);
}

TEST(SimWorker, A2SecondDragOf60StepsIsOneChangeAndOneEntryAndItsExportReplays) {
    const TempDir tmp("cbsim_worker_gesture");
    const fs::path dir = tmp.path / "run";
    SimWorker worker(default_scenario(), "", paused());
    worker.send(Step{from_s(5)});
    for (int i = 1; i <= 60; ++i) {
        worker.send(SetSetting{"B.failure_rate", i / 60.0 * 0.9, true});
        worker.send(Step{2 * kSecond / 60});
    }
    worker.sync();
    EXPECT_EQ(worker.snapshot()->changes, 1u);                     // the gesture's entry, open
    EXPECT_EQ(change_rows(*worker.snapshot()), 0u);                // recorded at its end
    EXPECT_DOUBLE_EQ(failure_rate(*worker.snapshot(), "B"), 0.9);  // applied live
    worker.send(EndGesture{});
    worker.send(Step{from_s(3)});
    worker.send(ExportRun{dir.string()});
    worker.sync();
    const auto snap = worker.snapshot();
    EXPECT_EQ(snap->changes, 1u);
    EXPECT_EQ(change_rows(*snap), 1u);
    EXPECT_EQ(snap->summary.changes_applied, 1u);
    EXPECT_EQ(snap->undo_label, "Undo B.failure_rate 0.9 -> 0");
    ASSERT_EQ(worker.take_notices().at(0).kind, Notice::Kind::exported);
    const Scenario exported = parse_scenario_toml(read_text(dir / "scenario.toml"), "s.toml");
    ASSERT_EQ(exported.timeline.size(), 1u);
    EXPECT_EQ(exported.timeline[0].steps.size(), 60u);
    expect_export_replays(dir, snap->now);
}

TEST(SimWorker, UndoAppliesTheOldValueAsANewChangeAndRedoAppliesItAgain) {
    SimWorker worker(default_scenario(), "", paused());
    EXPECT_TRUE(worker.snapshot()->undo_label.empty());
    worker.send(Undo{});  // nothing to undo: nothing happens
    worker.send(Step{from_s(1)});
    worker.send(SetSetting{"B.failure_rate", 0.3, true});
    worker.send(Step{from_s(1)});
    worker.send(SetSetting{"B.failure_rate", 0.6, true});
    worker.send(EndGesture{});
    worker.send(SetSetting{"A.capacity", 40.0});
    worker.send(Step{from_s(1)});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->undo_label, "Undo A.capacity 40 -> 100");
    worker.send(Undo{});
    worker.sync();
    auto snap = worker.snapshot();
    EXPECT_EQ(snap->live.find_service("A")->capacity, 100);
    EXPECT_EQ(snap->undo_label, "Undo B.failure_rate 0.6 -> 0");
    EXPECT_EQ(snap->redo_label, "Redo A.capacity 100 -> 40");
    worker.send(Undo{});
    worker.sync();
    snap = worker.snapshot();
    EXPECT_DOUBLE_EQ(failure_rate(*snap, "B"), 0.0);
    EXPECT_TRUE(snap->undo_label.empty());
    // Each undo is a new change at the current time: 2 edits + 2 undos.
    EXPECT_EQ(snap->changes, 4u);
    EXPECT_EQ(snap->live.find_service("B") != nullptr, true);
    const auto events = snap->recorder->events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().at, from_s(3));
    EXPECT_EQ(events.back().from, "0.6");
    EXPECT_EQ(events.back().to, "0");
    worker.send(Redo{});
    worker.sync();
    snap = worker.snapshot();
    EXPECT_DOUBLE_EQ(failure_rate(*snap, "B"), 0.6);
    EXPECT_EQ(snap->redo_label, "Redo A.capacity 100 -> 40");
    // A new edit forgets what could be redone; a reset forgets the history.
    worker.send(SetSetting{"B.failure_rate", 0.1});
    worker.sync();
    EXPECT_TRUE(worker.snapshot()->redo_label.empty());
    worker.send(Reset{});
    worker.sync();
    EXPECT_TRUE(worker.snapshot()->undo_label.empty());
}

TEST(SimWorker, AQueuedStepIsDroppedOnlyWhenTheNextCommandIsAStepOfTheSamePath) {
    const Command a = SetSetting{"B.failure_rate", 0.1, true};
    EXPECT_TRUE(SimWorker::superseded(a, SetSetting{"B.failure_rate", 0.2, true}));
    EXPECT_FALSE(SimWorker::superseded(a, SetSetting{"B.failure_rate", 0.2, false}));
    EXPECT_FALSE(SimWorker::superseded(a, SetSetting{"A.capacity", 2.0, true}));
    EXPECT_FALSE(SimWorker::superseded(a, EndGesture{}));
    EXPECT_FALSE(SimWorker::superseded(SetSetting{"B.failure_rate", 0.1, false},
                                       SetSetting{"B.failure_rate", 0.2, true}));
}

// Topology edits: rebuilt run, same history, undo and redo, refusals.

Change change(std::string_view path, std::string value) {
    return {std::string(path), std::move(value)};
}

TEST(SimWorker, ATopologyEditWhileRunningKeepsTheHistoryAndReplays) {
    const TempDir tmp("cbsim_worker_topology");
    const fs::path dir = tmp.path / "run";
    SimWorker worker(default_scenario(), "", paused());
    worker.send(Step{from_s(4)});
    worker.send(SetSetting{"B.failure_rate", 0.3});
    worker.send(Step{from_s(2)});
    worker.sync();
    const auto before = worker.snapshot();
    const std::vector<EdgeRow> ab_before = before->recorder->edge_rows(1);
    worker.send(EditTopology{{change(topology::kAddService, "C"),
                              change(topology::kAddDependency, "B->C"),
                              {"B->C.breaker.preset", std::string("gobreaker")}}});
    worker.sync();
    auto snap = worker.snapshot();
    EXPECT_TRUE(worker.take_notices().empty());
    EXPECT_EQ(snap->now, from_s(6));
    EXPECT_NE(snap->generation, before->generation);
    ASSERT_NE(snap->live.find_service("C"), nullptr);
    ASSERT_EQ(snap->live.find_service("B")->dependencies.size(), 1u);
    EXPECT_EQ(snap->undo_label, "Undo add service C");
    // The rebuilt run's rows before the edit are the old run's.
    EXPECT_EQ(snap->recorder->edge_names(),
              (std::vector<std::string>{"client->A", "A->B", "B->C"}));
    const std::vector<EdgeRow> ab_after = snap->recorder->edge_rows(1);
    ASSERT_EQ(ab_after.size(), ab_before.size());
    for (std::size_t i = 0; i < ab_before.size(); ++i) {
        EXPECT_EQ(ab_after[i].calls, ab_before[i].calls) << i;
        EXPECT_EQ(ab_after[i].failures, ab_before[i].failures) << i;
    }
    // Undo removes what the edit added, at the current time; redo adds it again.
    worker.send(Step{from_s(2)});
    worker.send(Undo{});
    worker.sync();
    snap = worker.snapshot();
    EXPECT_EQ(snap->live.find_service("C"), nullptr);
    EXPECT_TRUE(snap->live.find_service("B")->dependencies.empty());
    EXPECT_EQ(snap->redo_label, "Redo add service C");
    worker.send(Step{from_s(1)});
    worker.send(Redo{});
    worker.send(Step{from_s(1)});
    worker.send(ExportRun{dir.string()});
    worker.sync();
    snap = worker.snapshot();
    ASSERT_NE(snap->live.find_service("C"), nullptr);
    ASSERT_TRUE(snap->live.find_service("B")->dependencies.at(0).breaker);
    ASSERT_EQ(worker.take_notices().at(0).kind, Notice::Kind::exported);
    expect_export_replays(dir, snap->now);
}

TEST(SimWorker, UndoOfARemovalBringsTheServiceBackWithItsSettings) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(EditTopology{{change(topology::kAddService, "C")}});
    worker.send(SetSetting{"C.instances", 4.0});
    worker.send(Step{from_s(1)});
    worker.send(EditTopology{{change(topology::kRemoveService, "C")}});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->live.find_service("C"), nullptr);
    worker.send(Undo{});
    worker.sync();
    const auto snap = worker.snapshot();  // keeps the Service that c points into alive
    const Service* c = snap->live.find_service("C");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->instances, 4);
}

TEST(SimWorker, InvalidTopologyEditsAreRefusedAndChangeNothing) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(Step{from_s(1)});
    worker.sync();
    const auto before = worker.snapshot();
    worker.send(EditTopology{{change(topology::kRemoveService, "B")}});
    worker.send(EditTopology{{change(topology::kAddDependency, "B->A")}});
    worker.send(RenameService{"B", "backend"});  // t > 0
    worker.sync();
    const auto notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 3u);
    EXPECT_NE(notices[0].text.find("still called by A"), std::string::npos) << notices[0].text;
    EXPECT_NE(notices[1].text.find("cycle"), std::string::npos) << notices[1].text;
    EXPECT_NE(notices[2].text.find("only before the run has advanced"), std::string::npos);
    const auto after = worker.snapshot();
    EXPECT_EQ(after->live, before->live);
    EXPECT_EQ(after->generation, before->generation);
    EXPECT_TRUE(after->undo_label.empty());
}

TEST(SimWorker, TopologyEditsAreRefusedWhileComparing) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(AddVariant{"v2", {}});
    worker.sync();
    worker.take_notices();
    const auto before = worker.snapshot();
    ASSERT_TRUE(before->comparing());
    worker.send(EditTopology{{change(topology::kAddService, "C")}});
    worker.sync();
    const auto notices = worker.take_notices();
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_NE(notices[0].text.find("while comparing variants"), std::string::npos)
        << notices[0].text;
    EXPECT_EQ(worker.snapshot()->live.find_service("C"), nullptr);
    EXPECT_EQ(worker.snapshot()->generation, before->generation);
}

TEST(SimWorker, NewScenarioAndARenameAtTimeZero) {
    SimWorker worker(default_scenario(), "", paused());
    worker.send(LoadScenario{new_scenario(), "", {}, {}});
    worker.send(RenameService{"A", "gateway"});
    worker.send(EditTopology{{change(topology::kAddService, "profile")}});
    worker.send(EditTopology{{change(topology::kAddDependency, "gateway->profile")}});
    worker.sync();
    const auto snap = worker.snapshot();
    EXPECT_TRUE(worker.take_notices().empty());
    EXPECT_EQ(snap->now, 0);
    EXPECT_EQ(snap->live.traffic.target, "gateway");
    ASSERT_EQ(snap->live.services.size(), 2u);
    EXPECT_EQ(snap->live.services[0].dependencies.at(0).target, "profile");
    EXPECT_EQ(snap->undo_label, "Undo add dependency gateway->profile");
}

TEST(SimWorker, ANewScenarioWhilePlayingStartsPausedAtExactlyTimeZero) {
    SimWorker worker(default_scenario(), "", SimWorker::Options{});  // playing
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    worker.sync();
    ASSERT_GT(worker.snapshot()->now, 0);
    worker.send(LoadScenario{new_scenario(), "", {}, false});
    // However long the UI takes to its next frame, the new run does not advance.
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    worker.sync();
    const auto snap = worker.snapshot();
    EXPECT_FALSE(snap->playing);
    EXPECT_EQ(snap->now, 0);
    worker.send(RenameService{"A", "gateway"});
    worker.sync();
    EXPECT_TRUE(worker.take_notices().empty()) << "a rename at t = 0 is allowed";
    EXPECT_EQ(worker.snapshot()->live.traffic.target, "gateway");
}

TEST(SimWorker, UnsavedCountsEditsUntilSavedExportedOrReplaced) {
    TempDir dir;
    SimWorker worker(default_scenario(), "", paused());
    EXPECT_EQ(worker.snapshot()->unsaved, 0u) << "a scenario just loaded has nothing to lose";
    worker.send(SetSetting{"B.failure_rate", 0.5});
    worker.send(SetSetting{"B.failure_rate", 0.6, true});  // a drag: one edit for all steps
    worker.send(SetSetting{"B.failure_rate", 0.7, true});
    worker.send(EndGesture{});
    worker.send(EditTopology{{change(topology::kAddService, "C")}});
    worker.send(Undo{});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->unsaved, 4u);
    worker.send(Reset{});  // the changes stay in force: still unsaved
    worker.sync();
    EXPECT_EQ(worker.snapshot()->unsaved, 4u);
    worker.send(SaveScenario{(dir.path / "s.toml").string()});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->unsaved, 0u);
    worker.send(SetSetting{"B.failure_rate", 0.1});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->unsaved, 1u);
    worker.send(ExportRun{(dir.path / "run").string()});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->unsaved, 0u);
    worker.send(SetSeed{7});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->unsaved, 1u);
    worker.send(LoadScenario{new_scenario(), "", {}, {}});
    worker.sync();
    EXPECT_EQ(worker.snapshot()->unsaved, 0u);
}

}  // namespace
}  // namespace cbsim::gui
