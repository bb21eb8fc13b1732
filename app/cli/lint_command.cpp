// lint_command.cpp: the lint subcommand's logic (CLI11 stays in main.cpp).
#include "lint_command.hpp"

#include <cbsim/compare.hpp>
#include <cbsim/error.hpp>
#include <cbsim/lint.hpp>
#include <cbsim/scenario_io.hpp>

#include <exception>
#include <ostream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "output.hpp"

namespace cbsim::cli {

int run_lint(const LintOptions& options, std::ostream& out, std::ostream& err) {
    return run_guarded("cbsim-cli lint: ", err, [&] {
        // Read once: the file may be a pipe (`lint <(...)`, /dev/stdin).
        const std::string text = read_config_file(options.file);
        if (detect_config_text_kind(text, options.file) == ConfigFileKind::breaker) {
            err << "cbsim-cli lint: " << options.file
                << ": a breaker file has no traffic to check it against; lint a scenario (or "
                   "compare) file whose dependency uses this breaker\n";
            return 2;
        }
        const ScenarioOrCompare file = parse_scenario_or_compare(text, options.file);
        // A compare file: each variant's scenario, its findings prefixed "variant NAME: ".
        std::vector<std::pair<std::string, LintWarning>> warnings;
        if (file.variants.empty()) {
            for (LintWarning& w : lint_scenario(file.scenario))
                warnings.emplace_back("", w);
        }
        for (const Variant& v : file.variants) {
            Scenario scenario;
            // parse_scenario_or_compare() has applied every variant already.
            if (const std::string problem = variant_scenario(file.scenario, v, scenario);
                !problem.empty())
                throw std::runtime_error(options.file + ": " + problem);
            for (LintWarning& w : lint_scenario(scenario))
                warnings.emplace_back("variant " + v.name + ": ", w);
        }
        for (const auto& [variant, w] : warnings) {
            out << options.file << ": " << variant << w.edge << ": warning [" << w.rule << "] "
                << w.message << "\n  fix: " << w.fix << '\n';
        }
        out << options.file << ": " << warnings.size()
            << (warnings.size() == 1 ? " warning" : " warnings") << '\n';
        const int code = options.strict && !warnings.empty() ? kLintStrictExit : 0;
        return finish_output(out, err, "lint", code);
    });
}

}  // namespace cbsim::cli
