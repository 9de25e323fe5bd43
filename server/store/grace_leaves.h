// Graceful leaves waiting for their deadline, at most one per device and
// target (a later one replaces it): found by target when a heartbeat
// cancels one, by deadline when it is due. The in-memory analogue of the
// Redis store's "leaving" sorted set.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "store/presence_store.h"

namespace presence::server {

// One device's presence: in the user presence, or in one room.
struct DeviceTarget {
  std::optional<std::string> room_id;  // nothing: the user presence
  std::string user_id;
  std::string device_id;

  friend bool operator<(const DeviceTarget& a, const DeviceTarget& b) {
    return std::tie(a.room_id, a.user_id, a.device_id) <
           std::tie(b.room_id, b.user_id, b.device_id);
  }
};

class GraceLeaves {
 public:
  // `target` ends at `deadline` unless cancelled before.
  void Schedule(const DeviceTarget& target, Time deadline);
  void Cancel(const DeviceTarget& target);
  // Takes the earliest leave due at `now`, if any.
  std::optional<DeviceTarget> TakeDue(Time now);

  bool empty() const { return deadlines_.empty(); }

 private:
  std::map<DeviceTarget, Time> deadlines_;
  std::set<std::pair<Time, DeviceTarget>> by_deadline_;
};

}  // namespace presence::server
