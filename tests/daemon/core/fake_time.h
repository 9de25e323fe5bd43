// What the core tests share: fake time (a fixed origin far from the
// clock's epoch, advanced by hand) and short names for targets and batches.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/time.h"

namespace presence::daemon {

// For gtest's failure messages.
inline void PrintTo(const Batch& b, std::ostream* os) {
  *os << "{";
  if (b.user) *os << " user";
  for (const auto& r : b.room_ids) *os << " " << r;
  *os << " }";
}

namespace testing {

using namespace std::chrono_literals;

inline const TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);

inline const Target kUser = Target::User();
inline Target Room(const std::string& id) { return Target::Room(id); }

// The batch of `rooms` (sorted, as the core makes them), and the user.
inline Batch Rooms(std::vector<std::string> rooms, bool user = false) {
  Batch batch;
  batch.user = user;
  batch.room_ids = std::move(rooms);
  return batch;
}

}  // namespace testing
}  // namespace presence::daemon
