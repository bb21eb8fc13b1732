#include "view_state.hpp"

#include <algorithm>

#include <cbsim/edge_name.hpp>

namespace cbsim::gui {

std::vector<std::string> dependency_edges(const Scenario& scenario) {
    std::vector<std::string> edges;
    for (const Service& s : scenario.services) {
        for (const Dependency& d : s.dependencies)
            edges.push_back(EdgeName{s.name, d.target}.text());
    }
    return edges;
}

std::vector<std::string> breaker_edges(const Scenario& scenario) {
    std::vector<std::string> edges;
    for (const Service& s : scenario.services) {
        for (const Dependency& d : s.dependencies) {
            if (d.breaker) edges.push_back(EdgeName{s.name, d.target}.text());
        }
    }
    return edges;
}

void ViewState::resolve(const Scenario& scenario) {
    const std::vector<std::string> edges = dependency_edges(scenario);
    if (std::find(edges.begin(), edges.end(), edge) != edges.end()) return;
    const std::vector<std::string> with = breaker_edges(scenario);
    edge = !with.empty() ? with.front() : !edges.empty() ? edges.front() : std::string();
}

}  // namespace cbsim::gui
