// Fake time for the core tests: a fixed origin far from the clock's epoch,
// advanced by hand.
#pragma once

#include <chrono>

#include "core/time.h"

namespace presence::daemon::testing {

using namespace std::chrono_literals;

inline const TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);

}  // namespace presence::daemon::testing
