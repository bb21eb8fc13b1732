// fit.cpp: change points of a call trace and the scenario that reproduces it (fit.hpp).
//
// [SECTION] Signals and their likelihoods
// [SECTION] Optimal partitioning (PELT) on bins
// [SECTION] Pieces: refinement to call times, estimates, rounding
// [SECTION] The scenario
// [SECTION] fit_trace and the summary
#include "cbsim/fit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <span>
#include <stdexcept>

#include "cbsim/error.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/rng.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/text.hpp"

namespace cbsim {

namespace {

// [SECTION] Signals and their likelihoods ------------------------------------------------------

enum class Signal { rate, failure, latency };

/// Sufficient statistics of a stretch of one signal: its calls and, for failures, the failed
/// ones (s1); for latency, the sum of ln(ms) (s1) and of its squares (s2).
struct Sums {
    double n = 0.0, s1 = 0.0, s2 = 0.0;
    Sums operator-(const Sums& o) const { return {n - o.n, s1 - o.s1, s2 - o.s2}; }
    Sums& operator+=(const Sums& o) {
        n += o.n;
        s1 += o.s1;
        s2 += o.s2;
        return *this;
    }
};

/// Variance floor of ln(latency): a stretch of equal durations has a finite cost.
constexpr double kMinLogVariance = 1e-4;

double x_log_x(double x) {
    return x > 0.0 ? x * std::log(x) : 0.0;
}

/// Minus the maximum log-likelihood of a stretch of `seconds` with statistics `s` (terms the
/// same for every segmentation left out).
double stretch_cost(Signal signal, const Sums& s, double seconds) {
    switch (signal) {
        case Signal::rate:  // Poisson process: n ln(n / T) - n
            return s.n > 0.0 ? -(s.n * std::log(s.n / seconds) - s.n) : 0.0;
        case Signal::failure:  // Bernoulli: f ln p + (n - f) ln(1 - p), p = f / n
            return -(x_log_x(s.s1) + x_log_x(s.n - s.s1) - x_log_x(s.n));
        case Signal::latency: {  // normal of ln(ms) with its own mean and variance
            if (s.n <= 0.0) return 0.0;
            const double mean = s.s1 / s.n;
            const double var = std::max(s.s2 / s.n - mean * mean, kMinLogVariance);
            return 0.5 * s.n * std::log(var);
        }
    }
    return 0.0;
}

/// Parameters per piece (the BIC penalty counts them and the change point).
int parameters(Signal signal) {
    return signal == Signal::latency ? 2 : 1;
}

/// One signal's calls: their times (non-decreasing) and prefix sums of their statistics.
struct Series {
    explicit Series(Signal kind) : signal(kind) {}
    Signal signal;
    std::vector<SimTime> times;
    std::vector<Sums> prefix{Sums{}};  ///< prefix[k]: calls [0, k)

    void add(SimTime at, const Sums& s) {
        times.push_back(at);
        Sums next = prefix.back();
        next += s;
        prefix.push_back(next);
    }
    std::size_t first_at_or_after(SimTime t) const {
        return static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), t) -
                                        times.begin());
    }
    Sums sums(SimTime from, SimTime to) const {
        return prefix[first_at_or_after(to)] - prefix[first_at_or_after(from)];
    }
    double cost(SimTime from, SimTime to) const {
        return stretch_cost(signal, sums(from, to), to_s(to - from));
    }
};

// [SECTION] Optimal partitioning (PELT) on bins ------------------------------------------------

/// The change points (bin indices, increasing) minimising the sum of the stretches' costs plus
/// `beta` per change point, with stretches of at least `min_bins` bins: optimal partitioning
/// with PELT's pruning (Killick, Fearnhead & Eckley 2012). Ties go to the earlier split.
std::vector<std::size_t> change_points(const Series& series, SimTime bin, SimTime end,
                                       std::size_t min_bins, double beta) {
    const auto bins = static_cast<std::size_t>((end + bin - 1) / bin);  // the last may be short
    if (bins < 2 * min_bins) return {};
    std::vector<SimTime> edge(bins + 1);
    std::vector<Sums> at(bins + 1);  // prefix sums at the bin edges
    for (std::size_t b = 0; b <= bins; ++b) {
        edge[b] = std::min(end, static_cast<SimTime>(b) * bin);
        at[b] = series.prefix[series.first_at_or_after(edge[b])];
    }
    const auto cost = [&](std::size_t a, std::size_t b) {
        return stretch_cost(series.signal, at[b] - at[a], to_s(edge[b] - edge[a]));
    };
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::vector<double> best{-beta};  // best[t]: the least cost of bins [0, t)
    best.resize(bins + 1, kInf);
    std::vector<std::size_t> previous(bins + 1, 0);
    std::vector<std::size_t> candidates;
    std::vector<double> totals;
    for (std::size_t t = min_bins; t <= bins; ++t) {
        const std::size_t fresh = t - min_bins;
        if (fresh == 0 || fresh >= min_bins) candidates.push_back(fresh);
        totals.resize(candidates.size());
        double min_total = kInf;
        std::size_t arg = 0;
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            totals[i] = best[candidates[i]] + cost(candidates[i], t);
            if (totals[i] + beta < min_total) {
                min_total = totals[i] + beta;
                arg = candidates[i];
            }
        }
        best[t] = min_total;
        previous[t] = arg;
        // A split whose cost so far already exceeds the best can never be the best later.
        std::size_t kept = 0;
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            if (totals[i] <= min_total) candidates[kept++] = candidates[i];
        }
        candidates.resize(kept);
    }
    std::vector<std::size_t> points;
    for (std::size_t t = previous[bins]; t > 0; t = previous[t])
        points.push_back(t);
    std::reverse(points.begin(), points.end());
    return points;
}

// [SECTION] Pieces: refinement to call times, estimates, rounding ------------------------------

/// One signal's two pieces on either side of a change point: [from, point) and [point, to).
struct Side {
    const Series* series;
    SimTime from, to;
};

/// The instant in [lo, hi] (narrowed so that every side keeps at least `min_segment` on both
/// sides) that minimises the sides' total cost: a call's time (that call starts the later
/// piece) or, for the rate, just after it; `point` when no instant is allowed.
SimTime refine(std::span<const Side> sides, SimTime point, SimTime lo, SimTime hi,
               SimTime min_segment) {
    for (const Side& side : sides) {
        lo = std::max(lo, side.from + min_segment);
        hi = std::min(hi, side.to - min_segment);
    }
    if (lo > hi) return point;
    std::vector<SimTime> tries{lo, hi};
    if (point >= lo && point <= hi) tries.push_back(point);
    for (const Side& side : sides) {
        const Series& s = *side.series;
        for (std::size_t k = s.first_at_or_after(lo); k < s.times.size() && s.times[k] <= hi; ++k) {
            tries.push_back(s.times[k]);
            if (s.signal == Signal::rate && s.times[k] < hi) tries.push_back(s.times[k] + 1);
        }
    }
    std::sort(tries.begin(), tries.end());
    tries.erase(std::unique(tries.begin(), tries.end()), tries.end());
    SimTime best_at = point;
    double best = std::numeric_limits<double>::infinity();
    for (SimTime t : tries) {
        double c = 0.0;
        for (const Side& side : sides)
            c += side.series->cost(side.from, t) + side.series->cost(t, side.to);
        if (c < best) {
            best = c;
            best_at = t;
        }
    }
    return best_at;
}

/// Moves each inner cut within one bin of where it is, left to right (see refine).
void refine_cuts(const Series& series, std::vector<SimTime>& cuts, SimTime bin,
                 SimTime min_segment) {
    for (std::size_t i = 1; i + 1 < cuts.size(); ++i) {
        const Side side{&series, cuts[i - 1], cuts[i + 1]};
        cuts[i] = refine({&side, 1}, cuts[i], cuts[i] - bin, cuts[i] + bin, min_segment);
    }
}

/// `v` rounded to `digits` significant digits (0 stays 0).
double round_significant(double v, int digits) {
    if (!(v > 0.0)) return 0.0;
    const int exponent = static_cast<int>(std::floor(std::log10(v))) + 1 - digits;
    const double scale = std::pow(10.0, -exponent);
    return std::round(v * scale) / scale;
}

/// Seconds (checked by fit_options_problem) as SimTime.
SimTime seconds(double s) {
    return static_cast<SimTime>(std::llround(s * 1e6));
}

double round_share(double v) {
    return std::round(v * 1e4) / 1e4;
}

/// The BIC penalty of one change point of `series` (see fit.hpp).
double change_penalty(const Series& series, double penalty) {
    const double n = std::max(2.0, series.prefix.back().n);
    return penalty * 0.5 * (parameters(series.signal) + 1) * std::log(n);
}

/// The piece boundaries of one signal: 0, the change points, end. The change points found on
/// bins move to call times (refine_cuts); then, while removing one (and refining the others
/// again) lowers the total cost plus penalties computed on the calls themselves, the best such
/// one is removed: a bin shared by two pieces can make the bins ask for a short extra piece.
std::vector<SimTime> boundaries(const Series& series, SimTime bin, SimTime end,
                                const FitOptions& options) {
    const SimTime min_segment = seconds(options.min_segment_s);
    const auto min_bins =
        std::max<std::size_t>(1, static_cast<std::size_t>((min_segment + bin - 1) / bin));
    const double beta = change_penalty(series, options.penalty);
    std::vector<SimTime> cuts{0};
    for (std::size_t point : change_points(series, bin, end, min_bins, beta))
        cuts.push_back(static_cast<SimTime>(point) * bin);
    cuts.push_back(end);
    refine_cuts(series, cuts, bin, min_segment);
    const auto objective = [&](const std::vector<SimTime>& c) {
        double total = beta * static_cast<double>(c.size() - 2);
        for (std::size_t i = 0; i + 1 < c.size(); ++i)
            total += series.cost(c[i], c[i + 1]);
        return total;
    };
    double current = objective(cuts);
    while (cuts.size() > 2) {
        std::vector<SimTime> best;
        double best_total = current;
        for (std::size_t i = 1; i + 1 < cuts.size(); ++i) {
            std::vector<SimTime> trial = cuts;
            trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(i));
            refine_cuts(series, trial, bin, min_segment);
            const double total = objective(trial);
            if (total < best_total) {
                best_total = total;
                best = std::move(trial);
            }
        }
        if (best.empty()) break;
        cuts = std::move(best);
        current = best_total;
    }
    return cuts;
}

/// Where the failure share and the latency change within one bin of each other, one change
/// seen by both: both cuts move to the instant their likelihoods together prefer.
void align_cuts(const Series& failures, std::vector<SimTime>& failure_cuts, const Series& latencies,
                std::vector<SimTime>& latency_cuts, SimTime bin, SimTime min_segment) {
    for (std::size_t i = 1; i + 1 < failure_cuts.size(); ++i) {
        for (std::size_t j = 1; j + 1 < latency_cuts.size(); ++j) {
            const SimTime f = failure_cuts[i], l = latency_cuts[j];
            if (f == l || std::max(f, l) - std::min(f, l) > bin) continue;
            const Side sides[] = {{&failures, failure_cuts[i - 1], failure_cuts[i + 1]},
                                  {&latencies, latency_cuts[j - 1], latency_cuts[j + 1]}};
            const SimTime t =
                refine(sides, f, std::min(f, l) - bin, std::max(f, l) + bin, min_segment);
            failure_cuts[i] = latency_cuts[j] = t;
        }
    }
}

/// The rate or failure pieces of `series` between `cuts`, rounded, equal neighbours merged.
std::vector<FitPiece> value_pieces(const Series& series, const std::vector<SimTime>& cuts) {
    std::vector<FitPiece> out;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        const Sums s = series.sums(cuts[i], cuts[i + 1]);
        double value = 0.0;
        if (series.signal == Signal::rate) {
            value = std::min(1e6, round_significant(s.n / to_s(cuts[i + 1] - cuts[i]), 4));
        } else if (s.n > 0.0) {
            value = round_share(s.s1 / s.n);
        } else if (!out.empty()) {
            value = out.back().value;  // no calls: nothing says it changed
        }
        const auto calls = static_cast<std::size_t>(s.n);
        if (!out.empty() && out.back().value == value) {
            out.back().end = cuts[i + 1];
            out.back().calls += calls;
        } else {
            out.push_back({cuts[i], cuts[i + 1], calls, value});
        }
    }
    return out;
}

/// The latency pieces of `series` between `cuts`: the lognormal of maximum likelihood.
std::vector<LatencyPiece> latency_pieces(const Series& series, const std::vector<SimTime>& cuts) {
    std::vector<LatencyPiece> out;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        const Sums s = series.sums(cuts[i], cuts[i + 1]);
        const auto calls = static_cast<std::size_t>(s.n);
        double p50 = 1.0, p99 = 5.0;  // the default, for a first piece without calls
        if (s.n > 0.0) {
            const double mean = s.s1 / s.n;
            const double sd = std::sqrt(std::max(0.0, s.s2 / s.n - mean * mean));
            p50 = std::max(0.001, round_significant(std::exp(mean), 4));
            p99 = std::max(p50, round_significant(std::exp(mean + kNormalQuantile99 * sd), 4));
        } else if (!out.empty()) {
            p50 = out.back().p50_ms;
            p99 = out.back().p99_ms;
        }
        if (!out.empty() && out.back().p50_ms == p50 && out.back().p99_ms == p99) {
            out.back().end = cuts[i + 1];
            out.back().calls += calls;
        } else {
            out.push_back({cuts[i], cuts[i + 1], calls, p50, p99});
        }
    }
    return out;
}

// [SECTION] The scenario -------------------------------------------------------------------

/// "fit of NAME" from the trace file's name: printable ASCII only, at most 200 bytes of it.
std::string scenario_name(const std::string& file) {
    std::string base = std::filesystem::path(file).filename().string();
    if (base.empty()) base = "trace";
    for (char& c : base) {
        if (c < 0x20 || c > 0x7e) c = '_';
    }
    if (base.size() > 200) base.resize(200);
    return "fit of " + base;
}

Scenario fitted_scenario(const FitResult& fit, const FitOptions& options, bool has_latency,
                         const std::string& file) {
    Scenario sc;
    sc.name = options.name.empty() ? scenario_name(file) : options.name;
    sc.duration_s = to_s(fit.end);
    sc.traffic.target = kFitCallerName;
    sc.traffic.arrival = Arrival::poisson;
    sc.traffic.rate_rps = fit.rate.front().value;
    for (std::size_t i = 1; i < fit.rate.size(); ++i)
        sc.traffic.phases.push_back({fit.rate[i].start, fit.rate[i].value, 0});

    Service caller;
    caller.name = kFitCallerName;
    caller.latency.dist = LatencyDist::constant;
    caller.latency.constant_ms = 0.0;
    Dependency dependency;
    dependency.target = options.service;
    dependency.timeout_ms = 0;  // the trace's durations as they are: no timeout cuts them
    caller.dependencies.push_back(dependency);

    Service service;
    service.name = options.service;
    service.failure_rate = fit.failure.front().value;
    if (has_latency) {
        service.latency.p50_ms = fit.latency.front().p50_ms;
        service.latency.p99_ms = fit.latency.front().p99_ms;
    }
    sc.services = {caller, service};

    const std::string path = options.service + ".";
    for (std::size_t i = 1; i < fit.failure.size(); ++i)
        sc.timeline.push_back({fit.failure[i].start, path + "failure_rate", fit.failure[i].value});
    for (std::size_t i = 1; i < fit.latency.size(); ++i) {
        const LatencyPiece& was = fit.latency[i - 1];
        const LatencyPiece& now = fit.latency[i];
        TimelineEntry p50{now.start, path + "latency_p50_ms", now.p50_ms};
        TimelineEntry p99{now.start, path + "latency_p99_ms", now.p99_ms};
        // p50 <= p99 holds after each entry: a median above the old p99 waits for the new p99.
        const bool p99_first = now.p50_ms > was.p99_ms;
        for (const TimelineEntry* e : p99_first ? std::array{&p99, &p50} : std::array{&p50, &p99}) {
            const bool changes = e == &p50 ? now.p50_ms != was.p50_ms : now.p99_ms != was.p99_ms;
            if (changes) sc.timeline.push_back(*e);
        }
    }
    std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
    return sc;
}

}  // namespace

// [SECTION] fit_trace and the summary ------------------------------------------------------

std::string fit_options_problem(const FitOptions& options) {
    if (!(options.bin_s >= 0.001 && options.bin_s <= 3600.0))
        return "--bin-s: " + text::number(options.bin_s) +
               " is out of range; expected seconds in [0.001, 3600]";
    if (!(options.min_segment_s >= 0.001 && options.min_segment_s <= 1e6))
        return "--min-segment-s: " + text::number(options.min_segment_s) +
               " is out of range; expected seconds in [0.001, 1000000]";
    if (!(options.penalty > 0.0 && options.penalty <= 1000.0))
        return "--penalty: " + text::number(options.penalty) +
               " is out of range; expected a number in (0, 1000]";
    if (options.name.size() > kMaxNameLength)
        return "--name: longer than " + std::to_string(kMaxNameLength) + " bytes";
    for (std::size_t i = 0; i < options.name.size();) {
        const auto c = static_cast<unsigned char>(options.name[i]);
        const std::size_t length =
            c < 0x80 ? (c >= 0x20 && c != 0x7f ? 1 : 0) : utf8_sequence_length(options.name, i);
        if (length == 0)
            return "--name: \"" + printable(options.name) +
                   "\" holds a control character or is not UTF-8; expected printable text";
        i += length;
    }
    if (options.service == kFitCallerName)
        return std::string("--service: \"") + kFitCallerName +
               "\" names the calling service of the fitted scenario; choose another name";
    // The service's name follows the scenario's rules for names.
    Scenario probe;
    probe.traffic.target = kFitCallerName;
    Service caller;
    caller.name = kFitCallerName;
    Service service;
    service.name = options.service;
    probe.services = {caller, service};
    for (const ScenarioProblem& p : validate(probe)) {
        if (p.key == "service[1].name") return "--service: " + p.message;
    }
    return {};
}

FitResult fit_trace(const Trace& trace, const FitOptions& options, const std::string& file) {
    if (const std::string problem = fit_options_problem(options); !problem.empty())
        throw std::invalid_argument(problem);
    if (trace.rows.size() < kMinFitCalls) {
        const std::size_t n = trace.rows.size();
        throw ConfigError(file, 0, "",
                          "the trace has " + std::to_string(n) + (n == 1 ? " call" : " calls") +
                              "; a fit needs at least " + std::to_string(kMinFitCalls) + " calls");
    }
    FitResult fit;
    fit.calls = trace.rows.size();
    const SimTime last = trace.rows.back().at;
    const SimTime max_end = static_cast<SimTime>(1e7) * kSecond;  // the longest duration_s
    if (last >= max_end) {
        throw ConfigError(file, trace.rows.back().line, "t_ms",
                          "the last call is at " + text::trimmed(to_s(last), 6) +
                              " s; a fitted scenario runs at most 10000000 s");
    }
    fit.end = last + 1;  // the last call is inside the window
    fit.bin = seconds(options.bin_s);
    const auto max_bins = static_cast<SimTime>(kMaxFitBins);
    if ((fit.end + fit.bin - 1) / fit.bin > max_bins)  // whole seconds, at most max_bins
        fit.bin = ((fit.end + max_bins - 1) / max_bins + kSecond - 1) / kSecond * kSecond;

    Series arrivals(Signal::rate);
    Series failures(Signal::failure);
    Series latencies(Signal::latency);
    for (const TraceRow& row : trace.rows) {
        arrivals.add(row.at, {1.0, 0.0, 0.0});
        if (row.outcome != Outcome::ignored) {
            const bool failed = row.outcome == Outcome::failure || row.outcome == Outcome::timeout;
            failures.add(row.at, {1.0, failed ? 1.0 : 0.0, 0.0});
        }
        if (trace.has_duration) {
            const double x = std::log(std::max(0.001, to_ms(row.duration)));
            latencies.add(row.at, {1.0, x, x * x});
        }
    }
    fit.rate = value_pieces(arrivals, boundaries(arrivals, fit.bin, fit.end, options));
    std::vector<SimTime> failure_cuts = boundaries(failures, fit.bin, fit.end, options);
    if (trace.has_duration) {
        std::vector<SimTime> latency_cuts = boundaries(latencies, fit.bin, fit.end, options);
        align_cuts(failures, failure_cuts, latencies, latency_cuts, fit.bin,
                   seconds(options.min_segment_s));
        fit.latency = latency_pieces(latencies, latency_cuts);
    }
    fit.failure = value_pieces(failures, failure_cuts);

    std::vector<SimTime> cuts{fit.end};
    for (const auto& p : fit.rate)
        cuts.push_back(p.start);
    for (const auto& p : fit.failure)
        cuts.push_back(p.start);
    for (const auto& p : fit.latency)
        cuts.push_back(p.start);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    const auto in_force = [](const auto& pieces, SimTime t) {
        return *std::prev(
            std::upper_bound(pieces.begin(), pieces.end(), t,
                             [](SimTime at, const auto& piece) { return at < piece.start; }));
    };
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        FitSegment seg;
        seg.start = cuts[i];
        seg.end = cuts[i + 1];
        seg.calls = static_cast<std::size_t>(arrivals.sums(seg.start, seg.end).n);
        seg.rate_rps = in_force(fit.rate, seg.start).value;
        seg.failure_share = in_force(fit.failure, seg.start).value;
        if (!fit.latency.empty()) {
            const LatencyPiece& l = in_force(fit.latency, seg.start);
            seg.p50_ms = l.p50_ms;
            seg.p99_ms = l.p99_ms;
        }
        fit.segments.push_back(seg);
    }
    fit.scenario = fitted_scenario(fit, options, trace.has_duration, file);
    if (const auto problems = validate(fit.scenario); !problems.empty())
        throw std::logic_error("fitted scenario: " + problems.front().key + ": " +
                               problems.front().message);
    return fit;
}

std::string fit_summary_text(const FitResult& fit) {
    std::string out =
        std::to_string(fit.calls) + " calls over " + text::trimmed(to_s(fit.end), 6) +
        " s (bins of " + text::trimmed(to_s(fit.bin), 6) +
        " s): " + std::to_string(fit.rate.size()) + " rate, " + std::to_string(fit.failure.size()) +
        " failure and " +
        (fit.latency.empty() ? std::string("no") : std::to_string(fit.latency.size())) +
        " latency pieces\n";
    const auto pad = [&out](const std::string& text, std::size_t width) {
        out.append(text.size() < width ? width - text.size() : 0, ' ');
        out += text;
    };
    const char* headers[] = {"start_s", "end_s",  "calls", "rate_rps",
                             "failure", "p50_ms", "p99_ms"};
    const std::size_t widths[] = {12, 12, 9, 10, 8, 10, 10};
    for (std::size_t i = 0; i < 7; ++i)
        pad(headers[i], widths[i]);
    out += '\n';
    for (const FitSegment& s : fit.segments) {
        pad(text::fixed(to_s(s.start), 3), widths[0]);
        pad(text::fixed(to_s(s.end), 3), widths[1]);
        pad(std::to_string(s.calls), widths[2]);
        pad(text::number(s.rate_rps), widths[3]);
        pad(text::fixed(s.failure_share, 4), widths[4]);
        pad(fit.latency.empty() ? "-" : text::number(s.p50_ms), widths[5]);
        pad(fit.latency.empty() ? "-" : text::number(s.p99_ms), widths[6]);
        out += '\n';
    }
    return out;
}

}  // namespace cbsim
