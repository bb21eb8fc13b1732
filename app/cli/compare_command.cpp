// compare_command.cpp: variants of one scenario side by side over seeds.
#include "compare_command.hpp"

#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>

#include "cbsim/compare.hpp"
#include "cbsim/error.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/scenario_keys.hpp"
#include "output.hpp"
#include "settings_option.hpp"

namespace cbsim::cli {

namespace {

constexpr const char* kCommand = "cbsim-cli compare: ";

/// The base scenario, variants and seed count from the options (and a compare file).
struct Plan {
    Scenario base;
    std::vector<Variant> variants;
    std::uint64_t seeds = 1;
};

/// Fills `plan`; on bad input prints the message and returns false.
bool make_plan(const CompareOptions& o, Plan& plan, std::ostream& err) {
    // Read once: SCENARIO may be a pipe. Both parsers throw ConfigError.
    const std::string text = read_config_file(o.scenario);
    std::optional<CompareFile> file = parse_compare_toml(text, o.scenario);
    if (file) {
        if (!o.variants.empty()) {
            err << kCommand << o.scenario
                << " is a compare file and names its variants; give --variant only with a "
                   "scenario file\n";
            return false;
        }
        const std::filesystem::path base =
            std::filesystem::path(o.scenario).parent_path() / file->scenario;
        plan.base = load_scenario_file(base.string());
        plan.variants = file->variants;
        plan.seeds = file->seeds;
    } else {
        plan.base = parse_scenario_toml(text, o.scenario);
        for (const std::string& spec : o.variants) {
            Variant v;
            if (std::string e = parse_variant(spec, v); !e.empty()) {
                err << kCommand << e << "\n";
                return false;
            }
            plan.variants.push_back(std::move(v));
        }
        if (plan.variants.empty()) {
            err << kCommand
                << "no --variant given; expected 1 to 8, e.g. --variant base --variant "
                   "retry3:A->B.retry.max_attempts=3 (the first is the reference)\n";
            return false;
        }
    }
    if (o.seeds) {
        if (*o.seeds < 1 || *o.seeds > kMaxSeeds) {
            err << kCommand << "--seeds " << *o.seeds << " is out of range; expected [1, "
                << kMaxSeeds << "]\n";
            return false;
        }
        plan.seeds = *o.seeds;
    }
    if (o.duration_s) {
        const std::string problem =
            check_key_value(*find_key(KeyTable::top, "duration_s"), *o.duration_s);
        if (!problem.empty()) {
            err << kCommand << "--duration " << problem << " (seconds)\n";
            return false;
        }
        plan.base.duration_s = *o.duration_s;
    }
    if (o.seed) plan.base.seed = *o.seed;
    if (plan.seeds - 1 > std::numeric_limits<std::uint64_t>::max() - plan.base.seed) {
        err << kCommand << "seeds " << plan.base.seed << " + " << plan.seeds
            << " run past 18446744073709551615; use a smaller --seed or --seeds\n";
        return false;
    }
    if (std::string e = apply_set_options(plan.base, o.sets); !e.empty()) {
        err << kCommand << e << "\n";
        return false;
    }
    if (const auto problems = validate(plan.base); !problems.empty()) {
        err << kCommand << o.scenario << ": key '" << problems.front().key
            << "': " << problems.front().message << "\n";
        return false;
    }
    if (std::string e = check_variants(plan.base, plan.variants); !e.empty()) {
        err << kCommand << (file ? o.scenario + ": key 'variants': " : std::string()) << e << "\n";
        return false;
    }
    return true;
}

}  // namespace

int run_compare(const CompareOptions& options, std::ostream& out, std::ostream& err) {
    Plan plan;
    try {
        if (!make_plan(options, plan, err)) return 2;
    } catch (const ConfigError& e) {
        err << kCommand << e.what() << "\n";
        return 2;
    }
    std::unique_ptr<CompareFolderWriter> folder;
    if (!options.out.empty()) {
        folder = std::make_unique<CompareFolderWriter>(options.out);
        if (!folder->error().empty()) {
            err << kCommand << "--out " << folder->error() << "\n";
            return 2;
        }
    }
    try {
        CompareResults results;
        for (const Variant& v : plan.variants)
            results.variants.push_back(v.name);
        results.summaries.resize(plan.variants.size());
        const SimTime total = plan.base.duration();
        for (std::uint64_t i = 0; i < plan.seeds; ++i) {
            Scenario scenario = plan.base;
            scenario.seed = plan.base.seed + i;
            Compare compare(scenario, plan.variants);
            // Nothing changes mid-run here: each variant runs to the end in one go (no cost of
            // switching between runs), the bar following the work done.
            const auto done = static_cast<double>(total) * static_cast<double>(i);
            const auto all = static_cast<double>(total) * static_cast<double>(plan.seeds);
            double shown = -1.0;
            compare.advance_to(total, [&](double share) {
                if (!options.progress || (share < 1.0 && share - shown < 0.01)) return;
                shown = share;
                draw_progress(err, static_cast<SimTime>(done + share * static_cast<double>(total)),
                              static_cast<SimTime>(all));
            });
            results.seeds.push_back(scenario.seed);
            const std::vector<Summary> summaries = compare.summaries();
            for (std::size_t v = 0; v < summaries.size(); ++v)
                results.summaries[v].push_back(summaries[v]);
            if (folder) {
                if (std::string e = folder->add_runs(compare, scenario.seed, plan.seeds > 1);
                    !e.empty()) {
                    err << kCommand << "cannot write the compare folder " << e << "\n";
                    return 1;
                }
            }
        }
        if (options.progress) err << "\n";
        if (folder) {
            const CompareFile file{"scenario.toml", plan.seeds, plan.variants};
            std::string e = folder->add_file("compare.csv", compare_csv(results));
            if (e.empty()) e = folder->add_file("scenario.toml", scenario_to_toml(plan.base));
            if (e.empty()) e = folder->add_file("compare.toml", compare_file_toml(file));
            if (e.empty()) e = folder->commit();
            if (!e.empty()) {
                err << kCommand << "cannot write the compare folder " << e << "\n";
                return 1;
            }
        }
        out << compare_table_text(results);
        if (folder) out << "\ncompare folder: " << options.out << "\n";
        return finish_output(out, err, "compare", 0);
    } catch (const ConfigError& e) {
        err << kCommand << options.scenario << ": " << e.what() << "\n";
        return 2;
    } catch (const std::bad_alloc&) {
        err << kCommand << "out of memory running " << plan.variants.size() << " variants of "
            << options.scenario
            << " at once; use fewer variants, a shorter duration or less traffic\n";
        return 1;
    } catch (const std::exception& e) {
        err << kCommand << "error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cbsim::cli
