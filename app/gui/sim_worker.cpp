#include "sim_worker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <new>
#include <stdexcept>

#include <cbsim/atomic_file.hpp>
#include <cbsim/error.hpp>
#include <cbsim/export.hpp>
#include <cbsim/scenario_io.hpp>

namespace cbsim::gui {
namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kSummaryEvery = std::chrono::milliseconds(250);
}  // namespace

SimWorker::SimWorker(Scenario scenario, std::string source, Options options)
    : options_(options),
      speed_(std::clamp(options.speed, kMinSpeed, kMaxSpeed)),
      playing_(options.playing) {
    reserve_ = std::make_unique<char[]>(kReserveBytes);
    std::fill_n(reserve_.get(), kReserveBytes, char{1});  // resident, not just reserved
    restart(std::move(scenario), std::move(source));
    publish(true);
    thread_ = std::thread([this] { loop(); });
}

SimWorker::~SimWorker() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    synced_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void SimWorker::send(Command command) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(command));
        ++sent_;
    }
    wake_.notify_one();
}

std::shared_ptr<const Snapshot> SimWorker::snapshot() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

std::vector<Notice> SimWorker::take_notices() {
    std::lock_guard lock(mutex_);
    std::vector<Notice> out;
    out.swap(notices_);
    return out;
}

void SimWorker::sync() {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = sent_;
    const std::uint64_t start = ticks_;
    ++sync_waiters_;
    wake_.notify_one();
    // A whole tick after this call: the commands sent before it are applied and the snapshot
    // published after them (a tick already under way may not have seen them).
    synced_.wait(lock, [&] { return stop_ || (applied_ >= target && ticks_ >= start + 2); });
    --sync_waiters_;
}

void SimWorker::notify(Notice notice) {
    std::lock_guard lock(mutex_);
    notices_.push_back(std::move(notice));
}

void SimWorker::loop() {
    auto last = Clock::now();
    while (true) {
        std::vector<Command> commands;
        std::uint64_t taken = 0;
        {
            std::lock_guard lock(mutex_);
            if (stop_) return;
            commands.swap(queue_);
            taken = sent_;
        }
        for (Command& c : commands)
            guarded([&] { handle(c); });
        const auto now = Clock::now();
        // A thread descheduled for long does not make the run jump ahead.
        const double real = std::min(std::chrono::duration<double>(now - last).count(), 0.25);
        last = now;
        if (playing_ && run_) guarded([&] { advance(real); });
        guarded([&] { publish(!commands.empty() || now - last_summary_ >= kSummaryEvery); });
        std::unique_lock lock(mutex_);
        applied_ = taken;
        ++ticks_;
        synced_.notify_all();
        if (stop_) return;
        if (queue_.empty()) {
            if (playing_ && run_) {
                wake_.wait_for(lock, options_.tick,
                               [&] { return stop_ || !queue_.empty() || sync_waiters_ > 0; });
            } else {
                wake_.wait(lock, [&] { return stop_ || !queue_.empty() || sync_waiters_ > 0; });
                last = Clock::now();  // paused time is not simulated
            }
        }
    }
}

template <typename Work>
void SimWorker::guarded(Work&& work) {
    try {
        work();
    } catch (const std::bad_alloc&) {
        out_of_memory();
    } catch (const std::length_error&) {
        out_of_memory();
    }
}

void SimWorker::out_of_memory() {
    reserve_.reset();  // room for the notice, the UI, Save and Export
    playing_ = false;
    behind_ = false;
    if (!run_) {
        notify({Notice::Kind::error, "Out of memory: the scenario does not fit", ""});
        return;
    }
    out_of_memory_ = true;
    char at[48];
    std::snprintf(at, sizeof at, "Out of memory after %.1f simulated s: ", to_s(run_->now()));
    std::string text = at + out_of_memory_reason(*run_) +
                       ". The run is paused; Save and Export still work; Reset or open a "
                       "scenario to run again.";
    notify({Notice::Kind::error, std::move(text), ""});
}

void SimWorker::advance(double real_seconds) {
    const double budget = real_seconds * speed_ * 1e6 + carry_us_;
    const auto whole = static_cast<SimTime>(std::floor(budget));
    carry_us_ = budget - static_cast<double>(whole);
    const SimTime target = run_->now() + whole;
    const SimTime slice = std::max<SimTime>(from_ms(run_->live().resolution_ms), 1);
    const auto deadline = Clock::now() + options_.max_tick_work;
    behind_ = false;
    while (run_->now() < target) {
        run_->advance_to(std::min(target, run_->now() + slice));
        if (run_->now() < target && Clock::now() > deadline) {
            behind_ = true;  // drop the lag rather than let it pile up
            carry_us_ = 0.0;
            break;
        }
    }
}

void SimWorker::restart(Scenario scenario, std::string source) {
    // A run that ran out of memory goes first, so that the new one has its room (only when the
    // new scenario can run: a bad file keeps the old run for Save and Export). The published
    // snapshot lets go of its recorder too; the UI drops its copy at its next frame.
    if (out_of_memory_ && run_ && validate(scenario).empty()) {
        run_.reset();
        auto s = std::make_shared<Snapshot>(*snapshot());
        s->recorder.reset();
        std::lock_guard lock(mutex_);
        snapshot_ = std::move(s);
    }
    try {
        auto run = std::make_shared<Run>(std::move(scenario), options_.max_rows);
        run_ = std::move(run);
        out_of_memory_ = false;
        if (!reserve_) {  // the run that ran out of memory is gone (snapshots may keep its
                          // recorder until the UI's next frame)
            reserve_ = std::make_unique<char[]>(kReserveBytes);
            std::fill_n(reserve_.get(), kReserveBytes, char{1});
        }
        source_ = std::move(source);
        error_.clear();
        ++generation_;
        carry_us_ = 0.0;
        behind_ = false;
        summary_ = run_->summary();
        last_summary_ = Clock::now();
    } catch (const std::exception& e) {
        // The run in progress (if any) is kept: a bad file loses nothing.
        if (!run_) error_ = e.what();
        notify({Notice::Kind::error, std::string("cannot run this scenario: ") + e.what(), ""});
    }
}

void SimWorker::handle(Command& command) {
    std::visit(
        [this](auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, SetPlaying> || std::is_same_v<T, TogglePlaying> ||
                          std::is_same_v<T, Step>) {
                if (out_of_memory_) {
                    notify({Notice::Kind::error,
                            "The run ran out of memory: Reset or open a scenario to run again",
                            ""});
                    return;
                }
            }
            if constexpr (std::is_same_v<T, SetPlaying>) {
                playing_ = c.playing;
            } else if constexpr (std::is_same_v<T, TogglePlaying>) {
                playing_ = !playing_;
            } else if constexpr (std::is_same_v<T, SetSpeed>) {
                speed_ = std::clamp(c.speed, kMinSpeed, kMaxSpeed);
            } else if constexpr (std::is_same_v<T, LoadScenario>) {
                restart(std::move(c.scenario), std::move(c.source));
            } else {
                if (!run_) {
                    notify({Notice::Kind::error, "no run: load a scenario first", ""});
                    return;
                }
                if constexpr (std::is_same_v<T, SetSetting>) {
                    const std::string err = run_->apply(c.path, c.value);
                    if (!err.empty()) notify({Notice::Kind::error, err, ""});
                } else if constexpr (std::is_same_v<T, Step>) {
                    run_->advance_to(run_->now() + std::max<SimTime>(c.dt, 1));
                } else if constexpr (std::is_same_v<T, Reset> || std::is_same_v<T, SetSeed>) {
                    // Restart from t = 0 with the settings in force now; changes the file
                    // scheduled for later stay scheduled.
                    Scenario s = run_->live();
                    s.timeline.clear();
                    for (const TimelineEntry& e : run_->scenario().timeline) {
                        if (e.at > run_->now()) s.timeline.push_back(e);
                    }
                    if constexpr (std::is_same_v<T, SetSeed>) s.seed = c.seed;
                    restart(std::move(s), source_);
                } else if constexpr (std::is_same_v<T, ExportRun>) {
                    const std::string toml = scenario_to_toml(run_->exported_scenario());
                    const std::string err = write_run_folder(*run_, c.dir, toml);
                    if (err.empty()) {
                        notify({Notice::Kind::exported, "Exported the run to " + c.dir, c.dir});
                    } else {
                        notify({Notice::Kind::error, "Export failed: " + err, c.dir});
                    }
                } else if constexpr (std::is_same_v<T, SaveScenario>) {
                    const std::string err =
                        write_file_atomic(c.path, scenario_to_toml(run_->scenario()));
                    if (err.empty()) {
                        source_ = c.path;
                        notify({Notice::Kind::saved, "Saved the scenario to " + c.path, c.path});
                    } else {
                        notify({Notice::Kind::error, "Save failed: " + err, c.path});
                    }
                }
            }
        },
        command);
}

void SimWorker::publish(bool with_summary) {
    auto s = std::make_shared<Snapshot>();
    s->generation = generation_;
    s->source = source_;
    s->error = error_;
    s->playing = playing_;
    s->speed = speed_;
    s->behind = behind_;
    if (run_) {
        if (with_summary) {
            summary_ = run_->summary();
            last_summary_ = Clock::now();
        }
        s->recorder = std::shared_ptr<const Recorder>(run_, &run_->recorder());
        s->live = run_->live();
        s->changes = run_->scenario().timeline.size();
        s->now = run_->now();
        const std::size_t n = run_->recorder().edge_names().size();
        s->edges.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            s->edges.push_back(run_->recorder().live(i));
        s->summary = summary_;
    }
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(s);
}

}  // namespace cbsim::gui
