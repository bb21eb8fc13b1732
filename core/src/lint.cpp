// lint.cpp: the lint rules of cbsim/lint.hpp, one function per rule.
#include "cbsim/lint.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "cbsim/breaker.hpp"
#include "cbsim/breaker_config.hpp"
#include "cbsim/edge_name.hpp"
#include "cbsim/number_text.hpp"

namespace cbsim {

namespace {

constexpr std::string_view kSlowCall = "slow_call_at_timeout";
constexpr std::string_view kMinCalls = "min_calls_above_window";
constexpr std::string_view kRetryWindow = "window_shorter_than_retries";
constexpr std::string_view kHalfOpen = "half_open_budget_unfillable";
constexpr std::string_view kBucket = "bucket_not_dividing_window";

constexpr std::array<LintRule, 5> kRules{{
    {kSlowCall, "slow-call threshold at or above the call timeout: no call is ever slow"},
    {kMinCalls,
     "minimum calls or volume threshold above the calls one window holds at the edge's "
     "traffic: the rate rule never trips"},
    {kRetryWindow,
     "a time window shorter than one failing call's attempts (each up to its timeout) and "
     "backoffs: the window forgets the first attempts before the last one counts"},
    {kHalfOpen,
     "a half-open budget larger than the calls the half-open period can admit: half-open "
     "never decides on its probes and reopens"},
    {kBucket, "a bucket period that does not divide the window: the window is not the one set"},
}};

std::string num(double v) {
    return text::trimmed(v, 2);
}
std::string num(std::int64_t v) {
    return text::integer(v);
}

/// Requests per second arriving at each service at most (index of scenario.services).
class PeakRates {
  public:
    explicit PeakRates(const Scenario& s) : s_(s), rate_(s.services.size(), -1.0) {
        peak_ = s.traffic.rate_rps;
        for (const TrafficPhase& p : s.traffic.phases)
            peak_ = std::max(peak_, p.rate_rps);
    }

    double service(std::size_t index) {
        if (rate_[index] >= 0.0) return rate_[index];
        rate_[index] = 0.0;  // a cycle (refused by validate()) adds nothing instead of recursing
        const std::string& name = s_.services[index].name;
        double r = name == s_.traffic.target ? peak_ : 0.0;
        for (std::size_t c = 0; c < s_.services.size(); ++c) {
            for (const Dependency& d : s_.services[c].dependencies) {
                if (d.target == name) r += service(c) * static_cast<double>(d.retry.max_attempts);
            }
        }
        rate_[index] = r;
        return r;
    }

    double breaker(std::size_t caller, const Dependency& d) {
        const Service& c = s_.services[caller];
        const double attempts = service(caller) * static_cast<double>(d.retry.max_attempts);
        return d.breaker_scope == BreakerScope::shared
                   ? attempts
                   : attempts / static_cast<double>(std::max<std::int64_t>(c.instances, 1));
    }

  private:
    const Scenario& s_;
    std::vector<double> rate_;
    double peak_ = 0.0;
};

/// What one edge's rules look at.
struct EdgeView {
    std::string edge;
    const Service& caller;
    const Dependency& dep;
    const BreakerConfig& breaker;
    double rate;  ///< calls/s reaching the breaker at most
};

/// "(at most 12.5 calls/s reach this breaker)".
std::string traffic_note(const EdgeView& e) {
    return "at most " + num(e.rate) + " calls/s reach this breaker (" +
           std::string(e.dep.breaker_scope == BreakerScope::shared ? "shared by all instances of "
                                                                   : "one per instance of ") +
           e.caller.name + ", " + num(e.caller.instances) + " instance" +
           (e.caller.instances == 1 ? "" : "s") + ", " + num(e.dep.retry.max_attempts) +
           " attempt" + (e.dep.retry.max_attempts == 1 ? "" : "s") + " per call)";
}

void add(std::vector<LintWarning>& out, const EdgeView& e, std::string_view rule,
         std::string message, std::string fix) {
    out.push_back({e.edge, std::string(rule), std::move(message), std::move(fix)});
}

// [rule] slow_call_at_timeout --------------------------------------------------------------

void slow_call_rule(const EdgeView& e, std::vector<LintWarning>& out) {
    const auto* r4j = std::get_if<Resilience4jSettings>(&e.breaker.settings);
    if (r4j == nullptr || e.dep.timeout_ms <= 0) return;
    const std::int64_t threshold = r4j->slow_call_duration_threshold_ms;
    if (threshold < e.dep.timeout_ms) return;
    add(out, e, kSlowCall,
        "slow_call_duration_threshold_ms " + num(threshold) + " >= the edge's timeout_ms " +
            num(e.dep.timeout_ms) +
            ": a call is slow only when it takes longer than the threshold, but every call ends "
            "by the timeout, so the slow-call rate is always 0",
        "set slow_call_duration_threshold_ms below " + num(e.dep.timeout_ms) + " (e.g. " +
            num(std::max<std::int64_t>(e.dep.timeout_ms / 2, 1)) +
            "), or raise the edge's timeout_ms above " + num(threshold));
}

// [rule] min_calls_above_window ------------------------------------------------------------

/// The fix for a count `key` that must come down to at most `most` and a window `window_key`
/// (in `unit_ms` units) that must grow to at least `least_ms`: each part only when the key's
/// range (the preset's ParamSpec table) allows it.
std::string count_or_window_fix(const EdgeView& e, std::string_view key, double most,
                                std::string_view window_key, double least_ms,
                                std::int64_t unit_ms) {
    const Preset preset = e.breaker.preset();
    std::vector<std::string> parts;
    const ParamSpec* count = find_param(preset, key);
    if (count == nullptr || most >= count->min)
        parts.push_back("lower " + std::string(key) + " to at most " + num(most));
    const double least = std::ceil(least_ms / static_cast<double>(unit_ms));
    const ParamSpec* window = find_param(preset, window_key);
    if (window == nullptr || least <= window->max) {
        parts.push_back("lengthen " + std::string(window_key) + " to at least " + num(least) +
                        (unit_ms == 1000 ? " s" : " ms"));
    }
    if (parts.empty()) return "this edge's traffic is too low for this rule; use another trip rule";
    return parts.size() == 1 ? parts[0] : parts[0] + ", or " + parts[1];
}

/// `needed` calls (`label`, set by `needed_key`) in a window of `window_ms` (key `window_key`,
/// counted in `unit_ms`).
void window_capacity(const EdgeView& e, std::vector<LintWarning>& out, std::string_view label,
                     std::string_view needed_key, double needed, std::string_view window_key,
                     std::int64_t window_ms, std::int64_t unit_ms, std::string_view what) {
    if (e.rate <= 0.0 || window_ms <= 0) return;
    const double holds = e.rate * static_cast<double>(window_ms) / 1000.0;
    if (needed <= holds) return;
    add(out, e, kMinCalls,
        std::string(label) + " " + num(needed) + " > the " + num(holds) + " calls one " +
            num(window_ms) + " ms window (" + std::string(window_key) +
            ") holds: " + traffic_note(e) + "; " + std::string(what) + " never trips",
        count_or_window_fix(e, needed_key, std::floor(holds), window_key, needed / e.rate * 1000.0,
                            unit_ms));
}

/// gobreaker's closed-state window: the interval, rounded up to whole buckets.
std::int64_t gobreaker_window_ms(const GobreakerSettings& g) {
    if (g.interval_ms <= 0) return 0;
    if (g.bucket_period_ms <= 0) return g.interval_ms;
    if (g.bucket_period_ms >= g.interval_ms) return g.bucket_period_ms;
    return (g.interval_ms + g.bucket_period_ms - 1) / g.bucket_period_ms * g.bucket_period_ms;
}

void min_calls_rule(const EdgeView& e, std::vector<LintWarning>& out) {
    const PresetSettings& s = e.breaker.settings;
    if (const auto* g = std::get_if<GobreakerSettings>(&s)) {
        using Trip = GobreakerSettings::Trip;
        // The default rule (ConsecutiveFailures > 5) is lowered by choosing the consecutive form.
        std::string_view label = "the default trip (consecutive failures)",
                         key = "trip.consecutive_failures";
        double needed = 6;
        switch (g->trip) {
            case Trip::consecutive_failures:
                label = key = "trip.consecutive_failures";
                needed = static_cast<double>(g->consecutive_failures);
                break;
            case Trip::total_failures:
                label = key = "trip.total_failures";
                needed = static_cast<double>(g->total_failures);
                break;
            case Trip::failure_ratio:
                label = key = "trip.min_requests";
                needed = static_cast<double>(std::max<std::int64_t>(g->min_requests, 1));
                break;
            default:
                break;
        }
        window_capacity(e, out, label, key, needed, "interval_ms", gobreaker_window_ms(*g), 1,
                        "the trip rule (counts clear every interval)");
    } else if (const auto* r = std::get_if<Resilience4jSettings>(&s)) {
        if (r->sliding_window_type == Resilience4jSettings::WindowType::time_based)
            window_capacity(e, out, "minimum_number_of_calls", "minimum_number_of_calls",
                            static_cast<double>(r->minimum_number_of_calls), "sliding_window_size",
                            r->sliding_window_size * 1000, 1000, "the failure and slow-call rates");
    } else if (const auto* p = std::get_if<PollySettings>(&s)) {
        window_capacity(e, out, "minimum_throughput", "minimum_throughput",
                        static_cast<double>(p->minimum_throughput), "sampling_duration_ms",
                        p->sampling_duration_ms, 1, "the failure ratio");
    } else if (const auto* h = std::get_if<HystrixSettings>(&s)) {
        window_capacity(e, out, "request_volume_threshold", "request_volume_threshold",
                        static_cast<double>(h->request_volume_threshold), "rolling_window_ms",
                        h->rolling_window_ms, 1, "the error percentage");
    } else if (const auto* o = std::get_if<OpossumSettings>(&s)) {
        window_capacity(e, out, "volume_threshold", "volume_threshold",
                        static_cast<double>(o->volume_threshold), "rolling_count_timeout_ms",
                        o->rolling_count_timeout_ms, 1, "the error percentage");
    } else if (const auto* c = std::get_if<CockatielSettings>(&s)) {
        if (c->breaker != CockatielSettings::Kind::sampling || e.rate <= 0.0) return;
        const double rps =
            c->sampling_minimum_rps > 0.0 ? c->sampling_minimum_rps : 5.0 / c->sampling_threshold;
        if (rps <= e.rate) return;
        add(out, e, kMinCalls,
            "sampling.minimum_rps " + num(rps) +
                (c->sampling_minimum_rps > 0.0 ? std::string()
                                               : " (the default, 5 / sampling.threshold)") +
                " calls/s needed, but " + traffic_note(e) + ": the sampling breaker never opens",
            "set sampling.minimum_rps to at most " + num(std::floor(e.rate * 100.0) / 100.0));
    }
}

// [rule] window_shorter_than_retries -------------------------------------------------------

/// The sleeps between the attempts of one call without jitter: min(cap, base * 2^(n-1)).
std::int64_t retry_backoff_ms(const RetryPolicy& r) {
    std::int64_t total = 0;
    double sleep = static_cast<double>(r.backoff_base_ms);
    for (std::int64_t n = 1; n < r.max_attempts; ++n) {
        total += static_cast<std::int64_t>(std::min(sleep, static_cast<double>(r.backoff_cap_ms)));
        sleep *= 2.0;
    }
    return total;
}

/// The preset's time window (key and length), if it has one.
std::optional<std::pair<std::string_view, std::int64_t>> time_window(const BreakerConfig& b) {
    const PresetSettings& s = b.settings;
    if (const auto* g = std::get_if<GobreakerSettings>(&s)) {
        if (g->interval_ms > 0)
            return std::pair{std::string_view("interval_ms"), gobreaker_window_ms(*g)};
    } else if (const auto* r = std::get_if<Resilience4jSettings>(&s)) {
        if (r->sliding_window_type == Resilience4jSettings::WindowType::time_based)
            return std::pair{std::string_view("sliding_window_size"),
                             r->sliding_window_size * 1000};
    } else if (const auto* p = std::get_if<PollySettings>(&s)) {
        return std::pair{std::string_view("sampling_duration_ms"), p->sampling_duration_ms};
    } else if (const auto* h = std::get_if<HystrixSettings>(&s)) {
        return std::pair{std::string_view("rolling_window_ms"), h->rolling_window_ms};
    } else if (const auto* o = std::get_if<OpossumSettings>(&s)) {
        return std::pair{std::string_view("rolling_count_timeout_ms"), o->rolling_count_timeout_ms};
    } else if (const auto* c = std::get_if<CockatielSettings>(&s)) {
        if (c->breaker == CockatielSettings::Kind::sampling)
            return std::pair{std::string_view("sampling.duration_ms"), c->sampling_duration_ms};
    }
    return std::nullopt;
}

/// The longest one attempt can take before it fails, as a run enforces it: the edge's
/// timeout_ms, or the breaker's own call timeout when shorter; 0 when neither is set (the
/// attempt waits forever and has no length to count).
std::int64_t attempt_limit_ms(const Dependency& d, const BreakerConfig& b) {
    const std::int64_t own = (make_breaker(b)->call_timeout() + kMillisecond - 1) / kMillisecond;
    if (own > 0 && (d.timeout_ms <= 0 || own < d.timeout_ms)) return own;
    return std::max<std::int64_t>(d.timeout_ms, 0);
}

void retry_window_rule(const EdgeView& e, std::vector<LintWarning>& out) {
    const RetryPolicy& retry = e.dep.retry;
    if (retry.max_attempts <= 1) return;
    const auto window = time_window(e.breaker);
    if (!window) return;
    const std::int64_t backoff = retry_backoff_ms(retry);
    const std::int64_t attempt = attempt_limit_ms(e.dep, e.breaker);
    const std::int64_t total = retry.max_attempts * attempt + backoff;
    if (window->second >= total) return;
    const bool seconds = window->first == "sliding_window_size";
    const bool own = attempt > 0 && attempt != e.dep.timeout_ms;
    add(out, e, kRetryWindow,
        "the window (" + std::string(window->first) + ", " + num(window->second) +
            " ms) is shorter than the " + num(total) + " ms one failing call can take: " +
            num(retry.max_attempts) + " attempts of up to " + num(attempt) + " ms (" +
            (own ? std::string("the breaker's call timeout") : "timeout_ms") + ") and " +
            num(backoff) + " ms of backoff between them (retry.backoff_base_ms " +
            num(retry.backoff_base_ms) + ", backoff_cap_ms " + num(retry.backoff_cap_ms) +
            ", without jitter): a call's first failures leave the window before its last "
            "attempt counts",
        "lengthen " + std::string(window->first) + " to at least " +
            (seconds ? num((total + 999) / 1000) + " s" : num(total) + " ms") + ", or shorten " +
            (own ? "the breaker's call timeout" : "timeout_ms") +
            " or the retry backoff (retry.backoff_cap_ms)");
}

// [rule] half_open_budget_unfillable -------------------------------------------------------

void half_open_rule(const EdgeView& e, std::vector<LintWarning>& out) {
    const auto* r = std::get_if<Resilience4jSettings>(&e.breaker.settings);
    if (r == nullptr || r->max_wait_duration_in_half_open_state_ms <= 0 || e.rate <= 0.0) return;
    const std::int64_t wait = r->max_wait_duration_in_half_open_state_ms;
    const double needed = static_cast<double>(
        std::min(r->minimum_number_of_calls, r->permitted_number_of_calls_in_half_open_state));
    const double admits = e.rate * static_cast<double>(wait) / 1000.0;
    if (needed <= admits) return;
    add(out, e, kHalfOpen,
        "half-open decides after " + num(needed) +
            " probe outcomes (min of permitted_number_of_calls_in_half_open_state " +
            num(r->permitted_number_of_calls_in_half_open_state) + " and minimum_number_of_calls " +
            num(r->minimum_number_of_calls) + "), but only " + num(admits) +
            " calls arrive in max_wait_duration_in_half_open_state_ms " + num(wait) + " (" +
            traffic_note(e) + "): half-open always times out and reopens",
        "lower permitted_number_of_calls_in_half_open_state to at most " +
            num(std::max(std::floor(admits), 1.0)) +
            ", or lengthen max_wait_duration_in_half_open_state_ms to at least " +
            num(std::ceil(needed / e.rate * 1000.0)) + " (0 waits for the probes)");
}

// [rule] bucket_not_dividing_window --------------------------------------------------------

void bucket_rule(const EdgeView& e, std::vector<LintWarning>& out) {
    const PresetSettings& s = e.breaker.settings;
    if (const auto* g = std::get_if<GobreakerSettings>(&s)) {
        const std::int64_t bucket = g->bucket_period_ms, interval = g->interval_ms;
        if (bucket <= 0 || interval <= 0 || interval % bucket == 0) return;
        // A bucket longer than the interval rounds it up to one bucket.
        const std::int64_t up = gobreaker_window_ms(*g), down = interval / bucket * bucket;
        const std::int64_t buckets = up / bucket;
        add(out, e, kBucket,
            "bucket_period_ms " + num(bucket) + " does not divide interval_ms " + num(interval) +
                ": the window is rounded up to " + num(up) + " ms (" + num(buckets) +
                (buckets == 1 ? " bucket" : " buckets") + "), not the interval set",
            "set interval_ms to " + num(up) + (down > 0 ? " or " + num(down) : std::string()) +
                " (a multiple of the bucket), or pick a bucket_period_ms that divides " +
                num(interval));
    } else if (const auto* o = std::get_if<OpossumSettings>(&s)) {
        const std::int64_t window = o->rolling_count_timeout_ms, buckets = o->rolling_count_buckets;
        if (buckets <= 0 || window % buckets == 0) return;
        const std::int64_t width = window / buckets;
        add(out, e, kBucket,
            "rolling_count_buckets " + num(buckets) + " does not divide rolling_count_timeout_ms " +
                num(window) + ": buckets rotate every " + num(width) +
                " ms, so the window covers " + num(width * buckets) + " ms, not " + num(window),
            "set rolling_count_timeout_ms to " + num(width * buckets) + " or " +
                num((width + 1) * buckets) + " (a multiple of " + num(buckets) + ")");
    }
}

void lint_one(PeakRates& rates, const Scenario& s, std::size_t caller, std::size_t dep,
              std::vector<LintWarning>& out) {
    const Service& c = s.services[caller];
    const Dependency& d = c.dependencies[dep];
    if (!d.breaker) return;
    const EdgeView e{EdgeName{c.name, d.target}.text(), c, d, *d.breaker, rates.breaker(caller, d)};
    slow_call_rule(e, out);
    min_calls_rule(e, out);
    retry_window_rule(e, out);
    half_open_rule(e, out);
    bucket_rule(e, out);
}

}  // namespace

std::span<const LintRule> lint_rules() {
    return kRules;
}

double breaker_peak_rate(const Scenario& scenario, std::string_view caller,
                         std::size_t dependency) {
    PeakRates rates(scenario);
    for (std::size_t i = 0; i < scenario.services.size(); ++i) {
        const Service& c = scenario.services[i];
        if (c.name == caller && dependency < c.dependencies.size())
            return rates.breaker(i, c.dependencies[dependency]);
    }
    return 0.0;
}

std::vector<LintWarning> lint_scenario(const Scenario& scenario) {
    std::vector<LintWarning> out;
    PeakRates rates(scenario);
    for (std::size_t i = 0; i < scenario.services.size(); ++i) {
        for (std::size_t d = 0; d < scenario.services[i].dependencies.size(); ++d)
            lint_one(rates, scenario, i, d, out);
    }
    return out;
}

std::vector<LintWarning> lint_edge(const Scenario& scenario, std::string_view edge) {
    std::vector<LintWarning> out;
    const auto name = EdgeName::parse(edge);
    if (!name) return out;
    PeakRates rates(scenario);
    for (std::size_t i = 0; i < scenario.services.size(); ++i) {
        const Service& c = scenario.services[i];
        if (c.name != name->caller) continue;
        for (std::size_t d = 0; d < c.dependencies.size(); ++d) {
            if (c.dependencies[d].target == name->target) lint_one(rates, scenario, i, d, out);
        }
    }
    return out;
}

}  // namespace cbsim
