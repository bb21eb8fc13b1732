// validate_command.cpp: the validate subcommand's logic (CLI11 stays in main.cpp).
#include "validate_command.hpp"

#include <cbsim/breaker_config.hpp>
#include <cbsim/compare.hpp>
#include <cbsim/error.hpp>
#include <cbsim/scenario_io.hpp>
#include <cbsim/sweep.hpp>
#include <cbsim/text.hpp>

#include <exception>
#include <ostream>

#include "output.hpp"

namespace cbsim::cli {

namespace {

/// "scenario "Retry storm": 2 services, 1 dependency (1 with a breaker), 2 timeline
/// entries, 60 s".
void describe(const Scenario& s, std::ostream& out) {
    std::size_t dependencies = 0, breakers = 0;
    for (const Service& service : s.services) {
        dependencies += service.dependencies.size();
        for (const Dependency& d : service.dependencies) {
            if (d.breaker) ++breakers;
        }
    }
    const auto count = [](std::size_t n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    out << "scenario \"" << printable(s.name, kMaxNameLength)
        << "\": " << count(s.services.size(), "service", "services") << ", "
        << count(dependencies, "dependency", "dependencies") << " (" << breakers
        << " with a breaker), " << count(s.timeline.size(), "timeline entry", "timeline entries")
        << ", " << s.duration_s << " s";
}

}  // namespace

int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
    return run_guarded("cbsim-cli validate: ", err, [&] {
        // Read once: the file may be a pipe (`validate <(...)`, /dev/stdin).
        const std::string text = read_config_file(options.file);
        const ConfigFileKind kind = detect_config_text_kind(text, options.file);
        if (kind == ConfigFileKind::sweep) {
            const SweepPlan plan = parse_sweep(text, options.file);
            out << options.file << ": ok, sweep of " << point_count(plan.spec) << " points x "
                << plan.spec.profiles.size() << " profiles x " << plan.spec.seeds
                << " seeds on edge " << plan.spec.edge << ", on ";
            describe(plan.base, out);
            out << '\n';
            for (const std::string& note : plan.notes)
                out << "note: " << note << '\n';
            return finish_output(out, err, "validate", 0);
        }
        if (kind == ConfigFileKind::breaker) {
            const BreakerConfig config = parse_breaker_toml(text, options.file);
            out << options.file << ": ok, breaker preset " << to_string(config.preset()) << '\n';
            return finish_output(out, err, "validate", 0);
        }
        const ScenarioOrCompare file = parse_scenario_or_compare(text, options.file);
        out << options.file << ": ok, ";
        if (!file.variants.empty()) {
            out << "compare of " << file.variants.size() << " variants (";
            for (std::size_t i = 0; i < file.variants.size(); ++i)
                out << (i ? ", " : "") << file.variants[i].name;
            out << "), " << file.seeds << (file.seeds == 1 ? " seed" : " seeds") << ", on ";
        }
        describe(file.scenario, out);
        out << '\n';
        return finish_output(out, err, "validate", 0);
    });
}

}  // namespace cbsim::cli
