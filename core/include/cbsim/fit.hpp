// cbsim/fit.hpp: a scenario fitted to a call trace (`cbsim-cli fit`, docs/FIT.md).
//
// The trace (replay.hpp: t_ms,outcome[,duration_ms]) is read as the calls of one client to one
// downstream service, observed over [0, end): from the trace's time 0 to just after its last
// call (1 us). Three signals are segmented on their own, each into pieces where it is constant:
// - the arrival rate (a Poisson process: calls per second),
// - the failure share (each call a Bernoulli trial: failure and timeout fail, success does
//   not, ignored calls are left out),
// - the latency (ln duration_ms normal with its own mean and variance: a lognormal, reported as
//   its p50 and p99), only when the trace has durations; every outcome's duration counts.
// Each signal is binned (FitOptions::bin_s), segmented by optimal partitioning with pruning
// (PELT) under its own likelihood with a BIC penalty per change point of
// penalty * (parameters + 1) / 2 * ln(calls) and segments of at least min_segment_s, then each
// change point is moved to the instant within one bin (a call's time, so the bin width does not
// limit where a change lands) that maximises the likelihood of the calls themselves. A change
// point whose removal (the others moved again) lowers the penalised cost of the calls is
// removed, one at a time. A failure change and a latency change within one bin of each other
// are one change, placed where both likelihoods together put it. A piece's parameters are the
// maximum-likelihood ones of its calls, rounded (rates, p50 and p99 to 4 significant digits,
// shares to 4 decimals) so that the written scenario does not depend on the last bit of a
// logarithm; neighbouring pieces that round to the same value are one piece.
//
// The fitted scenario: the client calls `caller` (constant 0 ms, unbounded), which calls the
// fitted service (FitOptions::service) with no timeout, no retry and no breaker, so the edge
// `caller->SERVICE` carries the trace's profile and takes a breaker for comparisons. Traffic:
// Poisson at the first rate piece's rate, a step phase at every later piece. The service's
// failure_rate and latency p50/p99 start at their first pieces and change by [[timeline]]
// entries at later pieces (p50 and p99 in the order that keeps p50 <= p99). Without durations
// the latency stays at its default.
//
// Deterministic: the same trace and options give the same result and the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cbsim/replay.hpp"
#include "cbsim/scenario.hpp"
#include "cbsim/time.hpp"

namespace cbsim {

/// Fewer calls than this are refused: a p99 and a rate per piece need some hundred calls.
inline constexpr std::size_t kMinFitCalls = 100;
/// At most this many bins: a longer trace gets wider bins (FitResult::bin says which).
inline constexpr std::size_t kMaxFitBins = 5000;

struct FitOptions {
    double bin_s = 1.0;                ///< bin width, [0.001, 3600] s; widened past kMaxFitBins
    double min_segment_s = 5.0;        ///< shortest piece, [0.001, 1000000] s; at least one bin
    double penalty = 1.0;              ///< multiplier of the BIC penalty, (0, 1000]
    std::string service = "upstream";  ///< name of the fitted service
    std::string name;                  ///< scenario name; empty: "fit of <trace file name>"
};

/// The name of the service that calls the fitted one (the trace's client).
inline constexpr const char* kFitCallerName = "caller";

/// Empty if `options` can be used, else a message naming the option (`--bin-s`,
/// `--min-segment-s`, `--penalty`, `--service`) and what is allowed.
std::string fit_options_problem(const FitOptions& options);

/// One piece of a signal: [start, end), the calls in it and its fitted value (calls per second
/// for the rate, the failure share for failures).
struct FitPiece {
    SimTime start = 0;
    SimTime end = 0;
    std::size_t calls = 0;
    double value = 0.0;
};

/// One latency piece: the lognormal's median and 99th percentile, ms.
struct LatencyPiece {
    SimTime start = 0;
    SimTime end = 0;
    std::size_t calls = 0;
    double p50_ms = 0.0;
    double p99_ms = 0.0;
};

/// The pieces of all signals cut at every change point: what the scenario does in [start, end).
struct FitSegment {
    SimTime start = 0;
    SimTime end = 0;
    std::size_t calls = 0;  ///< trace rows in [start, end)
    double rate_rps = 0.0;
    double failure_share = 0.0;
    double p50_ms = 0.0;  ///< 0 when the trace has no durations
    double p99_ms = 0.0;
};

struct FitResult {
    SimTime bin = 0;  ///< the bin width used
    SimTime end = 0;  ///< the observation window is [0, end)
    std::size_t calls = 0;
    std::vector<FitPiece> rate;
    std::vector<FitPiece> failure;
    std::vector<LatencyPiece> latency;  ///< empty when the trace has no durations
    std::vector<FitSegment> segments;
    Scenario scenario;  ///< passes validate()
};

/// Fits `trace` (read from `file`, named in errors). Throws ConfigError (file, no line) when the
/// trace has fewer than kMinFitCalls calls or spans more than a scenario may run, and
/// std::invalid_argument when fit_options_problem(options) is not empty.
FitResult fit_trace(const Trace& trace, const FitOptions& options, const std::string& file);

/// The fitted pieces as a table for people: a header line, then one line per segment (start,
/// end, calls, rate, failure share, p50, p99).
std::string fit_summary_text(const FitResult& result);

}  // namespace cbsim
