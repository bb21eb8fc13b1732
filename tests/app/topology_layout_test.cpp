// The topology map's layered layout (widgets/topology_layout.hpp): layers by longest path from
// the client, left to right; no two nodes overlap; the same topology always gives the same
// layout; 1, 3 and 50 services.
#include <gtest/gtest.h>

#include <cbsim/scenario.hpp>

#include <string>

#include "widgets/topology_layout.hpp"

namespace cbsim::gui {
namespace {

using topo::Layout;

Service service(std::string name, std::vector<std::string> targets = {}) {
    Service s;
    s.name = std::move(name);
    for (std::string& t : targets) {
        Dependency d;
        d.target = std::move(t);
        s.dependencies.push_back(d);
    }
    return s;
}

/// "<prefix><a>" or "<prefix><a>_<b>" (appended piecewise: GCC 12 warns falsely on chains).
std::string name_of(const char* prefix, int a, int b = -1) {
    std::string out = prefix;
    out += std::to_string(a);
    if (b >= 0) {
        out += '_';
        out += std::to_string(b);
    }
    return out;
}

/// 50 services: a gateway calling 7 front services, each calling its own chain of 6 (the
/// last of each chain also calls a shared "db"), so layers are wide and deep at once.
Scenario fifty() {
    Scenario sc;
    sc.traffic.target = "gw";
    std::vector<std::string> fronts;
    for (int f = 0; f < 7; ++f)
        fronts.push_back(name_of("f", f));
    sc.services.push_back(service("gw", fronts));
    for (int f = 0; f < 7; ++f) {
        std::string prev = name_of("f", f);
        for (int k = 0; k < 5; ++k) {
            const std::string next = name_of("f", f, k);
            sc.services.push_back(service(prev, {next}));
            prev = next;
        }
        sc.services.push_back(service(prev, {"db"}));
    }
    sc.services.push_back(service("db"));
    while (sc.services.size() < 50)
        sc.services.push_back(service(name_of("spare", static_cast<int>(sc.services.size()))));
    return sc;
}

Scenario gateway_profile_auth() {
    Scenario sc;
    sc.traffic.target = "gateway";
    // Listed out of call order on purpose: layers come from the calls, not the list.
    sc.services = {service("auth"), service("gateway", {"profile"}), service("profile", {"auth"})};
    return sc;
}

const topo::Node& node(const Layout& l, const std::string& name) {
    for (const topo::Node& n : l.nodes) {
        if (n.name == name) return n;
    }
    ADD_FAILURE() << "no node " << name;
    return l.nodes.front();
}

void expect_no_overlap(const Layout& l) {
    const topo::Geometry& g = l.geometry;
    for (std::size_t a = 0; a < l.nodes.size(); ++a) {
        for (std::size_t b = a + 1; b < l.nodes.size(); ++b) {
            const topo::Node &p = l.nodes[a], &q = l.nodes[b];
            const bool apart = p.x + g.node_w <= q.x || q.x + g.node_w <= p.x ||
                               p.y + g.node_h <= q.y || q.y + g.node_h <= p.y;
            EXPECT_TRUE(apart) << p.name << " overlaps " << q.name;
        }
    }
}

/// Every arrow goes left to right: the target's layer is after the caller's, and so is its
/// whole column block.
void expect_left_to_right(const Layout& l) {
    for (const topo::Arrow& a : l.arrows) {
        const topo::Node &from = l.nodes[a.from], &to = l.nodes[a.to];
        EXPECT_LT(from.layer, to.layer) << a.edge;
        EXPECT_LT(from.x + l.geometry.node_w, to.x) << a.edge;
    }
    for (const topo::Node& p : l.nodes) {
        for (const topo::Node& q : l.nodes) {
            if (p.layer < q.layer) {
                EXPECT_LT(p.x, q.x) << p.name << " before " << q.name;
            }
        }
    }
}

TEST(TopologyLayout, OneServiceIsTheClientAndItsEntry) {
    Scenario sc;
    sc.traffic.target = "A";
    sc.services = {service("A")};
    const Layout l = topo::layout_topology(sc, {});
    ASSERT_EQ(l.nodes.size(), 2u);
    EXPECT_TRUE(l.nodes[0].is_client());
    EXPECT_EQ(l.nodes[0].layer, 0);
    EXPECT_EQ(node(l, "A").layer, 1);
    ASSERT_EQ(l.arrows.size(), 1u);
    EXPECT_EQ(l.arrows[0].edge, "client->A");
    EXPECT_TRUE(l.arrows[0].entry);
    EXPECT_EQ(l.layers, 2);
    expect_no_overlap(l);
    expect_left_to_right(l);
    EXPECT_GT(l.width, 0.0f);
    EXPECT_GT(l.height, 0.0f);
}

TEST(TopologyLayout, ThreeServicesLayerByTheirCallsNotTheirOrder) {
    const Layout l = topo::layout_topology(gateway_profile_auth(), {});
    EXPECT_EQ(node(l, "gateway").layer, 1);
    EXPECT_EQ(node(l, "profile").layer, 2);
    EXPECT_EQ(node(l, "auth").layer, 3);
    EXPECT_EQ(l.layers, 4);
    ASSERT_EQ(l.arrows.size(), 3u);
    EXPECT_EQ(l.arrows[0].edge, "client->gateway");
    EXPECT_EQ(l.arrows[1].edge, "gateway->profile");
    EXPECT_EQ(l.arrows[2].edge, "profile->auth");
    expect_no_overlap(l);
    expect_left_to_right(l);
    // One node per layer: all on one line.
    EXPECT_EQ(node(l, "gateway").y, node(l, "auth").y);
}

TEST(TopologyLayout, LongestPathDecidesTheLayer) {
    Scenario sc;
    sc.traffic.target = "A";
    // A calls C directly and through B: C goes after B.
    sc.services = {service("A", {"C", "B"}), service("B", {"C"}), service("C")};
    const Layout l = topo::layout_topology(sc, {});
    EXPECT_EQ(node(l, "B").layer, 2);
    EXPECT_EQ(node(l, "C").layer, 3);
    expect_left_to_right(l);
}

TEST(TopologyLayout, AServiceNobodyCallsIsNeverBetweenACallerAndItsCallee) {
    // gateway calls profile; auth is called by nobody and calls nobody; ops calls profile only.
    Scenario sc;
    sc.traffic.target = "gateway";
    sc.services = {service("gateway", {"profile"}), service("auth"), service("profile"),
                   service("ops", {"profile"})};
    for (int rows : {1, 8}) {  // one row (the layer wraps into sub-columns) and several
        topo::Geometry g;
        g.max_rows = rows;
        const Layout l = topo::layout_topology(sc, g);
        EXPECT_GT(node(l, "auth").layer, node(l, "profile").layer) << rows << " rows";
        EXPECT_LT(node(l, "ops").layer, node(l, "profile").layer);
        // auth's box lies between the two ends of no arrow on its line.
        const topo::Node& auth = node(l, "auth");
        for (const topo::Arrow& a : l.arrows) {
            const topo::Node& from = l.nodes[a.from];
            const topo::Node& to = l.nodes[a.to];
            if (auth.y != from.y || from.y != to.y) continue;
            EXPECT_FALSE(auth.x > from.x && auth.x < to.x)
                << "auth sits on " << a.edge << " (" << rows << " rows)";
        }
        expect_no_overlap(l);
        expect_left_to_right(l);
    }
}

TEST(TopologyLayout, BarycentreKeepsChildrenNextToTheirCallers) {
    Scenario sc;
    sc.traffic.target = "gw";
    // Layer 2 is x, y; layer 3 lists y's child before x's child: the pass swaps them.
    sc.services = {service("gw", {"x", "y"}), service("x", {"xc"}), service("y", {"yc"}),
                   service("yc"), service("xc")};
    const Layout l = topo::layout_topology(sc, {});
    EXPECT_LT(node(l, "x").slot, node(l, "y").slot);
    EXPECT_LT(node(l, "xc").slot, node(l, "yc").slot);
    EXPECT_LT(node(l, "xc").y, node(l, "yc").y);
    // Ties (no caller information to tell them apart) keep scenario order.
    Scenario tie;
    tie.traffic.target = "gw";
    tie.services = {service("gw", {"b", "a"}), service("b"), service("a")};
    const Layout t = topo::layout_topology(tie, {});
    EXPECT_LT(node(t, "b").slot, node(t, "a").slot);
}

TEST(TopologyLayout, FiftyServicesStayApartLeftToRightAndWrapTallLayers) {
    const Scenario sc = fifty();
    ASSERT_EQ(sc.services.size(), 50u);
    topo::Geometry g;
    g.max_rows = 4;
    const Layout l = topo::layout_topology(sc, g);
    EXPECT_EQ(l.nodes.size(), 51u);
    EXPECT_EQ(l.arrows.size(), 1u + 7u + 7u * 6u);
    EXPECT_EQ(node(l, "gw").layer, 1);
    EXPECT_EQ(node(l, "db").layer, 8);
    expect_no_overlap(l);
    expect_left_to_right(l);
    // No column is taller than max_rows nodes: the height is bounded by it.
    EXPECT_LE(l.height, 4 * g.node_h + 3 * g.row_gap + 0.01f);
    for (const topo::Node& n : l.nodes) {
        EXPECT_GE(n.x, 0.0f);
        EXPECT_GE(n.y, 0.0f);
        EXPECT_LE(n.x + g.node_w, l.width + 0.01f);
        EXPECT_LE(n.y + g.node_h, l.height + 0.01f);
    }
}

TEST(TopologyLayout, IsDeterministicAndMatchesItsTopologyOnly) {
    const Scenario sc = fifty();
    const Layout a = topo::layout_topology(sc, {});
    const Layout b = topo::layout_topology(sc, {});
    ASSERT_EQ(a.nodes.size(), b.nodes.size());
    for (std::size_t i = 0; i < a.nodes.size(); ++i) {
        EXPECT_EQ(a.nodes[i].name, b.nodes[i].name);
        EXPECT_EQ(a.nodes[i].x, b.nodes[i].x);
        EXPECT_EQ(a.nodes[i].y, b.nodes[i].y);
    }
    EXPECT_TRUE(a.matches(sc));
    Scenario changed = sc;
    changed.services[3].failure_rate = 0.5;  // not topology
    EXPECT_TRUE(a.matches(changed));
    changed.services[3].dependencies.push_back(changed.services[4].dependencies.front());
    EXPECT_FALSE(a.matches(changed));
    Scenario renamed = sc;
    renamed.services.back().name = "other";
    EXPECT_FALSE(a.matches(renamed));
    Scenario entry = sc;
    entry.traffic.target = "db";
    EXPECT_FALSE(a.matches(entry));
}

TEST(TopologyLayout, ArrowCurvesRunFromCallerToTarget) {
    const Layout l = topo::layout_topology(gateway_profile_auth(), {});
    std::vector<float> xy;
    topo::arrow_curve(l, l.arrows[2], 8, xy);
    ASSERT_EQ(xy.size(), 18u);
    const topo::Node &from = node(l, "profile"), &to = node(l, "auth");
    EXPECT_FLOAT_EQ(xy[0], from.x + l.geometry.node_w);
    EXPECT_FLOAT_EQ(xy[16], to.x);
    EXPECT_FLOAT_EQ(xy[17], to.y + l.geometry.node_h * 0.5f);
    EXPECT_NEAR(topo::distance_sq_to_polyline(xy, xy[8], xy[9]), 0.0f, 1e-3f);
    EXPECT_GT(topo::distance_sq_to_polyline(xy, xy[8], xy[9] + 30.0f), 100.0f);
}

}  // namespace
}  // namespace cbsim::gui
