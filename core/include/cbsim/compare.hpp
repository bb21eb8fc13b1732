// cbsim/compare.hpp: K variants of one scenario run side by side (docs/COMPARE.md).
//
// [SECTION] Variants
// [SECTION] Compare (K runs in lockstep)
// [SECTION] KPIs and paired differences
// [SECTION] Results: compare.csv and the printed table
// [SECTION] The compare folder and compare.toml
//
// A variant is the base scenario with a few protection settings changed (breaker, retry,
// timeout, bulkhead, fallback: the keys of a dependency, SettingScope::protection). Every
// variant sees the same world: the same services, traffic and seed, and every later change to
// the world applies to all of them at the same simulated instant.
//
//   Compare c(base, {{"base", {}}, {"retry3", {{"A->B.retry.max_attempts", 3.0}}}});
//   c.advance_to(from_s(10));
//   c.apply("B.failure_rate", 0.5);                        // world: every variant
//   c.apply("retry3", "A->B.retry.backoff_base_ms", 50.0);  // protection: that variant only
//   c.advance_to(from_s(60));
//   c.run(1).summary();
//
// Threads: like Run, a Compare is driven by one thread (advance_to, apply, summaries); the
// recorder of each run (run(i).recorder()) may be read from any other thread at any time.
//
// Reproducibility: variant i's run is exactly `Run(variant_scenario(base, variant i))` driven
// with the same changes, so its exported scenario re-run alone gives the same files, byte for
// byte, as the variant inside the compare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/run.hpp"
#include "cbsim/scenario.hpp"
#include "cbsim/staged_folder.hpp"
#include "cbsim/summary.hpp"

namespace cbsim {

// [SECTION] Variants -----------------------------------------------------------------------

/// One setting of a variant: `path` set to `value` before the run starts, or, with `at`, at
/// that simulated instant (a timeline entry of the variant's run: a change made to one
/// variant while the compare ran, as the app records it).
struct Override {
    std::string path;
    SettingValue value;
    std::optional<SimTime> at;
    bool operator==(const Override&) const = default;
};

/// A named set of protection overrides. No overrides = the base scenario as it is.
struct Variant {
    std::string name;
    std::vector<Override> overrides;
    bool operator==(const Variant&) const = default;
};

inline constexpr std::size_t kMaxVariants = 8;
inline constexpr std::size_t kMaxVariantNameLength = 64;
/// Latest instant of a timed override, in seconds (the longest scenario duration).
inline constexpr double kMaxOverrideAtS = 1e7;

/// Empty if `name` can name a variant (and its folder), else why not: 1 to 64 letters, digits,
/// '_' and '-', not starting with '-'.
std::string variant_name_problem(std::string_view name);

/// Parses "NAME" or "NAME:PATH=VALUE[,PATH=VALUE...]" (values as setting_value_from_text());
/// "PATH=VALUE@T" sets it at T seconds into the run (microsecond precision, [0, 1e7]).
/// Empty on success (then `out` holds the variant), else a message naming the spec's part.
/// The paths are not checked against a scenario here (variant_scenario does that).
std::string parse_variant(std::string_view spec, Variant& out);
/// The spec text parse_variant() reads back to the same variant.
std::string variant_spec(const Variant& variant);

/// `base` with the variant's overrides applied in order. Empty on success, else a message
/// "variant 'NAME': PATH: ..." that names the allowed range or choices; an unknown path lists
/// close matches among the scenario's settable paths; a world path (traffic, a service) is
/// refused: it is the same for every variant.
std::string variant_scenario(const Scenario& base, const Variant& variant, Scenario& out);

/// The protection settings in which `variant` differs from `base` (two scenarios of the same
/// services and edges), as overrides in setting_specs() order (a preset before its
/// parameters): applied to `base` they give `variant`'s protection. The app restarts a
/// compare from the settings in force with them.
std::vector<Override> protection_overrides(const Scenario& variant, const Scenario& base);

/// Empty when `variants` can form a compare of `base`: 1 to kMaxVariants, names valid and
/// unique, every variant applies (variant_scenario). Else the first problem.
std::string check_variants(const Scenario& base, std::span<const Variant> variants);

// [SECTION] Compare (K runs in lockstep) ----------------------------------------------------

class Compare {
  public:
    /// One Run per variant, in the given order (the first is the reference of the paired
    /// differences). Throws ConfigError (key "variant", message of check_variants) when the
    /// variants do not fit the base, or what Run throws for the base itself.
    Compare(const Scenario& base, std::vector<Variant> variants,
            std::size_t max_rows = Recorder::kDefaultMaxRows);
    ~Compare();
    Compare(const Compare&) = delete;
    Compare& operator=(const Compare&) = delete;

    std::size_t size() const;
    const Variant& variant(std::size_t i) const;
    /// The index of the variant named `name`; nullopt if none.
    std::optional<std::size_t> find(std::string_view name) const;
    const Run& run(std::size_t i) const;

    /// The runs' common clock.
    SimTime now() const;

    /// Advances every run to `t`, one after the other (Run::advance_to); then now() == t.
    /// Each run goes the whole way before the next starts: a run's working set stays in the
    /// cache, so a long step costs K x one run, while many short steps pay for switching
    /// between runs (docs/PERFORMANCE.md, "Compare"). With `progress`, it is called with the
    /// share of the work done, in [0, 1], as the runs advance (a progress bar).
    void advance_to(SimTime t, const std::function<void(double)>& progress = {});
    /// Run::settle() of every run: the timeline entries due at now() apply.
    void settle();

    /// A world change (traffic, a service): applied to every run at now(), recorded in each
    /// one's timeline. A protection path is refused (it names one variant: use the other
    /// overload). Empty on success, else the message (nothing changed).
    std::string apply(std::string_view path, const SettingValue& value);
    /// A protection change of one variant (edge keys, breaker): applied to that run only. A
    /// world path or an unknown variant is refused. Empty on success, else the message.
    std::string apply(std::string_view variant, std::string_view path, const SettingValue& value);

    /// A step of a gesture (a slider drag, Run::apply_step) on a world path, in every run; the
    /// gesture becomes one entry of the base timeline when it ends. A step on another path or
    /// variant than the open gesture's ends that one first; apply() ends it too.
    std::string apply_step(std::string_view path, double value);
    /// A step of a gesture on a protection path of one variant (that run only). A compare file
    /// has no gesture form: exported_variants() gets each step as a timed override, so a compare
    /// re-run from them has one change per step where this run had one per gesture (the app
    /// applies a protection drag step by step with apply() while it compares variants).
    std::string apply_step(std::string_view variant, std::string_view path, double value);
    /// Ends the open gesture at now() (Run::end_gesture), if any.
    void end_gesture();

    /// Run(i).summary() of every run, in variant order.
    std::vector<Summary> summaries() const;

    /// Renames variant i (the caller checks the name: variant_name_problem, unique).
    void rename(std::size_t i, std::string name);

    /// The base scenario as loaded plus every world change applied so far (its duration as
    /// loaded): what the app saves.
    Scenario base_with_changes() const;
    /// What re-runs this compare as it ran (compare_file_toml, `cbsim-cli compare`): the base
    /// scenario with every world change applied so far in its timeline and duration now(), and
    /// the variants with each protection change applied to one of them as a timed override.
    /// Variant i of these gives run(i)'s files again, byte for byte.
    Scenario exported_base() const;
    const std::vector<Variant>& exported_variants() const { return exported_; }

  private:
    std::vector<Variant> variants_;
    std::vector<Variant> exported_;  // variants_ plus the timed overrides applied since
    Scenario base_;
    std::vector<TimelineEntry> world_changes_;  // applied through apply(path, value)
    std::optional<std::size_t> gesture_run_;    // the open gesture's run (all runs: world)
    bool world_gesture_ = false;
    std::string gesture_path_;
    std::vector<std::unique_ptr<Run>> runs_;
};

// [SECTION] KPIs and paired differences -----------------------------------------------------

/// One KPI of an edge as compared: an edge KPI the table of edge_kpis() (summary.hpp) marks
/// as compared, in that table's order. The one list of compare.csv's columns, the printed
/// table's rows, the app's compare Summary and the table of docs/COMPARE.md.
struct CompareKpi {
    std::string_view name;  ///< column name: "availability"
    const char* unit;       ///< "%", "calls", "ms", "s", "x"
    Better better;
    int decimals;      ///< compare.csv and the printed table
    const char* help;  ///< what it is, for docs
    const EdgeKpi* source;
    /// The value from an edge's summary, scaled as compared; nullopt when the run has none
    /// (a delay with no episode).
    std::optional<double> get(const EdgeSummary& edge) const {
        std::optional<double> v = source->value(edge);
        if (v) *v *= source->compared.scale;
        return v;
    }
};
std::span<const CompareKpi> compare_kpis();
/// The KPI table of docs/COMPARE.md (markdown: KPI, unit, better, meaning), from compare_kpis().
std::string compare_kpis_markdown();

/// t such that P(T <= t) = 0.975 for Student's t with `df` >= 1 degrees of freedom: a table
/// for df <= 30, a Cornish-Fisher expansion around the normal quantile beyond (error < 1e-4).
double student_t_975(std::size_t df);

/// Mean of per-seed differences and the half width of its 95 % confidence interval
/// (t_{0.975, n-1} * sd / sqrt(n)); no interval with fewer than two differences.
struct PairedDifference {
    std::size_t n = 0;
    double mean = 0.0;
    std::optional<double> half_width;
};
PairedDifference paired_difference(std::span<const double> differences);

// [SECTION] Results: compare.csv and the printed table --------------------------------------

/// The summaries of a compare over seeds: summaries[v][s] is variant v run with seeds[s].
struct CompareResults {
    std::vector<std::string> variants;
    std::vector<std::uint64_t> seeds;
    std::vector<std::vector<Summary>> summaries;
};

/// compare.csv: header "variant,seed,edge," then compare_kpis() names; one row per variant,
/// seed and edge (variants, then seeds, then edges in summary order); a KPI the run has no
/// value for is an empty field. Fixed formatting: same results, same bytes.
std::string compare_csv(const CompareResults& results);

/// The printed table: per variant after the first, per edge and KPI: the first variant's
/// mean, this variant's mean, the paired difference and its 95 % confidence interval over the
/// seeds (no interval with one seed, said in the heading). Rows that are 0 in every run, or
/// have no value in any, are left out.
std::string compare_table_text(const CompareResults& results);

// [SECTION] The compare folder and compare.toml --------------------------------------------

/// compare.toml: what re-runs a compare with one command (`cbsim-cli compare DIR/compare.toml`):
///   scenario = "scenario.toml"     # the base scenario, relative to this file
///   seeds = 3                      # seeds base..base+N-1, base = the scenario's seed
///   variants = ["base", "retry3:A->B.retry.max_attempts=3"]
struct CompareFile {
    std::string scenario;  ///< as written in the file
    std::uint64_t seeds = 1;
    std::vector<Variant> variants;
};
inline constexpr std::uint64_t kMaxSeeds = 1000;
std::string compare_file_toml(const CompareFile& file);
/// Reads a compare file; nullopt when `path` is TOML without a `variants` key (a scenario
/// file, then). Throws ConfigError (file, line, key, allowed) for a bad compare file.
std::optional<CompareFile> load_compare_file(const std::string& path);
/// The same for text already read (`file` names it in errors), so a pipe is read only once.
std::optional<CompareFile> parse_compare_toml(std::string_view text, const std::string& file);

/// The folder of a compare: "<variant>/" run folders (with one seed) or
/// "<variant>/seed-<s>/" (with several), compare.csv, compare.toml, scenario.toml (the base),
/// and the marker ".cbsim-compare". Written into the staging sibling "DIR.staging" and put in
/// place as a whole at commit() (StagedFolderWriter), so DIR holds the earlier compare or the
/// new one, never a mix. DIR may be missing, empty or an earlier compare folder (marker,
/// known files, run folders); anything else is refused, never deleted.
class CompareFolderWriter : public StagedFolderWriter {
  public:
    /// Checks DIR (holding the parent's DirectoryLock) and creates the staging folder; error()
    /// says why not.
    explicit CompareFolderWriter(std::string dir);

    /// The folder of variant `variant`'s run with `seed` inside the compare folder
    /// ("retry3" or "retry3/seed-7"), relative to DIR.
    static std::string run_folder(std::string_view variant, std::uint64_t seed, bool per_seed);
    /// Writes run(i) of `compare` to run_folder(variant i, seed, per_seed) in staging, its
    /// scenario.toml from the run's exported_scenario(). Empty on success.
    std::string add_runs(const Compare& compare, std::uint64_t seed, bool per_seed);
    /// Writes a file at the top of the folder. Empty on success.
    std::string add_file(const std::string& name, std::string_view content);
};

/// What a file the app opens holds: a scenario, or a compare file (then `variants` and
/// `seeds` are its own and `scenario` is the base it names, relative to the compare file).
struct ScenarioOrCompare {
    Scenario scenario;
    std::vector<Variant> variants;  ///< empty for a scenario file
    std::uint64_t seeds = 1;
};
/// Reads `path` once and tells the two apart (a compare file has a `variants` key). Throws
/// ConfigError naming the file, line and key for a bad file of either kind, or for variants
/// that do not fit their scenario.
ScenarioOrCompare load_scenario_or_compare(const std::string& path);
/// The same for text already read (`file` names it in errors and locates the base scenario),
/// so a pipe is read only once.
ScenarioOrCompare parse_scenario_or_compare(std::string_view text, const std::string& file);

/// Writes the folder of `compare` as it ran so far (one seed, the app's export): each
/// variant's run folder, compare.csv, scenario.toml (exported_base()) and compare.toml
/// (exported_variants()), so `cbsim-cli compare DIR/compare.toml` gives the same files. Empty
/// on success, else the message (DIR unchanged).
std::string write_compare_folder(const Compare& compare, const std::string& dir);

/// Why `dir` cannot receive a compare folder (empty if it can); see CompareFolderWriter.
std::string check_compare_folder(const std::string& dir);

}  // namespace cbsim
