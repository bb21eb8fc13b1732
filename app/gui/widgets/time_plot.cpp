// time_plot.cpp
//
// [SECTION] TimeView
// [SECTION] begin: layout and interaction
// [SECTION] Items: collected during the frame
// [SECTION] end: y fit, grid, items, markers
// [SECTION] Legend and hover read-out
#include "widgets/time_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cbsim::gui {
namespace {

constexpr int kMaxCallVertices = 30000;  // under 32k: 16-bit indices with headroom
constexpr ImU32 kPlotBg = IM_COL32(18, 20, 24, 255);
constexpr ImU32 kGrid = IM_COL32(60, 64, 74, 120);
constexpr ImU32 kAxisText = IM_COL32(150, 155, 165, 255);
constexpr ImU32 kBorder = IM_COL32(70, 74, 84, 255);

ImU32 with_alpha(ImU32 color, float alpha) {
    const auto a = static_cast<ImU32>(std::clamp(alpha, 0.0f, 1.0f) *
                                      static_cast<float>((color >> IM_COL32_A_SHIFT) & 0xFF));
    return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

}  // namespace

// [SECTION] TimeView -----------------------------------------------------------------------

void TimeView::update(double now_s) {
    if (follow_live) range = plot::follow_live(now_s, live_span);
}

void TimeView::show_at(double t) {
    follow_live = false;
    range = plot::centre_on(t, range.span() > 0.0 ? range.span() : live_span);
}

// [SECTION] begin: layout and interaction ---------------------------------------------------

bool TimePlot::begin(const char* id, TimeView& view, double now_s, float height, const YAxis& y) {
    view_ = &view;
    y_ = y;
    used_ = 0;
    markers_.clear();
    const float width = std::max(ImGui::GetContentRegionAvail().x, 50.0f);
    ImGui::PushID(id);
    id_ = ImGui::GetID("##canvas");
    ImGui::InvisibleButton("##canvas", ImVec2(width, std::max(height, 20.0f)));
    p0_ = ImGui::GetItemRectMin();
    p1_ = ImGui::GetItemRectMax();
    hovered_ = ImGui::IsItemHovered();
    const bool active = ImGui::IsItemActive();
    columns_ = std::max(1, static_cast<int>(p1_.x - p0_.x));
    if (!ImGui::IsItemVisible()) {
        ImGui::PopID();
        return false;
    }

    // Interaction: zoom at the cursor, drag to pan, double-click to follow live time again.
    const ImGuiIO& io = ImGui::GetIO();
    const double spp = view.range.span() / columns_;
    const plot::Range data{0.0, std::max(now_s, view.live_span)};
    if (hovered_ && io.MouseWheel != 0.0f) {
        const plot::AxisMap xm{view.range, p0_.x, p1_.x};
        const double anchor = xm.to_value(io.MousePos.x);
        view.follow_live = false;
        view.range = plot::clamp_view(
            plot::zoom(view.range, anchor, std::pow(0.85, static_cast<double>(io.MouseWheel)),
                       view.min_span),
            {data.lo, data.hi});
    }
    if (active && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
        view.follow_live = false;
        view.range = plot::clamp_view(
            plot::pan(view.range, -static_cast<double>(io.MouseDelta.x) * spp), data);
    }
    if (hovered_ && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) view.follow_live = true;
    if (hovered_) {
        view.hover_next = plot::AxisMap{view.range, p0_.x, p1_.x}.to_value(io.MousePos.x);
    }
    return true;
}

// [SECTION] Items: collected during the frame --------------------------------------------

TimePlot::Item& TimePlot::add_item(Kind kind, const char* label, ImU32 color) {
    if (used_ >= items_.size()) items_.emplace_back();
    Item& item = items_[used_++];
    item.kind = kind;
    item.label = label;
    item.color = color;
    item.thickness = 1.5f;
    item.alpha = 1.0f;
    item.colors.clear();
    item.hidden = ImGui::GetStateStorage()->GetBool(ImGui::GetID(label), false);
    return item;
}

void TimePlot::stacked(std::span<const char* const> labels,
                       std::span<const std::span<const ColumnAgg>> series,
                       std::span<const ImU32> colors) {
    const std::size_t n = std::min({labels.size(), series.size(), colors.size()});
    const std::size_t first = used_;
    for (std::size_t k = 0; k < n; ++k) {
        copy_into(add_item(Kind::stacked_area, labels[k], colors[k]), series[k]);
    }
    stack(first, n);
}

void TimePlot::stack(std::size_t first_item, std::size_t count) {
    std::vector<double> top(static_cast<std::size_t>(columns_), 0.0);
    for (std::size_t k = first_item; k < first_item + count; ++k) {
        Item& item = items_[k];
        if (item.hidden) continue;
        for (std::size_t c = 0; c < item.cols.size() && c < top.size(); ++c) {
            ColumnAgg& col = item.cols[c];
            if (col.empty()) continue;
            const double height = std::max(col.mid(), 0.0);
            col.min = top[c];
            col.max = top[c] + height;
            col.first = col.last = col.max;
            top[c] = col.max;
        }
    }
}

void TimePlot::copy_into(Item& item, std::span<const ColumnAgg> columns) {
    item.cols.assign(columns.begin(), columns.end());
    item.cols.resize(static_cast<std::size_t>(columns_));  // missing columns are empty
}

void TimePlot::line(const char* label, std::span<const ColumnAgg> columns, ImU32 color,
                    float thickness) {
    Item& item = add_item(Kind::line, label, color);
    item.thickness = thickness;
    copy_into(item, columns);
}

void TimePlot::stairs(const char* label, std::span<const ColumnAgg> columns, ImU32 color,
                      float thickness) {
    Item& item = add_item(Kind::stairs, label, color);
    item.thickness = thickness;
    copy_into(item, columns);
}

void TimePlot::band(const char* label, std::span<const ColumnAgg> columns,
                    std::span<const ImU32> colors, float alpha) {
    Item& item = add_item(Kind::band, label, colors.empty() ? kAxisText : colors.front());
    item.alpha = alpha;
    item.colors.assign(colors.begin(), colors.end());
    copy_into(item, columns);
}

void TimePlot::threshold(const char* label, double y, ImU32 color) {
    Item& item = add_item(Kind::threshold, label, color);
    item.y = y;
    item.cols.clear();
}

void TimePlot::markers(std::span<const PlotMarker> markers) {
    for (const PlotMarker& m : markers) {
        if (view_->range.contains(m.t)) markers_.push_back(m);
    }
}

// [SECTION] end: y fit, grid, items, markers -----------------------------------------------

float TimePlot::x_px(double t) const {
    return static_cast<float>(plot::AxisMap{view_->range, p0_.x, p1_.x}.to_px(t));
}

float TimePlot::y_px(double v) const {
    return static_cast<float>(
        plot::AxisMap{y_range_, static_cast<double>(p1_.y) - 2.0, static_cast<double>(p0_.y) + 4.0}
            .to_px(v));
}

void TimePlot::split_if_needed(ImDrawList* dl, int upcoming_vertices) {
    const int in_call = dl->VtxBuffer.Size - call_start_vtx_;
    if (in_call + upcoming_vertices > kMaxCallVertices && in_call > 0) {
        max_call_vertices_ = std::max(max_call_vertices_, static_cast<std::size_t>(in_call));
        dl->AddDrawCmd();
        call_start_vtx_ = dl->VtxBuffer.Size;
    }
}

void TimePlot::end() {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    max_call_vertices_ = 0;
    dl->AddDrawCmd();  // the plot starts its own draw call
    call_start_vtx_ = dl->VtxBuffer.Size;

    // Fit y to what is visible (hidden items and bands do not count).
    if (y_.fixed) {
        y_range_ = y_.range;
    } else {
        double lo = 0.0, hi = 0.0;
        bool any = false;
        for (std::size_t i = 0; i < used_; ++i) {
            const Item& item = items_[i];
            if (item.hidden || item.kind == Kind::band) continue;
            double a = item.y, b = item.y;
            if (item.kind != Kind::threshold && !plot::column_extent(item.cols, a, b)) continue;
            lo = any ? std::min(lo, a) : a;
            hi = any ? std::max(hi, b) : b;
            any = true;
        }
        y_range_ = any ? plot::auto_range(lo, hi, y_.include_zero, 0.08)
                       : plot::auto_range(0.0, 1.0, y_.include_zero, 0.0);
    }

    dl->PushClipRect(p0_, p1_, true);
    dl->AddRectFilled(p0_, p1_, kPlotBg);
    for (std::size_t i = 0; i < used_; ++i) {
        if (items_[i].kind == Kind::band && !items_[i].hidden) draw_item(dl, items_[i]);
    }
    draw_grid(dl);
    for (std::size_t i = 0; i < used_; ++i) {
        if (items_[i].kind != Kind::band && !items_[i].hidden) draw_item(dl, items_[i]);
    }
    for (const PlotMarker& m : markers_) {
        const float x = x_px(m.t);
        dl->AddLine(ImVec2(x, p0_.y), ImVec2(x, p1_.y), with_alpha(m.color, 0.55f), 1.0f);
        dl->AddTriangleFilled(ImVec2(x - 4, p0_.y), ImVec2(x + 4, p0_.y), ImVec2(x, p0_.y + 6),
                              m.color);
    }
    if (view_->hover_t >= 0.0 && view_->range.contains(view_->hover_t)) {
        const float x = x_px(view_->hover_t);
        dl->AddLine(ImVec2(x, p0_.y), ImVec2(x, p1_.y), IM_COL32(220, 220, 230, 90), 1.0f);
    }
    draw_legend(dl);
    dl->PopClipRect();
    dl->AddRect(p0_, p1_, kBorder);
    const int in_call = dl->VtxBuffer.Size - call_start_vtx_;
    max_call_vertices_ = std::max(max_call_vertices_, static_cast<std::size_t>(in_call));
    if (hovered_) draw_hover();
    ImGui::PopID();
}

void TimePlot::draw_grid(ImDrawList* dl) {
    const ImU32 text = kAxisText;
    const plot::Ticks xt = plot::time_ticks(view_->range, std::max(2, columns_ / 110));
    for (const double t : xt.values) {
        const float x = x_px(t);
        dl->AddLine(ImVec2(x, p0_.y), ImVec2(x, p1_.y), kGrid);
        const std::string label = plot::format_time(t, xt.step);
        // Keep clear of the value labels at the right edge.
        if (x + 3 + ImGui::CalcTextSize(label.c_str()).x > p1_.x - ImGui::GetFontSize() * 2.5f) {
            continue;
        }
        dl->AddText(ImVec2(x + 3, p1_.y - ImGui::GetFontSize() - 1), text, label.c_str());
    }
    const int rows = std::max(3, static_cast<int>((p1_.y - p0_.y) / (ImGui::GetFontSize() * 1.6f)));
    if (!y_.grid) return;
    const plot::Ticks yt = plot::nice_ticks(y_range_, rows);
    const float fs = ImGui::GetFontSize();
    for (const double v : yt.values) {
        const float y = y_px(v);
        dl->AddLine(ImVec2(p0_.x, y), ImVec2(p1_.x, y), kGrid);
        const std::string label = plot::format_value(v, yt.step);
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        // Above its line, or below it where that would leave the plot.
        const float ty = y - fs < p0_.y ? y + 1.0f : y - fs;
        dl->AddText(ImVec2(p1_.x - w - 3, ty), text, label.c_str());
    }
}

void TimePlot::draw_polyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 color,
                             float thick) {
    if (pts.size() < 2) return;
    // Worst case per point in ImGui 1.86: 4 vertices (thick anti-aliased lines).
    const std::size_t max_points = plot::max_points_for(kMaxCallVertices / 2, 4);
    for (const auto& [b, e] : plot::split_runs(pts.size(), max_points)) {
        split_if_needed(dl, static_cast<int>((e - b) * 4));
        dl->AddPolyline(pts.data() + b, static_cast<int>(e - b), color, ImDrawFlags_None, thick);
    }
}

void TimePlot::draw_item(ImDrawList* dl, const Item& item) {
    const float col_w = (p1_.x - p0_.x) / static_cast<float>(columns_);
    switch (item.kind) {
        case Kind::threshold: {
            const float y = y_px(item.y);
            for (float x = p0_.x; x < p1_.x; x += 10.0f) {
                dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 6.0f, p1_.x), y), item.color, 1.5f);
            }
            break;
        }
        case Kind::band: {
            // Merge runs of equal colour into one rectangle.
            int run_start = -1;
            ImU32 run_color = 0;
            int last_data = -1000000;
            auto flush = [&](int end_col) {
                if (run_start < 0) return;
                split_if_needed(dl, 4);
                dl->AddRectFilled(ImVec2(p0_.x + static_cast<float>(run_start) * col_w, p0_.y),
                                  ImVec2(p0_.x + static_cast<float>(end_col) * col_w, p1_.y),
                                  with_alpha(run_color, item.alpha));
                run_start = -1;
            };
            for (int c = 0; c < columns_; ++c) {
                const ColumnAgg& col = item.cols[static_cast<std::size_t>(c)];
                if (col.empty()) {
                    flush(c);
                    continue;
                }
                last_data = c;
                const auto idx =
                    static_cast<std::size_t>(std::clamp(static_cast<int>(std::lround(col.max)), 0,
                                                        static_cast<int>(item.colors.size()) - 1));
                const ImU32 color = item.colors.empty() ? item.color : item.colors[idx];
                if (run_start >= 0 && color != run_color) flush(c);
                if (run_start < 0) {
                    run_start = c;
                    run_color = color;
                }
            }
            flush(std::min(columns_, last_data + 1));
            break;
        }
        case Kind::stacked_area: {
            const ImU32 fill = with_alpha(item.color, 0.85f);
            for (int c = 0; c < columns_; ++c) {
                const ColumnAgg& col = item.cols[static_cast<std::size_t>(c)];
                if (col.empty() || col.max <= col.min) continue;
                split_if_needed(dl, 4);
                const float x = p0_.x + static_cast<float>(c) * col_w;
                dl->AddRectFilled(ImVec2(x, y_px(col.max)), ImVec2(x + col_w, y_px(col.min)), fill);
            }
            break;
        }
        case Kind::line:
        case Kind::stairs: {
            pts_.clear();
            int last_data = -1000000;
            for (int c = 0; c < columns_; ++c) {
                const ColumnAgg& col = item.cols[static_cast<std::size_t>(c)];
                if (col.empty()) continue;
                if (c - last_data > 1) {  // a column without data: end the line here
                    draw_polyline(dl, pts_, item.color, item.thickness);
                    pts_.clear();
                }
                const float x = p0_.x + (static_cast<float>(c) + 0.5f) * col_w;
                if (item.kind == Kind::stairs && !pts_.empty()) {
                    pts_.emplace_back(x, pts_.back().y);
                }
                pts_.emplace_back(x, y_px(col.first));
                if (col.min != col.max) {
                    const bool rising = col.last >= col.first;
                    pts_.emplace_back(x, y_px(rising ? col.min : col.max));
                    pts_.emplace_back(x, y_px(rising ? col.max : col.min));
                }
                if (col.last != col.first || col.min != col.max) {
                    pts_.emplace_back(x, y_px(col.last));
                }
                last_data = c;
            }
            if (item.kind == Kind::stairs && !pts_.empty()) {
                const float x_end = std::min(p1_.x, pts_.back().x + col_w);
                pts_.emplace_back(x_end, pts_.back().y);
            }
            draw_polyline(dl, pts_, item.color, item.thickness);
            break;
        }
    }
}

// [SECTION] Legend and hover read-out ------------------------------------------------------

void TimePlot::draw_legend(ImDrawList* dl) {
    const float fs = ImGui::GetFontSize();
    ImVec2 pos(p0_.x + 6.0f, p0_.y + 4.0f);
    const ImGuiIO& io = ImGui::GetIO();
    for (std::size_t i = 0; i < used_; ++i) {
        Item& item = items_[i];
        if (item.label.empty() || item.label[0] == '#') continue;
        const ImVec2 text_size = ImGui::CalcTextSize(item.label.c_str());
        const ImVec2 box0 = pos, box1(pos.x + fs * 0.8f + 4.0f + text_size.x, pos.y + fs);
        if (box1.x > p1_.x) break;
        const bool over = hovered_ && io.MousePos.x >= box0.x && io.MousePos.x < box1.x &&
                          io.MousePos.y >= box0.y && io.MousePos.y < box1.y;
        if (over && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
            item.hidden = !item.hidden;
            ImGui::GetStateStorage()->SetBool(ImGui::GetID(item.label.c_str()), item.hidden);
        }
        dl->AddRectFilled(ImVec2(box0.x - 2, box0.y - 1), ImVec2(box1.x + 2, box1.y + 1),
                          IM_COL32(18, 20, 24, over ? 240 : 190));
        const ImU32 swatch = item.hidden ? IM_COL32(90, 90, 90, 255) : item.color;
        dl->AddRectFilled(ImVec2(pos.x, pos.y + fs * 0.2f),
                          ImVec2(pos.x + fs * 0.6f, pos.y + fs * 0.8f), swatch);
        dl->AddText(ImVec2(pos.x + fs * 0.8f, pos.y),
                    item.hidden ? IM_COL32(110, 110, 110, 255) : IM_COL32(220, 222, 228, 255),
                    item.label.c_str());
        pos.x = box1.x + 10.0f;
    }
}

void TimePlot::draw_hover() {
    const ImGuiIO& io = ImGui::GetIO();
    const int c = plot::column_at(io.MousePos.x, p0_.x, p1_.x - p0_.x, columns_);
    if (c < 0) return;
    const double t = plot::AxisMap{view_->range, p0_.x, p1_.x}.to_value(io.MousePos.x);
    ImGui::BeginTooltip();
    ImGui::Text("t = %s", plot::format_time(t, view_->range.span() / 50.0).c_str());
    for (std::size_t i = 0; i < used_; ++i) {
        const Item& item = items_[i];
        if (item.hidden || item.label.empty() || item.label[0] == '#') continue;
        ImGui::ColorButton("##swatch", ImGui::ColorConvertU32ToFloat4(item.color),
                           ImGuiColorEditFlags_NoTooltip, ImVec2(10, 10));
        ImGui::SameLine();
        if (item.kind == Kind::threshold) {
            ImGui::Text("%s: %.3g%s", item.label.c_str(), item.y, y_.unit);
            continue;
        }
        const ColumnAgg& col = item.cols[static_cast<std::size_t>(c)];
        if (col.empty()) {
            ImGui::Text("%s: no data", item.label.c_str());
            continue;
        }
        if (item.kind == Kind::stacked_area) {
            ImGui::Text("%s: %.3g%s", item.label.c_str(), col.max - col.min, y_.unit);
        } else if (item.kind == Kind::band) {
            ImGui::Text("%s", item.label.c_str());
        } else if (col.min != col.max) {
            ImGui::Text("%s: %.3g%s (%.3g..%.3g)", item.label.c_str(), col.mid(), y_.unit, col.min,
                        col.max);
        } else {
            ImGui::Text("%s: %.3g%s", item.label.c_str(), col.last, y_.unit);
        }
    }
    for (const PlotMarker& m : markers_) {
        if (std::abs(x_px(m.t) - io.MousePos.x) <= 4.0f) {
            ImGui::Separator();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(m.color), "%s", m.text.c_str());
        }
    }
    if (!view_->follow_live) ImGui::TextDisabled("%s", view_->double_click_hint);
    ImGui::EndTooltip();
}

}  // namespace cbsim::gui
