// A batch of targets as upstream requests (HeartbeatRequest or
// LeaveRequest): the server takes at most kMaxRoomsPerCall rooms per call,
// so a larger batch becomes several calls, the user riding in the first.
#pragma once

#include <vector>

#include "contract/limits.h"
#include "core/batch.h"

namespace presence::daemon {

template <typename Request>
std::vector<Request> SplitIntoCalls(const Batch& batch) {
  std::vector<Request> calls;
  if (batch.empty()) return calls;
  calls.emplace_back();
  calls[0].set_user(batch.user);
  for (const auto& room : batch.room_ids) {
    if (calls.back().room_ids_size() == static_cast<int>(kMaxRoomsPerCall)) {
      calls.emplace_back();
    }
    calls.back().add_room_ids(room);
  }
  return calls;
}

}  // namespace presence::daemon
