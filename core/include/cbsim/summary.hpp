// cbsim/summary.hpp: the KPIs of a run (summary.json beside the CSVs, and printed).
//
// Definitions (docs/SIMULATION.md has them with examples):
// - availability: share of logical calls, finished in the run, that ended in success as the
//   caller saw it (fallback answers count as success). For the entry edge client->A this is
//   the availability the users saw.
// - rejected: attempts the breaker refused; calls_saved: the same attempts seen from the
//   target: calls it never had to serve.
// - good_rejected: rejected attempts that would have succeeded within their timeout, judged
//   from the draws the attempt would have made (the target's own work and, recursively, its
//   dependencies with their retries; no queueing or breakers downstream).
// - retry_amplification: attempts / first tries (1 = no retries).
// - detection delay: from a fault on the edge's target (a timeline change that raises its
//   failure_rate, hang_rate, every_nth-derived rate, share of faulty instances or latency, or
//   lowers its capacity or instances) while no breaker of the edge is open, to the first
//   transition to open after it, unless a change that makes the target better comes first
//   (it clears the fault); recovery delay: from the first change that makes the target better
//   (a lower failure probability, a shorter latency tail or more workers) while a breaker of
//   the edge is not closed, to the moment every breaker of the edge is closed again. Means
//   over the episodes; absent if none.
// - false trips: transitions to open while the target's configured failure probability
//   (failure_rate, 1/every_nth, plus hangs, times the share of faulty instances) was below
//   the breaker's failure-rate threshold (for presets whose trip rule has no rate, below any
//   failure at all: 0).
// - time in state: seconds per state, averaged over the edge's breakers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/recorder.hpp"

namespace cbsim {

struct EdgeSummary {
    std::string edge;  ///< "A->B" or "client->A"
    bool has_breaker = false;
    std::uint64_t first_tries = 0;  ///< logical calls started
    std::uint64_t finished = 0;     ///< logical calls finished (answered, failed or fell back)
    std::uint64_t succeeded = 0;    ///< of them ending in success (fallbacks included)
    std::uint64_t attempts = 0;     ///< first tries + retries
    std::uint64_t retries = 0;
    std::uint64_t allowed = 0;
    std::uint64_t rejected = 0;
    std::uint64_t bulkhead_rejected = 0;
    /// Attempts the breaker answered wait (cockatiel half-open): held until it transitioned,
    /// then counted once as allowed or rejected. In summary.json only when not 0.
    std::uint64_t waited = 0;
    std::uint64_t successes = 0;  ///< attempts
    std::uint64_t failures = 0;   ///< attempts, timeouts included
    std::uint64_t timeouts = 0;
    std::uint64_t fallbacks = 0;
    std::uint64_t calls_saved = 0;
    /// Rejected attempts that would have succeeded in time: judged from the attempt's own
    /// random draws (docs/SIMULATION.md "good_rejected").
    std::uint64_t good_rejected = 0;
    double availability = 1.0;         ///< succeeded / finished (1 when none finished)
    double retry_amplification = 1.0;  ///< attempts / first_tries (1 when none)
    double latency_mean_ms = 0.0;      ///< attempt latency over the whole run (exact mean)
    double latency_p50_ms = 0.0;       ///< (log-bucket quantiles: <= 0.8 % relative error)
    double latency_p99_ms = 0.0;
    std::uint64_t transitions = 0;
    std::uint64_t opens = 0;
    std::uint64_t false_trips = 0;
    std::uint64_t faults = 0;  ///< fault episodes on the target
    std::uint64_t detections = 0;
    std::optional<double> detection_delay_s;  ///< mean over detected episodes
    std::uint64_t recoveries = 0;
    std::optional<double> recovery_delay_s;
    std::array<double, kStates> seconds_in_state{};
};

/// Which way a KPI is better when variants are compared.
enum class Better : std::uint8_t { higher, lower, neither };
const char* to_string(Better better);

/// One per-edge KPI of EdgeSummary (the edge's name, has_breaker and seconds_in_state aside):
/// its key in summary.json, the member holding it, how it is written and, for the KPIs a
/// comparison of variants shows, how it reads there. edge_kpis() lists them in summary.json's
/// order; the JSON writer, compare_kpis() (compare.hpp) and any view listing an edge's KPIs
/// take them from there.
struct EdgeKpi {
    enum class Kind : std::uint8_t { count, real, optional };
    std::string_view key;
    Kind kind = Kind::count;
    std::uint64_t EdgeSummary::*count = nullptr;        ///< Kind::count
    double EdgeSummary::*real = nullptr;                ///< Kind::real
    std::optional<double> EdgeSummary::*opt = nullptr;  ///< Kind::optional (null: none)
    int decimals = 6;                                   ///< Kind::real and optional
    bool omit_zero = false;  ///< written only when not 0 (a preset-specific count)
    /// How a comparison of variants shows it (compare.csv, the printed table, the app).
    struct Compared {
        bool shown = false;     ///< false: not one of the compared KPIs
        const char* unit = "";  ///< "%", "calls", "ms", "s", "x"
        Better better = Better::neither;
        int decimals = 0;    ///< compare.csv and the printed table
        double scale = 1.0;  ///< the value times this (availability as a percentage)
        const char* help = "";
    } compared{};

    /// The value in `edge` (a count as a double); nullopt for an optional without one.
    std::optional<double> value(const EdgeSummary& edge) const {
        switch (kind) {
            case Kind::count:
                return static_cast<double>(edge.*count);
            case Kind::real:
                return edge.*real;
            case Kind::optional:
                return edge.*opt;
        }
        return std::nullopt;
    }
    /// This KPI, shown in comparisons as described.
    constexpr EdgeKpi compare(const char* unit, Better better, int shown_decimals, const char* help,
                              double scale = 1.0) const {
        EdgeKpi k = *this;
        k.compared = Compared{true, unit, better, shown_decimals, scale, help};
        return k;
    }
};
std::span<const EdgeKpi> edge_kpis();

struct Summary {
    std::string scenario;
    std::uint64_t seed = 0;
    double duration_s = 0.0;     ///< simulated time covered
    std::uint64_t requests = 0;  ///< client requests (entry edge first tries)
    double availability = 1.0;   ///< of the entry edge
    std::uint64_t rejected = 0;  ///< over every edge
    std::uint64_t calls_saved = 0;
    std::uint64_t changes_applied = 0;  ///< timeline entries applied
    std::uint64_t events_processed = 0;
    std::vector<EdgeSummary> edges;  ///< entry edge first, then in scenario order
};

/// summary.json: fixed key order and number formatting (same bytes for the same run).
std::string summary_json(const Summary& summary);
/// A short human-readable table for the terminal.
std::string summary_text(const Summary& summary);

}  // namespace cbsim
