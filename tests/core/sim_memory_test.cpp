// sim_memory_test.cpp: the recorder's row budget and Run::memory_holders /
// out_of_memory_reason, which name what holds a run's memory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cbsim/recorder.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario_io.hpp"

namespace cbsim {
namespace {

using ::testing::HasSubstr;

TEST(SimMemory, RowBoundSharesOneBudgetAcrossSeries) {
    // Small scenarios keep the full bound; large ones get fewer rows, never fewer than kMinRows.
    EXPECT_EQ(Recorder::rows_within_budget(2, 2), Recorder::kDefaultMaxRows);
    const std::size_t rows50 = Recorder::rows_within_budget(50, 50);
    EXPECT_LT(rows50, Recorder::kDefaultMaxRows);
    EXPECT_LE(rows50 * Recorder::bucket_bytes(50, 50), Recorder::kRowBudgetBytes);
    EXPECT_GT(2 * rows50 * Recorder::bucket_bytes(50, 50), Recorder::kRowBudgetBytes);
    EXPECT_EQ(Recorder::rows_within_budget(5000, 5000), Recorder::kMinRows);
    EXPECT_GT(Recorder::bucket_bytes(1, 0), sizeof(EdgeRow));
    EXPECT_GT(Recorder::bucket_bytes(0, 1), sizeof(ServiceRow));
}

TEST(SimMemory, ManySeriesStayWithinTheRowBudget) {
    std::vector<std::string> edges, services;
    for (int i = 0; i < 50; ++i) {
        const std::string n = std::to_string(i);
        edges.push_back(n + "->x");
        services.push_back(n);
    }
    Recorder rec(from_ms(100), edges, services);
    EXPECT_EQ(rec.max_rows(), Recorder::rows_within_budget(50, 50));
    const std::vector<EdgeRow> e(50, EdgeRow{.calls = 3});
    const std::vector<ServiceRow> s(50, ServiceRow{.arrivals = 3});
    const std::size_t buckets = 3 * rec.max_rows() + 5;
    for (std::size_t i = 0; i < buckets; ++i)
        rec.append(e, s);
    EXPECT_LE(rec.row_count(), rec.max_rows());
    EXPECT_LE(rec.memory().rows, Recorder::kRowBudgetBytes);
    std::uint64_t calls = 0;
    for (const EdgeRow& r : rec.edge_rows(7))
        calls += r.calls;
    EXPECT_EQ(calls, 3 * buckets);  // merging loses no count
}

TEST(SimMemory, EventsBeyondTheCapAreCountedNotKept) {
    Recorder rec(from_ms(100), {"A->B"}, {});
    const std::size_t extra = 3;
    for (std::size_t i = 0; i < Recorder::kMaxEvents + extra; ++i) {
        rec.add_event(EventRecord{EventRecord::Kind::transition, static_cast<SimTime>(i), "A->B", 0,
                                  "closed", "open", "opened: consecutive_failures 3 >= 3"});
    }
    EXPECT_EQ(rec.event_count(), Recorder::kMaxEvents);
    EXPECT_EQ(rec.events_dropped(), extra);
    EXPECT_EQ(rec.events(Recorder::kMaxEvents - 1)[0].at,
              static_cast<SimTime>(Recorder::kMaxEvents - 1));  // the first ones are kept
    EXPECT_LT(rec.memory().events, std::size_t{80} << 20);
}

Scenario test_scenario(const std::string& name) {
    return load_scenario_file(std::string(CBSIM_TEST_DATA_DIR) + "/" + name);
}

TEST(SimMemory, QueuedCallsAreNamedWithTheirService) {
    cbsim::Run run(test_scenario("oom_queue.toml"));  // an unbounded queue at B
    run.advance_to(from_s(20));
    const auto holders = run.memory_holders();
    ASSERT_FALSE(holders.empty());
    EXPECT_EQ(holders.front().kind, MemoryHolder::Kind::queued_calls);
    EXPECT_EQ(holders.front().where, "B");
    for (std::size_t i = 1; i < holders.size(); ++i)
        EXPECT_GE(holders[i - 1].bytes, holders[i].bytes);  // largest first
    const std::string reason = out_of_memory_reason(run);
    EXPECT_THAT(reason, HasSubstr("calls queued at service B"));
    EXPECT_THAT(reason, HasSubstr("B.queue_limit"));
}

TEST(SimMemory, RecorderRowsAreNamedWhenTheyHoldTheMost) {
    // 1 ms buckets and almost no traffic: the rows grow, the calls do not.
    cbsim::Run run(test_scenario("oom_rows.toml"));
    run.advance_to(from_s(600));
    const auto holders = run.memory_holders();
    ASSERT_FALSE(holders.empty());
    EXPECT_EQ(holders.front().kind, MemoryHolder::Kind::recorder_rows);
    EXPECT_EQ(holders.front().bytes, run.recorder().memory().rows);
    EXPECT_THAT(out_of_memory_reason(run), HasSubstr("the recorder's rows hold the most"));
}

}  // namespace
}  // namespace cbsim
