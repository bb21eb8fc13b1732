// cbsim/recorder.hpp: what a run records, readable from another thread while the run advances.
//
// [SECTION] Rows (one per time bucket, per edge and per service)
// [SECTION] Events (breaker transitions and applied changes)
// [SECTION] Live breaker view (for the state diagram)
// [SECTION] Column aggregates (for plots)
// [SECTION] Recorder
//
// One writer (the thread running the Run) appends a row per series at the end of every time
// bucket (Scenario::resolution_ms); any number of readers copy what they need. Every method is
// thread-safe: a mutex guards the data, and the writer holds it only to append one bucket (or,
// rarely, to merge rows, see below); readers hold it only while they copy or aggregate, and
// aggregation costs O(columns asked for), not O(rows): each series keeps pre-aggregated
// levels (min, max, first, last of every column over 16, 256, 4096 and 65536 rows).
//
// Memory stays bounded: when the series reach their row bound, neighbouring rows are merged
// pairwise and the resolution doubles (counts add up, gauges keep the later value, p50 is the
// mean weighted by completed calls, p99 the larger). The bound is shared by all series, so it
// holds whatever the scenario's size: rows_within_budget() rows per series, the largest power
// of two whose rows (with their levels) fit in kRowBudgetBytes, between kMinRows and
// kDefaultMaxRows (2^18 rows, 7.3 h at 100 ms, for a 2-edge, 2-service scenario: near 40 MB
// for a 24 h run). Events are capped at kMaxEvents.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"
#include "cbsim/time.hpp"

namespace cbsim {

// [SECTION] Rows (one per time bucket, per edge and per service) ---------------------------

/// How a column's value is written in the CSV exports.
enum class ColumnFormat : std::uint8_t {
    state_name,  ///< the row's State by name (to_string(State)); its number is the severity
    count,       ///< a whole number
    fixed,       ///< `decimals` decimals
};

/// One column of a row: the single definition its CSV header, its place in the file, its
/// number format and its documentation derive from.
template <typename Column>
struct ColumnSpec {
    Column column;
    const char* name;  ///< CSV header and docs name
    ColumnFormat format;
    int decimals;         ///< for ColumnFormat::fixed
    const char* meaning;  ///< unit and meaning
};

/// True when `specs` lists every column once, in enum order.
template <typename Column, std::size_t N>
constexpr bool in_enum_order(const ColumnSpec<Column> (&specs)[N]) {
    for (std::size_t i = 0; i < N; ++i) {
        if (static_cast<std::size_t>(specs[i].column) != i) return false;
    }
    return N == static_cast<std::size_t>(Column::count_);
}

/// The rank of a state by how far it is from calls flowing normally, the number recorded for
/// the `state` column (plots read it; a pixel column's maximum is its most severe moment):
///   0 closed, 1 metrics_only, 2 disabled   calls flow (the last two held so by the operator)
///   3 half_open                            a few probes pass
///   4 open, 5 forced_open                  calls fail fast (the last held so by the operator)
/// States that let calls through rank below those that stop them; within a group the
/// operator's override ranks above the breaker's own state. Every state has its own number.
inline constexpr int state_severity(State state) {
    switch (state) {
        case State::closed:
            return 0;
        case State::metrics_only:
            return 1;
        case State::disabled:
            return 2;
        case State::half_open:
            return 3;
        case State::open:
            return 4;
        case State::forced_open:
            return 5;
    }
    return 0;
}

/// Columns of an edge row; kEdgeColumnSpecs gives their names and meanings.
enum class EdgeColumn : std::uint8_t {
    state,
    calls,
    allowed,
    rejected,
    successes,
    failures,
    timeouts,
    retries,
    fallbacks,
    failure_rate,
    latency_p50_ms,
    latency_p99_ms,
    inflight,
    bulkhead_rejected,
    open_instances,
    count_
};
inline constexpr std::size_t kEdgeColumns = static_cast<std::size_t>(EdgeColumn::count_);

/// Every edge column in enum order, which is timeseries.csv's order after `t_s` and `edge`.
inline constexpr ColumnSpec<EdgeColumn> kEdgeColumnSpecs[] = {
    {EdgeColumn::state, "state", ColumnFormat::state_name, 0,
     "the most severe caller breaker state at the bucket's end (state_severity); closed "
     "without a breaker"},
    {EdgeColumn::calls, "calls", ColumnFormat::count, 0,
     "attempts made (first tries + retries) = allowed + rejected + bulkhead_rejected"},
    {EdgeColumn::allowed, "allowed", ColumnFormat::count, 0, "attempts sent to the target"},
    {EdgeColumn::rejected, "rejected", ColumnFormat::count, 0,
     "attempts the breaker refused (they never reached the target)"},
    {EdgeColumn::successes, "successes", ColumnFormat::count, 0,
     "attempts answered with success in the bucket"},
    {EdgeColumn::failures, "failures", ColumnFormat::count, 0,
     "attempts that failed in the bucket (errors and timeouts)"},
    {EdgeColumn::timeouts, "timeouts", ColumnFormat::count, 0,
     "attempts whose timeout fired in the bucket"},
    {EdgeColumn::retries, "retries", ColumnFormat::count, 0, "attempts that were retries"},
    {EdgeColumn::fallbacks, "fallbacks", ColumnFormat::count, 0,
     "logical calls answered by the fallback"},
    {EdgeColumn::failure_rate, "failure_rate", ColumnFormat::fixed, 4,
     "failures / (successes + failures); 0 when none completed"},
    {EdgeColumn::latency_p50_ms, "latency_p50_ms", ColumnFormat::fixed, 3,
     "median attempt latency of the bucket's completions, ms (timeouts count as the timeout)"},
    {EdgeColumn::latency_p99_ms, "latency_p99_ms", ColumnFormat::fixed, 3,
     "99th percentile of the same latencies, ms"},
    {EdgeColumn::inflight, "inflight", ColumnFormat::count, 0,
     "attempts in flight at the bucket's end"},
    {EdgeColumn::bulkhead_rejected, "bulkhead_rejected", ColumnFormat::count, 0,
     "attempts refused by a full bulkhead"},
    {EdgeColumn::open_instances, "open_instances", ColumnFormat::count, 0,
     "caller breakers open or forced open at the bucket's end"},
};
static_assert(in_enum_order(kEdgeColumnSpecs));
/// The column's name (kEdgeColumnSpecs).
const char* to_string(EdgeColumn column);

/// One bucket of one edge. The entry edge "client->A" counts client requests: calls = allowed
/// = arrivals at the entry service, successes/failures = their answers, no breaker.
struct EdgeRow {
    std::uint32_t calls = 0;
    std::uint32_t allowed = 0;
    std::uint32_t rejected = 0;
    std::uint32_t successes = 0;
    std::uint32_t failures = 0;
    std::uint32_t timeouts = 0;
    std::uint32_t retries = 0;
    std::uint32_t fallbacks = 0;
    std::uint32_t bulkhead_rejected = 0;
    std::uint32_t inflight = 0;
    float latency_p50_ms = 0.0f;
    float latency_p99_ms = 0.0f;
    std::uint16_t open_instances = 0;
    State state = State::closed;  ///< the caller state of highest state_severity (the
                                  ///< edge's breaker when shared)

    /// A column as a number (state as its state_severity; failure_rate computed).
    double value(EdgeColumn column) const;
};

/// Columns of a service row; kServiceColumnSpecs gives their names and meanings.
enum class ServiceColumn : std::uint8_t {
    arrivals,
    served,
    dropped,
    queue,
    busy,
    utilisation,
    count_
};
inline constexpr std::size_t kServiceColumns = static_cast<std::size_t>(ServiceColumn::count_);

/// Every service column in enum order, which is services.csv's order after `t_s` and
/// `service`.
inline constexpr ColumnSpec<ServiceColumn> kServiceColumnSpecs[] = {
    {ServiceColumn::arrivals, "arrivals", ColumnFormat::count, 0,
     "calls that reached the service in the bucket"},
    {ServiceColumn::served, "served", ColumnFormat::count, 0,
     "calls whose work finished (answered, failed or hung) in the bucket"},
    {ServiceColumn::dropped, "dropped", ColumnFormat::count, 0,
     "calls failed at once because the queue was full"},
    {ServiceColumn::queue, "queue", ColumnFormat::count, 0,
     "calls waiting for a worker at the bucket's end (all instances)"},
    {ServiceColumn::busy, "busy", ColumnFormat::fixed, 3,
     "mean calls in service over the bucket (time-weighted)"},
    {ServiceColumn::utilisation, "utilisation", ColumnFormat::fixed, 4,
     "busy / (capacity * instances); 0 when capacity is unbounded"},
};
static_assert(in_enum_order(kServiceColumnSpecs));
/// The column's name (kServiceColumnSpecs).
const char* to_string(ServiceColumn column);

struct ServiceRow {
    std::uint32_t arrivals = 0;
    std::uint32_t served = 0;
    std::uint32_t dropped = 0;
    std::uint32_t queue = 0;
    float busy = 0.0f;
    float utilisation = 0.0f;

    double value(ServiceColumn column) const;
};

/// Merges a later bucket into an earlier one (the rule of resolution halving).
EdgeRow merge_rows(const EdgeRow& earlier, const EdgeRow& later);
ServiceRow merge_rows(const ServiceRow& earlier, const ServiceRow& later);

// [SECTION] Events (breaker transitions and applied changes) -------------------------------

struct EventRecord {
    enum class Kind : std::uint8_t { transition, change };
    Kind kind = Kind::transition;
    SimTime at = 0;
    std::string edge;       ///< "A->B"; for a change, the path ("B.failure_rate")
    std::int32_t instance;  ///< caller instance; -1 for a shared breaker and for changes
    std::string from;       ///< state name, or the old value of a change
    std::string to;         ///< state name, or the new value
    std::string reason;     ///< Transition::text(), or "set B.failure_rate" / "timeline ..."
    /// A gesture's change (recorded at its end, `at`): its first step, the mouse-down, where
    /// the UI shows it, before what it caused. -1 for every other event. Not exported
    /// (events.csv has `at`, the instant the change was recorded).
    SimTime began = -1;
};

// [SECTION] Live breaker view (for the state diagram) --------------------------------------

inline constexpr std::size_t kStates = 6;  ///< number of State values

/// The breaker of one edge as of the last bucket end: caller instance 0's breaker, or the
/// shared one. Published with every bucket.
struct EdgeLive {
    bool has_breaker = false;
    Preset preset = Preset::gobreaker;
    State state = State::closed;
    Counts counts;
    WindowView window;
    std::uint32_t breakers = 0;       ///< breakers on the edge (caller instances, or 1 shared)
    std::uint32_t open_breakers = 0;  ///< of them open or forced open
    std::uint32_t held = 0;           ///< attempts the breakers hold now (wait answer, cockatiel)
    std::array<double, kStates> seconds_in_state{};  ///< this breaker, since the run start
    std::array<std::array<std::uint32_t, kStates>, kStates> transitions{};  ///< [from][to]
    std::string last_reason;  ///< text of the last transition; empty if none yet
    SimTime last_transition_at = -1;
};

// [SECTION] Column aggregates (for plots) -------------------------------------------------

/// The values of one column over a pixel column of a plot. `rows` = 0 means no data there.
/// The app draws these directly (scaled in place when a plot shows a count per second).
struct ColumnAgg {
    double min = 0.0;
    double max = 0.0;
    double first = 0.0;
    double last = 0.0;
    std::uint32_t rows = 0;  ///< rows (or, from levels, rows covered) that contributed

    bool empty() const { return rows == 0; }
    /// The middle of the range: the value a stacked area or a read-out shows for the column.
    double mid() const { return 0.5 * (min + max); }
};

// [SECTION] Recorder -----------------------------------------------------------------------

class Recorder {
  public:
    static constexpr std::size_t kDefaultMaxRows = std::size_t{1} << 18;
    static constexpr std::size_t kLevelFactor = 16;  ///< rows per entry of level 1, x16 per level
    static constexpr std::size_t kLevels = 4;        ///< levels above the rows
    /// Bytes all series' rows and levels may take before rows merge (see rows_within_budget).
    static constexpr std::size_t kRowBudgetBytes = std::size_t{64} << 20;
    /// The least row bound whatever the scenario's size (rows are stored 4096 at a time).
    static constexpr std::size_t kMinRows = 4096;

    /// Bytes one bucket takes in the rows and levels of `edges` edge and `services` service
    /// series (a row plus its share of the levels above it).
    static std::size_t bucket_bytes(std::size_t edges, std::size_t services);
    /// The row bound of a recorder of `edges` and `services` series: the largest power of two
    /// n with n * bucket_bytes(edges, services) <= kRowBudgetBytes, clamped to
    /// [kMinRows, kDefaultMaxRows]. Rows and levels then take at most
    /// max(kRowBudgetBytes, kMinRows * bucket_bytes(edges, services)).
    static std::size_t rows_within_budget(std::size_t edges, std::size_t services);

    /// `resolution`: the bucket length; `edges`, `services`: series names in display order.
    /// `max_rows` >= 16 (even), the bound past which rows are merged pairwise; the recorder
    /// uses the smaller of it and rows_within_budget(edges, services).
    Recorder(SimTime resolution, std::vector<std::string> edges, std::vector<std::string> services,
             std::size_t max_rows = kDefaultMaxRows);
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // -- writer side (the run's thread) --

    /// Appends one bucket: one row per edge and per service, in construction order.
    void append(std::span<const EdgeRow> edges, std::span<const ServiceRow> services);
    void add_event(EventRecord event);
    void publish_live(std::span<const EdgeLive> live);

    // -- reader side (any thread) --

    const std::vector<std::string>& edge_names() const { return edge_names_; }
    const std::vector<std::string>& service_names() const { return service_names_; }
    /// Index of a series by name; npos if none.
    std::size_t edge_index(std::string_view name) const;
    std::size_t service_index(std::string_view name) const;
    static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

    /// Current row length (doubles each time rows are merged).
    SimTime resolution() const;
    /// Rows per series; row i covers [i * resolution(), (i + 1) * resolution()). The last row
    /// may still be filling when rows have been merged (it then covers less time).
    std::size_t row_count() const;
    /// Buckets of the scenario's resolution merged into the last row while it is still
    /// filling (rows have been merged and the last one is incomplete); 0 when it is complete.
    std::size_t last_row_buckets() const;
    /// Buckets appended so far, at the scenario's resolution: the time recorded up to.
    SimTime recorded_until() const;
    /// Changes with every append and every event: readers skip work when it did not move.
    /// Lock-free.
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

    /// Copies rows [first, first + count) of a series (clipped to what exists).
    std::vector<EdgeRow> edge_rows(std::size_t edge, std::size_t first = 0,
                                   std::size_t count = npos) const;
    std::vector<ServiceRow> service_rows(std::size_t service, std::size_t first = 0,
                                         std::size_t count = npos) const;

    /// `columns` aggregates of one column over [t0, t1), each covering (t1 - t0) / columns of
    /// time, read from the coarsest level finer than a column, so the cost is O(columns * 16)
    /// whatever the run length. A column whose rows are partly covered by a level entry also
    /// sees that entry (edges blur by less than one column).
    std::vector<ColumnAgg> edge_columns(std::size_t edge, EdgeColumn column, SimTime t0, SimTime t1,
                                        std::size_t columns) const;
    std::vector<ColumnAgg> service_columns(std::size_t service, ServiceColumn column, SimTime t0,
                                           SimTime t1, std::size_t columns) const;

    /// Copies events [first, first + count).
    std::vector<EventRecord> events(std::size_t first = 0, std::size_t count = npos) const;
    std::size_t event_count() const;
    /// Events beyond kMaxEvents are counted here instead of stored.
    std::uint64_t events_dropped() const;
    /// The events kept (the first ones): about 300 bytes each with their strings, so at most
    /// about 80 MB, whatever the run length.
    static constexpr std::size_t kMaxEvents = std::size_t{1} << 18;

    /// The live view of an edge's breaker (default-constructed before the first bucket).
    EdgeLive live(std::size_t edge) const;

    /// The row bound in use (see the constructor).
    std::size_t max_rows() const { return max_rows_; }

    /// Bytes held, an estimate from the containers' sizes.
    struct Memory {
        std::size_t rows = 0;    ///< rows and levels of every series
        std::size_t events = 0;  ///< the events list, strings included
    };
    Memory memory() const;
    /// memory().rows + memory().events (for tests and benchmarks).
    std::size_t memory_bytes() const;

  private:
    template <typename Row>
    struct Store;  // chunked rows + levels, in recorder.cpp
    void merge_all_locked();

    std::vector<std::string> edge_names_;
    std::vector<std::string> service_names_;
    std::size_t max_rows_;
    SimTime base_resolution_;

    mutable std::mutex mutex_;
    std::atomic<std::uint64_t> version_{0};
    SimTime resolution_;
    std::size_t merge_factor_ = 1;  // base buckets per row
    std::size_t filling_ = 0;       // base buckets in the last row (0 = last row complete)
    std::uint64_t buckets_ = 0;     // base buckets appended
    std::vector<std::unique_ptr<Store<EdgeRow>>> edges_;
    std::vector<std::unique_ptr<Store<ServiceRow>>> services_;
    std::vector<EventRecord> events_;
    std::uint64_t events_dropped_ = 0;
    std::vector<EdgeLive> live_;
};

}  // namespace cbsim
