// fit_command.cpp: the fit subcommand's logic (CLI11 stays in main.cpp).
#include "fit_command.hpp"

#include <cbsim/atomic_file.hpp>
#include <cbsim/error.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/scenario_io.hpp>

#include <exception>
#include <ostream>

#include "output.hpp"

namespace cbsim::cli {

int run_fit(const FitCliOptions& options, std::ostream& out, std::ostream& err) {
    if (const std::string problem = fit_options_problem(options.fit); !problem.empty()) {
        err << "cbsim-cli fit: " << problem << '\n';
        return 2;
    }
    const bool to_stdout = is_stdout(options.out);
    if (!check_out_file("cbsim-cli fit: ", options.out, err)) return 2;
    FitResult fit;
    const int rc = run_guarded("cbsim-cli fit: ", err, [&] {
        fit = fit_trace(load_trace(options.trace), options.fit, options.trace);
        return 0;
    });
    if (rc != 0) return rc;
    const std::string toml = scenario_to_toml(fit.scenario);
    if (to_stdout) {
        err << fit_summary_text(fit);
        out << toml;
        return finish_output(out, err, "fit", 0);
    }
    if (const std::string error = write_file_atomic(options.out, toml); !error.empty()) {
        err << "cbsim-cli fit: " << error << '\n';
        return 1;
    }
    out << fit_summary_text(fit) << "wrote " << options.out << '\n';
    return finish_output(out, err, "fit", 0);
}

}  // namespace cbsim::cli
