// cbsim: the desktop app. main() stays tiny: options, signals, allocator tuning, one App.
#include <malloc.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "app.hpp"

namespace {
std::atomic<bool> g_stop{false};  // the only state a signal handler may touch
extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}
}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // tests read status lines from a pipe or file
    // llvmpipe allocates and frees megabytes each frame; glibc's default trim threshold hands
    // the heap top back to the kernel every frame and re-faulting it costs 3.5x in frame time.
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_TOP_PAD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);

    std::string message;
    int exit_code = 0;
    auto options = cbsim::gui::parse_app_options({argv + 1, argv + argc}, message, exit_code);
    if (!options) {
        std::fputs(message.c_str(), exit_code == 0 ? stdout : stderr);
        return exit_code;
    }
    // Without SA_RESTART: a blocking call (opening a FIFO nobody writes) returns EINTR, so the
    // app stops on SIGTERM / Ctrl-C even then.
    struct sigaction stop {};
    stop.sa_handler = on_stop_signal;
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTERM, &stop, nullptr);
    sigaction(SIGINT, &stop, nullptr);
    std::signal(SIGXFSZ, SIG_IGN);  // past a file-size limit, writes fail with EFBIG instead
    cbsim::gui::App app(std::move(*options), g_stop);
    return app.run();
}
