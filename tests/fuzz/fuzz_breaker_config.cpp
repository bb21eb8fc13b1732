// libFuzzer target: the breaker config loader, saver and factory (see fuzz_checks.hpp).
#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbsim::fuzz::check_breaker_text({reinterpret_cast<const char*>(data), size});
    return 0;
}
