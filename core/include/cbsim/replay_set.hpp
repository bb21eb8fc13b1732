// cbsim/replay_set.hpp: one trace through several breakers at once, streaming (`cbsim-cli
// replay --config A.toml --config B.toml ... --trace T --out DIR`), and the KPIs of each.
//
// The trace is read once, in batches of rows; each batch goes through every config's Replayer
// (replay.hpp) in turn, and each final decision is written at once to that config's
// decisions file. Memory: one batch, each Replayer's buffer (calls in flight and the rows that
// arrived while they ran) and each file's write buffer, whatever the trace's length. A
// config's decisions are the bytes a replay of it alone gives (the Replayers share nothing).
//
// The replay folder DIR:
//   decisions-<config>.csv  per config, the single-config decisions.csv (replay.hpp)
//   summary.csv             one row per config, columns replay_summary_columns()
//   bursts.csv              one row per failure burst per config: burst,start_ms,end_ms,
//                           config,open_delay_ms
//   .cbsim-replay           the marker: cbsim replaces or deletes only folders that carry it
// written into "DIR.staging" and put in place whole at the end (like a compare folder), so
// DIR holds the earlier replay folder or the new one, never a mix, also on bad trace input
// found midway. <config> is the config file's name without ".toml" (config_name()).
//
// Failure bursts (trace-only, the same for every config): over the last kBurstWindowRows rows
// (fewer at the trace's start), counting rows whose outcome is failure or timeout. A burst
// starts at the row where that count reaches kBurstStartFailures (its start_ms is that row's
// t_ms) and ends at the first later row where the window holds no failure at all (end_ms, that
// row's t_ms), or at the end of the trace. A config's open_delay_ms for a burst: from the
// burst's start to the first moment in [start, end] the breaker is open (0 when it is open at
// the start, or opened at that very instant); empty when it never is.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/breaker_config.hpp"
#include "cbsim/replay.hpp"
#include "cbsim/staged_folder.hpp"

namespace cbsim {

// [SECTION] Configs and their names ------------------------------------------------------

struct NamedConfig {
    std::string name;  ///< names its decisions file and its summary row
    BreakerConfig config;
};

inline constexpr std::size_t kMaxReplayConfigs = 16;

/// A config's name from its file: the file name without the extension ".toml"
/// ("presets/gobreaker.toml" -> "gobreaker").
std::string config_name(const std::string& path);
/// Why `name` cannot name a config (empty if it can): 1 to 64 letters, digits, '_', '-' or
/// '.', not starting with '-' or '.' (it names the file decisions-<name>.csv).
std::string config_name_problem(std::string_view name);

// [SECTION] Failure bursts -----------------------------------------------------------------

inline constexpr int kBurstWindowRows = 20;
inline constexpr int kBurstStartFailures = 10;

/// The burst rule above, fed the trace's rows in order.
class BurstDetector {
  public:
    enum class Event : std::uint8_t { none, start, end };
    /// What `row` does: start a burst, end the current one, or neither.
    Event push(const TraceRow& row);
    bool active() const { return active_; }

  private:
    bool window_[kBurstWindowRows] = {};
    int next_ = 0;
    int failures_ = 0;
    bool active_ = false;
};

// [SECTION] KPIs and summary.csv -----------------------------------------------------------

/// One config's KPIs over the whole replay. "The end" of the replay: the latest of every
/// row's t_ms + duration_ms and every instant the replay processed (completions, timers).
struct ReplayKpis {
    std::string config;
    std::uint64_t calls = 0;  ///< rows replayed
    std::uint64_t opens = 0;  ///< transitions into open
    /// Time in state open up to the end, as the breaker reports its transitions (a preset
    /// that leaves open lazily, like gobreaker, leaves it at the first call after its open
    /// period, or when the state is read at the end).
    SimTime open_time = 0;
    std::uint64_t rejected = 0;       ///< decisions rejected, capacity, waited_rejected
    std::uint64_t good_rejected = 0;  ///< of them, rows whose trace outcome is success
    /// Admitted rows (allowed, waited_allowed) whose trace outcome is failure or timeout.
    std::uint64_t failures_let_through = 0;
    std::uint64_t bursts = 0;         ///< failure bursts in the trace
    std::uint64_t bursts_opened = 0;  ///< of them, those in which the breaker was open
    SimTime open_delay_sum = 0;       ///< over bursts_opened
    SimTime open_delay_max = 0;
};

/// A column of summary.csv: its name, what it means, how a row's field is written.
struct ReplaySummaryColumn {
    const char* name;
    const char* meaning;
    void (*append)(std::string& out, const ReplayKpis& kpis);
};
/// Every column of summary.csv, in order (the one list: header, rows and docs).
std::span<const ReplaySummaryColumn> replay_summary_columns();
/// summary.csv: the header and one row per config.
std::string replay_summary_csv(std::span<const ReplayKpis> kpis);

/// One burst as one config saw it (a row of bursts.csv).
struct BurstRecord {
    std::uint64_t burst = 0;  ///< 1, 2, ... in trace order
    SimTime start = 0;
    SimTime end = 0;
    std::optional<SimTime> open_delay;  ///< none: the breaker was never open in the burst
};
/// The header of bursts.csv and one row of it.
inline constexpr const char* kBurstsCsvHeader = "burst,start_ms,end_ms,config,open_delay_ms\n";
void append_burst_row(std::string& out, const BurstRecord& burst, std::string_view config);

// [SECTION] Replaying several configs ------------------------------------------------------

/// Receives what a ReplaySet produces, as soon as it is final.
class ReplaySetSink {
  public:
    virtual ~ReplaySetSink() = default;
    /// A final row of config `config`, in input order per config. False stops the replay.
    virtual bool decision(std::size_t config, const ReplayedRow& row) = 0;
    /// A burst that ended, for config `config` (bursts in order, configs in order per burst).
    virtual bool burst(std::size_t config, const BurstRecord& burst) = 0;
};

/// Several configs replayed over one trace, fed in batches of rows.
class ReplaySet {
  public:
    explicit ReplaySet(const std::vector<NamedConfig>& configs);
    ~ReplaySet();
    ReplaySet(const ReplaySet&) = delete;
    ReplaySet& operator=(const ReplaySet&) = delete;

    std::size_t size() const;
    /// Feeds `rows` (the trace's next rows) to every config. False when the sink stopped.
    bool feed(std::span<const TraceRow> rows, ReplaySetSink& sink);
    /// The end of the trace (see Replayer::finish); the KPIs are complete after it.
    bool finish(ReplaySetSink& sink);
    const ReplayKpis& kpis(std::size_t config) const;
    /// Config `config`'s Replayer buffer peak (Replayer::max_buffered).
    std::size_t max_buffered(std::size_t config) const;
    /// Config `config`'s peak of calls in flight (held calls included), sampled after rows.
    std::size_t max_in_flight(std::size_t config) const;
    /// Hands every transition of every config to `observer(config, transition)` as it
    /// happens, after the KPIs counted it (the app's Replay view draws state bands from them).
    /// Set before the first feed().
    using TransitionObserver = std::function<void(std::size_t config, const Transition&)>;
    void observe_transitions(TransitionObserver observer) { observer_ = std::move(observer); }

  private:
    struct Track;
    struct Ended;
    bool emit_bursts(ReplaySetSink& sink);

    std::vector<std::unique_ptr<Track>> tracks_;
    TransitionObserver observer_;
    BurstDetector detector_;
    std::uint64_t bursts_ = 0;
    SimTime burst_start_ = 0;
    SimTime trace_end_ = 0;
    std::vector<Ended> ended_;
};

/// The replay folder (above): checked, then filled in "DIR.staging" (staged() names the files),
/// then put in place by commit() (StagedFolderWriter).
class ReplayFolderWriter : public StagedFolderWriter {
  public:
    /// Checks DIR (missing, empty or an earlier replay folder; holding the parent's
    /// DirectoryLock) and creates the staging folder; error() says why not.
    explicit ReplayFolderWriter(std::string dir);
};

/// Replays `source` through every config into `folder`'s files and commits it. Returns the
/// KPIs (config order); a bad trace throws ConfigError (the folder is not committed); a write
/// failure is returned in `error` (the folder is not committed either). `keep`, when given, is
/// asked once every file is written and the source is read to its end: false leaves the folder
/// uncommitted (DIR as it was; `committed` false, `error` empty), as for a log with more
/// skipped lines than allowed.
struct ReplayFolderResult {
    std::vector<ReplayKpis> kpis;
    std::string error;
    bool committed = false;
};
ReplayFolderResult replay_to_folder(TraceSource& source, const std::vector<NamedConfig>& configs,
                                    ReplayFolderWriter& folder,
                                    const std::function<bool()>& keep = {});

}  // namespace cbsim
