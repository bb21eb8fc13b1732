// breaker_test.cpp: names of states, outcomes and rejections; transition texts.
#include "breaker_test_util.hpp"

#include <string>

namespace cbsim::test {
namespace {

TEST(BreakerNames, States) {
    EXPECT_STREQ(to_string(State::closed), "closed");
    EXPECT_STREQ(to_string(State::open), "open");
    EXPECT_STREQ(to_string(State::half_open), "half_open");
    EXPECT_STREQ(to_string(State::forced_open), "forced_open");
    EXPECT_STREQ(to_string(State::disabled), "disabled");
    EXPECT_STREQ(to_string(State::metrics_only), "metrics_only");
}

TEST(BreakerNames, OutcomesAndRejections) {
    EXPECT_STREQ(to_string(Outcome::success), "success");
    EXPECT_STREQ(to_string(Outcome::failure), "failure");
    EXPECT_STREQ(to_string(Outcome::timeout), "timeout");
    EXPECT_STREQ(to_string(Outcome::ignored), "ignored");
    EXPECT_STREQ(to_string(Rejection::none), "none");
    EXPECT_STREQ(to_string(Rejection::open), "open");
    EXPECT_STREQ(to_string(Rejection::too_many_requests), "too_many_requests");
    EXPECT_STREQ(to_string(Rejection::ramp_up), "ramp_up");
}

Transition transition(State from, State to, Reason reason) {
    Transition t;
    t.from = from;
    t.to = to;
    t.reason = reason;
    return t;
}

TEST(TransitionText, IntegersHaveNoFraction) {
    EXPECT_EQ(transition(State::closed, State::open, {"consecutive_failures", 3, ">=", 3}).text(),
              "opened: consecutive_failures 3 >= 3");
    EXPECT_EQ(
        transition(State::open, State::half_open, {"open_elapsed_ms", 5001, ">", 5000}).text(),
        "half-open: open_elapsed_ms 5001 > 5000");
}

TEST(TransitionText, FractionsHaveAtMostFourDecimals) {
    EXPECT_EQ(
        transition(State::closed, State::open, {"failure_ratio", 2.0 / 3.0, ">=", 0.6}).text(),
        "opened: failure_ratio 0.6667 >= 0.6");
    EXPECT_EQ(
        transition(State::open, State::half_open, {"open_elapsed_ms", 5000.001, ">", 5000}).text(),
        "half-open: open_elapsed_ms 5000.001 > 5000");
    EXPECT_EQ(transition(State::closed, State::open, {"failure_rate", 50.5, ">=", 50}).text(),
              "opened: failure_rate 50.5 >= 50");
}

TEST(TransitionText, EveryTargetHasAVerb) {
    const Reason r{"x", 1, "==", 1};
    EXPECT_EQ(transition(State::half_open, State::closed, r).text(), "closed: x 1 == 1");
    EXPECT_EQ(transition(State::closed, State::forced_open, r).text(), "forced open: x 1 == 1");
    EXPECT_EQ(transition(State::closed, State::disabled, r).text(), "disabled: x 1 == 1");
    EXPECT_EQ(transition(State::closed, State::metrics_only, r).text(), "metrics only: x 1 == 1");
}

TEST(TransitionText, WithoutARuleOnlyTheVerb) {
    EXPECT_EQ(transition(State::forced_open, State::closed, Reason{}).text(), "closed");
}

TEST(BreakerSink, EmptySinkRemovesIt) {
    Harness h(gobreaker({{"trip.consecutive_failures", 1}}));
    h.breaker->set_transition_sink({});
    EXPECT_TRUE(h.fail(0));
    EXPECT_EQ(h.state(0), State::open);
    EXPECT_TRUE(h.log.empty());
}

TEST(BreakerSink, EveryPresetReportsItsTransitionsWithReasons) {
    for (Preset p : {Preset::gobreaker, Preset::resilience4j, Preset::polly, Preset::hystrix}) {
        SCOPED_TRACE(to_string(p));
        BreakerConfig c = BreakerConfig::defaults(p);
        Harness h(c);
        SimTime t = 0;
        for (int i = 0; i < 2000 && h.log.empty(); ++i, t += ms(10))
            h.fail(t);
        ASSERT_FALSE(h.log.empty());
        EXPECT_EQ(h.log[0].from, State::closed);
        EXPECT_EQ(h.log[0].to, State::open);
        EXPECT_STRNE(h.log[0].reason.rule, "");
        EXPECT_EQ(h.log[0].text().rfind("opened: ", 0), 0u);
    }
}

}  // namespace
}  // namespace cbsim::test
