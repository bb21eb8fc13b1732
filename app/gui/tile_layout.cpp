#include "tile_layout.hpp"

#include <algorithm>
#include <cmath>

namespace cbsim::gui {
namespace {

float weight_of(const TileItem& item, const TileSizes& sizes) {
    const auto it = sizes.weights.find(item.key);
    return it != sizes.weights.end() && it->second > 0.0f ? it->second : item.default_weight;
}

float share_or(float share, float fallback) {
    return share > 0.0f ? std::clamp(share, kMinColumnShare, kMaxColumnShare) : fallback;
}

/// The open items of column `c`, top to bottom.
std::vector<std::size_t> column_items(const std::vector<TileItem>& items, int c) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].open && items[i].column == c) out.push_back(i);
    }
    std::stable_sort(out.begin(), out.end(),
                     [&](std::size_t a, std::size_t b) { return items[a].row < items[b].row; });
    return out;
}

}  // namespace

Tiling tile(const TileRect& area, const std::vector<TileItem>& items, const TileSizes& sizes,
            const TileLimits& limits) {
    Tiling t;
    t.rects.assign(items.size(), TileRect{});
    std::array<std::vector<std::size_t>, 3> cols;
    for (int c = 0; c < 3; ++c)
        cols[static_cast<std::size_t>(c)] = column_items(items, c);
    const bool has_l = !cols[0].empty(), has_c = !cols[1].empty(), has_r = !cols[2].empty();
    const float W = area.w(), gap = limits.gap;

    // Column widths: the sides as chosen, the centre the rest (never under the minimum while
    // the window allows it); without a centre the right column (else the left) takes the rest.
    float l = has_l ? std::floor(W * share_or(sizes.left, kDefaultLeftWidth)) : 0.0f;
    float r = has_r ? std::floor(W * share_or(sizes.right, kDefaultRightWidth)) : 0.0f;
    const int n_cols = int(has_l) + int(has_c) + int(has_r);
    const float gaps = gap * static_cast<float>(std::max(0, n_cols - 1));
    float c = 0.0f;
    if (has_c) {
        c = W - l - r - gaps;
        if (c < limits.min_w && l + r > 0.0f) {
            const float take = std::min(limits.min_w - c, std::max(0.0f, l + r - 2 * limits.min_w));
            const float lf = l / (l + r);
            l -= std::floor(take * lf);
            r -= take - std::floor(take * lf);
            c = W - l - r - gaps;
        }
    } else if (has_r) {
        r = W - l - gaps;
    } else if (has_l) {
        l = W;
    }
    float x = area.x0;
    const std::array<float, 3> widths{l, c, r};
    for (std::size_t k = 0; k < 3; ++k) {
        if (cols[k].empty()) {
            t.columns[k] = TileRect{x, area.y0, x, area.y1};
            continue;
        }
        t.columns[k] = TileRect{x, area.y0, x + widths[k], area.y1};
        x += widths[k] + gap;
    }
    const float margin = std::max(2.0f, gap * 0.5f);
    // Column borders: right of the left column, left of the right column (when the centre
    // is there; without it the left border alone moves and the right column takes the rest).
    if (has_l && (has_c || has_r)) {
        const float bx = t.columns[0].x1;
        t.splitters.push_back(Splitter{Splitter::Kind::left_column, 0, 0,
                                       TileRect{bx - margin, area.y0, bx + gap + margin, area.y1}});
    }
    if (has_r && has_c) {
        const float bx = t.columns[2].x0;
        t.splitters.push_back(Splitter{Splitter::Kind::right_column, 0, 0,
                                       TileRect{bx - gap - margin, area.y0, bx + margin, area.y1}});
    }

    // Rows: each open panel its weight's share of the column's height.
    for (std::size_t k = 0; k < 3; ++k) {
        const std::vector<std::size_t>& col = cols[k];
        if (col.empty()) continue;
        float total = 0.0f;
        for (std::size_t i : col)
            total += weight_of(items[i], sizes);
        const float H = area.h() - gap * static_cast<float>(col.size() - 1);
        float y = area.y0;
        for (std::size_t n = 0; n < col.size(); ++n) {
            const std::size_t i = col[n];
            const float h = n + 1 == col.size()
                                ? area.y1 - y
                                : std::floor(H * weight_of(items[i], sizes) / total);
            t.rects[i] = TileRect{t.columns[k].x0, y, t.columns[k].x1, y + h};
            y += h + gap;
            if (n + 1 < col.size()) {
                const float by = t.rects[i].y1;
                t.splitters.push_back(Splitter{
                    Splitter::Kind::row, i, col[n + 1],
                    TileRect{t.columns[k].x0, by - margin, t.columns[k].x1, by + gap + margin}});
            }
        }
    }
    return t;
}

TileSizes drag_splitter(const TileRect& area, const std::vector<TileItem>& items,
                        const TileSizes& from_sizes, const Tiling& from, const Splitter& splitter,
                        float delta, const TileLimits& limits) {
    TileSizes out = from_sizes;
    const float W = area.w();
    if (W <= 0.0f) return out;
    const auto& cols = from.columns;
    // The room the other columns need: their minimum widths and the gaps.
    auto others_min = [&](std::size_t self) {
        float need = 0.0f;
        for (std::size_t k = 0; k < 3; ++k) {
            if (k == self || cols[k].w() <= 0.0f) continue;
            // The column that takes the rest (centre, or right without a centre) needs its
            // minimum; a side column keeps the width it has.
            const bool takes_rest = k == 1 || (k == 2 && cols[1].w() <= 0.0f);
            need += (takes_rest ? limits.min_w : cols[k].w()) + limits.gap;
        }
        return need;
    };
    auto clamp_share = [&](float w, std::size_t self) {
        const float hi = std::max(limits.min_w, W - others_min(self));
        const float px = std::clamp(w, std::min(limits.min_w, hi), hi);
        return std::clamp(px / W, kMinColumnShare, kMaxColumnShare);
    };
    switch (splitter.kind) {
        case Splitter::Kind::left_column:
            out.left = clamp_share(cols[0].w() + delta, 0);
            break;
        case Splitter::Kind::right_column:
            out.right = clamp_share(cols[2].w() - delta, 2);
            break;
        case Splitter::Kind::row: {
            const TileRect& a = from.rects[splitter.above];
            const TileRect& b = from.rects[splitter.below];
            const float both = a.h() + b.h();
            if (both < 2 * limits.min_h) break;
            const float ha = std::clamp(a.h() + delta, limits.min_h, both - limits.min_h);
            const float wa = weight_of(items[splitter.above], from_sizes);
            const float wb = weight_of(items[splitter.below], from_sizes);
            out.weights[items[splitter.above].key] = (wa + wb) * ha / both;
            out.weights[items[splitter.below].key] = (wa + wb) * (both - ha) / both;
            break;
        }
    }
    return out;
}

}  // namespace cbsim::gui
