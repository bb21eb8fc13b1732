#include "tile_layout.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "event_cache.hpp"
#include "panels/panel.hpp"
#include "panels/registry.hpp"
#include "view_state.hpp"

namespace cbsim::gui {
namespace {

const TileRect kArea{0, 20, 1280, 780};
const TileLimits kLimits{4, 160, 60};

/// The app's panels as the registry places them.
std::vector<TileItem> registry_items() {
    std::vector<TileItem> items;
    for (const PanelSpec& s : panel_specs())
        items.push_back(
            TileItem{s.key, static_cast<int>(s.column), s.row, s.share, s.open_at_start});
    return items;
}

std::size_t index_of(const std::vector<TileItem>& items, const std::string& key) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].key == key) return i;
    }
    ADD_FAILURE() << "no item " << key;
    return 0;
}

const Splitter* find_splitter(const Tiling& t, Splitter::Kind kind, std::size_t above = 0) {
    for (const Splitter& s : t.splitters) {
        if (s.kind == kind && (kind != Splitter::Kind::row || s.above == above)) return &s;
    }
    return nullptr;
}

/// No two open panels overlap, each lies inside the area, and the gaps are exactly `gap`.
void expect_tiled(const Tiling& t, const std::vector<TileItem>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].open) {
            EXPECT_EQ(t.rects[i].w() * t.rects[i].h(), 0.0f) << items[i].key;
            continue;
        }
        const TileRect& a = t.rects[i];
        EXPECT_GE(a.x0, kArea.x0);
        EXPECT_LE(a.x1, kArea.x1);
        EXPECT_GE(a.y0, kArea.y0);
        EXPECT_LE(a.y1, kArea.y1);
        EXPECT_GE(a.w(), kLimits.min_w - 1) << items[i].key;
        EXPECT_GE(a.h(), kLimits.min_h - 1) << items[i].key;
        for (std::size_t j = i + 1; j < items.size(); ++j) {
            if (!items[j].open) continue;
            const TileRect& b = t.rects[j];
            const bool apart = a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;
            EXPECT_TRUE(apart) << items[i].key << " overlaps " << items[j].key;
        }
    }
}

TEST(TileLayout, DefaultLayoutFillsTheAreaInThreeColumns) {
    const auto items = registry_items();
    const Tiling t = tile(kArea, items, TileSizes{}, kLimits);
    expect_tiled(t, items);
    const TileRect& run = t.rects[index_of(items, "run")];
    const TileRect& services = t.rects[index_of(items, "services")];
    const TileRect& plots = t.rects[index_of(items, "plots")];
    const TileRect& breaker = t.rects[index_of(items, "breaker")];
    EXPECT_EQ(run.x0, kArea.x0);
    EXPECT_EQ(run.w(), std::floor(1280 * kDefaultLeftWidth));
    EXPECT_EQ(services.y0, run.y1 + kLimits.gap) << "stacked with one gap";
    EXPECT_EQ(services.y1, kArea.y1) << "the last of a column reaches the bottom";
    EXPECT_EQ(plots.x0, run.x1 + kLimits.gap);
    EXPECT_EQ(breaker.x1, kArea.x1);
    EXPECT_EQ(breaker.w(), std::floor(1280 * kDefaultRightWidth));
    EXPECT_EQ(breaker.x0, plots.x1 + kLimits.gap);
    // Two column borders and one border per pair of neighbours in a column: 1 + 3 + 1.
    EXPECT_EQ(t.splitters.size(), 2u + 5u);
}

TEST(TileLayout, AColumnWithEveryPanelClosedTakesNoWidth) {
    auto items = registry_items();
    items[index_of(items, "breaker")].open = false;
    items[index_of(items, "summary")].open = false;
    const Tiling t = tile(kArea, items, TileSizes{}, kLimits);
    expect_tiled(t, items);
    EXPECT_EQ(t.rects[index_of(items, "plots")].x1, kArea.x1)
        << "the centre takes the right's width";
    EXPECT_EQ(find_splitter(t, Splitter::Kind::right_column), nullptr);
    // The centre closed as well: the left column alone fills the width.
    for (const char* k : {"topology", "plots", "edges", "events"})
        items[index_of(items, k)].open = false;
    const Tiling left_only = tile(kArea, items, TileSizes{}, kLimits);
    EXPECT_EQ(left_only.rects[index_of(items, "run")].w(), kArea.w());
    EXPECT_TRUE(left_only.splitters.size() == 1u) << "only the border between run and services";
}

TEST(TileLayout, DraggingAColumnBorderMovesItAndStopsAtTheMinimum) {
    const auto items = registry_items();
    const Tiling t = tile(kArea, items, TileSizes{}, kLimits);
    const Splitter* left = find_splitter(t, Splitter::Kind::left_column);
    ASSERT_NE(left, nullptr);
    const float before = t.rects[index_of(items, "run")].w();
    TileSizes moved = drag_splitter(kArea, items, TileSizes{}, t, *left, 100.0f, kLimits);
    Tiling t2 = tile(kArea, items, moved, kLimits);
    expect_tiled(t2, items);
    EXPECT_NEAR(t2.rects[index_of(items, "run")].w(), before + 100.0f, 1.0f);
    EXPECT_EQ(t2.rects[index_of(items, "breaker")].w(), t.rects[index_of(items, "breaker")].w())
        << "the other side column keeps its width";
    // Far to the left: the left column stops at its minimum (and at the smallest share).
    moved = drag_splitter(kArea, items, TileSizes{}, t, *left, -5000.0f, kLimits);
    t2 = tile(kArea, items, moved, kLimits);
    EXPECT_GE(t2.rects[index_of(items, "run")].w(), kLimits.min_w - 1);
    // Far to the right: the centre keeps its minimum.
    moved = drag_splitter(kArea, items, TileSizes{}, t, *left, 5000.0f, kLimits);
    t2 = tile(kArea, items, moved, kLimits);
    expect_tiled(t2, items);
    EXPECT_GE(t2.rects[index_of(items, "plots")].w(), kLimits.min_w - 1);
    // The right border moves the other way round.
    const Splitter* right = find_splitter(t, Splitter::Kind::right_column);
    ASSERT_NE(right, nullptr);
    moved = drag_splitter(kArea, items, TileSizes{}, t, *right, -80.0f, kLimits);
    t2 = tile(kArea, items, moved, kLimits);
    EXPECT_NEAR(t2.rects[index_of(items, "breaker")].w(),
                t.rects[index_of(items, "breaker")].w() + 80.0f, 1.0f);
}

TEST(TileLayout, DraggingARowBorderTradesHeightBetweenItsTwoPanelsOnly) {
    const auto items = registry_items();
    const Tiling t = tile(kArea, items, TileSizes{}, kLimits);
    const std::size_t plots = index_of(items, "plots"), edges = index_of(items, "edges");
    const std::size_t topology = index_of(items, "topology"), events = index_of(items, "events");
    const Splitter* s = find_splitter(t, Splitter::Kind::row, plots);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->below, edges);
    const TileSizes moved = drag_splitter(kArea, items, TileSizes{}, t, *s, -50.0f, kLimits);
    const Tiling t2 = tile(kArea, items, moved, kLimits);
    expect_tiled(t2, items);
    EXPECT_NEAR(t2.rects[plots].h(), t.rects[plots].h() - 50.0f, 1.0f);
    EXPECT_NEAR(t2.rects[edges].h(), t.rects[edges].h() + 50.0f, 1.0f);
    EXPECT_NEAR(t2.rects[topology].h(), t.rects[topology].h(), 1.0f) << "others unchanged";
    EXPECT_NEAR(t2.rects[events].h(), t.rects[events].h(), 1.0f);
    // Never below the minimum height.
    const TileSizes squeezed = drag_splitter(kArea, items, TileSizes{}, t, *s, 5000.0f, kLimits);
    const Tiling t3 = tile(kArea, items, squeezed, kLimits);
    EXPECT_NEAR(t3.rects[edges].h(), kLimits.min_h, 1.0f);
}

TEST(TileLayout, SplittersLieInTheGaps) {
    const auto items = registry_items();
    const Tiling t = tile(kArea, items, TileSizes{}, kLimits);
    for (const Splitter& s : t.splitters) {
        // The middle of the hit area is in no panel.
        const float x = (s.hit.x0 + s.hit.x1) / 2, y = (s.hit.y0 + s.hit.y1) / 2;
        for (std::size_t i = 0; i < items.size(); ++i)
            EXPECT_FALSE(t.rects[i].contains(x, y)) << items[i].key;
    }
}

TEST(PanelRegistry, EveryRowBuildsItsPanelWithItsIdTitleAndShortcut) {
    ViewState view;
    EventCache events;
    const PanelContext context{view, events, std::string(CBSIM_ASSET_DIR) + "/scenarios",
                               std::string(CBSIM_ASSET_DIR) + "/presets"};
    std::array<int, kColumnCount> per_column{};
    for (const PanelSpec& spec : panel_specs()) {
        const std::unique_ptr<Panel> p = spec.make(context);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(p->panel_id(), spec.id);
        EXPECT_EQ(p->id(), spec.key);
        EXPECT_EQ(p->title(), spec.title);
        EXPECT_EQ(p->shortcut(), spec.digit == 0 ? "" : "Ctrl+" + std::to_string(spec.digit));
        EXPECT_GT(spec.share, 0.0f);
        ++per_column[static_cast<std::size_t>(spec.column)];
    }
    for (int n : per_column)
        EXPECT_GT(n, 0) << "every column has a panel";
}

}  // namespace
}  // namespace cbsim::gui
