// cbsim/replay.hpp: replaying a recorded call trace through a breaker (`cbsim-cli replay`).
//
// Trace (trace.csv), RFC 4180 without quoting:
//   t_ms,outcome[,duration_ms]
//   0,success
//   12.5,failure
// `t_ms` is non-decreasing, >= 0, in milliseconds with at most 3 decimals (microseconds);
// `outcome` is success | failure | timeout | ignored; the optional `duration_ms` (same number
// form) is the call's latency. Blank lines are skipped; CRLF is accepted.
//
// Semantics. The breaker is created at t_ms = 0.
// - Without durations, each row is one call at t_ms that completes at once: acquire and record
//   at the same instant, and the state is read right after.
// - With durations, a call is acquired at t_ms and recorded at t_ms + duration_ms. At one
//   instant, completions are processed before new calls, completions in start (row) order.
//   A row's state is read right after its record (at t_ms + duration_ms), or right after its
//   rejection (at t_ms). This makes half-open admission limits and stale results replayable.
// - A preset with timed transitions (opossum's reset timer) changes state at their instants
//   with no call: after the completions of that instant, before its new calls.
// - A preset with its own call timeout (opossum `timeout`): an admitted call whose duration_ms
//   is as long or longer completes at t_ms + that timeout as a timeout, whatever its outcome.
// - A call the breaker answers wait (Rejection::wait) is held. Right after a record that makes
//   the breaker transition, the held calls ask again at that instant, in the order they first
//   asked, before any other completion or call at that instant; they are then admitted (and
//   complete at release + duration_ms), rejected, or held again. A released call's state is
//   read as above, at its record or at its release. A transition that time alone brings (a
//   timed transition, or extras.probe_timeout_ms failing a silent trial) releases the held
//   calls at that instant or, for the probe timeout, when the next row arrives, before it.
// Output rows (decisions.csv) stay in input order:
//   t_ms,outcome,decision,state[,duration_ms][,released_ms]
//   decision allowed | rejected | capacity | waited_allowed | waited_rejected (| waiting: still
//   held at the end, which no preset's contract allows). `capacity`: refused by the preset's
//   own concurrency limit (Rejection::capacity; opossum counts it as a failure); `rejected`:
//   every other rejection. The released_ms column (the release time of a waited row, empty for
//   the others) is there only when some row waited, so traces through presets that never
//   answer wait give the same bytes as before.
//
// Streaming. A trace is a TraceSource (rows one at a time: the CSV reader reads its file in
// chunks); a Replayer replays one breaker row by row and hands back each row's decision, in
// input order, as soon as it is final (a rejection at once; an admitted call at its record).
// It holds only the rows from the oldest call still unfinished onward (calls in flight, held
// calls and the rows that arrived while they ran), never the whole trace. replay() and
// decisions_csv() are the same engine on a whole Trace; DecisionsCsvStream writes the same
// bytes to a file as the rows come (replay_set.hpp replays several breakers at once).
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"

namespace cbsim {

class AtomicFileWriter;

// [SECTION] Trace rows and their sources ---------------------------------------------------

struct TraceRow {
    SimTime at = 0;  ///< t_ms as SimTime
    Outcome outcome = Outcome::success;
    SimTime duration = 0;  ///< 0 without a duration column
    int line = 0;          ///< 1-based line in the file (0 when the source has no lines)
};

struct Trace {
    std::vector<TraceRow> rows;
    bool has_duration = false;  ///< the file had the duration_ms column
};

/// Parses trace text; `file` names it in errors. Throws ConfigError with the file, the line
/// and the column name (header, number, outcome, decreasing time, extra fields).
Trace parse_trace(std::string_view text, const std::string& file);

/// Reads and parses a trace file (ConfigError if unreadable or invalid).
Trace load_trace(const std::string& path);

/// Where a replay takes its rows from, one at a time. Contract for every source: rows come in
/// input order with non-decreasing `at` (>= 0) and `duration` >= 0 (0 when the source has no
/// durations); has_duration() is known before the first row and does not change; bad input
/// throws ConfigError naming the file, the line (TraceRow::line) and the field, before the
/// row is returned. A source is read once, front to back.
class TraceSource {
  public:
    virtual ~TraceSource() = default;
    /// True when rows carry their own duration (decisions.csv then echoes duration_ms).
    virtual bool has_duration() const = 0;
    /// The next row; false at the end of the trace.
    virtual bool next(TraceRow& row) = 0;
};

/// The rows of a Trace already in memory.
class TraceRowsSource : public TraceSource {
  public:
    explicit TraceRowsSource(const Trace& trace) : trace_(trace) {}
    bool has_duration() const override { return trace_.has_duration; }
    bool next(TraceRow& row) override;

  private:
    const Trace& trace_;
    std::size_t next_ = 0;
};

/// trace.csv read in chunks of `chunk_bytes` (memory: one chunk plus the longest line), with
/// the checks and messages of parse_trace, byte for byte. The constructor opens the file and
/// reads up to the header (ConfigError: unreadable, a directory, empty, bad header).
class CsvTraceSource : public TraceSource {
  public:
    static constexpr std::size_t kDefaultChunkBytes = 1 << 20;
    explicit CsvTraceSource(const std::string& path, std::size_t chunk_bytes = kDefaultChunkBytes);
    /// Reads from `in` (a stream the caller keeps open); `file` names it in errors.
    CsvTraceSource(std::istream& in, std::string file,
                   std::size_t chunk_bytes = kDefaultChunkBytes);
    ~CsvTraceSource() override;
    bool has_duration() const override;
    bool next(TraceRow& row) override;

    struct Parser;  ///< the line rules shared with parse_trace (replay.cpp)

  private:
    bool next_line(std::string_view& line);
    void init();

    std::unique_ptr<std::ifstream> own_;
    std::istream* in_ = nullptr;
    std::unique_ptr<Parser> parser_;
    std::string buffer_;
    std::size_t pos_ = 0;
    std::size_t chunk_ = kDefaultChunkBytes;
    bool eof_ = false;
    bool first_chunk_ = true;
};

// [SECTION] Decisions and the replay engine ------------------------------------------------

struct Decision {
    bool allowed = false;
    Rejection rejection = Rejection::none;  ///< of the final answer (after a release)
    bool waited = false;                    ///< the first answer was wait
    SimTime released_at = -1;               ///< when a waited row was asked again; -1 never
    State state = State::closed;            ///< right after the record, or the rejection
    SimTime state_at = 0;                   ///< when that state was read
};

/// A row and its final decision.
struct ReplayedRow {
    TraceRow row;
    Decision decision;
};

/// Replays rows through one breaker (fresh, created at 0) with the semantics above, one row
/// at a time. After feed() and finish(), ready() rows at the front are final: take them with
/// front() / pop() (or drain()), in input order. The Replayer sets the breaker's transition
/// sink for its lifetime (a sink already set keeps seeing every transition) and puts the old
/// one back when destroyed. Memory: the rows from the oldest unfinished one onward
/// (buffered()); max_buffered() is its peak.
class Replayer {
  public:
    explicit Replayer(Breaker& breaker);
    ~Replayer();
    Replayer(const Replayer&) = delete;
    Replayer& operator=(const Replayer&) = delete;

    /// The next row; its `at` must not be before the previous row's (std::invalid_argument).
    void feed(const TraceRow& row);
    /// The end of the trace: every call in flight completes; a row still held becomes final
    /// as "waiting". No feed() after it.
    void finish();

    /// Final rows at the front of the buffer.
    std::size_t ready() const { return ready_; }
    const ReplayedRow& front() const { return ring_[head_ & mask_].out; }
    void pop();
    /// Hands every ready row to `f(const ReplayedRow&)`, in input order.
    template <typename F>
    void drain(F&& f) {
        while (ready_ > 0) {
            f(front());
            pop();
        }
    }

    std::size_t buffered() const { return static_cast<std::size_t>(tail_ - head_); }
    std::size_t max_buffered() const { return max_buffered_; }
    /// Admitted calls not yet recorded plus held calls.
    std::size_t in_flight() const { return pending_.size() + waiting_.size(); }
    /// The latest instant the replay reached: the last row's arrival or the last completion.
    SimTime now() const { return now_; }

  private:
    struct Slot {
        ReplayedRow out;
        bool final = false;
    };
    struct Pending {
        SimTime end;
        std::uint64_t started;
        std::uint64_t row;
        Permit permit;
        Outcome outcome;
        SimTime duration;
        bool operator>(const Pending& o) const {
            return end != o.end ? end > o.end : started > o.started;
        }
    };
    Slot& slot(std::uint64_t row) { return ring_[row & mask_]; }
    void grow();
    std::optional<SimTime> next_due();
    void mark_final(std::uint64_t row);
    /// `arriving`: the row's own arrival (not a held row asking again).
    void admit(std::uint64_t row, SimTime t, bool arriving);
    void release(SimTime t);
    void complete(const Pending& p);
    void complete_until(SimTime t);
    void push_pending(const Pending& p);
    Pending pop_pending();

    Breaker& breaker_;
    TransitionSink outer_;
    std::vector<Slot> ring_;
    std::uint64_t mask_ = 0;
    std::uint64_t head_ = 0;  ///< the first row not yet popped
    std::uint64_t tail_ = 0;  ///< one past the last row fed
    std::size_t ready_ = 0;   ///< final rows from head_ on
    std::size_t max_buffered_ = 0;
    std::vector<Pending> pending_;  ///< a min-heap by (end, started)
    std::uint64_t starts_ = 0;
    std::vector<std::uint64_t> waiting_;  ///< held rows, in the order they asked
    std::vector<std::uint64_t> released_;
    std::uint64_t transitions_ = 0;
    SimTime call_timeout_ = 0;    ///< the preset's own (a setting: read once)
    std::optional<SimTime> due_;  ///< next_timed_transition(), while due_known_
    bool due_known_ = false;
    SimTime now_ = 0;
    SimTime last_at_ = 0;
    bool finished_ = false;
};

/// Replays `trace` through `breaker` (fresh, created at 0) with the semantics above. One
/// decision per row, in input order. Replay uses the breaker's transition sink (to release
/// held calls); a sink the caller set sees every transition and is set again at the end.
std::vector<Decision> replay(Breaker& breaker, const Trace& trace);

/// Builds the preset's breaker and replays.
std::vector<Decision> replay(const BreakerConfig& config, const Trace& trace);

// [SECTION] decisions.csv ------------------------------------------------------------------

/// decisions.csv text: header and one row per trace row (durations echoed when the trace had
/// them, release times when a row waited). Times in ms without trailing zeros.
std::string decisions_csv(const Trace& trace, const std::vector<Decision>& decisions);

/// decisions.csv written row by row, the bytes of decisions_csv for the same rows. Rows are
/// written without released_ms until the first row that waited; that row widens the file
/// (the rows written so far are copied once with the empty column added). To a file (written
/// atomically: it appears at commit(), whole) or, without a path, into text().
class DecisionsCsvStream {
  public:
    /// In memory: text() holds the file.
    explicit DecisionsCsvStream(bool has_duration);
    /// To `path` (check_output_file's rules; error() says why it cannot).
    DecisionsCsvStream(const std::string& path, bool has_duration);
    ~DecisionsCsvStream();
    DecisionsCsvStream(const DecisionsCsvStream&) = delete;
    DecisionsCsvStream& operator=(const DecisionsCsvStream&) = delete;

    /// Appends a row. False once a write failed (error()).
    bool add(const TraceRow& row, const Decision& decision);
    /// Writes what is buffered and puts the file in place. Empty on success, else the error.
    std::string commit();
    const std::string& error() const { return error_; }
    /// The in-memory file (without a path).
    const std::string& text() const { return buffer_; }

  private:
    bool flush();
    bool widen();

    std::string path_;
    std::unique_ptr<AtomicFileWriter> file_;
    std::string buffer_;
    std::string error_;
    bool has_duration_ = false;
    bool wide_ = false;  ///< released_ms is written
};

/// Appends one decisions.csv row (the one definition of its fields): t_ms, outcome,
/// decision, state, duration_ms when `has_duration`, released_ms when `wide`.
void append_decision_row(std::string& out, const TraceRow& row, const Decision& decision,
                         bool has_duration, bool wide);

/// Appends SimTime as a millisecond number: "12", "12.5", "0.001".
void append_ms(std::string& out, SimTime t);
/// SimTime as a millisecond number: "12", "12.5", "0.001".
std::string format_ms(SimTime t);

}  // namespace cbsim
