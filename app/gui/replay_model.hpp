// replay_model.hpp: what the Replay view computes, apart from drawing it (docs/REPLAY.md).
//
// [SECTION] The trace's aggregate (calls and failures at several resolutions)
// [SECTION] A config's state timeline (its transitions)
// [SECTION] What a file is: a trace, or a log of which format
// [SECTION] The replay in the background
//
// A trace or a log is read once, in a background thread, through a TraceSource (CsvTraceSource,
// or LogTraceSource over a LogReader); every chosen config replays it in the same pass
// (ReplaySet). What is kept is bounded by the aggregate's levels and the transitions, never by
// the trace's length: TraceAggregate holds at most kMaxBuckets buckets of calls and failures at
// its finest level (1 ms while the trace fits, wider when it does not: pairs merge) plus
// 1/15 of that in its coarser levels (x16 each), and a StateTimeline holds one entry per
// transition. A frame reads one value per pixel column from the coarsest level with at least 4
// buckets a column (at most 64), as the Recorder's levels serve the live plots.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <cbsim/access_log.hpp>
#include <cbsim/recorder.hpp>
#include <cbsim/replay_set.hpp>

namespace cbsim::gui {

// [SECTION] The trace's aggregate (calls and failures at several resolutions) -------------

class TraceAggregate {
  public:
    static constexpr std::size_t kMaxBuckets = std::size_t{1} << 20;  ///< finest level's bound
    static constexpr std::size_t kFactor = 16;             ///< buckets of a level per bucket above
    static constexpr std::size_t kLevels = 5;              ///< the finest and four coarser
    static constexpr SimTime kFinestWidth = kMillisecond;  ///< while the trace fits
    static constexpr std::size_t kMinBucketsPerColumn = 4;

    struct Bucket {
        std::uint32_t calls = 0;
        std::uint32_t failures = 0;  ///< outcome failure or timeout
    };

    /// A call at `at` (>= 0, non-decreasing is not required).
    void add(SimTime at, bool failed);

    /// Width of a bucket of `level` (0 the finest).
    SimTime width(std::size_t level) const;
    const std::vector<Bucket>& level(std::size_t level) const { return levels_[level]; }
    std::uint64_t calls() const { return calls_; }
    std::uint64_t failures() const { return failures_; }
    /// The latest call's time.
    SimTime end() const { return end_; }
    /// Bytes the buckets take (their capacity).
    std::size_t bytes() const;

    /// The level a column of `column_us` microseconds reads: the coarsest that puts at least
    /// kMinBucketsPerColumn buckets in a column (so at most kFactor times that), else the
    /// finest. Several buckets a column keep a steady rate from jumping with bucket edges.
    std::size_t level_for(double column_us) const;
    /// One column per pixel over [lo_s, hi_s) seconds, from level_for's buckets, each bucket
    /// in the column under its middle (zoomed in past the finest buckets: each column the
    /// bucket under its middle): calls per second (the column's calls over the time its
    /// buckets cover; ColumnAgg::rows = its buckets) and the failure share (failures / calls;
    /// empty without a call). Columns past the trace's end are empty.
    void columns(double lo_s, double hi_s, int n, std::vector<ColumnAgg>& rate,
                 std::vector<ColumnAgg>& share) const;

  private:
    void coarsen();

    std::vector<Bucket> levels_[kLevels];
    SimTime width0_ = kFinestWidth;
    std::uint64_t calls_ = 0;
    std::uint64_t failures_ = 0;
    SimTime end_ = 0;
};

// [SECTION] A config's state timeline (its transitions) ----------------------------------

struct StateChange {
    SimTime at = 0;
    State from = State::closed;
    State to = State::closed;
    std::string reason;  ///< Transition::text(): "opened: consecutive_failures 3 >= 3"
};

class StateTimeline {
  public:
    void add(const Transition& t);
    const std::vector<StateChange>& changes() const { return changes_; }
    /// The state at `t`: closed before the first transition (every breaker starts closed).
    State state_at(SimTime t) const;
    /// The last transition at or before `t`, or nullptr.
    const StateChange* change_at(SimTime t) const;
    /// One column per pixel over [lo_s, hi_s): the most severe state in the column
    /// (state_severity), as TimePlot::band reads it.
    void columns(double lo_s, double hi_s, int n, std::vector<ColumnAgg>& out) const;

  private:
    std::vector<StateChange> changes_;
};

// [SECTION] What a file is: a trace, or a log of which format ----------------------------

struct TraceKind {
    bool log = false;  ///< else a trace.csv
    LogFormat format = LogFormat::nginx;
    std::string error;      ///< why neither (then `log` and `format` mean nothing)
    bool readable = false;  ///< the file has lines (an error then says no format read them)
};

/// A trace.csv when its first non-blank line is a trace header, else the first format of
/// log_formats() whose LineParser reads the file's first non-blank line (csv: the header, then
/// the next line) and most of the next lines (up to 16). Plain or gzip files. The error names
/// the file and the first line no format read.
TraceKind detect_trace_kind(const std::string& path);

/// "" when `options` (a format with its layout or field mapping) read the first non-blank
/// line of `path` and most of the next ones (up to 16), as detect_trace_kind tries each
/// format; else why not, naming the file and the line or the option that does not fit.
std::string check_log_options(const std::string& path, const LogOptions& options);

// [SECTION] The replay in the background ---------------------------------------------------

struct ReplayRequest {
    std::string path;
    bool log = false;
    LogOptions options;  ///< how a log is read (format, layout, fields, failure rule, timeout)
    std::vector<NamedConfig> configs;
};

struct ReplayResult {
    TraceAggregate trace;
    std::vector<std::string> names;        ///< per config
    std::vector<StateTimeline> timelines;  ///< per config
    std::vector<ReplayKpis> kpis;          ///< per config, complete when done
    std::uint64_t rows = 0;
    SimTime origin_us = 0;  ///< a log's t = 0 in epoch microseconds (0 for a trace)
    /// A log's lines read and skipped (by reason, the first five quoted), as `cbsim-cli
    /// replay --format` reports them; all zero for a trace.
    LogStats log;
    std::string error;  ///< the ConfigError of bad input (the replay stopped there)
};

/// Runs one replay at a time on its own thread. start() stops the one before; the UI polls
/// done() and then reads result().
class ReplayJob {
  public:
    ReplayJob() = default;
    ~ReplayJob() { cancel(); }
    ReplayJob(const ReplayJob&) = delete;
    ReplayJob& operator=(const ReplayJob&) = delete;

    void start(ReplayRequest request);
    /// Stops the replay in progress (its result is dropped).
    void cancel();
    /// Stops the replay in progress and forgets the last finished one (result() is nullptr).
    void clear();
    bool running() const { return running_.load(); }
    /// Rows read so far by the replay in progress.
    std::uint64_t progress() const { return progress_.load(); }
    /// The finished replay, or nullptr while one runs or before any.
    std::shared_ptr<const ReplayResult> result() const;

  private:
    static void run(ReplayRequest request, std::stop_token stop, ReplayJob* job);

    std::jthread thread_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> progress_{0};
    mutable std::mutex mutex_;
    std::shared_ptr<const ReplayResult> result_;
};

/// Replays `request` on the calling thread (what ReplayJob's thread runs; tests).
ReplayResult replay_request(const ReplayRequest& request, const std::stop_token& stop = {},
                            std::atomic<std::uint64_t>* progress = nullptr);

}  // namespace cbsim::gui
