// libFuzzer target: the semantics of a scenario, not only its parsing: whatever loads runs a
// few simulated seconds within the rate it allows, with consistent KPIs, and its export re-runs
// to the same summary (see fuzz_checks.hpp, property 3).
#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbsim::fuzz::check_scenario_run({reinterpret_cast<const char*>(data), size});
    return 0;
}
