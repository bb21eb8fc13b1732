// output.cpp: standard output of the subcommands, with write errors reported.
#include "output.hpp"

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

}  // namespace cbsim::cli
