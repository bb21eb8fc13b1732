#include "help_text.hpp"

#include "cbsim/breaker_config.hpp"
#include "cbsim/edge_name.hpp"

namespace cbsim::gui {
namespace {

/// Callers listed by name before the rest are only counted.
constexpr std::size_t kCallersListed = 6;

std::string describe_dependency(const Service& caller, const Dependency& d) {
    if (!d.breaker) return d.target + " (no breaker)";
    std::string text = d.target + " through a " + to_string(d.breaker->preset()) + " breaker";
    if (d.breaker_scope == BreakerScope::shared)
        text += " (one shared by every " + caller.name + " instance)";
    else if (caller.instances > 1)
        text += " (one per " + caller.name + " instance)";
    return text;
}

}  // namespace

ScenarioHelp describe_scenario(const Scenario& scenario, std::string_view focus_edge) {
    ScenarioHelp help;
    help.topology = "Clients call " + scenario.traffic.target + ".";
    std::size_t callers = 0;
    const Service* focus_caller = nullptr;
    const Dependency* focus = nullptr;
    const Service* first_caller = nullptr;
    const Dependency* first = nullptr;
    for (const Service& s : scenario.services) {
        if (s.dependencies.empty()) continue;
        ++callers;
        if (callers <= kCallersListed) {
            help.topology += " " + s.name + " calls ";
            for (std::size_t i = 0; i < s.dependencies.size(); ++i) {
                if (i > 0) help.topology += i + 1 == s.dependencies.size() ? " and " : ", ";
                help.topology += describe_dependency(s, s.dependencies[i]);
            }
            help.topology += ".";
        }
        for (const Dependency& d : s.dependencies) {
            if (!d.breaker) continue;
            if (!first) {
                first_caller = &s;
                first = &d;
            }
            if (EdgeName{s.name, d.target}.text() == focus_edge) {
                focus_caller = &s;
                focus = &d;
            }
        }
    }
    if (callers > kCallersListed) {
        help.topology += " " + std::to_string(callers - kCallersListed) +
                         " more services call others; the Breaker panel lists every edge.";
    }
    if (!focus) {
        focus_caller = first_caller;
        focus = first;
    }
    if (focus) {
        help.edge = EdgeName{focus_caller->name, focus->target}.text();
        help.try_first = "Drag service " + focus->target +
                         "'s failure rate up (Services, left). Within seconds the " + help.edge +
                         " breaker opens: its state band turns red and " + focus_caller->name +
                         "'s calls to " + focus->target +
                         " are rejected at once instead of waiting on it.";
    } else if (callers > 0) {
        help.try_first =
            "No dependency has a breaker yet: pick a preset for an edge in the Breaker panel "
            "(right), then drag the target's failure rate up (Services, left) and watch the "
            "breaker open.";
    } else {
        help.try_first =
            "This scenario has one service and no dependency, so there is no breaker to "
            "watch: open a scenario with dependencies (Ctrl+O), such as default.toml.";
    }
    return help;
}

}  // namespace cbsim::gui
