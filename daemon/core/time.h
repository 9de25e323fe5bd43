// Time for the pure core: every function takes `now` explicitly and nothing
// here reads a clock, so tests drive it with a hand-advanced TimePoint.
#pragma once

#include <chrono>

namespace presence::daemon {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

}  // namespace presence::daemon
