// cbsim-cli: the headless front-end. Subcommands: run, compare, sweep (and sweep merge),
// recommend, replay, fit, import, synth-log, validate, lint, keys.
#include <CLI/CLI.hpp>
#include <cbsim/access_log.hpp>
#include <cbsim/atomic_file.hpp>
#include <cbsim/version.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "compare_command.hpp"
#include "fit_command.hpp"
#include "import_command.hpp"
#include "keys_command.hpp"
#include "lint_command.hpp"
#include "output.hpp"
#include "recommend_command.hpp"
#include "replay_command.hpp"
#include "run_command.hpp"
#include "sweep_command.hpp"
#include "validate_command.hpp"

namespace {

/// The flags of cbsim::cli::LogReadOptions (how to read an access log), declared once for
/// `import` and `replay`. Returns the --format option.
CLI::Option* add_log_read_options(CLI::App& cmd, cbsim::cli::LogReadOptions& o,
                                  const std::vector<std::string>& format_names) {
    CLI::Option* format =
        cmd.add_option("--format", o.format, "log format")->check(CLI::IsMember(format_names));
    cmd.add_option("--log-format", o.log_format,
                   "nginx log_format or envoy format string of the log");
    cmd.add_option("--field", o.fields,
                   "json/csv: time=F[:UNIT],status=F,duration=F[:UNIT],end=F,upstream=F,route=F");
    cmd.add_option("--failure", o.failure, "failure rule, e.g. 'status>=500 || status==429'");
    cmd.add_option("--timeout-ms", o.timeout_ms, "a call longer than this is a timeout");
    cmd.add_option("--reorder-ms", o.reorder_ms,
                   "how far out of start order a line may be (default 60000)");
    cmd.add_option("--max-bad", o.max_bad,
                   "N or P%: exit 2 when more lines are skipped (default: no limit)");
    return format;
}

}  // namespace

int main(int argc, char** argv) {
    // Past a file-size limit (RLIMIT_FSIZE) write() then fails with EFBIG, which the exports
    // report, instead of the process being killed by SIGXFSZ with a half-written temp file.
    std::signal(SIGXFSZ, SIG_IGN);
    cbsim::remove_temp_files_on_signals();  // Ctrl-C while writing leaves no temp file
    CLI::App app{"cbsim-cli: headless circuit-breaker simulator"};
    app.set_version_flag("--version", std::string("cbsim-cli ") + cbsim::version_string);
    app.require_subcommand(0, 1);

    cbsim::cli::RunOptions run;
    CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario headless: KPIs, run folder");
    run_cmd->add_option("SCENARIO", run.scenario, "scenario TOML file")->required();
    const CLI::Validator seconds(
        [](const std::string& text) -> std::string {
            if (!text.empty()) return {};  // the range is checked by the command
            return "must be a number of seconds in [1e-06, 10000000], got ''";
        },
        "SECONDS");
    const CLI::Validator uint64(
        [](const std::string& text) -> std::string {
            // CLI11 would wrap "-1" around to 2^64 - 1 and cap larger values at it.
            const std::string max = "18446744073709551615";
            const std::size_t first = text.find_first_not_of('0');
            const std::string digits = first == std::string::npos ? "0" : text.substr(first);
            const bool in_range =
                digits.size() < max.size() || (digits.size() == max.size() && digits <= max);
            if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
                in_range)
                return {};
            return "must be an integer in [0, " + max + "], got '" + text + "'";
        },
        "UINT64");
    const char* set_help = "PATH=VALUE: a settable key's initial value (`cbsim-cli keys`)";
    run_cmd->add_option("--duration", run.duration_s, "simulated seconds (overrides duration_s)")
        ->check(seconds);
    run_cmd->add_option("--seed", run.seed, "random seed (overrides seed)")->check(uint64);
    run_cmd->add_option("--set", run.sets, set_help)->allow_extra_args(false);
    run_cmd->add_option("--out", run.out, "run folder to write (must not be a file)");

    cbsim::cli::CompareOptions compare;
    CLI::App* compare_cmd = app.add_subcommand(
        "compare", "Run variants of a scenario side by side: paired differences, compare.csv");
    compare_cmd->add_option("SCENARIO", compare.scenario, "scenario TOML file or compare.toml")
        ->required();
    compare_cmd
        ->add_option("--variant", compare.variants,
                     "NAME[:PATH=VALUE,...]: a variant (1 to 8; the first is the reference)")
        ->allow_extra_args(false);
    compare_cmd->add_option("--seeds", compare.seeds, "seeds per variant (default 1)")
        ->check(uint64);
    compare_cmd->add_option("--seed", compare.seed, "first seed (overrides seed)")->check(uint64);
    compare_cmd
        ->add_option("--duration", compare.duration_s, "simulated seconds (overrides duration_s)")
        ->check(seconds);
    compare_cmd->add_option("--set", compare.sets, set_help)->allow_extra_args(false);
    compare_cmd->add_option("--out", compare.out, "compare folder to write (must not be a file)");

    cbsim::cli::SweepCliOptions sweep;
    CLI::App* sweep_cmd = app.add_subcommand(
        "sweep", "Run a grid of settings under fault profiles over seeds: sweep.csv, points.csv");
    sweep_cmd->add_option("SPEC", sweep.spec, "sweep spec (*.sweep.toml, docs/SWEEPS.md)");
    sweep_cmd->add_option("--jobs", sweep.jobs, "worker threads (default: every core)");
    sweep_cmd->add_option("--shard", sweep.shard, "I/N: run the tasks whose index % N == I");
    sweep_cmd->add_option("--out", sweep.out, "sweep folder (default: SPEC's name + .out)");
    cbsim::cli::SweepMergeOptions merge;
    CLI::App* merge_cmd =
        sweep_cmd->add_subcommand("merge", "Join the shard folders of a sweep into one");
    merge_cmd->add_option("SHARD_DIR", merge.shards, "shard folders (--shard I/N --out DIR)")
        ->required();
    merge_cmd->add_option("--out", merge.out, "sweep folder to write")->required();

    cbsim::cli::RecommendOptions recommend;
    CLI::App* recommend_cmd = app.add_subcommand(
        "recommend", "Pareto front of a sweep; write the best breaker under constraints");
    recommend_cmd->add_option("SWEEP_DIR", recommend.dir, "a finished sweep folder")->required();
    recommend_cmd->add_option("--max-false-trips-per-hour", recommend.max_false_trips_per_hour,
                              "constraint on false trips per hour (healthy profiles)");
    recommend_cmd->add_option("--max-detection-delay-s", recommend.max_detection_delay_s,
                              "constraint on the mean detection delay (fault profiles); "
                              "only points that detected the fault in every seed meet it");
    recommend_cmd->add_option("--out", recommend.out,
                              "breaker file to write (default SWEEP_DIR/recommended.toml)");

    std::vector<std::string> format_names;
    for (const cbsim::LogFormatInfo& f : cbsim::log_formats())
        format_names.emplace_back(f.name);
    cbsim::cli::ReplayOptions replay;
    CLI::App* replay_cmd = app.add_subcommand(
        "replay", "Replay a call trace through one or more breakers: decisions, summary");
    replay_cmd
        ->add_option("--config", replay.configs,
                     "breaker file ([breaker] table); repeat for several (1 to 16)")
        ->required()
        ->allow_extra_args(false);
    replay_cmd
        ->add_option("--trace", replay.traces,
                     "trace.csv (t_ms,outcome[,duration_ms]), or with --format an access log "
                     "(repeat for rotated files)")
        ->required()
        ->allow_extra_args(false);
    replay_cmd->add_option("--out", replay.out,
                           "one config: decisions.csv to write (default or -: stdout); "
                           "several, or DIR/: the replay folder");
    add_log_read_options(*replay_cmd, replay.read, format_names);
    replay_cmd->footer(cbsim::cli::log_formats_help());

    cbsim::cli::FitCliOptions fit;
    CLI::App* fit_cmd = app.add_subcommand(
        "fit", "Fit a scenario to a call trace: rate, failure and latency phases (docs/FIT.md)");
    fit_cmd->add_option("TRACE", fit.trace, "trace.csv: t_ms,outcome[,duration_ms]")->required();
    fit_cmd->add_option("--out", fit.out, "scenario file to write (default or -: stdout)");
    fit_cmd->add_option("--service", fit.fit.service, "name of the fitted service")
        ->capture_default_str();
    fit_cmd->add_option("--name", fit.fit.name, "scenario name (default: fit of TRACE's name)");
    fit_cmd->add_option("--bin-s", fit.fit.bin_s, "bin width for the change points, seconds")
        ->capture_default_str();
    fit_cmd->add_option("--min-segment-s", fit.fit.min_segment_s, "shortest phase, seconds")
        ->capture_default_str();
    fit_cmd->add_option("--penalty", fit.fit.penalty, "multiplier of the BIC change-point penalty")
        ->capture_default_str();

    cbsim::cli::ImportOptions import;
    CLI::App* import_cmd = app.add_subcommand(
        "import", "Turn access logs (nginx, Envoy, HAProxy, JSON, CSV) into trace.csv");
    import_cmd->footer(cbsim::cli::log_formats_help());
    add_log_read_options(*import_cmd, import.read, format_names)->required();
    import_cmd->add_option("LOG", import.logs, "log files (plain or .gz; rotated ones merged)")
        ->required();
    import_cmd->add_option("--out", import.out,
                           "trace.csv to write (default or -: stdout); with --key a directory");
    import_cmd->add_option("--key", import.key,
                           "upstream, route or a field: one trace per key into --out DIR");
    import_cmd->add_flag("--no-duration", import.no_duration,
                         "write t_ms,outcome without the duration_ms column");

    cbsim::cli::SynthLogOptions synth;
    CLI::App* synth_cmd = app.add_subcommand(
        "synth-log", "Write the access log a server would have written for a trace.csv");
    synth_cmd->footer(cbsim::cli::log_formats_help());
    synth_cmd->add_option("--format", synth.format, "log format")
        ->required()
        ->check(CLI::IsMember(format_names));
    synth_cmd->add_option("TRACE", synth.trace, "trace.csv: t_ms,outcome[,duration_ms]")
        ->required();
    synth_cmd->add_option("--start", synth.start,
                          "ISO 8601 time of t_ms 0 (default 2026-01-01T00:00:00Z)");
    synth_cmd->add_option("--seed", synth.seed, "seed of the made-up details (default 1)")
        ->check(uint64);
    synth_cmd->add_option("--log-format", synth.log_format, "nginx/envoy layout to write");
    synth_cmd->add_option("--field", synth.fields, "json/csv field names, as for import");
    synth_cmd->add_option("--out", synth.out, "log to write (default or -: stdout)");

    cbsim::cli::ValidateOptions validate;
    CLI::App* validate_cmd = app.add_subcommand("validate", "Check a scenario or breaker file");
    validate_cmd->add_option("FILE", validate.file, "file to check")->required();

    cbsim::cli::LintOptions lint;
    CLI::App* lint_cmd = app.add_subcommand(
        "lint", "Find breaker settings that cannot work at the scenario's traffic");
    lint_cmd->add_option("FILE", lint.file, "scenario or compare file to check")->required();
    lint_cmd->add_flag("--strict", lint.strict, "exit 3 when any warning is found");

    cbsim::cli::KeysOptions keys;
    CLI::App* keys_cmd = app.add_subcommand("keys", "List every scenario key: type, range, path");
    keys_cmd->add_flag("--markdown", keys.markdown,
                       "the tables of docs/SCENARIOS.md, with their marker comments");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    // Each subcommand maps its own errors to exit codes 2 and 1; what escapes one (an
    // allocation failure while reading its input, say) still ends with a message, mapped as
    // run_guarded() maps it. "cbsim-cli sweep merge: ", named from the subcommands parsed.
    std::string me = "cbsim-cli";
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
        sub = sub->get_subcommands().front();
        me += " " + sub->get_name();
    }
    me += ": ";
    return cbsim::cli::run_guarded(
        me, std::cerr,
        [&] {
            if (run_cmd->parsed()) {
                run.progress = isatty(STDERR_FILENO) != 0;
                return cbsim::cli::run_run(run, std::cout, std::cerr);
            }
            if (compare_cmd->parsed()) {
                compare.progress = isatty(STDERR_FILENO) != 0;
                return cbsim::cli::run_compare(compare, std::cout, std::cerr);
            }
            if (merge_cmd->parsed())
                return cbsim::cli::run_sweep_merge(merge, std::cout, std::cerr);
            if (sweep_cmd->parsed()) {
                if (sweep.spec.empty()) {
                    std::cerr << "cbsim-cli sweep: SPEC is required (a *.sweep.toml); or "
                                 "`cbsim-cli sweep merge SHARD_DIR... --out DIR`\n";
                    return 2;
                }
                sweep.progress = isatty(STDERR_FILENO) != 0;
                return cbsim::cli::run_sweep_command(sweep, std::cout, std::cerr);
            }
            if (recommend_cmd->parsed())
                return cbsim::cli::run_recommend(recommend, std::cout, std::cerr);
            if (replay_cmd->parsed()) return cbsim::cli::run_replay(replay, std::cout, std::cerr);
            if (fit_cmd->parsed()) return cbsim::cli::run_fit(fit, std::cout, std::cerr);
            if (import_cmd->parsed()) return cbsim::cli::run_import(import, std::cout, std::cerr);
            if (synth_cmd->parsed()) return cbsim::cli::run_synth_log(synth, std::cout, std::cerr);
            if (validate_cmd->parsed())
                return cbsim::cli::run_validate(validate, std::cout, std::cerr);
            if (lint_cmd->parsed()) return cbsim::cli::run_lint(lint, std::cout, std::cerr);
            if (keys_cmd->parsed()) return cbsim::cli::run_keys(keys, std::cout, std::cerr);
            if (app.get_subcommands().empty()) std::fputs(app.help().c_str(), stdout);
            return 0;
        },
        "error: ");
}
