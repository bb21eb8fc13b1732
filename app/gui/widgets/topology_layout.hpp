// topology_layout.hpp: where the topology map puts the client, the services and the arrows
// between them; pure arithmetic on a Scenario, free of ImGui so unit tests cover it.
//
// The layout is layered, left to right:
//   1. layers: the client is layer 0; a service's layer is the longest path to it from the
//      client (the client calls the entry service); a service nobody calls sits one layer left
//      of the first service it calls (at least layer 1), and one that calls nobody either in a
//      layer after all the others, so that it never sits between a caller and its callee;
//   2. order within a layer: scenario order, then one barycentre pass from left to right (a
//      node moves towards the mean position of its callers), ties broken by scenario order;
//   3. positions: a layer higher than `max_rows` nodes wraps into sub-columns, each layer's
//      column block sits right of the previous one, and every column is centred vertically.
// The same scenario topology (names, dependencies, entry) always gives the same layout, so the
// panel computes it once per topology and size, not per frame.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <cbsim/scenario.hpp>

namespace cbsim::gui::topo {

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Node {
    std::string name;             ///< service name, or "client"
    std::size_t service = kNone;  ///< index in Scenario::services; kNone for the client
    int layer = 0;
    int slot = 0;              ///< position within the layer after the barycentre pass
    float x = 0.0f, y = 0.0f;  ///< top-left corner, in pixels from the layout's origin
    bool is_client() const { return service == kNone; }
};

struct Arrow {
    std::size_t from = 0;  ///< node index (the caller; 0 = the client)
    std::size_t to = 0;    ///< node index (the target)
    std::string edge;      ///< EdgeName text: "A->B", or "client->A" for the entry
    bool entry = false;    ///< the client's calls to the entry service
};

/// Sizes in pixels.
struct Geometry {
    float node_w = 110.0f;
    float node_h = 48.0f;
    float layer_gap = 60.0f;   ///< horizontal gap between layers (room for arrows and labels)
    float column_gap = 16.0f;  ///< between the sub-columns of one wrapped layer
    float row_gap = 14.0f;     ///< vertical gap between nodes of a column
    int max_rows = 8;          ///< nodes per column before a layer wraps (>= 1)
    bool operator==(const Geometry&) const = default;
};

struct Layout {
    std::vector<Node> nodes;    ///< nodes[0] is the client, then the services in scenario order
    std::vector<Arrow> arrows;  ///< the entry arrow first, then dependencies in scenario order
    int layers = 0;
    float width = 0.0f, height = 0.0f;  ///< bounding box of every node
    Geometry geometry;

    /// True when `scenario` has the topology this layout was made from (names, dependencies
    /// and entry, in order); allocation-free, so callers may check it every frame.
    bool matches(const Scenario& scenario) const;
};

/// The layered layout of `scenario` (see the file comment). Deterministic: the same topology
/// and geometry give the same result. Tolerates a cycle or a missing target (validate() refuses
/// them; such a node goes to the layer after the last and an arrow to a missing target is left
/// out).
Layout layout_topology(const Scenario& scenario, const Geometry& geometry);

/// `n` + 1 points along the arrow's curve (a cubic from the caller's right side to the
/// target's left side, horizontal at both ends), for drawing and hit-testing.
void arrow_curve(const Layout& layout, const Arrow& arrow, int n, std::vector<float>& xy);

/// The squared distance from (px, py) to the polyline of `xy` (x0, y0, x1, y1, ...).
float distance_sq_to_polyline(const std::vector<float>& xy, float px, float py);

}  // namespace cbsim::gui::topo
