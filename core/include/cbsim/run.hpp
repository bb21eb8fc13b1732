// cbsim/run.hpp: a Scenario wired into a Simulator, advanced by the GUI or the CLI.
//
//   Run run(scenario);                    // throws ConfigError if validate() finds problems
//   run.advance_to(from_s(10));
//   run.apply("B.failure_rate", 0.9);      // now, live; recorded into run.scenario().timeline
//   run.advance_to(from_s(60));
//   write_run_folder(run, "out", scenario_to_toml(run.exported_scenario()));
//
// Threads: a Run is driven by one thread (advance_to, apply, summary). recorder() may be read
// from any other thread at any time (see recorder.hpp); nothing else may.
//
// Reproducibility: apply(path, value) at now() == t appends {t, path, value} to the timeline
// of scenario(); timeline entries apply before any other event of their instant, and
// advance_to(t) runs only the events before t, so re-running exported_scenario() gives the
// same events in the same order, and the same bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/recorder.hpp"
#include "cbsim/scenario.hpp"
#include "cbsim/summary.hpp"
#include "cbsim/time.hpp"

namespace cbsim {

/// One holder of a run's memory, as estimated by Run::memory_holders().
struct MemoryHolder {
    enum class Kind : std::uint8_t {
        recorder_rows,    ///< the recorder's rows and levels (every series)
        recorder_events,  ///< the recorder's events list
        queued_calls,     ///< calls waiting in the queues of service `where`
        calls_in_flight,  ///< calls being served or waiting on dependencies, their attempts,
                          ///< timeouts and scheduled events (all services)
        held_attempts,    ///< attempts the breakers of edge `where` hold (wait answer)
    };
    Kind kind = Kind::recorder_rows;
    std::string where;  ///< the service or edge, for queued_calls and held_attempts
    std::size_t bytes = 0;
};

class Run {
  public:
    /// Builds the models. Throws ConfigError (key and message of the first problem found by
    /// validate()) if the scenario cannot run. `max_rows`: see Recorder.
    explicit Run(Scenario scenario, std::size_t max_rows = Recorder::kDefaultMaxRows);
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    SimTime now() const;

    /// Runs every event before `t` (timeline entries included) and closes the time buckets
    /// that end at or before `t`; then now() == t. Does nothing if t <= now().
    void advance_to(SimTime t);

    /// Sets a parameter at now(), live, and appends it to scenario().timeline. Returns an
    /// empty string on success, else the message of apply_setting() (nothing changes).
    /// Ends an open gesture first (end_gesture()).
    std::string apply(std::string_view path, const SettingValue& value);

    /// Applies the timeline entries due at now() that have not applied yet (advance_to(t) stops
    /// before the events of t, so entries at t wait for the next advance or apply()); the
    /// recorder's live breaker view then shows their effect.
    void settle();

    /// A topology change (is_topology_path()) applies through apply() only if this run has the
    /// models it needs: a run builds the models of every service and dependency its scenario
    /// and timeline name when it starts. While running, a topology edit instead builds a new
    /// run of scenario_with(changes), advances it to now() and settle()s it: the same history
    /// before now() (the added models are idle until their add), the changes in force at now().
    /// scenario_with() is scenario() with an open gesture ended at now() and `changes` appended
    /// to the timeline at now().
    Scenario scenario_with(const std::vector<Change>& changes) const;

    /// One step of a gesture on `path` (a slider drag): sets the number `value` at now(), live,
    /// like apply(), but the whole gesture is one timeline entry with steps (TimelineEntry) and
    /// one change event, recorded when it ends. The first step opens the gesture (ending an
    /// open one on another path); a value equal to the one in force is not a step (nothing
    /// happens). Returns "" or the message of apply_setting() (nothing changes).
    std::string apply_step(std::string_view path, double value);
    /// Ends the open gesture at now() (the mouse-up): its entry's until = now(), its one change
    /// event recorded. A gesture of one step at one instant becomes a plain entry. Nothing
    /// happens if no gesture is open.
    /// Returns the finished entry as the timeline holds it, or nullopt.
    std::optional<TimelineEntry> end_gesture();
    /// The open gesture's entry (until = now()), or nullopt.
    std::optional<TimelineEntry> gesture() const;

    /// The scenario as loaded plus every change applied through apply().
    const Scenario& scenario() const;
    /// scenario() with duration_s = now(): re-running it reproduces this run's export. An open
    /// gesture is in it with until = now() (its change is not recorded before the end).
    Scenario exported_scenario() const;
    /// The parameters in force now (initial values with every applied change).
    const Scenario& live() const;

    const Recorder& recorder() const;

    /// The KPIs of the run so far (see summary.hpp).
    Summary summary() const;

    /// The rows of the bucket still open at now() (one per edge, then per service): its counts
    /// so far, gauges as of now(), breaker states as last observed (the breakers are not
    /// asked, so reading this changes nothing); empty if now() is on a bucket boundary.
    /// Exports add them after the recorder's rows so an export covers [0, now()).
    struct PartialBucket {
        SimTime start = 0;
        std::vector<EdgeRow> edges;
        std::vector<ServiceRow> services;
    };
    PartialBucket partial_bucket() const;

    /// Simulator events run so far, and client requests generated (for benchmarks).
    std::uint64_t events_processed() const;
    std::uint64_t requests() const;

    /// What holds the run's memory, largest first: the recorder's rows and events, the calls
    /// queued at each service (one holder per service with a queue), the calls in flight,
    /// the attempts held per edge. Estimates from the containers' sizes; callable after an
    /// allocation failed (it allocates only the small result).
    std::vector<MemoryHolder> memory_holders() const;

    struct Impl;

  private:
    friend struct RunTestAccess;  // tests reach Impl's probes (tests/core/sim_crn_test.cpp)
    std::unique_ptr<Impl> impl_;
};

/// Why `run` ran out of memory, for the user: its largest holder (memory_holders().front()),
/// how much it holds and what makes it smaller, e.g. "the calls queued at service B hold the
/// most (812.0 MiB); lower traffic.rate_rps, B.queue_limit or B.instances, or make B faster".
/// One text for the CLI and the app.
std::string out_of_memory_reason(const Run& run);

}  // namespace cbsim
