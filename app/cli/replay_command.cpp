// replay_command.cpp: the replay subcommand's logic (CLI11 stays in main.cpp).
#include "replay_command.hpp"

#include <cbsim/access_log.hpp>
#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/replay_set.hpp>

#include <exception>
#include <map>
#include <memory>
#include <ostream>

#include "output.hpp"

namespace cbsim::cli {

namespace {

constexpr const char* kCommand = "cbsim-cli replay: ";

/// The calls to replay: trace.csv read in chunks, or the access logs read record by record
/// (LogTraceSource). Throws ConfigError like the readers.
class CallSource {
  public:
    explicit CallSource(const ReplayOptions& o, const LogOptions& log) {
        if (o.read.format.empty()) {
            csv_ = std::make_unique<CsvTraceSource>(o.traces.front());
        } else {
            reader_ = std::make_unique<LogReader>(o.traces, log);
            logs_ = std::make_unique<LogTraceSource>(*reader_);
        }
    }
    TraceSource& source() { return csv_ ? static_cast<TraceSource&>(*csv_) : *logs_; }
    /// After the last row: the skip report of a log, when a line was skipped (import's report,
    /// on `err`). Returns false when more were skipped than --max-bad allows (nothing is
    /// written then: the caller exits 2).
    bool report(const LogOptions& log, const MaxBad& limit, std::ostream& err) const {
        if (!reader_ || reader_->stats().skipped() == 0) return true;
        return !write_log_report(*reader_, log, limit, kCommand, "replay", true, err);
    }

  private:
    std::unique_ptr<CsvTraceSource> csv_;
    std::unique_ptr<LogReader> reader_;
    std::unique_ptr<LogTraceSource> logs_;
};

/// One config: decisions.csv to standard output or a file, row by row.
int replay_one(const ReplayOptions& options, const LogOptions& log, const MaxBad& limit,
               std::ostream& out, std::ostream& err) {
    const bool to_stdout = is_stdout(options.out);
    if (!check_out_file(kCommand, options.out, err)) return 2;
    std::string text;
    const int rc = run_guarded(kCommand, err, [&] {
        const BreakerConfig config = load_breaker_file(options.configs.front());
        CallSource calls(options, log);
        TraceSource& source = calls.source();
        const auto breaker = make_breaker(config);
        Replayer replayer(*breaker);
        // To standard output the text is held until the end: released_ms is known only then.
        DecisionsCsvStream stream = to_stdout
                                        ? DecisionsCsvStream(source.has_duration())
                                        : DecisionsCsvStream(options.out, source.has_duration());
        bool ok = stream.error().empty();
        const auto take = [&](const ReplayedRow& r) { ok = ok && stream.add(r.row, r.decision); };
        TraceRow row;
        while (ok && source.next(row)) {
            replayer.feed(row);
            replayer.drain(take);
        }
        if (ok) {
            replayer.finish();
            replayer.drain(take);
            if (!calls.report(log, limit, err)) return 2;  // the file is not put in place
        }
        if (const std::string e = ok ? stream.commit() : stream.error(); !e.empty()) {
            err << kCommand << e << '\n';
            return 1;
        }
        if (to_stdout) text = stream.text();
        return 0;
    });
    if (rc != 0) return rc;
    if (!to_stdout) return 0;
    out << text;
    return finish_output(out, err, "replay", 0);
}

/// Several configs: the replay folder.
int replay_folder(const ReplayOptions& options, const LogOptions& log, const MaxBad& limit,
                  std::ostream& out, std::ostream& err) {
    if (is_stdout(options.out)) {
        err << kCommand << "--out DIR is required with several --config (the replay folder: "
            << "decisions-<config>.csv per config, summary.csv, bursts.csv)\n";
        return 2;
    }
    if (options.configs.size() > kMaxReplayConfigs) {
        err << kCommand << options.configs.size() << " --config given; expected 1 to "
            << kMaxReplayConfigs << '\n';
        return 2;
    }
    std::map<std::string, std::string> files_by_name;
    for (const std::string& file : options.configs) {
        const std::string name = config_name(file);
        if (std::string problem = config_name_problem(name); !problem.empty()) {
            err << kCommand << "--config " << file << ": " << problem << '\n';
            return 2;
        }
        if (const auto [it, fresh] = files_by_name.emplace(name, file); !fresh) {
            err << kCommand << "--config " << it->second << " and --config " << file
                << " have the same name '" << name
                << "' (the file name without .toml names decisions-<name>.csv); rename one\n";
            return 2;
        }
    }
    ReplayFolderWriter folder(options.out);
    if (!folder.error().empty()) {
        err << kCommand << "--out " << folder.error() << '\n';
        return 2;
    }
    const int rc = run_guarded(kCommand, err, [&] {
        std::vector<NamedConfig> configs;
        for (const std::string& file : options.configs)
            configs.push_back(NamedConfig{config_name(file), load_breaker_file(file)});
        CallSource calls(options, log);
        bool accepted = true;
        const ReplayFolderResult result = replay_to_folder(calls.source(), configs, folder, [&] {
            return accepted = calls.report(log, limit, err);
        });
        if (!result.error.empty()) {
            err << kCommand << "cannot write the replay folder " << result.error << '\n';
            return 1;
        }
        if (!accepted) return 2;  // DIR as it was
        out << replay_summary_csv(result.kpis) << "\nreplay folder: " << options.out << '\n';
        return 0;
    });
    if (rc != 0) return rc;
    return finish_output(out, err, "replay", 0);
}

}  // namespace

int run_replay(const ReplayOptions& options, std::ostream& out, std::ostream& err) {
    if (options.configs.empty()) {
        err << kCommand << "--config is required\n";
        return 2;
    }
    LogOptions log;
    if (options.read.format.empty()) {
        if (options.traces.size() != 1) {
            err << kCommand << options.traces.size()
                << " --trace given; a trace.csv is one file (several are the rotated files of "
                   "an access log: give its --format)\n";
            return 2;
        }
        const LogReadOptions none;
        if (options.read.log_format != none.log_format || options.read.fields != none.fields ||
            options.read.failure != none.failure || options.read.timeout_ms != none.timeout_ms ||
            options.read.reorder_ms != none.reorder_ms || options.read.max_bad != none.max_bad) {
            err << kCommand
                << "--log-format, --field, --failure, --timeout-ms, --reorder-ms and --max-bad "
                   "read an access log: give its --format (a trace.csv has its outcomes)\n";
            return 2;
        }
    } else if (const int rc = to_log_options(options.read, kCommand, err, log); rc != 0) {
        return rc;
    }
    MaxBad limit;
    if (const int rc = to_max_bad(options.read, kCommand, err, limit); rc != 0) return rc;
    const bool folder =
        options.configs.size() > 1 || (options.out.size() > 1 && options.out.back() == '/');
    return folder ? replay_folder(options, log, limit, out, err)
                  : replay_one(options, log, limit, out, err);
}

}  // namespace cbsim::cli
