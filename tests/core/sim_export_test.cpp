// Export: CSV headers and fixed formatting, the partial last bucket, events, the run
// folder written atomically.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cbsim/export.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario_io.hpp"

#include "common/temp_dir.hpp"

namespace cbsim {
namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::size_t fields(const std::string& line) {
    return static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
}

TEST(SimExport, TimeseriesHasHeaderFixedFormatAndOneRowPerBucketAndEdge) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(3));
    const auto l = lines(timeseries_csv(run));
    ASSERT_EQ(l.size(), 1u + 30u * 2u);
    EXPECT_EQ(l[0],
              "t_s,edge,state,calls,allowed,rejected,successes,failures,timeouts,retries,"
              "fallbacks,failure_rate,latency_p50_ms,latency_p99_ms,inflight,bulkhead_rejected,"
              "open_instances");
    for (std::size_t i = 1; i < l.size(); ++i)
        ASSERT_EQ(fields(l[i]), 17u) << l[i];
    EXPECT_EQ(l[1].rfind("0.000,client->A,closed,", 0), 0u) << l[1];
    EXPECT_EQ(l[2].rfind("0.000,A->B,closed,", 0), 0u) << l[2];
    EXPECT_EQ(l[59].rfind("2.900,client->A,", 0), 0u) << l[59];
    // failure_rate with 4 decimals, latencies with 3.
    std::istringstream row(l[3]);
    std::vector<std::string> f;
    for (std::string x; std::getline(row, x, ',');)
        f.push_back(x);
    EXPECT_EQ(f[11].size(), 6u) << f[11];  // "0.0000"
    EXPECT_EQ(f[12].find('.') + 4, f[12].size()) << f[12];
}

TEST(SimExport, DocsListEveryColumnOfTheExports) {
    std::ifstream in(std::string(CBSIM_ASSET_DIR) + "/../docs/SIMULATION.md");
    ASSERT_TRUE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    for (const auto& spec : kEdgeColumnSpecs) {
        std::string quoted(1, '`');
        quoted.append(spec.name).push_back('`');
        EXPECT_NE(doc.find(quoted), std::string::npos) << spec.name;
    }
    for (const auto& spec : kServiceColumnSpecs)
        EXPECT_NE(doc.find(std::string(spec.name)), std::string::npos) << spec.name;
}

TEST(SimExport, ARowHasAFieldForEveryHeaderColumn) {
    Scenario sc = default_scenario();
    sc.duration_s = 1.0;
    cbsim::Run run(sc);
    run.advance_to(from_s(1));
    for (const std::string& text : {timeseries_csv(run), services_csv(run)}) {
        const auto l = lines(text);
        ASSERT_GT(l.size(), 2u);
        for (const std::string& line : l)
            ASSERT_EQ(fields(line), fields(l[0])) << line;
    }
}

TEST(SimExport, ANegativeZeroChangeReadsTheSameInEventsAndInTheReRun) {
    Scenario sc = default_scenario();
    sc.duration_s = 2.0;
    sc.timeline.push_back({from_s(1), "B.failure_rate", -0.0});
    cbsim::Run run(sc);
    run.advance_to(from_s(2));
    const std::string events = events_csv(run);
    EXPECT_NE(events.find(",B.failure_rate,,0,0,set B.failure_rate\n"), std::string::npos)
        << events;
    EXPECT_EQ(events.find("-0"), std::string::npos) << events;
    // The exported scenario, loaded again, gives the same events.
    const Scenario again =
        parse_scenario_toml(scenario_to_toml(run.exported_scenario()), "scenario.toml");
    cbsim::Run rerun(again);
    rerun.advance_to(from_s(2));
    EXPECT_EQ(events_csv(rerun), events);
}

TEST(SimExport, PartialLastBucketIsExported) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_ms(1250));
    const auto l = lines(timeseries_csv(run));
    ASSERT_EQ(l.size(), 1u + 13u * 2u);
    EXPECT_EQ(l.back().rfind("1.200,A->B,", 0), 0u) << l.back();
    const auto s = lines(services_csv(run));
    EXPECT_EQ(s[0], "t_s,service,arrivals,served,dropped,queue,busy,utilisation");
    EXPECT_EQ(s.size(), 1u + 13u * 2u);
}

TEST(SimExport, MergedRowsExportWithTheCoarserResolutionAndKeepTotals) {
    // A recorder bound of 16 rows: 53 buckets of 100 ms end as 400 ms rows, the last one
    // filling, plus the partial bucket at now().
    cbsim::Run run(default_scenario(), 16);
    run.advance_to(from_ms(5350));
    const auto l = lines(timeseries_csv(run));
    EXPECT_EQ(run.recorder().resolution(), from_ms(400));
    ASSERT_EQ(l.size(), 1u + 14u * 2u);  // rows at 0, 0.4, ..., 5.2 s
    EXPECT_EQ(l[3].rfind("0.400,client->A,", 0), 0u) << l[3];
    EXPECT_EQ(l.back().rfind("5.200,A->B,", 0), 0u) << l.back();
    std::uint64_t calls = 0;
    for (std::size_t i = 1; i < l.size(); i += 2) {
        std::istringstream row(l[i]);
        std::vector<std::string> f;
        for (std::string x; std::getline(row, x, ',');)
            f.push_back(x);
        calls += std::stoull(f[3]);
    }
    EXPECT_EQ(calls, run.requests());
}

TEST(SimExport, EventsListChangesAndTransitionsWithReasons) {
    Scenario sc = default_scenario();
    sc.timeline = {{from_s(1), "B.failure_rate", 1.0}};
    cbsim::Run run(sc);
    run.advance_to(from_s(3));
    const auto l = lines(events_csv(run));
    ASSERT_GE(l.size(), 3u);
    EXPECT_EQ(l[0], "t_s,edge,instance,from,to,reason");
    EXPECT_EQ(l[1], "1.000000,B.failure_rate,,0,1,set B.failure_rate");
    EXPECT_NE(l[2].find(",A->B,"), std::string::npos);
    EXPECT_NE(l[2].find(",closed,open,opened: consecutive_failures 3 >= 3"), std::string::npos);
}

TEST(SimExport, SummaryJsonHasTheKpis) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(2));
    const std::string j = summary_json(run.summary());
    for (const char* k :
         {"\"availability\"", "\"rejected\"", "\"calls_saved\"", "\"retry_amplification\"",
          "\"detection_delay_s\": null", "\"recovery_delay_s\"", "\"false_trips\"",
          "\"seconds_in_state\"", "\"edge\": \"A->B\""})
        EXPECT_NE(j.find(k), std::string::npos) << k;
}

TEST(SimExport, SummaryJsonWritesEachEdgeKpiOfTheTableInItsOrder) {
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(2));
    Summary s = run.summary();
    s.edges.resize(1);
    s.edges[0].good_rejected = 12345;
    const std::string j = summary_json(s);
    std::size_t at = j.find("\"has_breaker\"");
    ASSERT_NE(at, std::string::npos);
    for (const EdgeKpi& k : edge_kpis()) {
        std::string needle = "\"";
        needle.append(k.key).append("\": ");
        const std::size_t next = j.find(needle, at);
        if (k.omit_zero) {
            EXPECT_EQ(next, std::string::npos) << k.key << " is 0 here";
            continue;
        }
        ASSERT_NE(next, std::string::npos) << k.key << " missing or out of order";
        at = next;
    }
    EXPECT_NE(j.find("\"good_rejected\": 12345"), std::string::npos);
    EXPECT_LT(at, j.find("\"seconds_in_state\""));
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(SimExport, StreamedFilesHaveTheSameBytesInPieces) {
    Scenario s = default_scenario();
    s.resolution_ms = 1;  // many rows: the text passes the flush size several times
    cbsim::Run run(s);
    run.advance_to(from_s(60));
    std::string streamed;
    std::size_t pieces = 0;
    const CsvSink sink = [&](std::string_view text) {
        streamed += text;
        ++pieces;
        return true;
    };
    ASSERT_TRUE(write_timeseries_csv(run, sink));
    EXPECT_EQ(streamed, timeseries_csv(run));
    EXPECT_GT(pieces, 3u);
    streamed.clear();
    ASSERT_TRUE(write_services_csv(run, sink));
    EXPECT_EQ(streamed, services_csv(run));
    streamed.clear();
    ASSERT_TRUE(write_events_csv(run, sink));
    EXPECT_EQ(streamed, events_csv(run));
    // A sink that refuses stops the stream and the call says so.
    std::size_t calls = 0;
    EXPECT_FALSE(write_timeseries_csv(run, [&](std::string_view) {
        ++calls;
        return false;
    }));
    EXPECT_EQ(calls, 1u);
}

TEST(SimExport, AnEarlierExportIsReplacedAsAWholeAndOtherFoldersAreRefused) {
    namespace fs = std::filesystem;
    // Per process: test runs of other build trees at the same time use their own folder.
    const fs::path base =
        fs::temp_directory_path() / ("cbsim_sim_export_replace_test_" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(1));
    const std::string dir = (base / "run").string();
    ASSERT_EQ(write_run_folder(run, dir, "name = \"old\"\n"), "");
    const std::string old_ts = slurp(base / "run" / "timeseries.csv");
    run.advance_to(from_s(2));
    // A trailing slash names the same folder.
    ASSERT_EQ(write_run_folder(run, dir + "/", "name = \"new\"\n"), "");
    EXPECT_EQ(slurp(base / "run" / "scenario.toml"), "name = \"new\"\n");
    EXPECT_EQ(slurp(base / "run" / "timeseries.csv"), timeseries_csv(run));
    EXPECT_NE(slurp(base / "run" / "timeseries.csv"), old_ts);
    EXPECT_FALSE(fs::exists(base / "run.staging"));
    EXPECT_FALSE(fs::exists(base / "run.old"));
    // Every export carries the marker.
    EXPECT_TRUE(fs::is_regular_file(base / "run" / ".cbsim-run"));
    // A staging folder left by a killed export (it carries the marker) is cleared by the next.
    fs::create_directory(base / "run.staging");
    std::ofstream(base / "run.staging" / ".cbsim-run") << "cbsim run folder\n";
    std::ofstream(base / "run.staging" / "timeseries.csv") << "t_s,ed";
    ASSERT_EQ(write_run_folder(run, dir, "name = \"again\"\n"), "");
    EXPECT_FALSE(fs::exists(base / "run.staging"));
    EXPECT_EQ(slurp(base / "run" / "timeseries.csv"), timeseries_csv(run));
    // One killed while it wrote the marker itself left only the marker's temp file.
    fs::create_directory(base / "run.staging");
    std::ofstream(base / "run.staging" / "..cbsim-run.tmp-K6aS3e") << "cbsim";
    ASSERT_EQ(write_run_folder(run, dir, "name = \"again\"\n"), "");
    EXPECT_FALSE(fs::exists(base / "run.staging"));
    // A folder holding anything else is refused before anything is written; it names the file.
    std::ofstream(base / "run" / "notes.txt") << "mine";
    const std::string err = write_run_folder(run, dir, "name = \"refused\"\n");
    EXPECT_EQ(err.rfind(dir, 0), 0u) << err;
    EXPECT_NE(err.find("'notes.txt'"), std::string::npos) << err;
    EXPECT_EQ(err, check_run_folder(dir));
    EXPECT_EQ(slurp(base / "run" / "scenario.toml"), "name = \"again\"\n");
    EXPECT_EQ(slurp(base / "run" / "notes.txt"), "mine");
    EXPECT_NE(check_run_folder(base.string() + "/missing/run").find("does not exist"),
              std::string::npos);
    EXPECT_EQ(check_run_folder((base / "fresh").string()), "");
    fs::remove_all(base);
}

/// The default scenario run for one simulated second.
struct OneSecondRun {
    cbsim::Run run{default_scenario()};
    OneSecondRun() { run.advance_to(from_s(1)); }
};

TEST(SimExport, OnlyFoldersCarryingTheMarkerAreDeleted) {
    namespace fs = std::filesystem;
    const test::TempDir scratch("cbsim_sim_export_marker_test");
    const fs::path& base = scratch.path;
    const OneSecondRun one;
    const cbsim::Run& run = one.run;
    const std::string dir = (base / "run").string();
    // A user's folder named DIR.staging, holding their files: refused, untouched.
    fs::create_directory(base / "run.staging");
    std::ofstream(base / "run.staging" / "timeseries.csv") << "mine";
    std::string err = write_run_folder(run, dir, "name = \"x\"\n");
    EXPECT_NE(err.find("run.staging (the staging folder of an export) exists and is not one cbsim "
                       "left"),
              std::string::npos)
        << err;
    EXPECT_EQ(err, check_run_folder(dir));
    EXPECT_EQ(slurp(base / "run.staging" / "timeseries.csv"), "mine");
    EXPECT_FALSE(fs::exists(base / "run"));
    // A file named DIR.staging: refused, untouched.
    fs::remove_all(base / "run.staging");
    std::ofstream(base / "run.staging") << "a file";
    err = write_run_folder(run, dir, "name = \"x\"\n");
    EXPECT_NE(err.find("it is not a directory"), std::string::npos) << err;
    EXPECT_EQ(slurp(base / "run.staging"), "a file");
    fs::remove(base / "run.staging");
    // An earlier export whose timeseries.csv the user replaced by a folder: refused, untouched.
    ASSERT_EQ(write_run_folder(run, dir, "name = \"old\"\n"), "");
    fs::remove(base / "run" / "timeseries.csv");
    fs::create_directory(base / "run" / "timeseries.csv");
    std::ofstream(base / "run" / "timeseries.csv" / "keep.txt") << "mine";
    err = write_run_folder(run, dir, "name = \"x\"\n");
    EXPECT_NE(err.find("'timeseries.csv' is not a regular file"), std::string::npos) << err;
    EXPECT_EQ(slurp(base / "run" / "timeseries.csv" / "keep.txt"), "mine");
    // A folder of run-file names without the marker, other than the five files: refused.
    fs::remove_all(base / "run");
    fs::create_directory(base / "run");
    std::ofstream(base / "run" / "summary.json") << "{}";
    err = check_run_folder(dir);
    EXPECT_NE(err.find("not its marker .cbsim-run"), std::string::npos) << err;
    // An export written before the marker existed (exactly the five files) is replaced.
    for (const char* f : run_folder_files())
        std::ofstream(base / "run" / f) << "old";
    ASSERT_EQ(write_run_folder(run, dir, "name = \"new\"\n"), "");
    EXPECT_EQ(slurp(base / "run" / "scenario.toml"), "name = \"new\"\n");
    EXPECT_TRUE(fs::exists(base / "run" / ".cbsim-run"));
    EXPECT_FALSE(fs::exists(base / "run.staging"));
    // A run folder name past NAME_MAX is refused by check_run_folder, before any run.
    err = check_run_folder((base / std::string(250, 'n')).string());
    EXPECT_NE(err.find("cannot create the staging directory"), std::string::npos) << err;
    EXPECT_NE(err.find("File name too long"), std::string::npos) << err;
    // A parent that is a file is named as such.
    err = check_run_folder((base / "run" / "summary.json" / "x").string());
    EXPECT_NE(err.find("summary.json is not a directory"), std::string::npos) << err;
}

TEST(SimExport, AScenarioTomlTheLoaderWouldRefuseIsNotWritten) {
    const test::TempDir scratch("cbsim_sim_export_size_test");
    EXPECT_EQ(saved_size_problem(kMaxScenarioFileBytes), "");
    const std::string toml(kMaxScenarioFileBytes + 1, '#');
    const std::string err =
        write_run_folder(OneSecondRun().run, (scratch.path / "run").string(), toml);
    EXPECT_NE(err.find("scenario.toml: the scenario saved again would be 67108865 bytes, more "
                       "than the 64 MiB a scenario file may have"),
              std::string::npos)
        << err;
    EXPECT_FALSE(std::filesystem::exists(scratch.path / "run"));
    EXPECT_FALSE(std::filesystem::exists(scratch.path / "run.staging"));
}

TEST(SimExport, RunFolderIsWrittenWholeOrNotAtAll) {
    namespace fs = std::filesystem;
    // Per process: test runs of other build trees at the same time use their own folder.
    const fs::path base =
        fs::temp_directory_path() / ("cbsim_sim_export_test_" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    cbsim::Run run(default_scenario());
    run.advance_to(from_s(1));
    const std::string dir = (base / "run1").string();
    EXPECT_EQ(write_run_folder(run, dir, "name = \"x\"\n"), "");
    for (const char* f :
         {"timeseries.csv", "services.csv", "events.csv", "scenario.toml", "summary.json"})
        EXPECT_TRUE(fs::exists(base / "run1" / f)) << f;
    std::ifstream toml(base / "run1" / "scenario.toml");
    std::string first;
    std::getline(toml, first);
    EXPECT_EQ(first, "name = \"x\"");
    // Into an existing export: replaced as a whole.
    EXPECT_EQ(write_run_folder(run, dir, "name = \"y\"\n"), "");
    // A missing parent or a file in the way: an error, nothing written.
    EXPECT_NE(write_run_folder(run, (base / "no" / "run").string(), ""), "");
    std::ofstream(base / "file") << "x";
    EXPECT_NE(write_run_folder(run, (base / "file").string(), ""), "");
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(base)) {
        (void)e;
        ++entries;
    }
    EXPECT_EQ(entries, 2u);  // run1 and file: no staging directory left
    fs::remove_all(base);
}

}  // namespace
}  // namespace cbsim
