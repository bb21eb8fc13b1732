// libFuzzer target: the trace CSV reader and the replay of every preset (see fuzz_checks.hpp).
#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbsim::fuzz::check_trace_text({reinterpret_cast<const char*>(data), size});
    return 0;
}
