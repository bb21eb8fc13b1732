// Lint rules (cbsim/lint.hpp): each rule fires on a setting that cannot work at the traffic
// and stays quiet just past the boundary; the traffic a breaker sees follows the topology.
#include <gtest/gtest.h>
#include <cbsim/lint.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace cbsim {
namespace {

/// default_scenario() (client -> A (2 instances) -> B) with `config` on A->B and `rps` traffic.
Scenario with_breaker(const BreakerConfig& config, double rps) {
    Scenario s = default_scenario();
    s.traffic.rate_rps = rps;
    s.services[0].dependencies[0].breaker = config;
    return s;
}

template <typename Settings>
BreakerConfig config_of(const Settings& settings) {
    BreakerConfig c;
    c.settings = settings;
    return c;
}

std::vector<std::string> rules_of(const std::vector<LintWarning>& warnings) {
    std::vector<std::string> ids;
    for (const LintWarning& w : warnings)
        ids.push_back(w.rule);
    return ids;
}

bool has(const std::vector<LintWarning>& w, std::string_view rule) {
    return std::any_of(w.begin(), w.end(), [&](const LintWarning& x) { return x.rule == rule; });
}

TEST(Lint, EveryRuleHasAnIdAndSummary) {
    ASSERT_EQ(lint_rules().size(), 5u);
    for (const LintRule& r : lint_rules()) {
        EXPECT_FALSE(r.id.empty());
        EXPECT_FALSE(r.summary.empty());
    }
}

TEST(Lint, DefaultScenarioIsClean) {
    EXPECT_TRUE(lint_scenario(default_scenario()).empty());
}

TEST(Lint, PeakRateFollowsInstancesRetriesScopeAndPhases) {
    Scenario s = default_scenario();  // 50 rps at A, 2 instances, per-instance breaker
    EXPECT_DOUBLE_EQ(breaker_peak_rate(s, "A", 0), 25.0);
    s.services[0].dependencies[0].retry.max_attempts = 3;
    EXPECT_DOUBLE_EQ(breaker_peak_rate(s, "A", 0), 75.0);
    s.services[0].dependencies[0].breaker_scope = BreakerScope::shared;
    EXPECT_DOUBLE_EQ(breaker_peak_rate(s, "A", 0), 150.0);
    s.traffic.phases.push_back({from_s(10), 100.0, 0});
    EXPECT_DOUBLE_EQ(breaker_peak_rate(s, "A", 0), 300.0);
    EXPECT_DOUBLE_EQ(breaker_peak_rate(s, "B", 0), 0.0);  // B has no dependency
}

TEST(Lint, PeakRateAddsEveryCallerOfAService) {
    // A calls B and C; B calls C with 2 attempts: C gets A's requests plus B's attempts.
    Scenario s = default_scenario();
    s.services[0].instances = 1;
    Service c;
    c.name = "C";
    s.services.push_back(c);
    Dependency a_c;
    a_c.target = "C";
    s.services[0].dependencies.push_back(a_c);
    Dependency b_c;
    b_c.target = "C";
    b_c.retry.max_attempts = 2;
    s.services[1].dependencies.push_back(b_c);
    s.services[1].instances = 1;
    ASSERT_TRUE(validate(s).empty());
    EXPECT_DOUBLE_EQ(breaker_peak_rate(s, "B", 0), 100.0);  // 50 at B, 2 attempts each
    s.services[1].dependencies[0].breaker = BreakerConfig::defaults(Preset::polly);
    s.services[1].dependencies[0].breaker->settings = PollySettings{.minimum_throughput = 3001};
    // 100 calls/s * 30 s = 3000 < 3001
    EXPECT_EQ(rules_of(lint_scenario(s)), std::vector<std::string>{"min_calls_above_window"});
}

TEST(Lint, SlowCallThresholdAtTimeout) {
    Resilience4jSettings r;
    r.sliding_window_size = 10;
    r.minimum_number_of_calls = 10;
    r.slow_call_duration_threshold_ms = 1000;  // the edge's timeout_ms is 1000
    auto w = lint_scenario(with_breaker(config_of(r), 50));
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"slow_call_at_timeout"});
    EXPECT_EQ(w[0].edge, "A->B");
    EXPECT_NE(
        w[0].message.find("slow_call_duration_threshold_ms 1000 >= the edge's timeout_ms 1000"),
        std::string::npos)
        << w[0].message;
    EXPECT_NE(w[0].fix.find("below 1000 (e.g. 500)"), std::string::npos) << w[0].fix;
    r.slow_call_duration_threshold_ms = 999;
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(r), 50)).empty());
    Scenario no_timeout =
        with_breaker(config_of(Resilience4jSettings{.sliding_window_size = 10,
                                                    .minimum_number_of_calls = 10,
                                                    .slow_call_duration_threshold_ms = 5000}),
                     50);
    no_timeout.services[0].dependencies[0].timeout_ms = 0;  // wait forever: slow calls exist
    EXPECT_TRUE(lint_scenario(no_timeout).empty());
}

TEST(Lint, PollyMinimumThroughputAboveSamplingWindow) {
    PollySettings p;  // minimum_throughput 100 in 30 s
    // 4 rps at A, 2 instances: 2 calls/s per breaker, 60 per window.
    auto w = lint_scenario(with_breaker(config_of(p), 4));
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"min_calls_above_window"});
    EXPECT_NE(w[0].message.find("minimum_throughput 100 > the 60 calls one 30000 ms window"),
              std::string::npos)
        << w[0].message;
    EXPECT_NE(w[0].message.find("at most 2 calls/s"), std::string::npos) << w[0].message;
    EXPECT_NE(w[0].fix.find("at most 60"), std::string::npos) << w[0].fix;
    EXPECT_NE(w[0].fix.find("at least 50000 ms"), std::string::npos) << w[0].fix;
    // 100 calls/s * ... : 7 rps -> 3.5/s -> 105 per window: fills.
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(p), 7)).empty());
    // At 0.01 calls/s no allowed minimum_throughput (at least 2) fits 30 s: only the window fix.
    w = lint_scenario(with_breaker(config_of(p), 0.02));
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].fix, "lengthen sampling_duration_ms to at least 10000000 ms");
}

TEST(Lint, VolumeThresholdsOfHystrixOpossumAndTimeBasedResilience4j) {
    HystrixSettings h;  // 20 in 10 s
    EXPECT_TRUE(has(lint_scenario(with_breaker(config_of(h), 2)), "min_calls_above_window"));
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(h), 4)).empty());  // 2/s * 10 s = 20

    OpossumSettings o;
    o.volume_threshold = 50;  // in 10 s
    EXPECT_TRUE(has(lint_scenario(with_breaker(config_of(o), 8)), "min_calls_above_window"));
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(o), 10)).empty());

    Resilience4jSettings r;
    r.sliding_window_type = Resilience4jSettings::WindowType::time_based;
    r.sliding_window_size = 10;  // seconds
    r.minimum_number_of_calls = 100;
    r.slow_call_duration_threshold_ms = 500;
    const auto rw = lint_scenario(with_breaker(config_of(r), 18));  // 9 calls/s, 90 in 10 s
    ASSERT_EQ(rw.size(), 1u);
    EXPECT_EQ(rw[0].fix,
              "lower minimum_number_of_calls to at most 90, or lengthen sliding_window_size to "
              "at least 12 s");
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(r), 20)).empty());
    r.sliding_window_type = Resilience4jSettings::WindowType::count_based;  // always fills
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(r), 1)).empty());
}

TEST(Lint, GobreakerTripCountAboveIntervalAndCockatielMinimumRps) {
    GobreakerSettings g;
    g.interval_ms = 1000;
    g.trip = GobreakerSettings::Trip::consecutive_failures;
    g.consecutive_failures = 5;
    auto w = lint_scenario(with_breaker(config_of(g), 8));  // 4 calls per 1 s interval
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"min_calls_above_window"});
    EXPECT_NE(w[0].message.find("trip.consecutive_failures 5"), std::string::npos);
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(g), 10)).empty());
    g.interval_ms = 0;  // never cleared: any count is reached
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(g), 1)).empty());

    CockatielSettings c;
    c.breaker = CockatielSettings::Kind::sampling;  // default minimum: 5 / 0.2 = 25 calls/s
    w = lint_scenario(with_breaker(config_of(c), 48));
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"min_calls_above_window"});
    EXPECT_NE(w[0].message.find("sampling.minimum_rps 25"), std::string::npos) << w[0].message;
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(c), 50)).empty());
    c.sampling_minimum_rps = 1;
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(c), 4)).empty());
}

TEST(Lint, WindowShorterThanRetrySequence) {
    PollySettings p;
    p.minimum_throughput = 2;
    p.sampling_duration_ms = 500;
    Scenario s = with_breaker(config_of(p), 50);
    auto& retry = s.services[0].dependencies[0].retry;
    s.services[0].dependencies[0].timeout_ms = 0;  // attempts of no bounded length
    retry.max_attempts = 4;                        // sleeps 100 + 200 + 400 = 700 ms
    auto w = lint_scenario(s);
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"window_shorter_than_retries"});
    EXPECT_NE(w[0].message.find("500 ms) is shorter than the 700 ms one failing call can take"),
              std::string::npos)
        << w[0].message;
    EXPECT_NE(w[0].fix.find("at least 700 ms"), std::string::npos) << w[0].fix;
    retry.backoff_cap_ms = 150;  // 100 + 150 + 150 = 400
    EXPECT_TRUE(lint_scenario(s).empty());
    retry.backoff_cap_ms = 10000;
    retry.max_attempts = 1;
    EXPECT_TRUE(lint_scenario(s).empty());
}

TEST(Lint, WindowShorterThanRetrySequenceCountsTheAttemptsTimeouts) {
    // 3 attempts of up to 2000 ms (the edge's timeout) and 100 + 200 ms of backoff: 6300 ms.
    GobreakerSettings g;
    g.interval_ms = 1000;
    Scenario s = with_breaker(config_of(g), 50);
    Dependency& d = s.services[0].dependencies[0];
    d.timeout_ms = 2000;
    d.retry.max_attempts = 3;
    d.retry.backoff_base_ms = 100;
    auto w = lint_scenario(s);
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"window_shorter_than_retries"});
    EXPECT_NE(w[0].message.find("(interval_ms, 1000 ms) is shorter than the 6300 ms one failing "
                                "call can take: 3 attempts of up to 2000 ms (timeout_ms) and 300 "
                                "ms of backoff"),
              std::string::npos)
        << w[0].message;
    EXPECT_NE(w[0].fix.find("at least 6300 ms, or shorten timeout_ms"), std::string::npos)
        << w[0].fix;
    g.interval_ms = 6300;  // just long enough
    s.services[0].dependencies[0].breaker = config_of(g);
    EXPECT_TRUE(lint_scenario(s).empty());
    g.interval_ms = 6299;
    s.services[0].dependencies[0].breaker = config_of(g);
    EXPECT_TRUE(has(lint_scenario(s), "window_shorter_than_retries"));

    // The breaker's own call timeout, when shorter than the edge's, bounds each attempt:
    // opossum timeout_ms 500 under an edge timeout of 2000: 3 x 500 + 300 = 1800 ms.
    OpossumSettings o;
    o.timeout_ms = 500;
    o.rolling_count_timeout_ms = 1500;
    o.rolling_count_buckets = 10;
    d.breaker = config_of(o);
    w = lint_scenario(s);
    ASSERT_TRUE(has(w, "window_shorter_than_retries")) << rules_of(w).size();
    const auto it = std::find_if(w.begin(), w.end(), [](const LintWarning& x) {
        return x.rule == "window_shorter_than_retries";
    });
    EXPECT_NE(it->message.find("the 1800 ms one failing call can take: 3 attempts of up to 500 ms "
                               "(the breaker's call timeout)"),
              std::string::npos)
        << it->message;
}

TEST(Lint, HalfOpenBudgetTheHalfOpenPeriodNeverFills) {
    Resilience4jSettings r;
    r.sliding_window_size = 10;
    r.minimum_number_of_calls = 10;
    r.slow_call_duration_threshold_ms = 500;
    r.permitted_number_of_calls_in_half_open_state = 10;
    r.max_wait_duration_in_half_open_state_ms = 1000;
    auto w = lint_scenario(with_breaker(config_of(r), 10));  // 5 calls in 1 s
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"half_open_budget_unfillable"});
    EXPECT_NE(w[0].message.find("only 5 calls arrive"), std::string::npos) << w[0].message;
    EXPECT_NE(w[0].fix.find("at most 5"), std::string::npos) << w[0].fix;
    EXPECT_NE(w[0].fix.find("at least 2000"), std::string::npos) << w[0].fix;
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(r), 20)).empty());
    r.max_wait_duration_in_half_open_state_ms = 0;  // waits for the probes
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(r), 10)).empty());
}

TEST(Lint, BucketThatDoesNotDivideTheWindow) {
    GobreakerSettings g;
    g.interval_ms = 10000;
    g.bucket_period_ms = 3000;
    auto w = lint_scenario(with_breaker(config_of(g), 50));
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"bucket_not_dividing_window"});
    EXPECT_NE(w[0].message.find("rounded up to 12000 ms (4 buckets)"), std::string::npos)
        << w[0].message;
    EXPECT_NE(w[0].fix.find("12000 or 9000"), std::string::npos) << w[0].fix;
    g.bucket_period_ms = 2500;
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(g), 50)).empty());
    // A bucket longer than the interval: the window is one bucket, not the interval.
    g.interval_ms = 1000;
    g.bucket_period_ms = 3000;
    w = lint_scenario(with_breaker(config_of(g), 50));
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"bucket_not_dividing_window"});
    EXPECT_NE(w[0].message.find("bucket_period_ms 3000 does not divide interval_ms 1000: the "
                                "window is rounded up to 3000 ms (1 bucket)"),
              std::string::npos)
        << w[0].message;
    EXPECT_NE(w[0].fix.find("set interval_ms to 3000 (a multiple"), std::string::npos) << w[0].fix;
    g.bucket_period_ms = 1000;  // equal: one bucket of the interval
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(g), 50)).empty());

    OpossumSettings o;
    o.rolling_count_buckets = 3;  // 10000 / 3: 3333 ms buckets cover 9999 ms
    w = lint_scenario(with_breaker(config_of(o), 50));
    ASSERT_EQ(rules_of(w), std::vector<std::string>{"bucket_not_dividing_window"});
    EXPECT_NE(w[0].message.find("covers 9999 ms, not 10000"), std::string::npos) << w[0].message;
    o.rolling_count_buckets = 10;
    EXPECT_TRUE(lint_scenario(with_breaker(config_of(o), 50)).empty());
}

TEST(Lint, EdgeFindingsAreThoseOfThatEdgeOnly) {
    GobreakerSettings g;
    g.interval_ms = 10000;
    g.bucket_period_ms = 3000;
    const Scenario s = with_breaker(config_of(g), 50);
    EXPECT_EQ(lint_edge(s, "A->B").size(), 1u);
    EXPECT_TRUE(lint_edge(s, "B->A").empty());
    EXPECT_TRUE(lint_edge(s, "nonsense").empty());
    Scenario no_breaker = s;
    no_breaker.services[0].dependencies[0].breaker.reset();
    EXPECT_TRUE(lint_edge(no_breaker, "A->B").empty());
}

}  // namespace
}  // namespace cbsim
