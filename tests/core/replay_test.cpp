// replay_test.cpp: trace parsing (errors with file and line), the replay semantics (durations,
// completions before new calls, input order) and the gobreaker parity traces of
// tests/data/traces, whose expected decisions were derived by hand from docs/BREAKERS.md:
//   grpc_style          trip at 300; at 5300 (exactly 5000 later) still open; 5301 probes;
//                       three successes close; the next failure starts a fresh count.
//   fixed_window        1000 is inside [0, 1000]; open until 3000 inclusive; two probes close;
//                       the new window [3001, 4001] trips at 4001.
//   reanchor            windows [0,1000], [1001,2001], [2002,3002]: trips at 3002 only.
//   every_third         ratio 1/3 under failure_ratio 0.6, min_requests 3: never trips.
//   half_open_durations two probes in flight, the third rejected; completions at 1051 and 1110
//                       happen before the new calls of those instants.
//   stale_generation    a call admitted before the trip reports after it: dropped.
//   rolling             bucket [0,1000) leaves at exactly 3000; trips at 3999; open until 4999.
//   excluded            ignored probes give their half-open slot back.
//   defaults            ConsecutiveFailures > 5 (a timeout is a failure), 60 s, one probe.
//   silent_probe        a 60 s probe keeps plain gobreaker half-open, rejecting everything.
//   silent_probe_timeout  the same with extras.probe_timeout_ms = 2000: failed at 3001,
//                       open until 4001, closed by the probe at 4002; the late success dropped.
// and the opossum traces (opossum_*), whose expected decisions and transitions come from
// running opossum 10.0.0 itself (see the OpossumParity section).
#include "breaker_test_util.hpp"

#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>

#include <fstream>
#include <sstream>

namespace cbsim::test {
namespace {

using ::testing::HasSubstr;

std::string data(const std::string& name) {
    return std::string(CBSIM_TEST_DATA_DIR) + "/traces/" + name;
}

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// [SECTION] Parity traces ------------------------------------------------------------------

class ParityTrace : public ::testing::TestWithParam<const char*> {};

TEST_P(ParityTrace, DecisionsMatchTheRules) {
    const std::string name = GetParam();
    const BreakerConfig config = load_breaker_file(data(name + ".toml"));
    const Trace trace = load_trace(data(name + ".csv"));
    const std::string expected = read(data(name + ".expected.csv"));
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(decisions_csv(trace, replay(config, trace)), expected);
}

INSTANTIATE_TEST_SUITE_P(Gobreaker, ParityTrace,
                         ::testing::Values("grpc_style", "fixed_window", "reanchor", "every_third",
                                           "half_open_durations", "stale_generation", "rolling",
                                           "excluded", "defaults", "silent_probe",
                                           "silent_probe_timeout"));

// [SECTION] opossum traces -----------------------------------------------------------------

// Each opossum_<name> trace was run through opossum 10.0.0 itself (Node, fake timers): its
// .expected.csv holds the library's decisions (a semaphore-locked call as `capacity`) and the
// state right after each call's result, its .transitions.csv every transition the library
// emitted until the horizon, timer-driven ones included.
struct OpossumTrace {
    const char* name;
    std::int64_t horizon_ms;  // the library's clock ran to here
};

class OpossumParity : public ::testing::TestWithParam<OpossumTrace> {};

TEST_P(OpossumParity, DecisionsAndTransitionsAreTheLibrarys) {
    const std::string name = std::string("opossum_") + GetParam().name;
    const BreakerConfig config = load_breaker_file(data(name + ".toml"));
    ASSERT_EQ(config.preset(), Preset::opossum);
    const Trace trace = load_trace(data(name + ".csv"));
    const auto breaker = make_breaker(config);
    std::string transitions = "t_ms,from,to\n";
    breaker->set_transition_sink([&](const Transition& t) {
        transitions += format_ms(t.at) + "," + to_string(t.from) + "," + to_string(t.to) + "\n";
    });
    EXPECT_EQ(decisions_csv(trace, replay(*breaker, trace)), read(data(name + ".expected.csv")));
    const SimTime horizon = from_ms(GetParam().horizon_ms);
    while (const auto due = breaker->next_timed_transition()) {
        if (*due > horizon) break;
        breaker->fire_timers(*due);
    }
    EXPECT_EQ(transitions, read(data(name + ".transitions.csv")));
}

INSTANTIATE_TEST_SUITE_P(
    Opossum, OpossumParity,
    ::testing::Values(
        OpossumTrace{"capacity_halfopen_trial_locked", 1100},
        OpossumTrace{"capacity_semaphore", 1200}, OpossumTrace{"ieee_rounding_55", 300},
        OpossumTrace{"late_failure_zero_fires", 1700}, OpossumTrace{"late_results_while_open", 600},
        OpossumTrace{"reset_halfopen_failure", 1100}, OpossumTrace{"reset_halfopen_success", 1300},
        OpossumTrace{"rotation_drop_at_boundary", 1100},
        OpossumTrace{"rotation_floor_interval", 1100},
        OpossumTrace{"rotation_keep_before_boundary", 1100},
        OpossumTrace{"threshold_equal_no_trip", 100}, OpossumTrace{"timeout_counts_failure", 2900},
        OpossumTrace{"volume_success_no_eval", 100}, OpossumTrace{"volume_threshold", 100},
        OpossumTrace{"warmup", 1100}),
    [](const ::testing::TestParamInfo<OpossumTrace>& p) { return std::string(p.param.name); });

// [SECTION] Parsing ------------------------------------------------------------------------

TEST(TraceParse, TwoColumns) {
    const Trace t = parse_trace("t_ms,outcome\n0,success\n12.5,failure\n12.5,timeout\n", "t.csv");
    EXPECT_FALSE(t.has_duration);
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(t.rows[1].at, 12'500);
    EXPECT_EQ(t.rows[1].outcome, Outcome::failure);
    EXPECT_EQ(t.rows[2].outcome, Outcome::timeout);
    EXPECT_EQ(t.rows[2].line, 4);
    EXPECT_EQ(t.rows[0].duration, 0);
}

TEST(TraceParse, DurationColumnCrlfBlankLinesAndSpaces) {
    const Trace t = parse_trace(
        "t_ms,outcome,duration_ms\r\n\r\n0, success ,1.25\r\n7,ignored,0\r\n\n", "t.csv");
    EXPECT_TRUE(t.has_duration);
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[0].duration, 1'250);
    EXPECT_EQ(t.rows[0].line, 3);
    EXPECT_EQ(t.rows[1].outcome, Outcome::ignored);
}

TEST(TraceParse, MicrosecondResolution) {
    const Trace t = parse_trace("t_ms,outcome\n0.001,success\n1.1,success\n", "t.csv");
    EXPECT_EQ(t.rows[0].at, 1);
    EXPECT_EQ(t.rows[1].at, 1'100);
}

TEST(TraceParse, HeaderOnlyIsAnEmptyTrace) {
    EXPECT_TRUE(parse_trace("t_ms,outcome\n", "t.csv").rows.empty());
}

ConfigError trace_error(const std::string& text) {
    try {
        parse_trace(text, "bad.csv");
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for " << text;
    return ConfigError("", 0, "", "");
}

TEST(TraceErrors, NameFileLineAndColumn) {
    ConfigError e = trace_error("time,outcome\n0,success\n");
    EXPECT_EQ(e.file(), "bad.csv");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.key(), "header");

    e = trace_error("t_ms,outcome\n0,success\n1,fail\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "outcome");
    EXPECT_THAT(e.message(), HasSubstr("'fail' is not an outcome"));

    e = trace_error("t_ms,outcome\n10,success\n5,success\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "t_ms");
    EXPECT_THAT(e.message(), HasSubstr("must not decrease"));

    for (const char* bad : {"-1", "1e3", "abc", "1.", ".5", "1.0001", "nan", ""}) {
        e = trace_error(std::string("t_ms,outcome\n") + bad + ",success\n");
        EXPECT_EQ(e.line(), 2) << bad;
        EXPECT_EQ(e.key(), "t_ms") << bad;
    }

    e = trace_error("t_ms,outcome,duration_ms\n0,success,-3\n");
    EXPECT_EQ(e.key(), "duration_ms");

    e = trace_error("t_ms,outcome\n0,success,5\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_THAT(e.message(), HasSubstr("expected 2 fields, got 3"));

    e = trace_error("");
    EXPECT_EQ(e.key(), "header");
    EXPECT_THAT(e.message(), HasSubstr("empty trace"));
}

TEST(TraceErrors, FilesOfTestData) {
    const std::pair<const char*, int> cases[] = {{"bad_decreasing.csv", 4},
                                                 {"bad_outcome.csv", 3},
                                                 {"bad_header.csv", 1},
                                                 {"bad_number.csv", 3}};
    for (const auto& [name, line] : cases) {
        try {
            load_trace(data(name));
            ADD_FAILURE() << name;
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.line(), line) << name;
            EXPECT_THAT(std::string(e.what()), HasSubstr(name));
        }
    }
}

TEST(TraceErrors, BinaryAndOverlongFieldsAreShownEscapedAndShort) {
    static constexpr char kNul[] = "t_ms,outcome\n0,succ\0ess\n";
    ConfigError e = trace_error(std::string(kNul, sizeof kNul - 1));
    EXPECT_EQ(e.key(), "outcome");
    EXPECT_THAT(e.message(), HasSubstr("'succ\\x00ess' is not an outcome"));
    e = trace_error("t_ms,outcome\n\x01\xff,success\n");
    EXPECT_THAT(e.message(), HasSubstr("'\\x01\\xff' is not a time"));
    e = trace_error(std::string(100000, '1') + "\n");
    EXPECT_EQ(e.key(), "header");
    EXPECT_LT(e.message().size(), 200u) << "a 100 kB line is not copied into the message";
    EXPECT_THAT(e.message(), HasSubstr("..."));
}

TEST(TraceParse, AByteOrderMarkBeforeTheHeaderIsSkipped) {
    const Trace t = parse_trace("\xEF\xBB\xBFt_ms,outcome\n0,success\n", "bom.csv");
    ASSERT_EQ(t.rows.size(), 1u);
    EXPECT_EQ(t.rows[0].line, 2);
}

TEST(TraceErrors, ADirectoryIsNotATrace) {
    try {
        load_trace(std::string(CBSIM_TEST_DATA_DIR) + "/traces");
        ADD_FAILURE() << "no error for a directory";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.message(), HasSubstr("it is a directory"));
    }
    try {
        load_breaker_file(std::string(CBSIM_TEST_DATA_DIR) + "/traces");
        ADD_FAILURE() << "no error for a directory";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.message(), HasSubstr("it is a directory"));
    }
}

TEST(TraceErrors, MissingFile) {
    EXPECT_THROW(load_trace(data("no_such_trace.csv")), ConfigError);
}

// [SECTION] Replay semantics ---------------------------------------------------------------

TEST(Replay, WithoutDurationsEachCallCompletesAtOnce) {
    const Trace t = parse_trace("t_ms,outcome\n0,failure\n0,failure\n0,success\n", "t.csv");
    const auto d = replay(gobreaker({{"trip.consecutive_failures", 2}}), t);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_TRUE(d[0].allowed);
    EXPECT_EQ(d[0].state, State::closed);
    EXPECT_EQ(d[1].state, State::open);
    EXPECT_FALSE(d[2].allowed);
    EXPECT_EQ(d[2].rejection, Rejection::open);
}

TEST(Replay, StateIsReadAtTheCallsCompletion) {
    const Trace t = parse_trace("t_ms,outcome,duration_ms\n0,failure,250\n", "t.csv");
    const auto d = replay(gobreaker({{"trip.consecutive_failures", 1}}), t);
    EXPECT_EQ(d[0].state, State::open);
    EXPECT_EQ(d[0].state_at, ms(250));
}

TEST(Replay, CompletionsPrecedeNewCallsAtTheSameInstant) {
    // The failure completing at 100 trips the breaker before the call starting at 100.
    const Trace t =
        parse_trace("t_ms,outcome,duration_ms\n0,failure,100\n100,success,0\n", "t.csv");
    const auto d = replay(gobreaker({{"trip.consecutive_failures", 1}}), t);
    EXPECT_TRUE(d[0].allowed);
    EXPECT_FALSE(d[1].allowed);
}

TEST(Replay, CompletionsAtOneInstantGoInStartOrder) {
    // Both complete at 100: the earlier-started failure first, then the success resets the
    // streak (the other order would leave consecutive_failures at 1 and trip on the next).
    const Trace t = parse_trace(
        "t_ms,outcome,duration_ms\n0,failure,100\n50,success,50\n200,failure,0\n", "t.csv");
    const auto d = replay(gobreaker({{"trip.consecutive_failures", 2}}), t);
    EXPECT_EQ(d[2].state, State::closed);
    const Trace swapped = parse_trace(
        "t_ms,outcome,duration_ms\n0,success,100\n50,failure,50\n200,failure,0\n", "t.csv");
    EXPECT_EQ(replay(gobreaker({{"trip.consecutive_failures", 2}}), swapped)[2].state, State::open);
}

TEST(Replay, OutputKeepsInputOrderWhenCompletionsInterleave) {
    const Trace t = parse_trace(
        "t_ms,outcome,duration_ms\n0,success,1000\n10,failure,0\n20,success,5\n", "t.csv");
    const std::string csv = decisions_csv(t, replay(gobreaker({}), t));
    EXPECT_EQ(csv,
              "t_ms,outcome,decision,state,duration_ms\n"
              "0,success,allowed,closed,1000\n"
              "10,failure,allowed,closed,0\n"
              "20,success,allowed,closed,5\n");
}

TEST(Replay, BreakerIsCreatedAtZero) {
    // interval 1000 from t = 0: the first call at 1500 is in a new window, so the failure at
    // 1000 does not count toward the streak.
    const Trace t = parse_trace("t_ms,outcome\n1000,failure\n1500,failure\n", "t.csv");
    const auto d = replay(gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 2}}), t);
    EXPECT_EQ(d[1].state, State::closed);
}

TEST(Replay, EveryPresetReplays) {
    const Trace t = load_trace(data("grpc_style.csv"));
    for (Preset p : {Preset::gobreaker, Preset::resilience4j, Preset::polly, Preset::hystrix}) {
        const auto d = replay(BreakerConfig::defaults(p), t);
        EXPECT_EQ(d.size(), t.rows.size());
    }
}

// [SECTION] Output -------------------------------------------------------------------------

TEST(DecisionsCsv, FormatsMilliseconds) {
    EXPECT_EQ(format_ms(0), "0");
    EXPECT_EQ(format_ms(ms(12)), "12");
    EXPECT_EQ(format_ms(12'500), "12.5");
    EXPECT_EQ(format_ms(1), "0.001");
    EXPECT_EQ(format_ms(ms(5000) + 10), "5000.01");
}

TEST(DecisionsCsv, SameInputSameBytes) {
    const Trace t = load_trace(data("every_third.csv"));
    const BreakerConfig c = load_breaker_file(data("every_third.toml"));
    EXPECT_EQ(decisions_csv(t, replay(c, t)), decisions_csv(t, replay(c, t)));
}

}  // namespace
}  // namespace cbsim::test
