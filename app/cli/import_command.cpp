// import_command.cpp: the import and synth-log subcommands' logic (CLI11 stays in main.cpp).
#include "import_command.hpp"

#include <sys/stat.h>

#include <cbsim/access_log.hpp>
#include <cbsim/atomic_file.hpp>
#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/text.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <ostream>

#include "output.hpp"

namespace cbsim::cli {

namespace {

constexpr std::size_t kMaxKeys = 256;  // one open file each
constexpr std::size_t kFlushBytes = 1 << 20;

bool parse_ms_option(const std::string& text, SimTime& out) {
    // Reuses the trace's number form: milliseconds >= 0 with at most 3 decimals.
    try {
        const Trace t = parse_trace("t_ms,outcome\n" + text + ",success\n", "");
        out = t.rows.at(0).at;
        return t.rows.size() == 1;
    } catch (const ConfigError&) {
        return false;
    }
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    char buf[32];
    std::snprintf(
        buf, sizeof buf, "%.2f %%",
        whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
    return buf;
}

/// One output trace: streamed through an AtomicFileWriter (or standard output).
struct TraceOut {
    std::string key;
    std::string file;  ///< shown name
    std::unique_ptr<AtomicFileWriter> writer;
    std::string buffer;
    std::uint64_t rows = 0, failures = 0;
};

bool flush(TraceOut& t, std::ostream* stdout_stream) {
    bool ok = true;
    if (stdout_stream != nullptr) {
        stdout_stream->write(t.buffer.data(), static_cast<std::streamsize>(t.buffer.size()));
    } else {
        ok = t.writer->write(t.buffer);
    }
    t.buffer.clear();
    return ok;
}

/// The format named `name`, or nullptr after saying so on `err`.
const LogFormatInfo* find_format(const std::string& name, const char* me, std::ostream& err) {
    const LogFormatInfo* info = find_log_format(name);
    if (info == nullptr) {
        err << me << "--format '" << printable(name)
            << "' is not a format; one of: " << log_format_names() << '\n';
    }
    return info;
}

}  // namespace

std::string log_formats_help() {
    std::string out = "Formats:\n";
    for (const LogFormatInfo& f : log_formats()) {
        out += "  ";
        out += f.name;
        out.append(f.name[0] != '\0' && std::strlen(f.name) < 9 ? 9 - std::strlen(f.name) : 1, ' ');
        out += f.description;
        out += '\n';
    }
    out += "Failure rule default: ";
    out += kDefaultFailureRule;
    out += "; docs/IMPORT.md has the grammar and each format's layout.\n";
    return out;
}

int to_log_options(const LogReadOptions& o, const char* me, std::ostream& err,
                   LogOptions& options) {
    const LogFormatInfo* info = find_format(o.format, me, err);
    if (info == nullptr) return 2;
    options.format = info->format;
    options.log_format = o.log_format;
    try {
        if (!o.fields.empty()) {
            if (info->format != LogFormat::json && info->format != LogFormat::csv) {
                err << me << "--field is for json and csv; " << info->name
                    << " has a fixed layout (nginx and envoy take --log-format)\n";
                return 2;
            }
            options.fields = parse_field_map(o.fields);
        }
        if (!o.failure.empty()) options.failure = FailureRule::parse(o.failure);
        if (!o.timeout_ms.empty() && !parse_ms_option(o.timeout_ms, options.timeout)) {
            err << me << "--timeout-ms '" << printable(o.timeout_ms)
                << "' is not a duration; expected milliseconds >= 0 with at most 3 decimals\n";
            return 2;
        }
        if (!o.reorder_ms.empty() && !parse_ms_option(o.reorder_ms, options.reorder)) {
            err << me << "--reorder-ms '" << printable(o.reorder_ms)
                << "' is not a duration; expected milliseconds >= 0 with at most 3 decimals\n";
            return 2;
        }
    } catch (const ConfigError& e) {
        err << me << e.what() << '\n';
        return 2;
    }
    return 0;
}

int to_max_bad(const LogReadOptions& o, const char* me, std::ostream& err, MaxBad& out) {
    out = MaxBad{};
    out.text = o.max_bad;
    if (o.max_bad.empty()) return 0;
    std::string n = o.max_bad;
    const bool pct = n.back() == '%';
    if (pct) n.pop_back();
    SimTime v = 0;  // parsed as a "millisecond" number: value * 1000
    if (!parse_ms_option(n, v) || (pct && v > 100 * 1000) || (!pct && v % 1000 != 0)) {
        err << me << "--max-bad '" << printable(o.max_bad)
            << "' is not a limit; expected a count (an integer >= 0) or a percentage "
               "in [0, 100] such as 1%\n";
        return 2;
    }
    if (pct)
        out.share = static_cast<double>(v) / 1000.0 / 100.0;
    else
        out.count = static_cast<std::uint64_t>(v / 1000);
    return 0;
}

bool MaxBad::exceeded(const LogStats& s) const {
    const std::uint64_t skipped = s.skipped();
    return skipped > count || (share >= 0 && s.lines > 0 &&
                               static_cast<double>(skipped) > share * static_cast<double>(s.lines));
}

bool write_log_report(const LogReader& reader, const LogOptions& options, const MaxBad& limit,
                      const char* me, const char* command, bool nothing_written,
                      std::ostream& err) {
    // The refusal, if any, comes first.
    const LogStats& s = reader.stats();
    const std::uint64_t skipped = s.skipped();
    const bool too_many = limit.exceeded(s);
    if (too_many) {
        err << me << skipped << " of " << s.lines << " lines skipped, more than --max-bad "
            << printable(limit.text) << (nothing_written ? "; nothing written" : "") << '\n';
    }
    err << command << ": " << reader.files().size()
        << (reader.files().size() == 1 ? " file" : " files") << ", format "
        << log_format_info(options.format).name << ", failure rule '"
        << printable(options.failure.text(), 200) << "'";
    if (options.timeout >= 0) err << ", timeout " << format_ms(options.timeout) << " ms";
    err << "\nlines: " << s.lines << " read, " << s.records << " calls, " << skipped << " skipped ("
        << percent(skipped, s.lines) << ")\n";
    if (skipped != 0) {
        err << "skipped: " << skipped_counts_text(s) << '\n';
        for (const SkippedLine& l : s.first_skipped)
            err << "  " << skipped_line_text(l) << '\n';
    }
    if (s.records > 0) {
        const SimTime span = s.last_at - s.first_at;
        char rate[48];
        std::snprintf(rate, sizeof rate, "%.3f",
                      span > 0 ? static_cast<double>(s.records - 1) / to_s(span) : 0.0);
        err << "span: " << format_ms(span) << " ms from " << format_iso8601(s.first_at)
            << " (t_ms 0), rate " << rate << " calls/s\n";
        err << "outcomes: " << s.failures << " failures (" << percent(s.failures, s.records)
            << "), " << s.timeouts << " timeouts (" << percent(s.timeouts, s.records) << ")\n";
    }
    return too_many;
}

int run_import(const ImportOptions& o, std::ostream& out, std::ostream& err) {
    const char* me = "cbsim-cli import: ";
    LogOptions options;
    if (const int rc = to_log_options(o.read, me, err, options); rc != 0) return rc;
    MaxBad limit;
    if (const int rc = to_max_bad(o.read, me, err, limit); rc != 0) return rc;
    if (o.key == "upstream")
        options.key = KeyKind::upstream;
    else if (o.key == "route")
        options.key = KeyKind::route;
    else if (!o.key.empty()) {
        options.key = KeyKind::field;
        options.key_field = o.key;
    }
    const bool split = options.key != KeyKind::none;
    const bool to_stdout = !split && is_stdout(o.out);
    if (split) {
        if (is_stdout(o.out)) {
            err << me << "--key writes one trace per key; give --out DIR\n";
            return 2;
        }
        struct stat st {};
        if (stat(o.out.c_str(), &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                err << me << "--out " << printable(o.out)
                    << ": is not a directory; with --key, --out names a directory\n";
                return 2;
            }
        } else if (mkdir(o.out.c_str(), 0755) != 0) {
            err << me << "--out " << printable(o.out)
                << ": cannot create the directory: " << std::strerror(errno) << '\n';
            return 2;
        }
    } else if (!check_out_file(me, o.out, err)) {
        return 2;
    }

    const bool with_duration = !o.no_duration;
    std::map<std::string, TraceOut> traces;    // by key ("" without --key)
    std::map<std::string, std::string> taken;  // file name -> key
    std::unique_ptr<LogReader> reader;
    const int rc = run_guarded(me, err, [&] {
        reader = std::make_unique<LogReader>(o.logs, options);
        LogRecord r;
        SimTime origin = 0;
        bool first = true;
        while (reader->next(r)) {
            if (first) origin = r.at;
            first = false;
            auto it = traces.find(r.key);
            if (it == traces.end()) {
                if (split && traces.size() >= kMaxKeys) {
                    err << me << "more than " << kMaxKeys << " keys for --key " << printable(o.key)
                        << " (at " << printable(*r.file) << ':' << r.line << ", key '"
                        << printable(r.key) << "'); split by a coarser field\n";
                    return 2;
                }
                TraceOut t;
                t.key = r.key;
                if (split) {
                    std::string name = "trace-" + sanitize_key(r.key);
                    std::string candidate = name + ".csv";
                    for (int n = 2; taken.count(candidate) != 0; ++n)
                        candidate = name + "-" + std::to_string(n) + ".csv";
                    taken[candidate] = r.key;
                    t.file = o.out + "/" + candidate;
                } else {
                    t.file = to_stdout ? "-" : o.out;
                }
                if (!to_stdout) {
                    t.writer = std::make_unique<AtomicFileWriter>(t.file);
                    if (!t.writer->ok()) {
                        err << me << t.writer->error() << '\n';
                        return 1;
                    }
                }
                t.buffer = trace_header(with_duration);
                it = traces.emplace(r.key, std::move(t)).first;
            }
            TraceOut& t = it->second;
            append_trace_row(t.buffer, r.at - origin, r.outcome, r.duration, with_duration);
            ++t.rows;
            if (r.outcome != Outcome::success) ++t.failures;
            if (t.buffer.size() >= kFlushBytes && !flush(t, to_stdout ? &out : nullptr)) {
                err << me << t.writer->error() << '\n';
                return 1;
            }
        }
        return 0;
    });
    if (rc != 0) return rc;

    const LogStats& s = reader->stats();
    const bool too_many = write_log_report(*reader, options, limit, me, "import", !to_stdout, err);

    if (too_many) {
        if (to_stdout) {
            for (auto& [key, t] : traces)
                flush(t, &out);
            finish_output(out, err, "import", 2);
        }
        return 2;
    }
    if (traces.empty()) {
        // No call at all (every line skipped): an empty trace is still a trace.
        TraceOut t;
        t.file = to_stdout ? "-" : o.out;
        t.buffer = trace_header(with_duration);
        if (!split && !to_stdout) t.writer = std::make_unique<AtomicFileWriter>(t.file);
        if (!split) traces.emplace("", std::move(t));
    }
    for (auto& [key, t] : traces) {
        if (to_stdout) {
            flush(t, &out);
            continue;
        }
        if (!flush(t, nullptr)) {
            err << me << t.writer->error() << '\n';
            return 1;
        }
        if (const std::string e = t.writer->commit(); !e.empty()) {
            err << me << e << '\n';
            return 1;
        }
    }
    if (split) {
        err << "keys: " << traces.size() << " (--key " << printable(o.key) << ") in "
            << printable(o.out) << '\n';
        for (const auto& [key, t] : traces) {
            err << "  '" << printable(key, 200) << "' -> "
                << printable(t.file.substr(o.out.size() + 1)) << ": " << t.rows << " calls, "
                << percent(t.failures, t.rows) << " failures or timeouts\n";
        }
    } else if (!to_stdout) {
        err << "trace: " << printable(o.out) << " (" << s.records << " rows)\n";
    }
    return to_stdout ? finish_output(out, err, "import", 0) : 0;
}

int run_synth_log(const SynthLogOptions& o, std::ostream& out, std::ostream& err) {
    const char* me = "cbsim-cli synth-log: ";
    const LogFormatInfo* info = find_format(o.format, me, err);
    if (info == nullptr) return 2;
    SynthOptions options;
    options.format = info->format;
    options.log_format = o.log_format;
    options.seed = o.seed;
    const std::string start = o.start.empty() ? "2026-01-01T00:00:00Z" : o.start;
    if (!parse_iso8601(start, options.start)) {
        err << me << "--start '" << printable(start)
            << "' is not a time; expected ISO 8601 such as 2026-01-01T00:00:00Z or "
               "2026-01-01T01:00:00.250+01:00\n";
        return 2;
    }
    const bool to_stdout = is_stdout(o.out);
    if (!check_out_file(me, o.out, err)) return 2;
    std::string text;
    const int rc = run_guarded(me, err, [&] {
        if (!o.fields.empty()) options.fields = parse_field_map(o.fields);
        if (!o.log_format.empty() && info->format != LogFormat::nginx &&
            info->format != LogFormat::envoy) {
            err << me << "--log-format is for nginx and envoy\n";
            return 2;
        }
        text = synth_log(load_trace(o.trace), options, o.trace);
        return 0;
    });
    if (rc != 0) return rc;
    if (to_stdout) {
        out << text;
        return finish_output(out, err, "synth-log", 0);
    }
    if (const std::string error = write_file_atomic(o.out, text); !error.empty()) {
        err << me << error << '\n';
        return 1;
    }
    return 0;
}

}  // namespace cbsim::cli
