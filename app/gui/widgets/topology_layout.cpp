#include "widgets/topology_layout.hpp"

#include <algorithm>
#include <cbsim/edge_name.hpp>
#include <numeric>
#include <unordered_map>

namespace cbsim::gui::topo {

bool Layout::matches(const Scenario& scenario) const {
    if (nodes.size() != scenario.services.size() + 1) return false;
    if (arrows.empty() || nodes[arrows.front().to].name != scenario.traffic.target) return false;
    std::size_t a = 1;  // arrows after the entry, in scenario order
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
        const Service& service = scenario.services[s];
        if (nodes[s + 1].name != service.name) return false;
        for (const Dependency& d : service.dependencies) {
            // An arrow to a missing target was left out: such a scenario is re-laid out.
            if (a >= arrows.size() || arrows[a].from != s + 1 ||
                nodes[arrows[a].to].name != d.target)
                return false;
            ++a;
        }
    }
    return a == arrows.size();
}

Layout layout_topology(const Scenario& scenario, const Geometry& geometry) {
    Layout out;
    out.geometry = geometry;
    const std::size_t n = scenario.services.size() + 1;  // node 0: the client
    out.nodes.resize(n);
    out.nodes[0].name = std::string(EdgeName::kClient);
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
        out.nodes[s + 1].name = scenario.services[s].name;
        out.nodes[s + 1].service = s;
        index.emplace(scenario.services[s].name, s + 1);
    }
    // Arrows: the entry first, then every dependency whose target exists.
    std::vector<std::vector<std::size_t>> callers(n), callees(n);
    auto add_arrow = [&](std::size_t from, std::size_t to, std::string edge, bool entry) {
        out.arrows.push_back(Arrow{from, to, std::move(edge), entry});
        callers[to].push_back(from);
        callees[from].push_back(to);
    };
    if (auto it = index.find(scenario.traffic.target); it != index.end()) {
        add_arrow(0, it->second, EdgeName::entry(scenario.traffic.target).text(), true);
    }
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
        for (const Dependency& d : scenario.services[s].dependencies) {
            if (auto it = index.find(d.target); it != index.end()) {
                add_arrow(s + 1, it->second, EdgeName{scenario.services[s].name, d.target}.text(),
                          false);
            }
        }
    }

    // 1. Layers: longest path from the client, in topological order (Kahn, scenario order).
    std::vector<int> layer(n, 0), indegree(n, 0);
    for (std::size_t v = 0; v < n; ++v)
        indegree[v] = static_cast<int>(callers[v].size());
    std::vector<std::size_t> queue;
    std::vector<bool> done(n, false);
    for (std::size_t v = 0; v < n; ++v) {
        if (indegree[v] == 0) queue.push_back(v);
    }
    for (std::size_t q = 0; q < queue.size(); ++q) {
        const std::size_t u = queue[q];
        done[u] = true;
        if (u != 0 && callers[u].empty()) layer[u] = 1;  // nobody calls it: next to the client
        for (std::size_t v : callees[u]) {
            layer[v] = std::max(layer[v], layer[u] + 1);
            if (--indegree[v] == 0) queue.push_back(v);
        }
    }
    // A service nobody calls sits just left of the first service it calls; one that calls
    // nobody either, after everything else: never between a caller and its callee.
    auto isolated = [&](std::size_t v) {
        return v != 0 && callers[v].empty() && callees[v].empty();
    };
    for (std::size_t v = 1; v < n; ++v) {
        if (!done[v] || !callers[v].empty() || callees[v].empty()) continue;
        int first = layer[callees[v].front()];
        for (std::size_t c : callees[v])
            first = std::min(first, layer[c]);
        layer[v] = std::max(1, first - 1);
    }
    int last = 0;
    for (std::size_t v = 0; v < n; ++v)
        if (done[v] && !isolated(v)) last = std::max(last, layer[v]);
    for (std::size_t v = 0; v < n; ++v)
        if (!done[v] || isolated(v)) layer[v] = last + 1;  // on a cycle, or alone: at the end
    out.layers = 1 + *std::max_element(layer.begin(), layer.end());
    for (std::size_t v = 0; v < n; ++v)
        out.nodes[v].layer = layer[v];

    // 2. Order within each layer: scenario order, then one barycentre pass left to right.
    std::vector<std::vector<std::size_t>> by_layer(static_cast<std::size_t>(out.layers));
    for (std::size_t v = 0; v < n; ++v)
        by_layer[static_cast<std::size_t>(layer[v])].push_back(v);
    std::vector<double> pos(n, 0.0);  // a node's slot, normalised to its layer's size
    auto place_slots = [&](std::vector<std::size_t>& members) {
        for (std::size_t i = 0; i < members.size(); ++i) {
            out.nodes[members[i]].slot = static_cast<int>(i);
            pos[members[i]] = (static_cast<double>(i) + 0.5) / static_cast<double>(members.size());
        }
    };
    for (auto& members : by_layer)
        place_slots(members);
    for (std::size_t l = 1; l < by_layer.size(); ++l) {
        auto& members = by_layer[l];
        std::vector<double> bary(n, 0.0);
        for (std::size_t v : members) {
            if (callers[v].empty()) {
                bary[v] = pos[v];
                continue;
            }
            double sum = 0.0;
            for (std::size_t u : callers[v])
                sum += pos[u];
            bary[v] = sum / static_cast<double>(callers[v].size());
        }
        std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
            return bary[a] < bary[b];  // stable: ties keep scenario order
        });
        place_slots(members);
    }

    // 3. Positions: columns of at most max_rows nodes, each centred vertically.
    const int max_rows = std::max(1, geometry.max_rows);
    std::size_t tallest = 1;
    for (const auto& members : by_layer)
        tallest = std::max(tallest, std::min(members.size(), static_cast<std::size_t>(max_rows)));
    const float column_h = static_cast<float>(tallest) * geometry.node_h +
                           static_cast<float>(tallest - 1) * geometry.row_gap;
    float x = 0.0f;
    for (const auto& members : by_layer) {
        const std::size_t columns =
            std::max<std::size_t>(1, (members.size() + static_cast<std::size_t>(max_rows) - 1) /
                                         static_cast<std::size_t>(max_rows));
        for (std::size_t c = 0; c < columns; ++c) {
            const std::size_t first = c * static_cast<std::size_t>(max_rows);
            const std::size_t count =
                std::min(members.size() - first, static_cast<std::size_t>(max_rows));
            const float h = static_cast<float>(count) * geometry.node_h +
                            static_cast<float>(count - 1) * geometry.row_gap;
            float y = (column_h - h) * 0.5f;
            for (std::size_t i = first; i < first + count; ++i) {
                out.nodes[members[i]].x = x;
                out.nodes[members[i]].y = y;
                y += geometry.node_h + geometry.row_gap;
            }
            x += geometry.node_w + (c + 1 < columns ? geometry.column_gap : 0.0f);
        }
        x += geometry.layer_gap;
    }
    out.width = x - geometry.layer_gap;
    out.height = column_h;
    return out;
}

void arrow_curve(const Layout& layout, const Arrow& arrow, int n, std::vector<float>& xy) {
    const Geometry& g = layout.geometry;
    const Node& a = layout.nodes[arrow.from];
    const Node& b = layout.nodes[arrow.to];
    const float x0 = a.x + g.node_w, y0 = a.y + g.node_h * 0.5f;
    const float x3 = b.x, y3 = b.y + g.node_h * 0.5f;
    const float dx = std::max((x3 - x0) * 0.5f, g.layer_gap * 0.5f);
    const float x1 = x0 + dx, y1 = y0, x2 = x3 - dx, y2 = y3;
    n = std::max(n, 1);
    xy.resize(static_cast<std::size_t>(2 * (n + 1)));
    for (int i = 0; i <= n; ++i) {
        const float t = static_cast<float>(i) / static_cast<float>(n), u = 1.0f - t;
        const float w0 = u * u * u, w1 = 3 * u * u * t, w2 = 3 * u * t * t, w3 = t * t * t;
        xy[static_cast<std::size_t>(2 * i)] = w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3;
        xy[static_cast<std::size_t>(2 * i + 1)] = w0 * y0 + w1 * y1 + w2 * y2 + w3 * y3;
    }
}

float distance_sq_to_polyline(const std::vector<float>& xy, float px, float py) {
    float best = 3.4e38f;
    for (std::size_t i = 0; i + 3 < xy.size(); i += 2) {
        const float ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
        const float vx = bx - ax, vy = by - ay;
        const float len = vx * vx + vy * vy;
        float t = len > 0.0f ? ((px - ax) * vx + (py - ay) * vy) / len : 0.0f;
        t = std::clamp(t, 0.0f, 1.0f);
        const float dx = ax + t * vx - px, dy = ay + t * vy - py;
        best = std::min(best, dx * dx + dy * dy);
    }
    return best;
}

}  // namespace cbsim::gui::topo
