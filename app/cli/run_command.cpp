// run_command.cpp: the headless run.
#include "run_command.hpp"

#include <exception>
#include <memory>
#include <new>
#include <string>

#include "cbsim/error.hpp"
#include "cbsim/export.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/scenario_keys.hpp"
#include "output.hpp"
#include "settings_option.hpp"

namespace cbsim::cli {

int run_run(const RunOptions& options, std::ostream& out, std::ostream& err) {
    Scenario scenario;
    try {
        scenario = load_scenario_file(options.scenario);
    } catch (const ConfigError& e) {
        err << "cbsim-cli run: " << e.what() << "\n";
        return 2;
    }
    if (options.duration_s) {
        const std::string problem =
            check_key_value(*find_key(KeyTable::top, "duration_s"), *options.duration_s);
        if (!problem.empty()) {
            err << "cbsim-cli run: --duration " << problem << " (seconds)\n";
            return 2;
        }
        scenario.duration_s = *options.duration_s;
    }
    if (options.seed) scenario.seed = *options.seed;
    if (std::string e = apply_set_options(scenario, options.sets); !e.empty()) {
        err << "cbsim-cli run: " << e << "\n";
        return 2;
    }
    if (!options.out.empty()) {
        if (const std::string problem = check_run_folder(options.out); !problem.empty()) {
            err << "cbsim-cli run: --out " << problem << "\n";
            return 2;
        }
    }
    SimTime reached = 0;
    std::unique_ptr<Run> run_ptr;  // outside the try: an allocation failure names its holder
    try {
        run_ptr = std::make_unique<Run>(scenario);
        Run& run = *run_ptr;
        const SimTime total = scenario.duration();
        constexpr int kSteps = 200;
        for (int i = 1; i <= kSteps; ++i) {
            run.advance_to(total * i / kSteps);
            reached = run.now();
            if (options.progress && i % 2 == 0) draw_progress(err, run.now(), total);  // 1 %
        }
        if (options.progress) err << "\n";
        if (!options.out.empty()) {
            const std::string toml = scenario_to_toml(run.exported_scenario());
            if (const std::string e = write_run_folder(run, options.out, toml); !e.empty()) {
                err << "cbsim-cli run: cannot write the run folder " << e << "\n";
                return 1;
            }
        }
        out << summary_text(run.summary());
        if (!options.out.empty()) out << "\nrun folder: " << options.out << "\n";
        return finish_output(out, err, "run", 0);
    } catch (const ConfigError& e) {
        err << "cbsim-cli run: " << options.scenario << ": " << e.what() << "\n";
        return 2;
    } catch (const std::bad_alloc&) {
        std::string reason = "the run's models do not fit";
        try {
            if (run_ptr) {
                reached = run_ptr->now();
                reason = out_of_memory_reason(*run_ptr);
            }
        } catch (const std::bad_alloc&) {
            run_ptr.reset();  // no room even to name the holder: free the run and say less
        }
        err << "cbsim-cli run: out of memory after " << to_s(reached) << " simulated s of "
            << options.scenario << ": " << reason << "\n";
        return 1;
    } catch (const std::exception& e) {
        err << "cbsim-cli run: error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cbsim::cli
