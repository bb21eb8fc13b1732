// cbsim/lint.hpp: breaker settings that cannot work as meant at a scenario's traffic.
//
// A setting can be valid (in its range, accepted by its library) and still useless where it
// runs: a slow-call threshold no call can exceed before its timeout, a minimum number of calls
// the window never holds at the traffic that reaches the breaker, a window that forgets the
// first attempts of a call before its retries end, a half-open budget the half-open period
// never fills, buckets that do not divide the window. lint_scenario() finds them per edge with
// the numbers behind each finding and a suggested fix; `cbsim-cli lint` prints them and the
// app's Breaker panel shows those of the selected edge (docs/BREAKERS.md, "Lint").
//
// The traffic a breaker sees is an upper bound taken from the scenario: the peak arrival rate
// (traffic.rate_rps and its phases) reaches the entry service, every service calls each of its
// dependencies once per request it serves, retries multiply the attempts by max_attempts, and
// a per-instance breaker sees its caller's share (1 / instances) while a shared one sees all.
// A finding therefore holds at any traffic the scenario produces.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/scenario.hpp"

namespace cbsim {

/// One lint rule: its id (stable, printed and tested) and what it finds.
struct LintRule {
    std::string_view id;
    std::string_view summary;
};

/// Every rule, in the order findings are reported for one edge.
std::span<const LintRule> lint_rules();

/// One finding on one edge with a breaker.
struct LintWarning {
    std::string edge;     ///< "A->B"
    std::string rule;     ///< a LintRule id
    std::string message;  ///< what cannot work, with the settings' values and the traffic
    std::string fix;      ///< a suggested change, with the key and a value that works
};

/// Calls per second that reach the breaker of `caller`'s dependency number `dependency` at
/// most (see the file comment); 0 when the edge gets no traffic. Requires validate(scenario)
/// to be empty (no dependency cycle, targets exist).
double breaker_peak_rate(const Scenario& scenario, std::string_view caller, std::size_t dependency);

/// Every finding of every edge with a breaker, edges in the scenario's order, rules in
/// lint_rules() order. Requires validate(scenario) to be empty.
std::vector<LintWarning> lint_scenario(const Scenario& scenario);

/// The findings of one edge ("A->B"); empty when the edge has no breaker or does not exist.
std::vector<LintWarning> lint_edge(const Scenario& scenario, std::string_view edge);

}  // namespace cbsim
