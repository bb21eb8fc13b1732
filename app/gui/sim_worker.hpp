// sim_worker.hpp: the simulation's own thread.
//
// SimWorker owns the run: a Compare of one variant, or of several in compare mode (the same
// world for all of them, compare.hpp). Its thread advances it at `speed` x real time while playing,
// applies the Commands the UI queued since the last tick, and publishes a fresh Snapshot after
// each tick. The UI side (send, snapshot, take_notices) only ever locks a mutex to copy a
// pointer or swap a small vector, so neither thread waits for the other beyond a copy. While
// paused the thread sleeps on a condition variable until a command arrives.
//
// Out of memory: an allocation that fails while the run advances or a command is applied
// (std::bad_alloc, or std::length_error from a container that cannot grow) pauses the run,
// frees a reserve kept for this moment (so the UI, Save and Export have room) and sends an
// error notice naming the largest holder (out_of_memory_reason). The run, its scenario and
// timeline stay: Save and Export work; Play and Step are refused until Reset or Load.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <cbsim/compare.hpp>

#include "commands.hpp"
#include "edit_history.hpp"

namespace cbsim::gui {

class SimWorker : public CommandSink {
  public:
    struct Options {
        double speed = 1.0;
        bool playing = true;
        /// Longest real time one tick may spend advancing; beyond it the run falls behind
        /// (the lag is dropped, not accumulated) and the snapshot says so.
        std::chrono::milliseconds max_tick_work{25};
        std::chrono::milliseconds tick{10};  ///< sleep between ticks while playing
        /// The recorder's row bound (see Recorder); smaller in tests.
        std::size_t max_rows = Recorder::kDefaultMaxRows;
    };

    static constexpr double kMinSpeed = 0.1;
    static constexpr double kMaxSpeed = 1000.0;

    /// Starts the thread on a run of `scenario`, or a compare of `variants` of it (if it cannot
    /// run, the snapshot's `error` says why and the thread waits for a LoadScenario).
    SimWorker(Scenario scenario, std::string source, Options options,
              std::vector<Variant> variants = {});
    ~SimWorker() override;
    SimWorker(const SimWorker&) = delete;
    SimWorker& operator=(const SimWorker&) = delete;

    /// Queues a command; the worker applies it at its next tick (wakes it when paused).
    void send(Command command) override;

    /// The latest snapshot (never null).
    std::shared_ptr<const Snapshot> snapshot() const;

    /// Results of commands since the last call (export paths, errors).
    std::vector<Notice> take_notices();

    /// Blocks until every command sent before this call has been applied and a snapshot
    /// published after them (tests, and Export before quitting).
    void sync();

    /// True if the queued command `first` is not applied: a gesture step that the command
    /// queued right after it, a step of the same path, replaces.
    static bool superseded(const Command& first, const Command& next);

  private:
    void loop();
    void handle(Command& command);
    void restart(Scenario scenario, std::string source, std::vector<Variant> variants);
    /// Restarts at t = 0 with the settings in force now, each variant keeping its own
    /// protection, as `variants` (names and order; `from[i]`: the running variant whose
    /// settings variant i takes).
    void restart_now(std::vector<Variant> variants, const std::vector<std::size_t>& from,
                     std::optional<std::uint64_t> seed);
    void set_setting(const SetSetting& c);
    void export_to(const std::string& dir);
    void save_to(const std::string& path);
    const Run& run() const { return compare_->run(selected_); }
    void advance(double real_seconds);
    void publish(bool with_summary);
    void notify(Notice notice);
    /// Runs `work`; an allocation failure in it stops the run (see the top of this file).
    template <typename Work>
    void guarded(Work&& work);
    void out_of_memory();

    /// Bytes set aside at start and freed when memory runs out.
    static constexpr std::size_t kReserveBytes = std::size_t{16} << 20;

    Options options_;
    // Worker thread only; shared so snapshots keep the recorders. One variant (named "run")
    // for a single run.
    std::shared_ptr<Compare> compare_;
    bool comparing_ = false;  // compare mode (variants shown as such)
    std::size_t selected_ = 0;
    std::string source_;
    std::string error_;
    std::uint64_t generation_ = 0;
    double speed_;
    bool playing_;
    bool behind_ = false;
    bool out_of_memory_ = false;  // the run hit an allocation failure: it may not advance
    std::unique_ptr<char[]> reserve_;
    double carry_us_ = 0.0;           // fraction of a microsecond owed to the next tick
    std::vector<Summary> summaries_;  // per variant, refreshed every kSummaryEvery
    EditHistory history_;             // cleared when the run is replaced
    bool edit_open_ = false;          // the latest edit is a gesture still going on
    std::size_t unsaved_ = 0;         // Snapshot::unsaved
    void undo_redo(bool undo);
    /// A topology edit at now (EditTopology): checked, then the run rebuilt with the changes
    /// on its timeline (models are built when a run starts). "" or why it was refused.
    std::string edit_topology(const std::vector<Change>& changes);
    void rename_service(const RenameService& c);
    std::chrono::steady_clock::time_point last_summary_{};

    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable wake_;
    std::condition_variable synced_;
    std::vector<Command> queue_;
    std::uint64_t sent_ = 0;
    std::uint64_t applied_ = 0;
    std::uint64_t ticks_ = 0;  // loop iterations finished (commands applied, published)
    int sync_waiters_ = 0;     // threads in sync(): keep ticking while paused
    std::shared_ptr<const Snapshot> snapshot_;
    std::vector<Notice> notices_;
    bool stop_ = false;

    std::thread thread_;  // last: starts after every member above exists
};

}  // namespace cbsim::gui
