// The devices behind one user presence or one room viewer, each with its
// last heartbeat. A presence is alive while any device is.
#pragma once

#include <string>
#include <vector>

#include "store/presence_store.h"

namespace presence::server {

class DeviceBeats {
 public:
  // Records a heartbeat; drops devices whose last heartbeat is at or before
  // `stale_cutoff` (they stopped without leaving).
  void Beat(const std::string& device_id, Time now, Time stale_cutoff);

  // Forgets a device; returns whether it was there.
  bool Remove(const std::string& device_id);

  bool Contains(const std::string& device_id) const;

  // Drops devices whose last heartbeat is at or before `cutoff`.
  void DropStale(Time cutoff);

  bool empty() const { return beats_.empty(); }
  // The latest heartbeat of any device; epoch when empty.
  Time Latest() const;

 private:
  struct DeviceBeat {
    std::string device_id;
    Time last_heartbeat;
  };
  // Few devices per user: a vector beats a map.
  std::vector<DeviceBeat> beats_;
};

}  // namespace presence::server
