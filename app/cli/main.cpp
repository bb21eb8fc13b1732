// cbsim-cli: the headless front-end. Subcommands: run, replay, validate.
#include <CLI/CLI.hpp>
#include <cbsim/version.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    CLI::App app{"cbsim-cli: headless circuit-breaker simulator"};
    app.set_version_flag("--version", std::string("cbsim-cli ") + cbsim::version_string);
    app.require_subcommand(0, 1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (app.get_subcommands().empty()) {
        std::fputs(app.help().c_str(), stdout);
    }
    return 0;
}
