// cbsim/access_log.hpp: access logs (nginx, Envoy, HAProxy, JSON lines, CSV) read as call
// traces (`cbsim-cli import`), and written from traces (`cbsim-cli synth-log`).
//
// Formats. log_formats() is the one list: name, description, example line, timestamp
// resolution. The CLI's choices and help, docs/IMPORT.md and the tests derive from it.
// - nginx:   `log_format combined` plus ` $request_time`; any other layout with a log_format
//            string (LogOptions::log_format, nginx syntax: $variables and literal text).
// - envoy:   Envoy's default access-log format (%START_TIME% ... "%UPSTREAM_HOST%").
// - haproxy: HAProxy's `option httplog` line, with or without a syslog prefix.
// - json:    one JSON object a line; FieldMap names the fields (dotted paths reach nested ones).
// - csv:     a header line naming the columns, then one call a line; FieldMap names the columns.
//
// Times. A record's `at` is the call's start in microseconds since the Unix epoch (UTC).
// nginx writes its time ($time_local, $time_iso8601, $msec) when the request ends, so its start
// is that time minus $request_time; Envoy's %START_TIME%, HAProxy's accept date and the mapped
// time field of json/csv are the start. HAProxy's accept date has no zone and is read as UTC
// (only differences matter in a trace). Fractions finer than a microsecond are cut.
//
// Order. Loggers write a line when the call ends, so starts arrive out of order. LogReader
// holds records in a reorder buffer and releases them in (start, file rank, line) order once
// every file has reached a logged time `reorder` past them; a record that arrives later than
// that is skipped (SkipReason::late). Memory is bounded by the calls of one reorder window plus
// one read chunk per file, whatever the log length. Several files (rotated logs) are ranked by
// the start of their first parsable line and merged by time; equal starts keep file rank,
// then line order.
//
// Outcome of a record: `timeout` when a timeout is set and the duration is above it, else
// `failure` when the failure rule holds (default: status >= 500 || status == 429), else
// `success`.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/breaker.hpp"
#include "cbsim/replay.hpp"
#include "cbsim/time.hpp"

namespace cbsim {

enum class LogFormat : std::uint8_t { nginx, envoy, haproxy, json, csv };

struct LogFormatInfo {
    LogFormat format;
    const char* name;
    const char* description;  ///< one line, for --help and docs
    const char* layout;       ///< the default layout (nginx/envoy template, json/csv fields)
    const char* example;      ///< one line as the server writes it
    SimTime resolution;       ///< of the logged time (1 s for nginx's $time_local)
};

/// Every format, in a fixed order.
std::span<const LogFormatInfo> log_formats();
/// The format of that name, or nullptr.
const LogFormatInfo* find_log_format(std::string_view name);
const LogFormatInfo& log_format_info(LogFormat format);
/// "nginx, envoy, haproxy, json, csv"
std::string log_format_names();

/// Units of a mapped json/csv field.
enum class FieldUnit : std::uint8_t { iso8601, s, ms, us, ns };

struct MappedField {
    std::string name;  ///< field (json: dotted path) or column name; empty = not mapped
    FieldUnit unit = FieldUnit::ms;
};

/// Field mapping of json/csv logs: "time=ts,status=code,duration=latency_ms" where each value
/// may carry a unit after ':' (time/end: iso (default), s, ms, us, ns; duration: ms (default),
/// s, us, ns). `end` instead of `duration` gives the duration as end - time (OpenTelemetry
/// spans: time=startTimeUnixNano:ns,end=endTimeUnixNano:ns). `upstream` and `route` name
/// the fields --key upstream and --key route read (optional).
struct FieldMap {
    MappedField time, end, duration, status, upstream, route;
};

/// Parses a mapping; throws ConfigError (file "--field", key = the entry) on an unknown
/// name, unit or a mapping without `time`.
FieldMap parse_field_map(std::string_view text);
/// The mapping as text (parse_field_map(field_map_text(m)) == m).
std::string field_map_text(const FieldMap& map);

/// The default failure rule.
inline constexpr const char* kDefaultFailureRule = "status>=500 || status==429";

/// The failure rule (default kDefaultFailureRule). Grammar (docs/IMPORT.md):
///   rule   := and ('||' and)*        and := unary ('&&' unary)*
///   unary  := '!' unary | '(' rule ')' | VAR OP NUMBER
///   VAR    := status | duration_ms   OP := >= > <= < == !=
/// A comparison on a value the line does not have (no status, no duration) is false.
class FailureRule {
  public:
    FailureRule();  ///< the default rule
    /// Throws ConfigError (file "--failure") naming the column and what was expected.
    static FailureRule parse(std::string_view text);
    /// status < 0: none; duration < 0: none.
    bool failed(int status, SimTime duration) const;
    const std::string& text() const { return text_; }

    struct Node;

  private:
    FailureRule(std::string text, std::shared_ptr<const Node> root);
    std::shared_ptr<const Node> root_;
    std::string text_;
};

/// What --key splits by.
enum class KeyKind : std::uint8_t { none, upstream, route, field };

struct LogOptions {
    LogFormat format = LogFormat::nginx;
    std::string log_format;  ///< nginx only: a log_format layout; empty = the default
    FieldMap fields;         ///< json/csv; empty time = the format's default layout
    FailureRule failure;
    SimTime timeout = -1;  ///< --timeout-ms as SimTime; < 0 none
    KeyKind key = KeyKind::none;
    std::string key_field;           ///< KeyKind::field: nginx variable or json/csv field
    SimTime reorder = 60 * kSecond;  ///< reorder window
};

/// One call read from a log.
struct LogRecord {
    SimTime at = 0;         ///< start, microseconds since the Unix epoch (UTC)
    SimTime duration = -1;  ///< < 0: the line has none
    Outcome outcome = Outcome::success;
    int status = -1;                    ///< < 0: the line has none
    std::string key;                    ///< LogOptions::key's value ("" when none)
    const std::string* file = nullptr;  ///< valid while the reader lives
    std::uint64_t line = 0;             ///< 1-based
};

enum class SkipReason : std::uint8_t { format, too_long, late, count_ };
const char* to_string(SkipReason reason);

struct SkippedLine {
    std::string file;
    std::uint64_t line = 0;
    SkipReason reason = SkipReason::format;
    std::string detail;  ///< what did not parse
    std::string text;    ///< the line, printable, cut at 120 bytes
};

struct LogStats {
    std::uint64_t lines = 0;    ///< non-blank lines read (csv: without the header)
    std::uint64_t records = 0;  ///< records released by next()
    std::uint64_t skipped_by[static_cast<int>(SkipReason::count_)] = {};
    std::vector<SkippedLine> first_skipped;  ///< the first five
    std::uint64_t failures = 0, timeouts = 0;
    SimTime first_at = 0, last_at = 0;  ///< starts of the first and last record released
    std::uint64_t skipped() const;
};

/// The skipped lines by reason, as the reports say them: "7 not in the format, 1 later than
/// the reorder window" ("" when none was skipped). `cbsim-cli import`, `replay --format` and
/// the app's Replay view show this text.
std::string skipped_counts_text(const LogStats& stats);
/// One skipped line as the reports quote it: "FILE:LINE: REASON (DETAIL): 'TEXT'".
std::string skipped_line_text(const SkippedLine& line);

/// Streams the records of one or more logs in start order (see the top of this file).
class LogReader {
  public:
    /// Opens every file (plain or gzip) and, when there are several, ranks them by reading up
    /// to their first parsable line (so they must be files; one log may be a pipe). Throws
    /// ConfigError for an option that does not fit the format (a --log-format without a time, a
    /// key the format lacks), a file given twice (the same device and inode, under any name),
    /// a file that cannot be read (a directory, a device), or, while ranking, a file that is
    /// empty or in which no line parses (naming its first line).
    LogReader(std::vector<std::string> files, LogOptions options);
    ~LogReader();
    LogReader(const LogReader&) = delete;
    LogReader& operator=(const LogReader&) = delete;

    /// The next record in start order; false at the end. Throws ConfigError when a file turns
    /// out to be empty or to have no parsable line (naming it and its first line), when a csv
    /// header lacks a mapped column, or when reading fails.
    bool next(LogRecord& out);
    const LogStats& stats() const;
    /// The files in rank order.
    const std::vector<std::string>& files() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One line of one format on its own (no ordering, no files): for the fuzzers and tests.
/// Returns false with `why` set when the line does not parse.
class LineParser {
  public:
    explicit LineParser(const LogOptions& options);  ///< throws ConfigError like LogReader
    ~LineParser();
    LineParser(LineParser&&) noexcept;
    LineParser& operator=(LineParser&&) noexcept;
    /// A csv log's header line; must come before parse() (else ConfigError).
    void header(std::string_view line, const std::string& file);
    bool has_header() const;
    bool needs_header() const;
    bool parse(std::string_view line, LogRecord& out, std::string& why) const;
    /// The time the logger wrote (start + duration for nginx, else the start).
    SimTime logged(const LogRecord& record) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// trace.csv text pieces, byte-identical to what replay reads and format_ms writes.
std::string_view trace_header(bool with_duration);
void append_trace_row(std::string& out, SimTime t, Outcome outcome, SimTime duration,
                      bool with_duration);

/// Reads every record of `reader` into trace.csv text: t_ms = start - the first record's start.
/// Keys are ignored. For tests and small logs; the CLI streams.
std::string read_log_as_trace(LogReader& reader, bool with_duration);

/// A log as the rows of a trace, one record at a time (bounded memory: the reader's chunk and
/// reorder buffer): t_ms = start - the first record's start, the record's outcome, its
/// duration (0 for a line without one) when `with_duration`, `line` = its line in its file.
/// Keys are ignored. What replay reads a log through (`replay --format`, the app's Replay
/// view).
class LogTraceSource : public TraceSource {
  public:
    explicit LogTraceSource(LogReader& reader, bool with_duration = true)
        : reader_(reader), with_duration_(with_duration) {}
    bool has_duration() const override { return with_duration_; }
    bool next(TraceRow& row) override;
    /// The first record's start, microseconds since the epoch (t_ms 0); 0 before any row.
    SimTime origin() const { return origin_; }
    /// The reader's counts: lines read and skipped (by reason, the first five quoted);
    /// complete once next() returned false.
    const LogStats& stats() const { return reader_.stats(); }

  private:
    LogReader& reader_;
    bool with_duration_;
    bool started_ = false;
    SimTime origin_ = 0;
    LogRecord record_;
};

/// Reads every record of `reader` into a Trace for replay(): the rows of LogTraceSource
/// (with durations).
Trace read_log_trace(LogReader& reader);

/// A key as a file name part: letters, digits, '.', '_' and '-' kept, others '_', at most 64
/// bytes, "" and "." / ".." become "none" / "_" forms.
std::string sanitize_key(std::string_view key);

/// Options of the generator.
struct SynthOptions {
    LogFormat format = LogFormat::nginx;
    std::string log_format;  ///< nginx: a layout; empty = the default
    FieldMap fields;         ///< json/csv; empty time = the default layout
    SimTime start = 0;       ///< epoch microseconds of t_ms = 0
    std::uint64_t seed = 1;
};

/// Writes `trace` as the log a server would have written (lines in end order, realistic
/// addresses, methods, paths, agents, upstreams; status 200/201/204/304 for success, 500/502/
/// 503/429 for failure, 504 for timeout, 499 for ignored). Rows without a duration get 0.
/// Throws ConfigError (file `trace_file`, the row's line, key t_ms or duration_ms) when a time
/// cannot be written in the format's resolution (nginx's $time_local: whole seconds of the end).
std::string synth_log(const Trace& trace, const SynthOptions& options,
                      const std::string& trace_file);

/// Epoch microseconds as ISO 8601 UTC with microseconds: 2026-12-07T03:00:00.000000Z.
std::string format_iso8601(SimTime epoch_us);
/// Parses ISO 8601 (date, 'T' or ' ', time, optional fraction, Z or +hh:mm); false if not.
bool parse_iso8601(std::string_view text, SimTime& epoch_us);

}  // namespace cbsim
