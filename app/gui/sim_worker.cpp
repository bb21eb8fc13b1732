#include "sim_worker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <new>
#include <stdexcept>

#include <cbsim/atomic_file.hpp>
#include <cbsim/compare.hpp>
#include <cbsim/error.hpp>
#include <cbsim/export.hpp>
#include <cbsim/scenario_io.hpp>

namespace cbsim::gui {
namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kSummaryEvery = std::chrono::milliseconds(250);
/// The one variant of a single run (never shown; it names nothing on disk).
constexpr const char* kSingleRun = "run";

/// The first "vN" (N from 2) no variant is called.
std::string free_variant_name(const Compare& compare) {
    for (std::size_t n = 2;; ++n) {
        std::string name = "v" + std::to_string(n);
        if (!compare.find(name)) return name;
    }
}
}  // namespace

SimWorker::SimWorker(Scenario scenario, std::string source, Options options,
                     std::vector<Variant> variants)
    : options_(options),
      speed_(std::clamp(options.speed, kMinSpeed, kMaxSpeed)),
      playing_(options.playing) {
    reserve_ = std::make_unique<char[]>(kReserveBytes);
    std::fill_n(reserve_.get(), kReserveBytes, char{1});  // resident, not just reserved
    restart(std::move(scenario), std::move(source), std::move(variants));
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
        for (std::size_t i = 0; i < commands.size(); ++i) {
            if (i + 1 < commands.size() && superseded(commands[i], commands[i + 1])) continue;
            guarded([&] { handle(commands[i]); });
        }
        const auto now = Clock::now();
        // A thread descheduled for long does not make the run jump ahead.
        const double real = std::min(std::chrono::duration<double>(now - last).count(), 0.25);
        last = now;
        if (playing_ && compare_) guarded([&] { advance(real); });
        guarded([&] { publish(!commands.empty() || now - last_summary_ >= kSummaryEvery); });
        std::unique_lock lock(mutex_);
        applied_ = taken;
        ++ticks_;
        synced_.notify_all();
        if (stop_) return;
        if (queue_.empty()) {
            if (playing_ && compare_) {
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
    if (!compare_) {
        notify({Notice::Kind::error, "Out of memory: the scenario does not fit", ""});
        return;
    }
    out_of_memory_ = true;
    char at[48];
    std::snprintf(at, sizeof at, "Out of memory after %.1f simulated s: ", to_s(compare_->now()));
    // Every variant holds as much as the one shown (they share the world).
    std::string text = at + out_of_memory_reason(run());
    if (comparing_) text += " (in each of " + std::to_string(compare_->size()) + " variants)";
    text +=
        ". The run is paused; Save and Export still work; Reset or open a scenario to run "
        "again.";
    notify({Notice::Kind::error, std::move(text), ""});
}

void SimWorker::advance(double real_seconds) {
    const double budget = real_seconds * speed_ * 1e6 + carry_us_;
    const auto whole = static_cast<SimTime>(std::floor(budget));
    carry_us_ = budget - static_cast<double>(whole);
    const SimTime target = compare_->now() + whole;
    const SimTime slice = std::max<SimTime>(from_ms(run().live().resolution_ms), 1);
    const auto deadline = Clock::now() + options_.max_tick_work;
    behind_ = false;
    while (compare_->now() < target) {
        compare_->advance_to(std::min(target, compare_->now() + slice));
        if (compare_->now() < target && Clock::now() > deadline) {
            behind_ = true;  // drop the lag rather than let it pile up
            carry_us_ = 0.0;
            break;
        }
    }
}

void SimWorker::restart(Scenario scenario, std::string source, std::vector<Variant> variants) {
    // A run that ran out of memory goes first, so that the new one has its room (only when the
    // new scenario can run: a bad file keeps the old run for Save and Export). The published
    // snapshot lets go of its recorders too; the UI drops its copy at its next frame.
    if (out_of_memory_ && compare_ && validate(scenario).empty()) {
        compare_.reset();
        auto s = std::make_shared<Snapshot>(*snapshot());
        s->recorder.reset();
        s->variants.clear();
        std::lock_guard lock(mutex_);
        snapshot_ = std::move(s);
    }
    try {
        const bool comparing = !variants.empty();
        if (!comparing) variants.push_back(Variant{kSingleRun, {}});
        auto compare =
            std::make_shared<Compare>(std::move(scenario), std::move(variants), options_.max_rows);
        compare_ = std::move(compare);
        compare_->settle();  // changes at t = 0 (a topology built at t = 0) show at once
        comparing_ = comparing;
        out_of_memory_ = false;
        if (!reserve_) {  // the run that ran out of memory is gone (snapshots may keep its
                          // recorders until the UI's next frame)
            reserve_ = std::make_unique<char[]>(kReserveBytes);
            std::fill_n(reserve_.get(), kReserveBytes, char{1});
        }
        selected_ = std::min(selected_, compare_->size() - 1);
        history_.clear();  // its edits belong to the run replaced
        edit_open_ = false;
        source_ = std::move(source);
        error_.clear();
        ++generation_;
        carry_us_ = 0.0;
        behind_ = false;
        summaries_ = compare_->summaries();
        last_summary_ = Clock::now();
    } catch (const std::exception& e) {
        // The run in progress (if any) is kept: a bad file loses nothing.
        if (!compare_) error_ = e.what();
        notify({Notice::Kind::error, std::string("cannot run this scenario: ") + e.what(), ""});
    }
}

void SimWorker::restart_now(std::vector<Variant> variants, const std::vector<std::size_t>& from,
                            std::optional<std::uint64_t> seed) {
    // The world as it is now (the first variant's run), the changes the file scheduled for
    // later still scheduled, and each variant's protection as it is now.
    Scenario base = compare_->run(from.front()).live();
    base.timeline.clear();
    for (const TimelineEntry& e : compare_->run(from.front()).scenario().timeline) {
        if (e.at > compare_->now()) base.timeline.push_back(e);
    }
    if (seed) base.seed = *seed;
    // Each variant's own protection now, then the overrides it came with (AddVariant).
    for (std::size_t i = 0; i < variants.size(); ++i) {
        std::vector<Override> own = protection_overrides(compare_->run(from[i]).live(), base);
        own.insert(own.end(), variants[i].overrides.begin(), variants[i].overrides.end());
        variants[i].overrides = std::move(own);
    }
    if (variants.size() == 1 && variants.front().name == kSingleRun) variants.clear();
    restart(std::move(base), source_, std::move(variants));
}

bool SimWorker::superseded(const Command& first, const Command& next) {
    const auto* a = std::get_if<SetSetting>(&first);
    const auto* b = std::get_if<SetSetting>(&next);
    return a && b && a->step && b->step && a->path == b->path;
}

void SimWorker::set_setting(const SetSetting& c) {
    const bool protection = setting_scope(run().live(), c.path) == SettingScope::protection;
    const std::string& variant = compare_->variant(selected_).name;
    const double* number = std::get_if<double>(&c.value);
    const std::optional<SettingValue> before = get_setting(run().live(), c.path);
    const Edit* last = history_.next_undo();
    const bool continues = edit_open_ && c.step && last && last->path == c.path &&
                           last->variant == (protection ? std::optional(selected_) : std::nullopt);
    edit_open_ = continues;
    std::string err;
    if (!c.step || !number) {
        err = protection ? compare_->apply(variant, c.path, c.value)
                         : compare_->apply(c.path, c.value);
    } else if (!protection) {
        err = compare_->apply_step(c.path, *number);
    } else if (comparing_) {
        // A compare file has no gesture form (Compare::apply_step): each step is a change.
        err = compare_->apply(variant, c.path, c.value);
    } else {
        err = compare_->apply_step(variant, c.path, *number);
    }
    if (!err.empty()) {
        notify({Notice::Kind::error, err, ""});
        return;
    }
    const std::optional<SettingValue> after = get_setting(run().live(), c.path);
    if (!before || !after || *before == *after) return;
    if (continues) {
        history_.extend(*after);
    } else {
        history_.record(
            {protection ? std::optional(selected_) : std::nullopt, c.path, *before, *after});
        ++unsaved_;
    }
    edit_open_ = c.step;
}

std::string SimWorker::edit_topology(const std::vector<Change>& changes) {
    if (comparing_)
        return "Topology edits are refused while comparing variants (they share one system); "
               "remove the variants first";
    compare_->end_gesture();
    edit_open_ = false;
    const Run& r = run();
    if (std::string e = check_changes(r.live(), changes); !e.empty()) return e;
    const SimTime now = r.now();
    try {
        auto rebuilt = std::make_shared<Compare>(r.scenario_with(changes),
                                                 std::vector<Variant>{Variant{kSingleRun, {}}},
                                                 options_.max_rows);
        rebuilt->advance_to(now);
        rebuilt->settle();
        compare_ = std::move(rebuilt);  // snapshots keep the old run until the UI lets go
    } catch (const std::exception& e) {
        return e.what();  // a later timeline entry no longer applies
    }
    ++generation_;
    summaries_ = compare_->summaries();
    return {};
}

void SimWorker::rename_service(const RenameService& c) {
    std::string err;
    Scenario s = run().scenario();
    if (comparing_)
        err = "Renaming is refused while comparing variants; remove the variants first";
    else if (run().now() > 0)
        err =
            "Rename is an edit of the scenario itself: only before the run has advanced "
            "(t = 0); Reset first";
    else
        err = cbsim::rename_service(s, c.from, c.to);
    if (!err.empty()) {
        notify({Notice::Kind::error, "Cannot rename " + c.from + ": " + err, ""});
        return;
    }
    restart(std::move(s), source_, {});
    ++unsaved_;
}

void SimWorker::undo_redo(bool undo) {
    compare_->end_gesture();
    edit_open_ = false;
    const std::optional<Edit> e = undo ? history_.undo() : history_.redo();
    if (!e) return;
    const SettingValue& value = undo ? e->from : e->to;
    std::string err;
    if (e->topology()) {
        err = edit_topology(undo ? e->undo_changes : e->redo_changes);
    } else if (!e->variant) {
        err = compare_->apply(e->path, value);
    } else if (*e->variant < compare_->size()) {
        err = compare_->apply(compare_->variant(*e->variant).name, e->path, value);
    } else {
        err = "its variant is gone";
    }
    if (!err.empty()) {
        notify({Notice::Kind::error,
                std::string(undo ? "Cannot undo " : "Cannot redo ") + e->path + ": " + err, ""});
        return;
    }
    ++unsaved_;
}

void SimWorker::export_to(const std::string& dir) {
    const std::string err =
        comparing_ ? write_compare_folder(*compare_, dir)
                   : write_run_folder(run(), dir, scenario_to_toml(run().exported_scenario()));
    if (err.empty()) {
        unsaved_ = 0;  // the run folder holds the scenario with every change
        notify({Notice::Kind::exported,
                std::string(comparing_ ? "Exported the compare to " : "Exported the run to ") + dir,
                dir});
    } else {
        notify({Notice::Kind::error, "Export failed: " + err, dir});
    }
}

void SimWorker::save_to(const std::string& path) {
    std::string err;
    std::string also;
    if (comparing_) {
        // A compare file and, beside it, the base scenario it names.
        const std::filesystem::path p(path);
        const std::string base_name = p.stem().string() + "-base.toml";
        const std::string base_path = (p.parent_path() / base_name).string();
        err = write_file_atomic(base_path, scenario_to_toml(compare_->base_with_changes()));
        if (err.empty()) {
            err = write_file_atomic(
                path, compare_file_toml(CompareFile{base_name, 1, compare_->exported_variants()}));
        }
        also = " (its scenario: " + base_path + ")";
    } else {
        err = write_file_atomic(path, scenario_to_toml(run().scenario()));
    }
    if (err.empty()) {
        source_ = path;
        unsaved_ = 0;
        notify(
            {Notice::Kind::saved,
             "Saved the " + std::string(comparing_ ? "compare" : "scenario") + " to " + path + also,
             path});
    } else {
        notify({Notice::Kind::error, "Save failed: " + err, path});
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
                selected_ = 0;
                const std::uint64_t generation = generation_;
                restart(std::move(c.scenario), std::move(c.source), std::move(c.variants));
                if (generation_ != generation) {  // loaded (a bad file keeps the old run)
                    unsaved_ = 0;
                    if (c.playing) playing_ = *c.playing;
                }
            } else {
                if (!compare_) {
                    notify({Notice::Kind::error, "no run: load a scenario first", ""});
                    return;
                }
                std::vector<Variant> names;
                std::vector<std::size_t> from;
                for (std::size_t i = 0; i < compare_->size(); ++i) {
                    names.push_back(Variant{compare_->variant(i).name, {}});
                    from.push_back(i);
                }
                if constexpr (std::is_same_v<T, SetSetting>) {
                    set_setting(c);
                } else if constexpr (std::is_same_v<T, EndGesture>) {
                    compare_->end_gesture();
                    edit_open_ = false;
                } else if constexpr (std::is_same_v<T, Undo> || std::is_same_v<T, Redo>) {
                    undo_redo(std::is_same_v<T, Undo>);
                } else if constexpr (std::is_same_v<T, Step>) {
                    compare_->advance_to(compare_->now() + std::max<SimTime>(c.dt, 1));
                } else if constexpr (std::is_same_v<T, Reset>) {
                    // Restart from t = 0 with the settings in force now; changes the file
                    // scheduled for later stay scheduled.
                    restart_now(std::move(names), from, std::nullopt);
                } else if constexpr (std::is_same_v<T, SetSeed>) {
                    restart_now(std::move(names), from, c.seed);
                    ++unsaved_;
                } else if constexpr (std::is_same_v<T, ExportRun>) {
                    export_to(c.dir);
                } else if constexpr (std::is_same_v<T, SaveScenario>) {
                    save_to(c.path);
                } else if constexpr (std::is_same_v<T, AddVariant>) {
                    if (compare_->size() >= kMaxVariants) {
                        notify({Notice::Kind::error,
                                "A compare has at most " + std::to_string(kMaxVariants) +
                                    " variants; remove one first",
                                ""});
                        return;
                    }
                    if (!comparing_) names.front().name = "base";
                    std::string name = c.name.empty() ? free_variant_name(*compare_) : c.name;
                    if (std::string e = variant_name_problem(name); !e.empty()) {
                        notify({Notice::Kind::error, e, ""});
                        return;
                    }
                    if (compare_->find(name) && comparing_) {
                        notify({Notice::Kind::error, "a variant is already called " + name, ""});
                        return;
                    }
                    names.push_back(Variant{name, c.overrides});
                    from.push_back(selected_);
                    const std::size_t was = selected_;
                    selected_ = names.size() - 1;
                    const std::uint64_t generation = generation_;
                    restart_now(std::move(names), from, std::nullopt);
                    if (generation_ == generation)
                        selected_ = was;  // refused: nothing added
                    else
                        ++unsaved_;
                } else if constexpr (std::is_same_v<T, RemoveVariant>) {
                    if (!comparing_ || c.index >= names.size()) return;
                    names.erase(names.begin() + static_cast<std::ptrdiff_t>(c.index));
                    from.erase(from.begin() + static_cast<std::ptrdiff_t>(c.index));
                    if (names.size() == 1) names.front().name = kSingleRun;
                    if (selected_ >= c.index && selected_ > 0) --selected_;
                    restart_now(std::move(names), from, std::nullopt);
                    ++unsaved_;
                } else if constexpr (std::is_same_v<T, RenameVariant>) {
                    if (!comparing_ || c.index >= names.size()) return;
                    if (std::string e = variant_name_problem(c.name); !e.empty()) {
                        notify({Notice::Kind::error, e, ""});
                        return;
                    }
                    const auto other = compare_->find(c.name);
                    if (other && *other != c.index) {
                        notify({Notice::Kind::error, "a variant is already called " + c.name, ""});
                        return;
                    }
                    compare_->rename(c.index, c.name);
                    ++unsaved_;
                } else if constexpr (std::is_same_v<T, SelectVariant>) {
                    if (c.index < compare_->size()) selected_ = c.index;
                } else if constexpr (std::is_same_v<T, EditTopology>) {
                    std::vector<Change> undo = topology_undo(run().live(), c.changes);
                    if (std::string e = edit_topology(c.changes); !e.empty()) {
                        notify({Notice::Kind::error, "Refused: " + e, ""});
                        return;
                    }
                    history_.record(Edit{std::nullopt, topology_label(c.changes), 0.0, 0.0,
                                         c.changes, std::move(undo)});
                    ++unsaved_;
                } else if constexpr (std::is_same_v<T, RenameService>) {
                    rename_service(c);
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
    s->unsaved = unsaved_;
    s->speed = speed_;
    s->behind = behind_;
    if (compare_) {
        if (with_summary) {
            summaries_ = compare_->summaries();
            last_summary_ = Clock::now();
        }
        const auto live_edges = [](const Run& r) {
            std::vector<EdgeLive> edges;
            const std::size_t n = r.recorder().edge_names().size();
            edges.reserve(n);
            for (std::size_t i = 0; i < n; ++i)
                edges.push_back(r.recorder().live(i));
            return edges;
        };
        const Run& sel = run();
        s->recorder = std::shared_ptr<const Recorder>(compare_, &sel.recorder());
        s->live = sel.live();
        s->changes = sel.scenario().timeline.size();
        s->now = sel.now();
        s->scheduled = static_cast<std::size_t>(
            std::count_if(sel.scenario().timeline.begin(), sel.scenario().timeline.end(),
                          [&](const TimelineEntry& e) { return e.at > s->now; }));
        s->edges = live_edges(sel);
        s->summary = summaries_[selected_];
        s->selected = selected_;
        s->undo_label = history_.undo_label();
        s->redo_label = history_.redo_label();
        if (comparing_) {
            for (std::size_t i = 0; i < compare_->size(); ++i) {
                const Run& r = compare_->run(i);
                s->variants.push_back(
                    VariantView{compare_->variant(i).name,
                                std::shared_ptr<const Recorder>(compare_, &r.recorder()),
                                i == selected_ ? s->edges : live_edges(r), summaries_[i]});
            }
        }
    }
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(s);
}

}  // namespace cbsim::gui
