// output.hpp: what the subcommands share about their output and exit codes: the --out file
// check, standard output with write errors reported, and the exit codes of what they throw.
#pragma once

#include <cbsim/error.hpp>

#include <exception>
#include <new>
#include <ostream>
#include <string>
#include <string_view>

namespace cbsim::cli {

/// Flushes `out`; when anything written to it failed (a full disk, a closed pipe, /dev/full)
/// prints "cbsim-cli COMMAND: cannot write to standard output: REASON" on `err` and returns 1,
/// else returns `code`.
int finish_output(std::ostream& out, std::ostream& err, std::string_view command, int code);

/// Whether `--out PATH` names standard output: empty or "-".
bool is_stdout(const std::string& path);
/// Checks `--out PATH` before any work: standard output, or a file that can be written
/// (check_output_file refuses a directory, device, FIFO, read-only file or missing folder).
/// Else prints "`me`--out PROBLEM" on `err` and returns false (the command exits 2).
bool check_out_file(std::string_view me, const std::string& path, std::ostream& err);

/// Returns `fn()` (an exit code) and maps what it throws to the exit codes of the subcommands:
/// a ConfigError (bad input) prints "`me`MESSAGE" on `err` and returns 2, an allocation failure
/// "`me`out of memory" and returns 1, any other exception "`me``error_word`MESSAGE" and returns
/// 1. `me` is "cbsim-cli COMMAND: "; `error_word` is what a command says before a runtime
/// error's message ("error: " or nothing).
template <class F>
int run_guarded(std::string_view me, std::ostream& err, F&& fn, std::string_view error_word = {}) {
    try {
        return fn();
    } catch (const ConfigError& e) {
        err << me << e.what() << '\n';
        return 2;
    } catch (const std::bad_alloc&) {
        err << me << "out of memory\n";
        return 1;
    } catch (const std::exception& e) {
        err << me << error_word << e.what() << '\n';
        return 1;
    }
}

}  // namespace cbsim::cli
