// time.hpp is header-only; this unit keeps the library non-empty at every stage of the build.
#include "cbsim/time.hpp"

static_assert(cbsim::from_s(1) == 1'000'000);
static_assert(cbsim::from_ms(5) == 5'000);
