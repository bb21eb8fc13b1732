// sweep_runner.hpp: what the Sweep panel computes, apart from drawing it (docs/SWEEPS.md,
// "In the app").
//
// [SECTION] The panel's choices -> a sweep plan
// [SECTION] Running the plan in the background
// [SECTION] Heatmap: colour scale and cell lookup
//
// The panel's choices (one or two knobs of an edge and their ranges, one fault profile, seeds,
// duration) are written as a sweep spec and read by the core (parse_sweep on the live
// scenario), so the app accepts and refuses exactly what `cbsim-cli sweep` does. SweepRunner
// runs the plan's tasks on background threads (run_sweep_task, the rows of sweep.csv), and as
// each point's last task finishes computes its line of points.csv (means and 95 % intervals)
// and its score (score_point, as `cbsim-cli recommend`). The UI thread reads a snapshot.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <cbsim/error.hpp>
#include <cbsim/summary.hpp>
#include <cbsim/sweep.hpp>

namespace cbsim::gui {

// [SECTION] The panel's choices -> a sweep plan ---------------------------------------------

enum class RangeKind : std::uint8_t { list, linear, log };

/// One knob: a settable protection path of the edge and the values it takes.
struct KnobChoice {
    std::string path;
    RangeKind kind = RangeKind::linear;
    std::string list;  ///< RangeKind::list: "2, 3, 5" (numbers, true/false or choice names)
    double from = 1.0;
    double to = 10.0;
    int steps = 5;
};

struct SweepChoices {
    std::string edge;               ///< "A->B": the edge of interest
    std::vector<KnobChoice> knobs;  ///< 1 or 2
    FaultProfile fault;             ///< its kind and parameters; on the edge's target
    bool healthy_baseline = true;   ///< also run every point with no fault (false trips)
    std::uint64_t seeds = 3;        ///< [1, kMaxSweepSeeds]
    double duration_s = 120.0;      ///< simulated seconds per run
};

/// The knobs the panel offers for `edge`: its settable protection paths (breaker, retry,
/// timeout, bulkhead, fallback) in setting_specs() order, the breaker preset's ParamSpec table
/// among them.
std::vector<std::string> knob_paths(const Scenario& scenario, const std::string& edge);

/// The choices as a sweep spec (TOML, as a *.sweep.toml without its `scenario` key).
std::string sweep_spec_text(const SweepChoices& choices);

/// The base a sweep runs from: `live` (the settings in force now, the user's edits included)
/// with the scheduled changes still ahead of `now` kept, as the Reset of the live run does.
Scenario sweep_base(const Scenario& live, SimTime now);

/// The plan of the choices on `base`, checked as `cbsim-cli sweep` checks a spec. Throws
/// ConfigError: key() names the spec key (axis[0].log.from, profile[1].at_s, seeds ...).
SweepPlan build_sweep_plan(const SweepChoices& choices, const Scenario& base);

/// A ConfigError of build_sweep_plan in the panel's words: the spec key mapped to the field
/// ("knob 1 from", "fault at_s", "seeds"), then the allowed range.
std::string choice_problem(const ConfigError& e);

// [SECTION] Running the plan in the background -----------------------------------------------

/// One point's results, filled when its last task finished.
struct SweepPointResult {
    bool done = false;
    /// [profile][kpi] over the seeds (sweep_kpi_names() order): mean and the half width of the
    /// 95 % interval; nullopt when no seed had a value (a delay) or one seed (no interval).
    std::vector<std::vector<std::optional<double>>> mean;
    std::vector<std::vector<std::optional<double>>> ci95;
    PointScore score;
};

struct SweepState {
    std::shared_ptr<const SweepPlan> plan;  ///< null before the first start
    std::vector<SweepPointResult> points;   ///< point_count(plan) entries
    std::size_t tasks_done = 0;
    std::size_t tasks_total = 0;
    std::size_t points_done = 0;
    bool running = false;
    bool cancelled = false;
    double elapsed_s = 0.0;
    std::string error;  ///< a task failed: why (the sweep stopped)
    /// Seconds left at the rate so far; nullopt until a task finished.
    std::optional<double> eta_s() const;
};

/// Runs a plan on `jobs` threads. start() cancels a sweep in progress first; cancel() and the
/// destructor stop the threads and wait for them (a task that started runs to its end: one run
/// of duration_s). Thread-safe: the UI thread calls every member; the workers publish.
class SweepRunner {
  public:
    SweepRunner() = default;
    ~SweepRunner();
    SweepRunner(const SweepRunner&) = delete;
    SweepRunner& operator=(const SweepRunner&) = delete;

    void start(SweepPlan plan, unsigned jobs);
    void cancel();
    /// Cancels and forgets the results (a new scenario: they were of the old one).
    void reset();

    /// Changes whenever the state does (a task finished, start, cancel).
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
    /// A copy of the state now.
    SweepState state() const;

    /// The worker threads for a machine: every core but one (the live run's), at least one.
    static unsigned default_jobs();

  private:
    void work(const std::stop_token& stop);
    void finish_point(std::size_t point);
    void join_all();

    std::vector<std::jthread> threads_;
    std::shared_ptr<const SweepPlan> plan_;
    std::atomic<std::size_t> next_task_{0};
    std::atomic<std::uint64_t> version_{0};
    std::chrono::steady_clock::time_point started_{};

    mutable std::mutex mutex_;  // guards everything below
    SweepState state_;
    std::vector<std::string> rows_;        // per task; empty until it finished
    std::vector<std::size_t> point_left_;  // tasks of each point not yet finished
    unsigned active_ = 0;                  // worker threads still running
};

// [SECTION] Heatmap: colour scale and cell lookup ----------------------------------------------

/// Which way a KPI is better (the edge KPI's Better, summary.hpp; a per-hour KPI takes its
/// base count's).
Better sweep_kpi_better(const std::string& kpi);

/// Maps values of one KPI to [0, 1], 1 the best end: the range of the values shown, flipped
/// when lower is better. A single value (or none) maps to 0.5.
struct ColourScale {
    double lo = 0.0;
    double hi = 0.0;
    Better better = Better::neither;
    bool empty = true;
    static ColourScale of(const std::vector<std::optional<double>>& values, Better better);
    /// 0 worst .. 1 best (neither: 0 low .. 1 high).
    double goodness(double v) const;
};

/// The RGBA (0xAABBGGRR, ImGui's ImU32) of goodness g in [0, 1]: red (worst) through amber to
/// green (best).
std::uint32_t goodness_colour(double g);

/// The grid of a sweep's points: 1 axis = one row of `columns` cells, 2 axes = the first axis
/// down the rows (slowest), the second across. Returns the point at cell (row, column).
struct HeatmapGrid {
    std::size_t rows = 1;
    std::size_t columns = 1;
    static HeatmapGrid of(const SweepSpec& spec);
    std::size_t point(std::size_t row, std::size_t column) const { return row * columns + column; }
    /// The cell under (x, y) in a grid drawn at (x0, y0) with cells `w` x `h`; nullopt outside.
    std::optional<std::size_t> point_at(float x, float y, float x0, float y0, float w,
                                        float h) const;
};

}  // namespace cbsim::gui
