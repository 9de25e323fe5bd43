// Targets for one upstream call (heartbeat or leave): the user and/or rooms.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/target.h"

namespace presence::daemon {

struct Batch {
  bool user = false;
  std::vector<std::string> room_ids;  // sorted, unique

  bool empty() const { return !user && room_ids.empty(); }
  std::size_t size() const { return (user ? 1 : 0) + room_ids.size(); }
  // O(log n): relies on room_ids being sorted.
  bool Contains(const Target& t) const;
  // The user first, then the rooms in order.
  std::vector<Target> Targets() const;
  // Appends `t`; targets must come in Target order (the user first, rooms
  // sorted), as they do from a std::map or std::set keyed by Target.
  void Add(const Target& t);
  // "user + 3 room(s)", for logs.
  std::string Describe() const;
};

bool operator==(const Batch& a, const Batch& b);
bool operator!=(const Batch& a, const Batch& b);

}  // namespace presence::daemon
