// replay_stream_test.cpp: the streaming replay (replay.hpp: CsvTraceSource, Replayer,
// DecisionsCsvStream) and several configs at once (replay_set.hpp): the same bytes as a
// single-config replay for every golden trace and preset, the reader's errors identical to
// parse_trace's, the KPIs and bursts of hand-checked traces, and a buffer bounded by the calls
// in flight, not by the trace's length.
//
// [SECTION] Helpers
// [SECTION] The streaming reader
// [SECTION] Several configs give each the single-config bytes
// [SECTION] KPIs and bursts
// [SECTION] Bounded memory
#include "breaker_test_util.hpp"
#include "common/temp_dir.hpp"

#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/replay_set.hpp>

#include <filesystem>
#include <set>
#include <sstream>

namespace cbsim::test {
namespace {

namespace fs = std::filesystem;

// [SECTION] Helpers ------------------------------------------------------------------------

const fs::path kTraces = fs::path(CBSIM_TEST_DATA_DIR) / "traces";

/// Every golden trace: NAME.csv with NAME.toml and NAME.expected.csv.
std::vector<std::string> golden_traces() {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(kTraces)) {
        const fs::path p = entry.path();
        if (p.extension() != ".toml") continue;
        const std::string stem = p.stem().string();
        if (fs::exists(kTraces / (stem + ".csv")) && fs::exists(kTraces / (stem + ".expected.csv")))
            names.insert(stem);
    }
    return {names.begin(), names.end()};
}

/// Every golden trace's config and every preset's library defaults (assets/presets).
std::vector<NamedConfig> all_configs() {
    std::vector<NamedConfig> out;
    for (const std::string& name : golden_traces())
        out.push_back({name, load_breaker_file((kTraces / (name + ".toml")).string())});
    for (const auto& entry : fs::directory_iterator(fs::path(CBSIM_ASSET_DIR) / "presets")) {
        if (entry.path().extension() != ".toml") continue;
        out.push_back(
            {"preset-" + entry.path().stem().string(), load_breaker_file(entry.path().string())});
    }
    return out;
}

/// Collects each config's decisions.csv in memory and bursts.csv's rows.
struct MemorySink : ReplaySetSink {
    std::vector<std::unique_ptr<DecisionsCsvStream>> files;
    std::vector<std::string> names;
    std::string bursts = kBurstsCsvHeader;
    MemorySink(const std::vector<NamedConfig>& configs, bool has_duration) {
        for (const NamedConfig& c : configs) {
            files.push_back(std::make_unique<DecisionsCsvStream>(has_duration));
            names.push_back(c.name);
        }
    }
    bool decision(std::size_t config, const ReplayedRow& row) override {
        return files[config]->add(row.row, row.decision);
    }
    bool burst(std::size_t config, const BurstRecord& burst) override {
        append_burst_row(bursts, burst, names[config]);
        return true;
    }
};

/// Replays `source` through `configs` in batches of `batch` rows.
void run_set(ReplaySet& set, TraceSource& source, MemorySink& sink, std::size_t batch) {
    std::vector<TraceRow> rows;
    TraceRow row;
    bool more = true;
    while (more) {
        rows.clear();
        while (rows.size() < batch && (more = source.next(row)))
            rows.push_back(row);
        ASSERT_TRUE(set.feed(rows, sink));
    }
    ASSERT_TRUE(set.finish(sink));
}

std::string what_of_parse(const std::string& text) {
    try {
        parse_trace(text, "bad.csv");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

/// The message of the ConfigError `f()` throws, "no error" if none.
template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

/// The rows (as text) or the error of reading `text` with the streaming reader.
std::string stream_all(const std::string& text, std::size_t chunk, Trace* rows = nullptr) {
    std::istringstream in(text);
    try {
        CsvTraceSource source(in, "bad.csv", chunk);
        TraceRow row;
        if (rows) rows->has_duration = source.has_duration();
        while (source.next(row))
            if (rows) rows->rows.push_back(row);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

// [SECTION] The streaming reader -----------------------------------------------------------

TEST(CsvTraceSource, ErrorsAreParseTracesByteForByteAtEveryChunkSize) {
    const std::vector<std::string> bad = {
        "time,outcome\n0,success\n",
        "t_ms,outcome\n0,success\n1,fail\n",
        "t_ms,outcome\n10,success\n5,success\n",
        "t_ms,outcome\n-1,success\n",
        "t_ms,outcome\n1.0001,success\n",
        "t_ms,outcome\n,success\n",
        "t_ms,outcome,duration_ms\n0,success,-3\n",
        "t_ms,outcome\n0,success,5\n",
        "t_ms,outcome\n0,success,5,6,7\n",
        "",
        "\n\n  \r\n",
        "\xEF\xBB\xBF",
        "t_ms,outcome\n\x01\xff,success\n",
        std::string("t_ms,outcome\n0,succ\0ess\n", 24),
        std::string(100000, '1') + "\n",
        "t_ms,outcome\n0,success\n7,failure",  // no final newline: no error
        "\xEF\xBB\xBFt_ms,outcome\r\n0,success\r\n3,timeout\r\n2,success",
    };
    for (const std::string& text : bad) {
        const std::string want = what_of_parse(text);
        for (std::size_t chunk :
             {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{4096}})
            EXPECT_EQ(stream_all(text, chunk), want) << "chunk " << chunk << ": " << want;
    }
    // The files of test data, a missing file and a directory: load_trace's messages.
    for (const std::string& path :
         {(kTraces / "bad_decreasing.csv").string(), (kTraces / "bad_outcome.csv").string(),
          (kTraces / "bad_header.csv").string(), (kTraces / "bad_number.csv").string(),
          (kTraces / "no_such.csv").string(), kTraces.string()}) {
        const std::string want = error_of([&] { load_trace(path); });
        EXPECT_NE(want, "no error") << path;
        EXPECT_EQ(error_of([&] {
                      CsvTraceSource source(path, 3);
                      TraceRow row;
                      while (source.next(row)) {
                      }
                  }),
                  want)
            << path;
    }
}

// [SECTION] Several configs give each the single-config bytes ------------------------------

TEST(ReplaySet, EveryConfigGetsTheSingleConfigBytesOnEveryGoldenTrace) {
    const std::vector<NamedConfig> configs = all_configs();
    ASSERT_GE(configs.size(), 40u) << "golden traces and the presets";
    int traces = 0, waited = 0;
    for (const std::string& name : golden_traces()) {
        const std::string path = (kTraces / (name + ".csv")).string();
        const Trace trace = load_trace(path);
        for (std::size_t batch : {std::size_t{1}, std::size_t{3}, std::size_t{4096}}) {
            CsvTraceSource source(path, 5);
            ReplaySet set(configs);
            MemorySink sink(configs, source.has_duration());
            run_set(set, source, sink, batch);
            for (std::size_t c = 0; c < configs.size(); ++c) {
                const std::string single = decisions_csv(trace, replay(configs[c].config, trace));
                EXPECT_EQ(sink.files[c]->text(), single)
                    << name << " through " << configs[c].name << ", batch " << batch;
                if (configs[c].name == name) {
                    EXPECT_EQ(sink.files[c]->text(), read_bytes(kTraces / (name + ".expected.csv")))
                        << name;
                    waited += single.find("released_ms") != std::string::npos ? 1 : 0;
                }
                EXPECT_EQ(set.kpis(c).calls, trace.rows.size());
            }
        }
        ++traces;
    }
    EXPECT_GE(traces, 38);
    EXPECT_GE(waited, 3) << "traces whose rows wait widen the file midway";
}

TEST(DecisionsCsvStream, AFileWidenedByAWaitingRowHasTheBytesOfDecisionsCsv) {
    TempDir dir("cbsim_decisions_stream");
    int widened = 0;
    for (const std::string& name : golden_traces()) {
        if (!name.starts_with("cockatiel_")) continue;
        const Trace trace = load_trace((kTraces / (name + ".csv")).string());
        const auto breaker = make_breaker(load_breaker_file((kTraces / (name + ".toml")).string()));
        const std::string path = (dir.path / (name + ".csv")).string();
        DecisionsCsvStream file(path, trace.has_duration);
        Replayer r(*breaker);
        const auto take = [&](const ReplayedRow& x) { ASSERT_TRUE(file.add(x.row, x.decision)); };
        for (const TraceRow& row : trace.rows) {
            r.feed(row);
            r.drain(take);
        }
        r.finish();
        r.drain(take);
        ASSERT_EQ(file.commit(), "");
        const std::string expected = read_bytes(kTraces / (name + ".expected.csv"));
        EXPECT_EQ(read_bytes(path), expected) << name;
        widened += expected.find("released_ms") != std::string::npos ? 1 : 0;
    }
    EXPECT_GE(widened, 3);
    for (const auto& entry : fs::directory_iterator(dir.path))
        EXPECT_FALSE(entry.path().filename().string().starts_with(".")) << "temp file left";
}

// [SECTION] KPIs and bursts ----------------------------------------------------------------

// 15 failures at 100..114 ms, successes at 115 and 116, then 18 successes at 200..217.
// The burst starts at the 10th failure (109) and ends at the 20th row without failure (217).
//   a: trips at the 3rd failure (102): let through 3, rejects 103..116 (14, the two
//      successes good), half-open and closed at 200 (50 ms open, seen at the next call):
//      open 98 ms, delay 0 (open at the burst's start).
//   b: trips at the 12th (111): let through 12, rejects 112..116 (5), open 89 ms, delay 2.
//   c: never trips: let through 15, never open in the burst.
std::string burst_trace() {
    std::string t = "t_ms,outcome\n";
    for (int ms = 100; ms <= 114; ++ms)
        t += std::to_string(ms) + ",failure\n";
    t += "115,success\n116,success\n";
    for (int ms = 200; ms <= 217; ++ms)
        t += std::to_string(ms) + ",success\n";
    return t;
}

TEST(ReplaySet, KpisAndBurstsOfAHandCheckedTrace) {
    const std::vector<NamedConfig> configs = {
        {"a", gobreaker({{"trip.consecutive_failures", 3}, {"timeout_ms", 50}})},
        {"b", gobreaker({{"trip.consecutive_failures", 12}, {"timeout_ms", 50}})},
        {"c", gobreaker({{"trip.consecutive_failures", 20}, {"timeout_ms", 50}})},
    };
    std::istringstream in(burst_trace());
    CsvTraceSource source(in, "burst.csv");
    ReplaySet set(configs);
    MemorySink sink(configs, false);
    run_set(set, source, sink, 4096);
    std::vector<ReplayKpis> kpis;
    for (std::size_t c = 0; c < set.size(); ++c)
        kpis.push_back(set.kpis(c));
    EXPECT_EQ(replay_summary_csv(kpis),
              "config,calls,opens,open_ms,rejected,good_rejected,failures_let_through,bursts,"
              "bursts_opened,open_delay_mean_ms,open_delay_max_ms\n"
              "a,35,1,98,14,2,3,1,1,0,0\n"
              "b,35,1,89,5,2,12,1,1,2,2\n"
              "c,35,0,0,0,0,15,1,0,,\n");
    EXPECT_EQ(sink.bursts,
              "burst,start_ms,end_ms,config,open_delay_ms\n"
              "1,109,217,a,0\n"
              "1,109,217,b,2\n"
              "1,109,217,c,\n");
}

TEST(ReplaySet, TimeOpenRunsToTheLastCompletionAndABurstToTheTraceEnd) {
    // Trips at 0 (one failure), open for 1 s; the row at 10 is rejected although it would
    // have lasted until 110, the end of the replay. Ten failures make a burst still running at
    // the end: it ends at 110 and the breaker, open since 0, has delay 0.
    std::string t = "t_ms,outcome,duration_ms\n0,failure,0\n";
    for (int i = 1; i <= 9; ++i)
        t += "5,failure,0\n";
    t += "10,success,100\n";
    std::istringstream in(t);
    CsvTraceSource source(in, "end.csv");
    const std::vector<NamedConfig> configs = {
        {"one", gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 1000}})}};
    ReplaySet set(configs);
    MemorySink sink(configs, true);
    run_set(set, source, sink, 2);
    const ReplayKpis& k = set.kpis(0);
    EXPECT_EQ(k.opens, 1u);
    EXPECT_EQ(k.open_time, ms(110));
    EXPECT_EQ(k.rejected, 10u);
    EXPECT_EQ(k.good_rejected, 1u);
    EXPECT_EQ(k.failures_let_through, 1u);
    EXPECT_EQ(sink.bursts, std::string(kBurstsCsvHeader) + "1,5,110,one,0\n");
}

TEST(ReplaySummary, EveryColumnIsDocumented) {
    const std::string docs = read_bytes(fs::path(CBSIM_ASSET_DIR) / ".." / "docs" / "BREAKERS.md");
    ASSERT_FALSE(docs.empty());
    for (const ReplaySummaryColumn& c : replay_summary_columns())
        EXPECT_NE(docs.find(std::string("`") + c.name + "`"), std::string::npos) << c.name;
}

TEST(ConfigNames, FromTheFileNameAndChecked) {
    EXPECT_EQ(config_name("a/b/gobreaker_grpc.toml"), "gobreaker_grpc");
    EXPECT_EQ(config_name("x.y.toml"), "x.y");
    EXPECT_EQ(config_name("plain"), "plain");
    EXPECT_EQ(config_name_problem("gobreaker_grpc"), "");
    EXPECT_EQ(config_name_problem("v1.2-b"), "");
    for (const char* bad : {"", "-x", ".hidden", "a b", "a,b", "a/b"})
        EXPECT_NE(config_name_problem(bad), "") << bad;
}

// [SECTION] Bounded memory -----------------------------------------------------------------

/// `n` rows, one every 0.1 ms, durations 0..49 ms, a failure every 7th row.
Trace long_trace(std::size_t n) {
    Trace t;
    t.has_duration = true;
    t.rows.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        TraceRow r;
        r.at = static_cast<SimTime>(i) * 100;
        r.outcome = i % 7 == 0 ? Outcome::failure : Outcome::success;
        r.duration = ms(static_cast<std::int64_t>(i * 13 % 50));
        t.rows.push_back(r);
    }
    return t;
}

/// The most rows that arrive within one longest call (the bound of the buffer: a row waits
/// only for the rows before it that are still in flight, each at most that long).
std::size_t rows_within_longest_call(const Trace& t) {
    SimTime longest = 0;
    for (const TraceRow& r : t.rows)
        longest = std::max(longest, r.duration);
    std::size_t most = 0, first = 0;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        while (t.rows[first].at < t.rows[i].at - longest)
            ++first;
        most = std::max(most, i - first + 1);
    }
    return most;
}

TEST(Replayer, TheBufferHoldsTheCallsInFlightNotTheTrace) {
    // Presets that never hold a call: the buffer is at most the rows of one longest call.
    // cockatiel also holds the calls arriving during its half-open trial (at most one more
    // call's length). The bound does not grow with the trace: 20 times the rows, same bound.
    std::size_t bounds[2] = {};
    int round = 0;
    for (std::size_t n : {std::size_t{20'000}, std::size_t{400'000}}) {
        const Trace t = long_trace(n);
        const std::size_t bound = rows_within_longest_call(t) + 1;
        bounds[round++] = bound;
        for (Preset p : {Preset::gobreaker, Preset::resilience4j, Preset::polly, Preset::hystrix,
                         Preset::opossum, Preset::cockatiel}) {
            const auto breaker = make_breaker(BreakerConfig::defaults(p));
            Replayer r(*breaker);
            std::size_t rows = 0, in_flight_peak = 0;
            for (const TraceRow& row : t.rows) {
                r.feed(row);
                in_flight_peak = std::max(in_flight_peak, r.in_flight());
                r.drain([&](const ReplayedRow&) { ++rows; });
            }
            r.finish();
            r.drain([&](const ReplayedRow&) { ++rows; });
            EXPECT_EQ(rows, n);
            EXPECT_EQ(r.buffered(), 0u);
            EXPECT_GE(r.max_buffered(), in_flight_peak) << "calls in flight stay buffered";
            if (p == Preset::gobreaker) {  // never trips on this trace: every call runs
                EXPECT_GE(in_flight_peak, 150u) << "the trace keeps many calls in flight";
            }
            if (p == Preset::cockatiel) {
                EXPECT_LE(r.max_buffered(), 2 * bound) << n;
            } else {
                EXPECT_LE(r.max_buffered(), bound) << to_string(p) << " " << n;
            }
        }
    }
    EXPECT_EQ(bounds[0], bounds[1]);
    EXPECT_LT(bounds[1], 1000u);
}

}  // namespace
}  // namespace cbsim::test
