#include "store/device_beats.h"

#include <algorithm>

namespace presence::server {

void DeviceBeats::Beat(const std::string& device_id, Time now,
                       Time stale_cutoff) {
  bool found = false;
  for (auto& beat : beats_) {
    if (beat.device_id == device_id) {
      beat.last_heartbeat = std::max(beat.last_heartbeat, now);
      found = true;
    }
  }
  if (!found) beats_.push_back({device_id, now});
  if (beats_.size() > 1) DropStale(stale_cutoff);
}

bool DeviceBeats::Remove(const std::string& device_id) {
  const auto it = std::find_if(beats_.begin(), beats_.end(), [&](auto& b) {
    return b.device_id == device_id;
  });
  if (it == beats_.end()) return false;
  beats_.erase(it);
  return true;
}

bool DeviceBeats::Contains(const std::string& device_id) const {
  return std::any_of(beats_.begin(), beats_.end(),
                     [&](auto& b) { return b.device_id == device_id; });
}

void DeviceBeats::DropStale(Time cutoff) {
  beats_.erase(
      std::remove_if(beats_.begin(), beats_.end(),
                     [&](auto& b) { return b.last_heartbeat <= cutoff; }),
      beats_.end());
}

Time DeviceBeats::Latest() const {
  Time latest{};
  for (const auto& beat : beats_) {
    latest = std::max(latest, beat.last_heartbeat);
  }
  return latest;
}

}  // namespace presence::server
