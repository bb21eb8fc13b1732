// Access logs (cbsim/access_log.hpp): every format round-trips a known trace through the
// generator and the reader byte for byte; gzip and rotated files; bad lines, unmatched files,
// key split, failure rule, field mapping, reorder window.
#include "cbsim/access_log.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cbsim/breaker_config.hpp"
#include "cbsim/error.hpp"
#include "common/temp_dir.hpp"

namespace cbsim {
namespace {

using test::TempDir;

const std::string kData = std::string(CBSIM_TEST_DATA_DIR) + "/logs/";
// Situations the traces describe; every_third_1s.csv is the whole-second one.
const char* const kTraces[] = {"every_third.csv", "outage_30s.csv", "grpc_consecutive.csv"};

std::string trace_text(const std::string& name) {
    return test::read_bytes(kData + name);
}

std::string round_trip(const std::string& trace_name, LogFormat format,
                       const std::string& layout = "") {
    const std::string text = trace_text(trace_name);
    const Trace trace = parse_trace(text, trace_name);
    SynthOptions synth;
    synth.format = format;
    synth.log_format = layout;
    parse_iso8601("2026-12-07T03:00:00Z", synth.start);
    // One directory per format and trace: ctest runs the formats' tests side by side.
    TempDir dir("cbsim_access_log_rt_" + std::string(log_format_info(format).name) + "_" +
                trace_name + (layout.empty() ? "" : "_layout"));
    const std::string log = dir.file("access.log", synth_log(trace, synth, trace_name));
    LogOptions options;
    options.format = format;
    options.log_format = layout;
    LogReader reader({log}, options);
    const std::string back = read_log_as_trace(reader, true);
    EXPECT_EQ(reader.stats().records, trace.rows.size());
    EXPECT_EQ(reader.stats().skipped(), 0u);
    return back;
}

class RoundTrip : public testing::TestWithParam<LogFormat> {};

TEST_P(RoundTrip, GeneratedLogImportsBackToTheSameTrace) {
    const LogFormat format = GetParam();
    const bool whole_seconds = log_format_info(format).resolution == kSecond;
    if (whole_seconds) {
        // nginx's default layout stamps the end with whole seconds: the whole-second trace.
        EXPECT_EQ(round_trip("every_third_1s.csv", format), trace_text("every_third_1s.csv"));
        // The situations with durations need a finer time, which the generator refuses.
        const Trace trace = parse_trace(trace_text("every_third.csv"), "every_third.csv");
        SynthOptions synth;
        synth.format = format;
        EXPECT_THROW(synth_log(trace, synth, "every_third.csv"), ConfigError);
        return;
    }
    for (const char* name : kTraces) {
        SCOPED_TRACE(name);
        EXPECT_EQ(round_trip(name, format), trace_text(name));
    }
}

INSTANTIATE_TEST_SUITE_P(EveryFormat, RoundTrip,
                         testing::Values(LogFormat::nginx, LogFormat::envoy, LogFormat::haproxy,
                                         LogFormat::json, LogFormat::csv),
                         [](const auto& param_info) {
                             return std::string(log_format_info(param_info.param).name);
                         });

TEST(AccessLog, FormatTableCoversEveryFormatOnce) {
    ASSERT_EQ(log_formats().size(), 5u);
    for (const LogFormatInfo& f : log_formats()) {
        EXPECT_EQ(find_log_format(f.name), &f);
        EXPECT_EQ(&log_format_info(f.format), &f);
        // The table's example line parses in its own format.
        LogOptions options;
        options.format = f.format;
        LineParser parser(options);
        std::string why;
        if (parser.needs_header())
            parser.header("time,method,path,status,duration_ms,upstream", "x");
        LogRecord r;
        EXPECT_TRUE(parser.parse(f.example, r, why)) << f.name << ": " << why;
        EXPECT_EQ(r.status, 200) << f.name;
        EXPECT_EQ(r.duration, 12 * kMillisecond) << f.name;
    }
    EXPECT_EQ(find_log_format("apache"), nullptr);
}

TEST(AccessLog, NginxLayoutWithMsecKeepsMilliseconds) {
    const std::string layout =
        "$remote_addr - $remote_user [$msec] \"$request\" $status $body_bytes_sent "
        "\"$http_referer\" \"$http_user_agent\" $request_time $upstream_addr";
    for (const char* name : kTraces) {
        SCOPED_TRACE(name);
        EXPECT_EQ(round_trip(name, LogFormat::nginx, layout), trace_text(name));
    }
}

TEST(AccessLog, NginxStartIsTheLoggedTimeMinusRequestTime) {
    LogOptions options;
    LineParser parser(options);
    LogRecord r;
    std::string why;
    ASSERT_TRUE(
        parser.parse("1.2.3.4 - - [07/Dec/2026:04:00:01 +0100] \"GET /a?b HTTP/1.1\" 503 "
                     "0 \"-\" \"x\" 0.250",
                     r, why))
        << why;
    SimTime end = 0;
    ASSERT_TRUE(parse_iso8601("2026-12-07T03:00:01Z", end));
    EXPECT_EQ(r.at, end - 250 * kMillisecond);
    EXPECT_EQ(r.outcome, Outcome::failure);
    EXPECT_EQ(parser.logged(r), end);
}

TEST(AccessLog, GzipAndRotatedFilesAreReadInTimeOrder) {
    const std::string text = trace_text("outage_30s.csv");
    const Trace trace = parse_trace(text, "outage_30s.csv");
    SynthOptions synth;
    synth.format = LogFormat::envoy;
    const std::string log = synth_log(trace, synth, "outage_30s.csv");
    // Three rotated pieces: the oldest gzip-compressed, given in the wrong order.
    std::vector<std::string> lines;
    for (std::size_t p = 0, q; p < log.size(); p = q + 1) {
        q = log.find('\n', p);
        lines.push_back(log.substr(p, q - p + 1));
    }
    const std::size_t a = lines.size() / 3, b = 2 * lines.size() / 3;
    auto join = [&](std::size_t from, std::size_t to) {
        std::string s;
        for (std::size_t i = from; i < to; ++i)
            s += lines[i];
        return s;
    };
    TempDir dir("cbsim_access_log_rotated");
    const std::string oldest = (dir.path / "access.log.2.gz").string();
    gzFile gz = gzopen(oldest.c_str(), "wb");
    ASSERT_NE(gz, nullptr);
    const std::string first = join(0, a);
    gzwrite(gz, first.data(), static_cast<unsigned>(first.size()));
    gzclose(gz);
    const std::string middle = dir.file("access.log.1", join(a, b));
    const std::string newest = dir.file("access.log", join(b, lines.size()));
    LogOptions options;
    options.format = LogFormat::envoy;
    LogReader reader({newest, oldest, middle}, options);
    EXPECT_EQ(reader.files(), (std::vector<std::string>{oldest, middle, newest}));
    EXPECT_EQ(read_log_as_trace(reader, true), text);
}

TEST(AccessLog, EqualStartsKeepFileRankThenLineOrder) {
    TempDir dir("cbsim_access_log_equal");
    const std::string line200 =
        "{\"time\":\"2026-12-07T03:00:00Z\",\"status\":200,\"duration_ms\":1}\n";
    const std::string line500 =
        "{\"time\":\"2026-12-07T03:00:00Z\",\"status\":500,\"duration_ms\":2}\n";
    const std::string f1 = dir.file("a.json", line200 + line500);
    const std::string f2 = dir.file("b.json", line500 + line200);
    LogOptions options;
    options.format = LogFormat::json;
    LogReader reader({f2, f1}, options);  // equal first times: the given order ranks them
    EXPECT_EQ(read_log_as_trace(reader, true),
              "t_ms,outcome,duration_ms\n0,failure,2\n0,success,1\n0,success,1\n0,failure,2\n");
}

TEST(AccessLog, BadLinesAreSkippedAndReported) {
    const std::string text = trace_text("every_third.csv");
    const Trace trace = parse_trace(text, "every_third.csv");
    SynthOptions synth;
    synth.format = LogFormat::haproxy;
    std::string log = synth_log(trace, synth, "every_third.csv");
    // Garbage at lines 1, 3 and after the end; a blank line is not a line read.
    log = "garbage one\n" + log.substr(0, log.find('\n') + 1) + "\x01\x02 binary\n\n" +
          log.substr(log.find('\n') + 1) + "truncated [07/Dec/2026:03:00:00.000] x\n";
    TempDir dir("cbsim_access_log_bad");
    const std::string path = dir.file("haproxy.log", log);
    LogOptions options;
    options.format = LogFormat::haproxy;
    LogReader reader({path}, options);
    EXPECT_EQ(read_log_as_trace(reader, true), text);
    const LogStats& s = reader.stats();
    EXPECT_EQ(s.lines, trace.rows.size() + 3);
    EXPECT_EQ(s.skipped(), 3u);
    EXPECT_EQ(s.skipped_by[static_cast<int>(SkipReason::format)], 3u);
    ASSERT_EQ(s.first_skipped.size(), 3u);
    EXPECT_EQ(s.first_skipped[0].line, 1u);
    EXPECT_EQ(s.first_skipped[0].file, path);
    EXPECT_EQ(s.first_skipped[0].text, "garbage one");
    EXPECT_EQ(s.first_skipped[1].line, 3u);
    EXPECT_EQ(s.first_skipped[1].text, "\\x01\\x02 binary");
    EXPECT_EQ(s.first_skipped[2].line, trace.rows.size() + 4);
    EXPECT_EQ(s.failures, 100u);
}

TEST(AccessLog, DurationsAboveAYearAreSkippedInEveryUnit) {
    // HAProxy logs its total time in ms: a count whose microseconds pass 64 bits (found by the
    // fuzzer) and one just above a year are skipped with the reason; a year exactly is a call.
    LogOptions options;
    options.format = LogFormat::haproxy;
    const LineParser parser(options);
    const auto line = [](const std::string& total) {
        return "<134>Dec  7 03:00:01 lb1 haproxy[1]: 10.0.0.1:1 [07/Dec/2026:03:00:01.250] fe "
               "be/srv 0/0/0/1/" +
               total + " 200 10 - - ---- 1/1/0/0/0 0/0 \"GET /a HTTP/1.1\"";
    };
    const std::string year_ms = std::to_string(366LL * 24 * 3600 * 1000);
    for (const std::string& total :
         {std::string("12700220144444444"), std::string("9223372036854775"),
          std::to_string(366LL * 24 * 3600 * 1000 + 1)}) {
        SCOPED_TRACE(total);
        LogRecord r;
        std::string why;
        EXPECT_FALSE(parser.parse(line(total), r, why));
        EXPECT_EQ(why, "a duration above a year");
    }
    LogRecord r;
    std::string why;
    ASSERT_TRUE(parser.parse(line(year_ms), r, why)) << why;
    EXPECT_EQ(r.duration, 366LL * 24 * 3600 * kSecond);
    ASSERT_TRUE(parser.parse(line("+250"), r, why)) << why;
    EXPECT_EQ(r.duration, 250 * kMillisecond);
    EXPECT_EQ(r.status, 200);
}

TEST(AccessLog, ALineLongerThanAChunkIsSkippedAndTheRestRead) {
    const std::string text = trace_text("grpc_consecutive.csv");
    SynthOptions synth;
    synth.format = LogFormat::json;
    std::string log = synth_log(parse_trace(text, "g"), synth, "g");
    const std::size_t second = log.find('\n') + 1;
    log.insert(second, "{\"time\":\"" + std::string(3 << 20, 'x') + "\"}\n");
    TempDir dir("cbsim_access_log_long");
    LogOptions options;
    options.format = LogFormat::json;
    LogReader reader({dir.file("long.json", log)}, options);
    EXPECT_EQ(read_log_as_trace(reader, true), text);
    EXPECT_EQ(reader.stats().skipped_by[static_cast<int>(SkipReason::too_long)], 1u);
    ASSERT_EQ(reader.stats().first_skipped.size(), 1u);
    EXPECT_EQ(reader.stats().first_skipped[0].line, 2u);
}

TEST(AccessLog, FileWithNoParsableLineIsRefusedNamingItsFirstLine) {
    TempDir dir("cbsim_access_log_unmatched");
    const std::string good = dir.file(
        "good.log",
        synth_log(parse_trace(trace_text("every_third_1s.csv"), "t"), SynthOptions{}, "t"));
    const std::string bad = dir.file("other.log", "\nthis is not nginx\nnor this\n");
    LogOptions options;
    try {
        LogReader reader({good, bad}, options);
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), bad);
        EXPECT_EQ(e.line(), 2);
        EXPECT_NE(std::string(e.what()).find("first line: 'this is not nginx'"), std::string::npos)
            << e.what();
    }
    // One file is not ranked (it may be a pipe): the first next() finds out.
    auto read_one = [&](const std::string& path) {
        LogReader reader({path}, options);
        return read_log_as_trace(reader, true);
    };
    EXPECT_THROW(read_one(bad), ConfigError);
    EXPECT_THROW(read_one(dir.file("empty.log", "")), ConfigError);
    EXPECT_THROW(read_one(dir.file("blank.log", "\n  \n")), ConfigError);
    EXPECT_THROW(read_one((dir.path / "missing.log").string()), ConfigError);
    EXPECT_THROW(read_one(dir.path.string()), ConfigError);
}

TEST(AccessLog, KeySplitGivesEachRecordItsUpstreamRouteOrField) {
    const Trace trace = parse_trace(trace_text("grpc_consecutive.csv"), "g");
    TempDir dir("cbsim_access_log_keys");
    for (LogFormat format : {LogFormat::envoy, LogFormat::haproxy, LogFormat::json}) {
        SynthOptions synth;
        synth.format = format;
        const std::string path = dir.file("log", synth_log(trace, synth, "g"));
        for (KeyKind key : {KeyKind::upstream, KeyKind::route}) {
            LogOptions options;
            options.format = format;
            options.key = key;
            LogReader reader({path}, options);
            LogRecord r;
            std::vector<std::string> keys;
            while (reader.next(r))
                if (std::find(keys.begin(), keys.end(), r.key) == keys.end()) keys.push_back(r.key);
            EXPECT_GE(keys.size(), 2u) << log_format_info(format).name << " key " << int(key);
            for (const std::string& k : keys) {
                if (key == KeyKind::route) {
                    EXPECT_EQ(k.rfind("/", 0), 0u) << k;
                } else {
                    EXPECT_NE(k.find(format == LogFormat::haproxy ? "be_api/srv" : ":8080"),
                              std::string::npos)
                        << k;
                }
            }
        }
    }
    // A field the layout does not have is refused; a named nginx variable works.
    LogOptions missing;
    missing.key = KeyKind::upstream;  // nginx combined has no $upstream_addr
    EXPECT_THROW(LineParser{missing}, ConfigError);
    LogOptions host;
    host.key = KeyKind::field;
    host.key_field = "$http_user_agent";
    LineParser parser(host);
    LogRecord r;
    std::string why;
    ASSERT_TRUE(parser.parse(log_formats()[0].example, r, why)) << why;
    EXPECT_EQ(r.key, "curl/7.88.1");
    EXPECT_EQ(sanitize_key("10.0.3.7:8080"), "10.0.3.7_8080");
    EXPECT_EQ(sanitize_key(""), "none");
    EXPECT_EQ(sanitize_key("../etc"), "_._etc");
}

TEST(AccessLog, FailureRuleGrammar) {
    const FailureRule def;
    EXPECT_EQ(def.text(), kDefaultFailureRule);
    EXPECT_TRUE(def.failed(500, -1));
    EXPECT_TRUE(def.failed(429, -1));
    EXPECT_FALSE(def.failed(404, -1));
    EXPECT_FALSE(def.failed(-1, 5 * kSecond));
    const FailureRule r = FailureRule::parse("(status>=500 && status!=501) || duration_ms > 250.5");
    EXPECT_TRUE(r.failed(502, 0));
    EXPECT_FALSE(r.failed(501, 0));
    EXPECT_TRUE(r.failed(200, 250501));
    EXPECT_FALSE(r.failed(200, 250500));
    EXPECT_TRUE(FailureRule::parse("!(status<400)").failed(404, 0));
    EXPECT_FALSE(FailureRule::parse("!(status<400)").failed(-1, 0) &&
                 FailureRule::parse("status<400").failed(-1, 0));
    for (const char* bad : {"", "status", "status >= x", "status >= 500 ||", "latency > 3",
                            "(status == 1", "status == 1000"}) {
        SCOPED_TRACE(bad);
        try {
            FailureRule::parse(bad);
            ADD_FAILURE() << "accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.file(), "--failure");
            EXPECT_NE(std::string(e.what()).find("column"), std::string::npos) << e.what();
        }
    }
}

TEST(AccessLog, TimeoutAndRuleDecideTheOutcome) {
    LogOptions options;
    options.format = LogFormat::json;
    options.timeout = 500 * kMillisecond;
    options.failure = FailureRule::parse("status>=400");
    LineParser parser(options);
    LogRecord r;
    std::string why;
    ASSERT_TRUE(parser.parse(
        R"({"time":"2026-12-07T03:00:00.5Z","status":200,"duration_ms":500.001})", r, why));
    EXPECT_EQ(r.outcome, Outcome::timeout);
    ASSERT_TRUE(
        parser.parse(R"({"time":"2026-12-07T03:00:00Z","status":404,"duration_ms":500})", r, why));
    EXPECT_EQ(r.outcome, Outcome::failure);
    ASSERT_TRUE(parser.parse(R"({"time":"2026-12-07T03:00:00Z","status":200})", r, why));
    EXPECT_EQ(r.outcome, Outcome::success);
    EXPECT_EQ(r.duration, -1);
}

TEST(AccessLog, FieldMappingWithUnitsReadsOpenTelemetrySpans) {
    const FieldMap map = parse_field_map(
        "time=startTimeUnixNano:ns,end=endTimeUnixNano:ns,status=status.code,route=name");
    EXPECT_EQ(field_map_text(map),
              "time=startTimeUnixNano:ns,end=endTimeUnixNano:ns,status=status.code,route=name");
    LogOptions options;
    options.format = LogFormat::json;
    options.fields = map;
    options.failure = FailureRule::parse("status==2");
    options.key = KeyKind::route;
    LineParser parser(options);
    LogRecord r;
    std::string why;
    ASSERT_TRUE(parser.parse(
        R"({"traceId":"5b8aa5a2","name":"GET /cart","kind":2,"startTimeUnixNano":"1796612400123456789",)"
        R"("endTimeUnixNano":"1796612400223456789","attributes":[{"key":"http.status_code","value":{"intValue":503}}],)"
        R"("status":{"code":2,"message":"upstream"}})",
        r, why))
        << why;
    EXPECT_EQ(r.at, 1796612400123456);
    EXPECT_EQ(r.duration, 100 * kMillisecond);
    EXPECT_EQ(r.outcome, Outcome::failure);
    EXPECT_EQ(r.key, "GET /cart");
    for (const char* bad : {"status=code", "time=", "time=ts:hours", "when=ts",
                            "time=a,duration=b:iso", "time=a,end=b,duration=c"}) {
        SCOPED_TRACE(bad);
        EXPECT_THROW(parse_field_map(bad), ConfigError);
    }
}

TEST(AccessLog, JsonAndCsvNumbersWithExponentsAreReadExactly) {
    // Python's json.dumps writes 0.000012 as 1.2e-05: the exponent moves the decimal point,
    // exactly (no floating point), cut at the microsecond like any other number.
    LogOptions options;
    options.format = LogFormat::json;
    options.fields = parse_field_map("time=ts:s,duration=latency:s,status=code");
    LineParser parser(options);
    struct Case {
        const char* ts;
        const char* latency;
        SimTime at, duration;
    };
    for (const Case& c : {
             Case{"1765076401.25", "1.2e-05", 1765076401250000, 12},
             Case{"1.76507640125E9", "1.2E-5", 1765076401250000, 12},
             Case{"1.765076401250001e+9", "12e-3", 1765076401250001, 12000},
             Case{"1765076401", "0.5e1", 1765076401000000, 5 * kSecond},
             Case{"1765076401", "3e0", 1765076401000000, 3 * kSecond},
             Case{"1765076401", "1e-6", 1765076401000000, 1},
             Case{"1765076401", "1.9e-6", 1765076401000000, 1},
             Case{"1765076401", "9e-7", 1765076401000000, 0},
             Case{"1765076401", "5e-300", 1765076401000000, 0},
             Case{"1765076401", "0.00125e3", 1765076401000000, 1250 * kMillisecond},
         }) {
        SCOPED_TRACE(std::string(c.ts) + " " + c.latency);
        LogRecord r;
        std::string why;
        ASSERT_TRUE(parser.parse(
            std::string(R"({"ts": )") + c.ts + R"(, "latency": )" + c.latency + R"(, "code": 200})",
            r, why))
            << why;
        EXPECT_EQ(r.at, c.at);
        EXPECT_EQ(r.duration, c.duration);
    }
    const char* const bad[] = {"1e",    "1e+",  "e5",   ".5e1",      "1.e5", "1e5.5",
                               "1e1e1", "-1e3", "1e41", "1e9999999", "1x5"};
    for (const char* b : bad) {
        SCOPED_TRACE(b);
        LogRecord r;
        std::string why;
        // Not a duration ("e5" and ".5e1" are not even JSON numbers).
        EXPECT_FALSE(parser.parse(
            std::string(R"({"ts": 1765076401, "latency": )") + b + R"(, "code": 200})", r, why));
    }
    // csv: the same numbers in columns.
    options.format = LogFormat::csv;
    LineParser csv(options);
    csv.header("ts,latency,code", "calls.csv");
    LogRecord r;
    std::string why;
    ASSERT_TRUE(csv.parse("1.76507640125e9,2.5e-2,503", r, why)) << why;
    EXPECT_EQ(r.at, 1765076401250000);
    EXPECT_EQ(r.duration, 25 * kMillisecond);
    EXPECT_EQ(r.outcome, Outcome::failure);
    for (const char* b : bad) {
        SCOPED_TRACE(b);
        EXPECT_FALSE(csv.parse(std::string("1765076401,") + b + ",200", r, why));
        EXPECT_NE(why.find("'" + std::string(b) + "' in latency is not a duration"),
                  std::string::npos)
            << why;
    }
}

TEST(AccessLog, CsvNeedsItsMappedColumnsInTheHeader) {
    TempDir dir("cbsim_access_log_csv");
    const std::string path = dir.file("calls.csv", "when,code\n2026-12-07T03:00:00Z,200\n");
    LogOptions options;
    options.format = LogFormat::csv;
    try {
        LogReader reader({path}, options);
        LogRecord r;
        reader.next(r);
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line(), 1);
        EXPECT_EQ(e.key(), "time");
    }
    options.fields = parse_field_map("time=when,status=code");
    LogReader reader({path}, options);
    EXPECT_EQ(read_log_as_trace(reader, false), "t_ms,outcome\n0,success\n");
}

TEST(AccessLog, ACsvHeaderOfManyQuotedColumnsFindsEachMappedOne) {
    // Every quoted field is decoded into storage the field list points into: adding the
    // later ones must leave the earlier ones intact (the fuzzer found views left dangling).
    TempDir dir("cbsim_access_log_quoted");
    std::string header, row;
    for (int c = 0; c < 40; ++c) {
        if (c > 0) {
            header.push_back(',');
            row.push_back(',');
        }
        header.append("\"col").append(std::to_string(c)).push_back('"');
        row.append(c == 3 ? "2026-12-07T03:00:00Z" : c == 31 ? "503" : "x");
    }
    const std::string path = dir.file("quoted.csv", header + "\n" + row + "\n");
    LogOptions options;
    options.format = LogFormat::csv;
    options.fields = parse_field_map("time=col3,status=col31");
    LogReader reader({path}, options);
    EXPECT_EQ(read_log_as_trace(reader, false), "t_ms,outcome\n0,failure\n");
}

TEST(AccessLog, LinesLaterThanTheReorderWindowAreSkipped) {
    TempDir dir("cbsim_access_log_late");
    std::string log;
    for (int s = 0; s < 10; ++s)
        log += "{\"time\":\"2026-12-07T03:00:0" + std::to_string(s) + "Z\",\"status\":200}\n";
    log += "{\"time\":\"2026-12-07T03:00:01.5Z\",\"status\":500}\n";  // 7.5 s late
    log += "{\"time\":\"2026-12-07T03:00:08.5Z\",\"status\":500}\n";  // 0.5 s late
    const std::string path = dir.file("late.json", log);
    LogOptions options;
    options.format = LogFormat::json;
    options.reorder = 2 * kSecond;
    LogReader reader({path}, options);
    const std::string trace = read_log_as_trace(reader, false);
    EXPECT_NE(trace.find("8500,failure\n9000,success\n"), std::string::npos) << trace;
    EXPECT_EQ(trace.find("1500,"), std::string::npos) << trace;
    EXPECT_EQ(reader.stats().skipped_by[static_cast<int>(SkipReason::late)], 1u);
    options.reorder = 10 * kSecond;
    LogReader wide({path}, options);
    EXPECT_NE(read_log_as_trace(wide, false).find("1000,success\n1500,failure\n"),
              std::string::npos);
}

TEST(AccessLog, TimeParsers) {
    SimTime t = 0;
    ASSERT_TRUE(parse_iso8601("1970-01-01T00:00:00Z", t));
    EXPECT_EQ(t, 0);
    ASSERT_TRUE(parse_iso8601("2026-12-07T04:00:00.1234567+01:00", t));
    EXPECT_EQ(format_iso8601(t), "2026-12-07T03:00:00.123456Z");
    for (const char* bad : {"2026-13-07T03:00:00Z", "2026-12-07T03:00:00", "2026-12-07T03:00:00.Z",
                            "1969-12-31T23:59:59Z", "2026-12-07T03:00:00+0100x"}) {
        EXPECT_FALSE(parse_iso8601(bad, t)) << bad;
    }
}

}  // namespace
}  // namespace cbsim

namespace cbsim {
namespace {

TEST(AccessLog, ReplayOfALogEqualsReplayOfItsTrace) {
    const std::string text = test::read_bytes(kData + "outage_30s.csv");
    const Trace trace = parse_trace(text, "outage_30s.csv");
    SynthOptions synth;
    synth.format = LogFormat::haproxy;
    TempDir dir("cbsim_access_log_replay");
    const std::string log = dir.file("haproxy.log", synth_log(trace, synth, "outage_30s.csv"));
    LogOptions options;
    options.format = LogFormat::haproxy;
    LogReader reader({log}, options);
    const Trace from_log = read_log_trace(reader);
    ASSERT_EQ(from_log.rows.size(), trace.rows.size());
    const BreakerConfig config = BreakerConfig::defaults(Preset::gobreaker);
    const std::string want = decisions_csv(trace, replay(config, trace));
    EXPECT_EQ(decisions_csv(from_log, replay(config, from_log)), want);
    EXPECT_NE(want.find(",rejected,"), std::string::npos);  // the outage opened the breaker
}

TEST(AccessLog, DocsShowEveryFormatOfTheTable) {
    const std::string doc =
        test::read_bytes(std::string(CBSIM_TEST_DATA_DIR) + "/../../docs/IMPORT.md");
    ASSERT_FALSE(doc.empty());
    for (const LogFormatInfo& f : log_formats()) {
        SCOPED_TRACE(f.name);
        EXPECT_NE(doc.find("\n### " + std::string(f.name) + "\n"), std::string::npos);
        EXPECT_NE(doc.find("| `" + std::string(f.name) + "` |"), std::string::npos);
        EXPECT_NE(doc.find("\n    " + std::string(f.layout) + "\n"), std::string::npos);
        EXPECT_NE(doc.find("\n    " + std::string(f.example) + "\n"), std::string::npos);
    }
    std::string rule = kDefaultFailureRule;  // in a markdown table cell: \|\|
    rule.replace(rule.find("||"), 2, "\\|\\|");
    EXPECT_NE(doc.find(rule), std::string::npos) << rule;
}

}  // namespace
}  // namespace cbsim
