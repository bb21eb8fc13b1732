// libFuzzer target: the nginx access-log line parser (see fuzz_checks.hpp, check_log_text).
#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbsim::fuzz::check_log_text(cbsim::LogFormat::nginx,
                                {reinterpret_cast<const char*>(data), size});
    return 0;
}
