#include "widgets/plot_math.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace cbsim::gui::plot {
namespace {

TEST(AxisMap, MapsBothWaysAndInvertsForY) {
    const AxisMap x{{10.0, 20.0}, 100.0, 300.0};
    EXPECT_DOUBLE_EQ(x.to_px(10.0), 100.0);
    EXPECT_DOUBLE_EQ(x.to_px(15.0), 200.0);
    EXPECT_DOUBLE_EQ(x.to_value(250.0), 17.5);
    const AxisMap y{{0.0, 1.0}, 400.0, 100.0};  // larger values higher up
    EXPECT_DOUBLE_EQ(y.to_px(1.0), 100.0);
    EXPECT_DOUBLE_EQ(y.to_px(0.25), 325.0);
    EXPECT_DOUBLE_EQ(y.to_value(y.to_px(0.7)), 0.7);
    const AxisMap flat{{5.0, 5.0}, 0.0, 10.0};
    EXPECT_DOUBLE_EQ(flat.to_px(5.0), 0.0);
}

TEST(AutoRange, PadsIncludesZeroAndNeverCollapses) {
    Range r = auto_range(2.0, 4.0, false, 0.1);
    EXPECT_DOUBLE_EQ(r.lo, 1.8);
    EXPECT_DOUBLE_EQ(r.hi, 4.2);
    r = auto_range(2.0, 4.0, true, 0.0);
    EXPECT_DOUBLE_EQ(r.lo, 0.0);
    EXPECT_DOUBLE_EQ(r.hi, 4.0);
    r = auto_range(0.0, 0.0, true, 0.05);
    EXPECT_GT(r.span(), 0.0);
    EXPECT_GE(r.lo, -1e-12);  // counts never show negative space
    r = auto_range(3.0, 3.0, false, 0.0);
    EXPECT_LT(r.lo, 3.0);
    EXPECT_GT(r.hi, 3.0);
    r = auto_range(std::numeric_limits<double>::quiet_NaN(), 1.0, false, 0.0);
    EXPECT_DOUBLE_EQ(r.lo, 0.0);
    EXPECT_DOUBLE_EQ(r.hi, 1.0);
}

TEST(NiceTicks, UsesOneTwoFiveSteps) {
    Ticks t = nice_ticks({0.0, 1.0}, 6);
    EXPECT_DOUBLE_EQ(t.step, 0.2);
    ASSERT_EQ(t.values.size(), 6u);
    EXPECT_DOUBLE_EQ(t.values.front(), 0.0);
    EXPECT_NEAR(t.values.back(), 1.0, 1e-12);
    t = nice_ticks({-3.0, 97.0}, 5);
    EXPECT_DOUBLE_EQ(t.step, 50.0);
    EXPECT_EQ(t.values, (std::vector<double>{0.0, 50.0}));
    t = nice_ticks({0.001, 0.0043}, 4);
    EXPECT_DOUBLE_EQ(t.step, 0.002);
    ASSERT_EQ(t.values.size(), 2u);
    EXPECT_NEAR(t.values[0], 0.002, 1e-15);
    EXPECT_NEAR(t.values[1], 0.004, 1e-15);
    for (int max : {2, 3, 5, 8, 11}) {
        const Ticks u = nice_ticks({-12.3, 4567.8}, max);
        EXPECT_LE(static_cast<int>(u.values.size()), max);
        EXPECT_GE(u.values.size(), 1u);
        for (double v : u.values) {
            EXPECT_GE(v, -12.3);
            EXPECT_LE(v, 4567.8);
        }
    }
    EXPECT_TRUE(nice_ticks({1.0, 1.0}, 5).values.empty());
}

TEST(TimeTicks, SnapsToClockSteps) {
    Ticks t = time_ticks({0.0, 600.0}, 6);  // 10 minutes
    EXPECT_DOUBLE_EQ(t.step, 120.0);
    EXPECT_EQ(t.values.size(), 6u);
    t = time_ticks({0.0, 86400.0}, 8);  // a day
    EXPECT_DOUBLE_EQ(t.step, 21600.0);
    t = time_ticks({100.0, 100.5}, 6);  // half a second
    EXPECT_DOUBLE_EQ(t.step, 0.1);
    t = time_ticks({0.0, 86400.0 * 30}, 6);
    EXPECT_LE(t.values.size(), 6u);
    EXPECT_GE(t.step, 86400.0);
}

TEST(Format, ValuesAndTimes) {
    EXPECT_EQ(format_value(0.25, 0.05), "0.25");
    EXPECT_EQ(format_value(1200.0, 100.0), "1200");
    EXPECT_EQ(format_value(15000.0, 5000.0), "15k");
    EXPECT_EQ(format_value(-0.0001, 0.1), "0.0");
    EXPECT_EQ(format_time(12.5, 0.5), "12.5s");
    EXPECT_EQ(format_time(45.0, 5.0), "45s");
    EXPECT_EQ(format_time(185.0, 60.0), "3:05");
    EXPECT_EQ(format_time(3723.0, 600.0), "1:02:03");
    EXPECT_EQ(format_time(61.25, 0.001), "1:01.250");
    EXPECT_EQ(format_time(3599.9996, 0.001), "1:00:00.000");
    EXPECT_EQ(format_time(86399.0, 1.0), "23:59:59");
    EXPECT_EQ(format_time(93784.5, 0.5), "1d 02:03:04.5");
    EXPECT_EQ(format_time(2 * 86400.0, 86400.0), "2d");
    EXPECT_EQ(format_time(2 * 86400.0, 3600.0), "2d 00:00:00");
}

TEST(ColumnExtent, SpansTheNonEmptyColumnsOnly) {
    std::vector<ColumnAgg> cols(4);
    double lo = 0, hi = 0;
    EXPECT_FALSE(column_extent(cols, lo, hi)) << "no column has rows";
    cols[1] = ColumnAgg{-1, 5, 0.5, 4, 16};
    cols[3] = ColumnAgg{2, 7, 3, 6, 1};
    cols[2] = ColumnAgg{-50, 50, 0, 0, 0};  // no rows: its values are not data
    ASSERT_TRUE(column_extent(cols, lo, hi));
    EXPECT_DOUBLE_EQ(lo, -1);
    EXPECT_DOUBLE_EQ(hi, 7);
    EXPECT_DOUBLE_EQ(cols[1].mid(), 2.0);
    EXPECT_TRUE(cols[0].empty());
}

TEST(ColumnAt, MapsPixelsToColumns) {
    EXPECT_EQ(column_at(100.0, 100.0, 200.0, 100), 0);
    EXPECT_EQ(column_at(299.9, 100.0, 200.0, 100), 99);
    EXPECT_EQ(column_at(200.0, 100.0, 200.0, 100), 50);
    EXPECT_EQ(column_at(99.0, 100.0, 200.0, 100), -1);
    EXPECT_EQ(column_at(300.0, 100.0, 200.0, 100), -1);
}

TEST(Navigation, FollowZoomPanClamp) {
    EXPECT_EQ(follow_live(10.0, 60.0), (Range{0.0, 60.0}));
    EXPECT_EQ(follow_live(100.0, 60.0), (Range{40.0, 100.0}));
    Range z = zoom({0.0, 100.0}, 25.0, 0.5, 1.0);
    EXPECT_DOUBLE_EQ(z.lo, 12.5);
    EXPECT_DOUBLE_EQ(z.hi, 62.5);  // the anchor keeps its place (a quarter in)
    z = zoom({0.0, 2.0}, 1.0, 0.01, 1.0);
    EXPECT_DOUBLE_EQ(z.span(), 1.0);
    EXPECT_EQ(pan({10.0, 20.0}, -5.0), (Range{5.0, 15.0}));
    EXPECT_EQ(clamp_view({-5.0, 5.0}, {0.0, 100.0}), (Range{0.0, 10.0}));
    EXPECT_EQ(clamp_view({95.0, 105.0}, {0.0, 100.0}), (Range{90.0, 100.0}));
    EXPECT_EQ(clamp_view({-10.0, 200.0}, {0.0, 100.0}), (Range{0.0, 100.0}));
    EXPECT_EQ(centre_on(30.0, 20.0), (Range{20.0, 40.0}));
}

TEST(SplitRuns, SharesEndPointsAndCoversAll) {
    const auto runs = split_runs(10, 4);
    ASSERT_EQ(runs.size(), 3u);
    EXPECT_EQ(runs[0], (std::pair<std::size_t, std::size_t>{0, 4}));
    EXPECT_EQ(runs[1], (std::pair<std::size_t, std::size_t>{3, 7}));
    EXPECT_EQ(runs[2], (std::pair<std::size_t, std::size_t>{6, 10}));
    EXPECT_EQ(split_runs(3, 4).size(), 1u);
    EXPECT_TRUE(split_runs(0, 4).empty());
    const std::size_t max_points = max_points_for(32000, 4);
    EXPECT_EQ(max_points, 8000u);
    for (const auto& [b, e] : split_runs(100000, max_points))
        EXPECT_LE((e - b) * 4, 32000u);
}

}  // namespace
}  // namespace cbsim::gui::plot
