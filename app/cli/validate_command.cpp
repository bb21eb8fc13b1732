// validate_command.cpp: the validate subcommand's logic (CLI11 stays in main.cpp).
#include "validate_command.hpp"

#include <cbsim/breaker_config.hpp>
#include <cbsim/error.hpp>

#include <exception>
#include <ostream>

namespace cbsim::cli {

int run_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
    try {
        const BreakerConfig config = load_breaker_file(options.file);
        out << options.file << ": ok, breaker preset " << to_string(config.preset()) << '\n';
        return 0;
    } catch (const ConfigError& e) {
        err << "cbsim-cli validate: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        err << "cbsim-cli validate: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace cbsim::cli
