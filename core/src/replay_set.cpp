// replay_set.cpp: several configs over one trace, their KPIs and the replay folder.
//
// [SECTION] Names
// [SECTION] Bursts
// [SECTION] summary.csv and bursts.csv
// [SECTION] ReplaySet
// [SECTION] The replay folder
#include "cbsim/replay_set.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "cbsim/atomic_file.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/text.hpp"
#include "sim/output_folder.hpp"

namespace cbsim {

namespace fs = std::filesystem;

// [SECTION] Names ------------------------------------------------------------------------------

std::string config_name(const std::string& path) {
    std::string name = fs::path(path).filename().string();
    if (name.size() > 5 && name.ends_with(".toml")) name.resize(name.size() - 5);
    return name;
}

std::string config_name_problem(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '-' || name.front() == '.' ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
                               ".") != std::string_view::npos) {
        return "config name '" + printable(name, 80) +
               "' is not allowed; expected 1 to 64 letters, digits, '_', '-' or '.', not "
               "starting with '-' or '.' (it names the file decisions-<name>.csv)";
    }
    return {};
}

// [SECTION] Bursts -----------------------------------------------------------------------------

BurstDetector::Event BurstDetector::push(const TraceRow& row) {
    const bool failure = row.outcome == Outcome::failure || row.outcome == Outcome::timeout;
    failures_ += (failure ? 1 : 0) - (window_[next_] ? 1 : 0);
    window_[next_] = failure;
    next_ = next_ + 1 == kBurstWindowRows ? 0 : next_ + 1;
    if (!active_ && failures_ >= kBurstStartFailures) {
        active_ = true;
        return Event::start;
    }
    if (active_ && failures_ == 0) {
        active_ = false;
        return Event::end;
    }
    return Event::none;
}

// [SECTION] summary.csv and bursts.csv ---------------------------------------------------------

namespace {

void count(std::string& out, std::uint64_t v) {
    text::integer(out, v);
}

constexpr ReplaySummaryColumn kColumns[] = {
    {"config", "the config's name (its file name without .toml)",
     [](std::string& out, const ReplayKpis& k) { out += k.config; }},
    {"calls", "rows of the trace",
     [](std::string& out, const ReplayKpis& k) { count(out, k.calls); }},
    {"opens", "transitions into open",
     [](std::string& out, const ReplayKpis& k) { count(out, k.opens); }},
    {"open_ms", "time in state open up to the end of the replay, ms",
     [](std::string& out, const ReplayKpis& k) { append_ms(out, k.open_time); }},
    {"rejected", "rows decided rejected, capacity or waited_rejected",
     [](std::string& out, const ReplayKpis& k) { count(out, k.rejected); }},
    {"good_rejected", "rejected rows whose trace outcome is success",
     [](std::string& out, const ReplayKpis& k) { count(out, k.good_rejected); }},
    {"failures_let_through",
     "admitted rows (allowed, waited_allowed) whose trace outcome is failure or timeout",
     [](std::string& out, const ReplayKpis& k) { count(out, k.failures_let_through); }},
    {"bursts", "failure bursts in the trace (the same for every config)",
     [](std::string& out, const ReplayKpis& k) { count(out, k.bursts); }},
    {"bursts_opened", "bursts in which the breaker was open at some moment",
     [](std::string& out, const ReplayKpis& k) { count(out, k.bursts_opened); }},
    {"open_delay_mean_ms",
     "mean over bursts_opened of the delay from the burst's start to the breaker open, ms "
     "(rounded down to the microsecond); empty when bursts_opened is 0",
     [](std::string& out, const ReplayKpis& k) {
         if (k.bursts_opened > 0)
             append_ms(out, k.open_delay_sum / static_cast<SimTime>(k.bursts_opened));
     }},
    {"open_delay_max_ms", "the longest of those delays, ms; empty when bursts_opened is 0",
     [](std::string& out, const ReplayKpis& k) {
         if (k.bursts_opened > 0) append_ms(out, k.open_delay_max);
     }},
};

}  // namespace

std::span<const ReplaySummaryColumn> replay_summary_columns() {
    return kColumns;
}

std::string replay_summary_csv(std::span<const ReplayKpis> kpis) {
    std::string out;
    for (const ReplaySummaryColumn& c : kColumns) {
        if (&c != kColumns) out += ',';
        out += c.name;
    }
    out += '\n';
    for (const ReplayKpis& k : kpis) {
        for (const ReplaySummaryColumn& c : kColumns) {
            if (&c != kColumns) out += ',';
            c.append(out, k);
        }
        out += '\n';
    }
    return out;
}

void append_burst_row(std::string& out, const BurstRecord& burst, std::string_view config) {
    text::integer(out, burst.burst);
    out += ',';
    append_ms(out, burst.start);
    out += ',';
    append_ms(out, burst.end);
    out += ',';
    out += config;
    out += ',';
    if (burst.open_delay) append_ms(out, *burst.open_delay);
    out += '\n';
}

// [SECTION] ReplaySet --------------------------------------------------------------------------

/// One config: its breaker, Replayer and KPIs, and what its transitions tell.
struct ReplaySet::Track {
    std::unique_ptr<Breaker> breaker;
    std::unique_ptr<Replayer> replayer;
    ReplayKpis kpis;
    bool open = false;
    SimTime open_since = 0;
    SimTime last_open_at = -1;
    bool in_burst = false;
    SimTime burst_start = 0;
    std::optional<SimTime> burst_delay;
    std::size_t max_in_flight = 0;

    void on_transition(const Transition& t) {
        if (t.to == State::open && t.from != State::open) {
            ++kpis.opens;
            open = true;
            open_since = t.at;
            last_open_at = t.at;
            if (in_burst && !burst_delay) burst_delay = t.at - burst_start;
        } else if (t.from == State::open && t.to != State::open && open) {
            kpis.open_time += t.at - open_since;
            open = false;
        }
    }
    void start_burst(SimTime at) {
        in_burst = true;
        burst_start = at;
        burst_delay.reset();
        if (open || last_open_at >= at) burst_delay = 0;
    }
    std::optional<SimTime> end_burst() {
        in_burst = false;
        ++kpis.bursts;
        if (burst_delay) {
            ++kpis.bursts_opened;
            kpis.open_delay_sum += *burst_delay;
            kpis.open_delay_max = std::max(kpis.open_delay_max, *burst_delay);
        }
        return burst_delay;
    }
    void count(const ReplayedRow& r) {
        ++kpis.calls;
        const Decision& d = r.decision;
        const bool waiting = d.waited && d.released_at < 0;
        if (d.allowed) {
            if (r.row.outcome == Outcome::failure || r.row.outcome == Outcome::timeout)
                ++kpis.failures_let_through;
        } else if (!waiting) {
            ++kpis.rejected;
            if (r.row.outcome == Outcome::success) ++kpis.good_rejected;
        }
    }
};

/// A burst that ended in the current batch: its delay per config.
struct ReplaySet::Ended {
    BurstRecord record;
    std::vector<std::optional<SimTime>> delays;
};

ReplaySet::ReplaySet(const std::vector<NamedConfig>& configs) {
    for (const NamedConfig& c : configs) {
        auto track = std::make_unique<Track>();
        track->kpis.config = c.name;
        track->breaker = make_breaker(c.config);
        Track* t = track.get();
        const std::size_t index = tracks_.size();
        track->breaker->set_transition_sink([this, t, index](const Transition& x) {
            t->on_transition(x);
            if (observer_) observer_(index, x);
        });
        track->replayer = std::make_unique<Replayer>(*track->breaker);
        tracks_.push_back(std::move(track));
    }
}

ReplaySet::~ReplaySet() = default;

std::size_t ReplaySet::size() const {
    return tracks_.size();
}

const ReplayKpis& ReplaySet::kpis(std::size_t config) const {
    return tracks_[config]->kpis;
}

std::size_t ReplaySet::max_buffered(std::size_t config) const {
    return tracks_[config]->replayer->max_buffered();
}

std::size_t ReplaySet::max_in_flight(std::size_t config) const {
    return tracks_[config]->max_in_flight;
}

bool ReplaySet::emit_bursts(ReplaySetSink& sink) {
    for (const Ended& e : ended_) {
        for (std::size_t c = 0; c < tracks_.size(); ++c) {
            BurstRecord r = e.record;
            r.open_delay = e.delays[c];
            if (!sink.burst(c, r)) return false;
        }
    }
    ended_.clear();
    return true;
}

bool ReplaySet::feed(std::span<const TraceRow> rows, ReplaySetSink& sink) {
    // The bursts of the batch first (trace-only), then each config over the whole batch.
    struct Mark {
        std::size_t row;
        BurstDetector::Event event;
    };
    std::vector<Mark> marks;
    const std::size_t first_ended = ended_.size();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        trace_end_ = std::max(trace_end_, rows[i].at + rows[i].duration);
        const BurstDetector::Event e = detector_.push(rows[i]);
        if (e == BurstDetector::Event::none) continue;
        marks.push_back({i, e});
        if (e == BurstDetector::Event::start) {
            burst_start_ = rows[i].at;
        } else {
            ended_.push_back(Ended{BurstRecord{++bursts_, burst_start_, rows[i].at, {}},
                                   std::vector<std::optional<SimTime>>(tracks_.size())});
        }
    }
    for (std::size_t c = 0; c < tracks_.size(); ++c) {
        Track& t = *tracks_[c];
        Replayer& r = *t.replayer;
        std::size_t next_mark = 0;
        std::size_t next_ended = first_ended;
        bool ok = true;
        const auto take = [&](const ReplayedRow& row) {
            t.count(row);
            ok = ok && sink.decision(c, row);
        };
        for (std::size_t i = 0; i < rows.size(); ++i) {
            r.feed(rows[i]);
            r.drain(take);
            if (!ok) return false;
            t.max_in_flight = std::max(t.max_in_flight, r.in_flight());
            while (next_mark < marks.size() && marks[next_mark].row == i) {
                if (marks[next_mark].event == BurstDetector::Event::start)
                    t.start_burst(rows[i].at);
                else
                    ended_[next_ended++].delays[c] = t.end_burst();
                ++next_mark;
            }
        }
    }
    return emit_bursts(sink);
}

bool ReplaySet::finish(ReplaySetSink& sink) {
    bool ok = true;
    for (std::size_t c = 0; c < tracks_.size(); ++c) {
        Track& t = *tracks_[c];
        Replayer& r = *t.replayer;
        r.finish();
        r.drain([&](const ReplayedRow& row) {
            t.count(row);
            ok = ok && sink.decision(c, row);
        });
        if (!ok) return false;
        // The end of the replay observes the breaker (a lazy exit from open shows here).
        const SimTime end = std::max(trace_end_, r.now());
        t.breaker->state(end);
        if (t.open) {
            t.kpis.open_time += end - t.open_since;
            t.open_since = end;
        }
    }
    if (detector_.active()) {
        ended_.push_back(Ended{BurstRecord{++bursts_, burst_start_, trace_end_, {}},
                               std::vector<std::optional<SimTime>>(tracks_.size())});
        for (std::size_t c = 0; c < tracks_.size(); ++c)
            ended_.back().delays[c] = tracks_[c]->end_burst();
    }
    return emit_bursts(sink);
}

// [SECTION] The replay folder ------------------------------------------------------------------

namespace {

constexpr const char* kMarker = ".cbsim-replay";
constexpr std::string_view kMarkerText =
    "cbsim replay folder; replaced as a whole by the next replay\n";

/// A file a replay folder holds (or, in staging, the temp file of one).
bool is_replay_file(const std::string& name, bool staging) {
    std::string n = name;
    if (staging && n.starts_with('.')) {
        const auto tmp = n.find(".tmp-");
        if (tmp == std::string::npos) return false;
        n = n.substr(1, tmp - 1);
    }
    if (n == kMarker || n == "summary.csv" || n == "bursts.csv") return true;
    return n.starts_with("decisions-") && n.ends_with(".csv") &&
           config_name_problem(n.substr(10, n.size() - 14)).empty();
}

/// Why `dir` is not a replay folder cbsim may replace (sim::marked_folder_problem's rule).
std::string folder_problem(const fs::path& dir, bool staging) {
    return sim::marked_folder_problem(
        dir, staging, kMarker, "a replay folder",
        [staging](const fs::directory_entry& entry, const std::string& name) -> std::string {
            std::error_code ec;
            if (entry.symlink_status(ec).type() == fs::file_type::regular &&
                is_replay_file(name, staging))
                return {};
            return "holds '" + name + "', which is not part of a replay folder";
        });
}

const sim::FolderKind kReplayFolder{"write the replay", "replay", "a replay", folder_problem};

}  // namespace

ReplayFolderWriter::ReplayFolderWriter(std::string dir)
    : StagedFolderWriter(std::move(dir), kReplayFolder, kMarker, kMarkerText) {}

namespace {

/// Writes each config's decisions file and bursts.csv as rows come.
class FolderSink : public ReplaySetSink {
  public:
    FolderSink(const std::vector<NamedConfig>& configs, ReplayFolderWriter& folder,
               bool has_duration)
        : configs_(configs),
          bursts_(std::make_unique<AtomicFileWriter>(folder.staged("bursts.csv"))) {
        for (const NamedConfig& c : configs) {
            files_.push_back(std::make_unique<DecisionsCsvStream>(
                folder.staged("decisions-" + c.name + ".csv"), has_duration));
            if (error_.empty() && !files_.back()->error().empty()) error_ = files_.back()->error();
        }
        if (error_.empty() && !bursts_->ok()) error_ = bursts_->error();
        text_ = kBurstsCsvHeader;
    }
    bool decision(std::size_t config, const ReplayedRow& row) override {
        if (files_[config]->add(row.row, row.decision)) return true;
        if (error_.empty()) error_ = files_[config]->error();
        return false;
    }
    bool burst(std::size_t config, const BurstRecord& burst) override {
        append_burst_row(text_, burst, configs_[config].name);
        if (text_.size() < (1 << 16)) return true;
        return flush_bursts();
    }
    /// Flushes and puts every file in place (inside staging). Empty on success.
    std::string commit() {
        if (!error_.empty()) return error_;
        for (auto& f : files_)
            if (std::string e = f->commit(); !e.empty()) return error_ = e;
        if (!flush_bursts()) return error_;
        if (std::string e = bursts_->commit(); !e.empty()) return error_ = e;
        return {};
    }
    const std::string& error() const { return error_; }

  private:
    bool flush_bursts() {
        if (!bursts_->write(text_)) {
            if (error_.empty()) error_ = bursts_->error();
            return false;
        }
        text_.clear();
        return true;
    }

    const std::vector<NamedConfig>& configs_;
    std::vector<std::unique_ptr<DecisionsCsvStream>> files_;
    std::unique_ptr<AtomicFileWriter> bursts_;
    std::string text_;
    std::string error_;
};

}  // namespace

ReplayFolderResult replay_to_folder(TraceSource& source, const std::vector<NamedConfig>& configs,
                                    ReplayFolderWriter& folder, const std::function<bool()>& keep) {
    ReplayFolderResult result;
    if (!folder.error().empty()) {
        result.error = folder.error();
        return result;
    }
    FolderSink sink(configs, folder, source.has_duration());
    if (!sink.error().empty()) {
        result.error = sink.error();
        return result;
    }
    ReplaySet set(configs);
    constexpr std::size_t kBatch = 4096;
    std::vector<TraceRow> batch;
    batch.reserve(kBatch);
    bool more = true;
    while (more) {
        batch.clear();
        TraceRow row;
        while (batch.size() < kBatch && (more = source.next(row)))
            batch.push_back(row);
        if (!set.feed(batch, sink)) {
            result.error = sink.error();
            return result;
        }
    }
    if (!set.finish(sink)) {
        result.error = sink.error();
        return result;
    }
    for (std::size_t c = 0; c < set.size(); ++c)
        result.kpis.push_back(set.kpis(c));
    std::string e = sink.commit();
    if (e.empty() && keep && !keep()) return result;  // the staging folder goes with `folder`
    if (e.empty()) {
        if (AtomicFileWriter summary(folder.staged("summary.csv"));
            summary.write(replay_summary_csv(result.kpis)))
            e = summary.commit();
        else
            e = summary.error();
    }
    if (e.empty()) e = folder.commit();
    result.error = e;
    result.committed = e.empty();
    return result;
}

}  // namespace cbsim
