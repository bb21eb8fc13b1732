// Recorder: rows, pairwise merging past the bound, column aggregates against brute force,
// memory on a 24 h run, and reading from another thread while the writer appends.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>

#include "cbsim/recorder.hpp"
#include "cbsim/rng.hpp"

namespace cbsim {
namespace {

EdgeRow row_with(std::uint32_t calls, std::uint32_t inflight, State state = State::closed) {
    EdgeRow r;
    r.calls = calls;
    r.allowed = calls;
    r.successes = calls;
    r.inflight = inflight;
    r.latency_p50_ms = static_cast<float>(calls);
    r.latency_p99_ms = static_cast<float>(2 * calls);
    r.state = state;
    return r;
}

ServiceRow service_row(std::uint32_t arrivals) {
    ServiceRow r;
    r.arrivals = arrivals;
    r.served = arrivals;
    r.busy = 1.0f;
    return r;
}

TEST(SimRecorder, AppendsRowsAndNamesSeries) {
    Recorder rec(from_ms(100), {"client->A", "A->B"}, {"A", "B"});
    EXPECT_EQ(rec.edge_index("A->B"), 1u);
    EXPECT_EQ(rec.service_index("C"), Recorder::npos);
    for (std::uint32_t i = 0; i < 10; ++i) {
        const EdgeRow e[2] = {row_with(i, 0), row_with(10 * i, 1)};
        const ServiceRow s[2] = {service_row(i), service_row(i)};
        rec.append(e, s);
    }
    EXPECT_EQ(rec.row_count(), 10u);
    EXPECT_EQ(rec.recorded_until(), from_s(1));
    const auto rows = rec.edge_rows(1, 3, 2);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].calls, 30u);
    EXPECT_EQ(rows[1].calls, 40u);
    EXPECT_EQ(rec.edge_rows(1, 9).size(), 1u);
    EXPECT_TRUE(rec.edge_rows(1, 10).empty());
    EXPECT_EQ(rec.service_rows(0).size(), 10u);
}

TEST(SimRecorder, MergesPairsPastTheBoundAndKeepsTotals) {
    Recorder rec(from_ms(100), {"e"}, {"s"}, 16);
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < 100; ++i) {
        const EdgeRow e[1] = {row_with(i + 1, i)};
        const ServiceRow s[1] = {service_row(1)};
        rec.append(e, s);
        total += i + 1;
        ASSERT_LE(rec.row_count(), 16u);
    }
    // 100 buckets: resolution 100 ms -> 200 -> 400 -> 800 ms, 13 rows (the last filling).
    EXPECT_EQ(rec.resolution(), from_ms(800));
    const auto rows = rec.edge_rows(0);
    ASSERT_EQ(rows.size(), 13u);
    EXPECT_EQ(rec.last_row_buckets(), 4u);  // 100 = 12 * 8 + 4
    std::uint64_t sum = 0;
    for (const EdgeRow& r : rows)
        sum += r.calls;
    EXPECT_EQ(sum, total);
    EXPECT_EQ(rows[0].calls, 1u + 2 + 3 + 4 + 5 + 6 + 7 + 8);
    EXPECT_EQ(rows[0].inflight, 7u);           // a gauge keeps the later value
    EXPECT_EQ(rows[0].latency_p99_ms, 16.0f);  // p99: the larger
    std::uint64_t arrivals = 0;
    for (const ServiceRow& r : rec.service_rows(0))
        arrivals += r.arrivals;
    EXPECT_EQ(arrivals, 100u);
}

TEST(SimRecorder, ColumnAggregatesMatchBruteForce) {
    Recorder rec(from_ms(100), {"e"}, {});
    Rng rng(4, 4);
    std::vector<EdgeRow> all;
    for (int i = 0; i < 70013; ++i) {  // not a whole number of level blocks (16 rows)
        const auto calls = static_cast<std::uint32_t>(rng.below(1000));
        all.push_back(row_with(calls, 0, rng.bernoulli(0.01) ? State::open : State::closed));
        const EdgeRow e[1] = {all.back()};
        rec.append(e, {});
    }
    const SimTime res = from_ms(100);
    for (std::size_t columns : {7u, 100u, 1000u}) {
        const SimTime t0 = 0, t1 = static_cast<SimTime>(all.size()) * res;
        const auto agg = rec.edge_columns(0, EdgeColumn::calls, t0, t1, columns);
        ASSERT_EQ(agg.size(), columns);
        for (std::size_t c = 0; c < columns; ++c) {
            const std::size_t lo = all.size() * c / columns, hi = all.size() * (c + 1) / columns;
            double mn = 1e9, mx = -1;
            for (std::size_t i = lo; i < hi; ++i) {
                mn = std::min(mn, static_cast<double>(all[i].calls));
                mx = std::max(mx, static_cast<double>(all[i].calls));
            }
            // Levels may blur the edges by less than a column: bounds hold, extremes are close.
            ASSERT_LE(agg[c].min, mn) << columns << " " << c;
            ASSERT_GE(agg[c].max, mx) << columns << " " << c;
            ASSERT_GE(agg[c].rows, hi - lo);
            ASSERT_LE(agg[c].rows, 2 * (hi - lo) + 2 * 4096);
        }
        const auto state = rec.edge_columns(0, EdgeColumn::state, t0, t1, columns);
        for (std::size_t c = 0; c < columns; ++c) {
            const std::size_t lo = all.size() * c / columns, hi = all.size() * (c + 1) / columns;
            const bool open = std::any_of(all.begin() + static_cast<std::ptrdiff_t>(lo),
                                          all.begin() + static_cast<std::ptrdiff_t>(hi),
                                          [](const EdgeRow& r) { return r.state == State::open; });
            if (open) {
                ASSERT_EQ(state[c].max, state_severity(State::open)) << c;
            }
        }
    }
    // Zoomed in (fewer rows than columns): exact values per row.
    const auto zoom = rec.edge_columns(0, EdgeColumn::calls, from_ms(1000), from_ms(2000), 10);
    for (std::size_t c = 0; c < 10; ++c) {
        EXPECT_EQ(zoom[c].rows, 1u);
        EXPECT_EQ(zoom[c].first, static_cast<double>(all[10 + c].calls));
    }
    // Outside the data: empty columns.
    const auto after = rec.edge_columns(0, EdgeColumn::calls, from_s(100000), from_s(100001), 4);
    for (const ColumnAgg& a : after)
        EXPECT_EQ(a.rows, 0u);
}

TEST(SimRecorder, StateSeverityOrdersStatesFromFlowingToStopped) {
    // Calls flowing < probing < stopped; within a group the operator's override ranks higher.
    const State order[] = {State::closed,    State::metrics_only, State::disabled,
                           State::half_open, State::open,         State::forced_open};
    static_assert(std::size(order) == kStates);
    for (std::size_t i = 0; i < kStates; ++i)
        EXPECT_EQ(state_severity(order[i]), static_cast<int>(i)) << to_string(order[i]);
}

TEST(SimRecorder, StateColumnRecordsTheSeveritySoAColumnShowsItsWorstMoment) {
    Recorder rec(from_ms(100), {"A->B"}, {});
    // 64 buckets: half_open once at row 5, open once at row 40, disabled from row 50 on.
    for (std::uint32_t i = 0; i < 64; ++i) {
        State s = i >= 50 ? State::disabled : State::closed;
        if (i == 5) s = State::half_open;
        if (i == 40) s = State::open;
        const EdgeRow e[1] = {row_with(1, 0, s)};
        rec.append(e, {});
    }
    EXPECT_EQ(rec.edge_rows(0)[40].value(EdgeColumn::state), state_severity(State::open));
    // Two columns of 32 rows each, read from the level entries of 16 rows.
    const auto two = rec.edge_columns(0, EdgeColumn::state, 0, from_ms(6400), 2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].max, state_severity(State::half_open));
    EXPECT_EQ(two[0].min, state_severity(State::closed));
    EXPECT_EQ(two[1].max, state_severity(State::open)) << "the open bucket is not hidden";
    EXPECT_EQ(two[1].last, state_severity(State::disabled));
}

TEST(SimRecorder, ColumnSpecsNameEveryColumnOnce) {
    std::set<std::string> names;
    for (const auto& spec : kEdgeColumnSpecs) {
        EXPECT_STREQ(to_string(spec.column), spec.name);
        EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
        EXPECT_NE(std::string(spec.meaning), "");
    }
    names.clear();
    for (const auto& spec : kServiceColumnSpecs) {
        EXPECT_STREQ(to_string(spec.column), spec.name);
        EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
        EXPECT_NE(std::string(spec.meaning), "");
    }
}

TEST(SimRecorder, TwentyFourHoursStayWithinMemoryBound) {
    // 24 h at 100 ms for a 2-edge, 2-service scenario: 864000 buckets.
    Recorder rec(from_ms(100), {"client->A", "A->B"}, {"A", "B"});
    const EdgeRow e[2] = {row_with(100, 5), row_with(100, 5)};
    const ServiceRow s[2] = {service_row(100), service_row(100)};
    for (int i = 0; i < 864000; ++i)
        rec.append(e, s);
    EXPECT_LE(rec.row_count(), Recorder::kDefaultMaxRows);
    EXPECT_EQ(rec.recorded_until(), from_s(86400));
    EXPECT_LT(rec.memory_bytes(), 60u << 20);
    std::uint64_t calls = 0;
    for (const EdgeRow& r : rec.edge_rows(1))
        calls += r.calls;
    EXPECT_EQ(calls, 86400000u);
}

TEST(SimRecorder, EventsAreCappedAndCounted) {
    Recorder rec(from_ms(100), {"e"}, {});
    rec.add_event(EventRecord{EventRecord::Kind::transition, 5, "e", 0, "closed", "open", "x"});
    ASSERT_EQ(rec.event_count(), 1u);
    EXPECT_EQ(rec.events()[0].reason, "x");
    EXPECT_EQ(rec.events_dropped(), 0u);
}

TEST(SimRecorder, ReadersOnAnotherThreadSeeConsistentPrefixes) {
    Recorder rec(from_ms(100), {"e"}, {"s"}, 4096);
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> checks{0};
    std::thread reader([&] {
        while (!done.load()) {
            const auto rows = rec.edge_rows(0);
            // Every row holds calls == 1 per bucket merged into it: totals never exceed buckets.
            std::uint64_t sum = 0;
            for (const EdgeRow& r : rows)
                sum += r.calls;
            const SimTime until = rec.recorded_until();
            EXPECT_LE(sum, static_cast<std::uint64_t>(until / from_ms(100)) + 0u);
            const auto agg = rec.edge_columns(0, EdgeColumn::calls, 0, until + 1, 50);
            EXPECT_EQ(agg.size(), 50u);
            (void)rec.live(0);
            checks.fetch_add(1);
        }
    });
    const EdgeRow e[1] = {row_with(1, 0)};
    const ServiceRow s[1] = {service_row(1)};
    for (int i = 0; i < 200000; ++i)
        rec.append(e, s);
    while (checks.load() < 5)
        std::this_thread::yield();
    done = true;
    reader.join();
    std::uint64_t sum = 0;
    for (const EdgeRow& r : rec.edge_rows(0))
        sum += r.calls;
    EXPECT_EQ(sum, 200000u);
}

}  // namespace
}  // namespace cbsim
