// Wall-clock milliseconds for what people and files read; the cores run on
// the steady clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/time.h"

namespace presence::daemon {

inline int64_t WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Converts between the steady clock the core runs on and the wall clock
// people and the state file read, with each clock read once per batch.
class WallClock {
 public:
  WallClock() : steady_(Clock::now()), wall_ms_(WallNowMs()) {}

  int64_t Ms(std::optional<TimePoint> at) const {
    if (!at) return 0;
    return wall_ms_ +
           std::chrono::duration_cast<std::chrono::milliseconds>(*at - steady_)
               .count();
  }
  TimePoint From(int64_t wall_ms) const {
    return steady_ + std::chrono::milliseconds(wall_ms - wall_ms_);
  }
  int64_t now_ms() const { return wall_ms_; }
  TimePoint now() const { return steady_; }

 private:
  TimePoint steady_;
  int64_t wall_ms_;
};

}  // namespace presence::daemon
