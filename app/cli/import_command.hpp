// import_command.hpp: `cbsim-cli import` (access logs -> trace.csv) and `cbsim-cli synth-log`
// (trace.csv -> an access log), both over cbsim/access_log.hpp. docs/IMPORT.md.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace cbsim {
struct LogOptions;
struct LogStats;
class LogReader;
}  // namespace cbsim

namespace cbsim::cli {

/// How to read an access log: the options `import` and `replay --format` share (main.cpp
/// declares their flags once for both).
struct LogReadOptions {
    std::string format;      ///< a name of log_formats()
    std::string log_format;  ///< nginx/envoy layout
    std::string fields;      ///< json/csv mapping
    std::string failure;     ///< failure rule; "" = the default
    std::string timeout_ms;  ///< "" = none
    std::string reorder_ms;  ///< "" = 60000
    std::string max_bad;     ///< N or P%; "" = no limit
};

/// Fills `options` from `o` (format, layout, fields, failure rule, timeout, reorder window).
/// Returns 0, or 2 after saying on `err` (prefixed by `me`) which option is wrong and what is
/// allowed.
int to_log_options(const LogReadOptions& o, const char* me, std::ostream& err, LogOptions& options);

/// --max-bad: how many lines a read may skip, a count or a share of the lines read.
struct MaxBad {
    std::string text;  ///< as given; "" = no limit
    std::uint64_t count = UINT64_MAX;
    double share = -1;  ///< < 0: none
    /// Whether `stats` skipped more lines than the limit allows.
    bool exceeded(const LogStats& stats) const;
};
/// Parses `o.max_bad` into `out`. Returns 0, or 2 after saying on `err` what is allowed.
int to_max_bad(const LogReadOptions& o, const char* me, std::ostream& err, MaxBad& out);

/// The report of a log read (`import`, `replay --format`), on `err`: when `limit` is exceeded
/// first the refusal (`me`: "N of M lines skipped, more than --max-bad X", then
/// "; nothing written" when `nothing_written`), then "COMMAND: files, format, rule", the line
/// counts, the skipped lines by reason with the first five quoted, the span and the outcomes.
/// Returns whether the limit was exceeded (the caller then exits 2).
bool write_log_report(const LogReader& reader, const LogOptions& options, const MaxBad& limit,
                      const char* me, const char* command, bool nothing_written, std::ostream& err);

struct ImportOptions {
    LogReadOptions read;
    std::vector<std::string> logs;
    std::string out;  ///< trace.csv; "" or "-" stdout; with --key a directory
    std::string key;  ///< upstream | route | FIELD; "" = one trace
    bool no_duration = false;
};

/// Imports the logs and writes the trace(s) atomically, the report on `err`. Returns 0 ok, 2
/// bad input (options, a file in which no line parses, more skipped lines than --max-bad), 1 a
/// runtime error (an output could not be written).
int run_import(const ImportOptions& options, std::ostream& out, std::ostream& err);

struct SynthLogOptions {
    std::string format;
    std::string trace;
    std::string out;    ///< "" or "-" stdout
    std::string start;  ///< ISO 8601; "" = 2026-01-01T00:00:00Z
    std::string log_format;
    std::string fields;
    std::uint64_t seed = 1;
};

/// Writes the log a server would have written for the trace. 0 ok, 2 bad input, 1 runtime.
int run_synth_log(const SynthLogOptions& options, std::ostream& out, std::ostream& err);

/// The formats table for --help: one "  NAME  DESCRIPTION" line each.
std::string log_formats_help();

}  // namespace cbsim::cli
