// output.cpp: the --out file check and standard output of the subcommands (output.hpp).
#include "output.hpp"

#include <cbsim/atomic_file.hpp>

#include <cerrno>
#include <cstring>
#include <ostream>

namespace cbsim::cli {

int finish_output(std::ostream& out, std::ostream& err, std::string_view command, int code) {
    // A failure while writing leaves its errno (nothing runs between that write and here);
    // otherwise the flush's own.
    if (out) {
        errno = 0;
        out.flush();
        if (out) return code;
    }
    const int e = errno;
    err << "cbsim-cli " << command
        << ": cannot write to standard output: " << (e != 0 ? std::strerror(e) : "write error")
        << '\n';
    return 1;
}

bool is_stdout(const std::string& path) {
    return path.empty() || path == "-";
}

bool check_out_file(std::string_view me, const std::string& path, std::ostream& err) {
    if (is_stdout(path)) return true;
    const std::string problem = check_output_file(path);
    if (problem.empty()) return true;
    err << me << "--out " << problem << '\n';
    return false;
}

}  // namespace cbsim::cli
