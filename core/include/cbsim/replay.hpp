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
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"

namespace cbsim {

struct TraceRow {
    SimTime at = 0;  ///< t_ms as SimTime
    Outcome outcome = Outcome::success;
    SimTime duration = 0;  ///< 0 without a duration column
    int line = 0;          ///< 1-based line in the file
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

struct Decision {
    bool allowed = false;
    Rejection rejection = Rejection::none;  ///< of the final answer (after a release)
    bool waited = false;                    ///< the first answer was wait
    SimTime released_at = -1;               ///< when a waited row was asked again; -1 never
    State state = State::closed;            ///< right after the record, or the rejection
    SimTime state_at = 0;                   ///< when that state was read
};

/// Replays `trace` through `breaker` (fresh, created at 0) with the semantics above. One
/// decision per row, in input order. Replay uses the breaker's transition sink (to release
/// held calls) and leaves it empty.
std::vector<Decision> replay(Breaker& breaker, const Trace& trace);

/// Builds the preset's breaker and replays.
std::vector<Decision> replay(const BreakerConfig& config, const Trace& trace);

/// decisions.csv text: header and one row per trace row (durations echoed when the trace had
/// them, release times when a row waited). Times in ms without trailing zeros.
std::string decisions_csv(const Trace& trace, const std::vector<Decision>& decisions);

/// SimTime as a millisecond number: "12", "12.5", "0.001".
std::string format_ms(SimTime t);

}  // namespace cbsim
