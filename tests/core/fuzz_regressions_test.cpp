// Replays every input kept in tests/fuzz/regressions/ and the fuzz seed corpus through the
// same property checks the fuzzers use (fuzz_checks.hpp), in every build, so a crash once
// found by the fuzzers stays fixed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../fuzz/fuzz_checks.hpp"
#include "cbsim/compare.hpp"

namespace cbsim {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(const std::string& kind) {
    std::vector<fs::path> out;
    for (const char* group : {"regressions", "corpus"}) {
        const fs::path dir = fs::path(CBSIM_FUZZ_DIR) / group / kind;
        if (!fs::is_directory(dir)) continue;
        for (const auto& e : fs::directory_iterator(dir)) {
            if (e.is_regular_file()) out.push_back(e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Seed files named invalid_* must be refused, the other seeds accepted; regression inputs
// only have to keep the properties.
void expect_verdict(const fs::path& f, fuzz::Verdict got) {
    if (f.parent_path().parent_path().filename() != "corpus") return;
    const bool invalid = f.filename().string().rfind("invalid_", 0) == 0;
    EXPECT_EQ(got, invalid ? fuzz::Verdict::refused : fuzz::Verdict::accepted) << f;
}

TEST(FuzzRegressions, ScenarioInputsKeepTheLoaderProperties) {
    const auto files = inputs("scenario");
    ASSERT_GE(files.size(), 2u);
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        expect_verdict(f, fuzz::check_scenario_text(slurp(f)));
    }
}

TEST(FuzzRegressions, ScenarioInputsKeepTheRunProperties) {
    const auto files = inputs("scenario");
    ASSERT_GE(files.size(), 3u);
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        expect_verdict(f, fuzz::check_scenario_run(slurp(f)));
    }
}

TEST(FuzzRegressions, ShippedScenariosKeepTheRunProperties) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(fs::path(CBSIM_ASSET_DIR) / "scenarios")) {
        SCOPED_TRACE(e.path().string());
        // A compare file names a scenario (checked as its own file) and variants.
        if (load_compare_file(e.path().string())) continue;
        EXPECT_EQ(fuzz::check_scenario_run(slurp(e.path())), fuzz::Verdict::accepted);
        ++n;
    }
    EXPECT_GE(n, 5u);
}

TEST(FuzzRegressions, BreakerInputsKeepTheLoaderProperties) {
    const auto files = inputs("breaker");
    ASSERT_GE(files.size(), 4u);
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        expect_verdict(f, fuzz::check_breaker_text(slurp(f)));
    }
}

TEST(FuzzRegressions, TraceInputsKeepTheReaderProperties) {
    const auto files = inputs("trace");
    ASSERT_GE(files.size(), 3u);
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        expect_verdict(f, fuzz::check_trace_text(slurp(f)));
    }
}

TEST(FuzzRegressions, LogInputsKeepTheParserProperties) {
    for (const LogFormatInfo& f : log_formats()) {
        const auto files = inputs(std::string("log_") + f.name);
        ASSERT_GE(files.size(), 2u) << f.name;
        for (const auto& file : files) {
            SCOPED_TRACE(file.string());
            expect_verdict(file, fuzz::check_log_text(f.format, slurp(file)));
        }
    }
}

TEST(FuzzRegressions, BrokenPropertiesAreDetected) {
    // The checks themselves must be able to fail: a refused input is reported as refused.
    EXPECT_EQ(fuzz::check_scenario_text("name = [unterminated"), fuzz::Verdict::refused);
    EXPECT_EQ(fuzz::check_breaker_text("[breaker]\npreset = \"no-such-preset\"\n"),
              fuzz::Verdict::refused);
    EXPECT_EQ(fuzz::check_breaker_text("[breaker]\npreset = \"gobreaker\"\n"),
              fuzz::Verdict::accepted);
    EXPECT_EQ(fuzz::check_trace_text("t_ms,outcome\n5,success\n4,failure\n"),
              fuzz::Verdict::refused);
    EXPECT_EQ(fuzz::check_trace_text("t_ms,outcome\n5,success\n"), fuzz::Verdict::accepted);
    EXPECT_EQ(fuzz::check_log_text(LogFormat::envoy, "no log\n"), fuzz::Verdict::refused);
    EXPECT_EQ(fuzz::check_log_text(LogFormat::envoy, log_format_info(LogFormat::envoy).example),
              fuzz::Verdict::accepted);
}

}  // namespace
}  // namespace cbsim
