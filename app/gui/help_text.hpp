// help_text.hpp: what the "How to read this" overlay says about the scenario that is loaded.
#pragma once

#include <string>
#include <string_view>

#include "cbsim/scenario.hpp"

namespace cbsim::gui {

/// The overlay's scenario-specific sentences.
struct ScenarioHelp {
    /// Who calls whom, and through which breaker: "Clients call A. A calls B through a
    /// gobreaker breaker (one per A instance)." Long scenarios list their first callers and
    /// say how many more there are.
    std::string topology;
    /// The first thing to try, on `focus_edge` when it has a breaker, else on the first edge
    /// that has one; without any breaker, how to add one.
    std::string try_first;
    /// The edge try_first talks about ("" when there is none).
    std::string edge;
};

ScenarioHelp describe_scenario(const Scenario& scenario, std::string_view focus_edge);

}  // namespace cbsim::gui
