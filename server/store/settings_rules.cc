#include "store/settings_rules.h"

namespace presence::server {

Millis DefaultRoomTimeout(Millis room_heartbeat_interval) {
  return 2 * room_heartbeat_interval;
}

NetworkSettings Merge(NetworkSettings current,
                      const NetworkSettingsUpdate& update) {
  current.presence_enabled =
      update.presence_enabled.value_or(current.presence_enabled);
  current.user_heartbeat_interval =
      update.user_heartbeat_interval.value_or(current.user_heartbeat_interval);
  current.room_heartbeat_interval =
      update.room_heartbeat_interval.value_or(current.room_heartbeat_interval);
  current.online_threshold =
      update.online_threshold.value_or(current.online_threshold);
  current.sync_interval = update.sync_interval.value_or(current.sync_interval);
  current.room_timeout = update.room_timeout.value_or(current.room_timeout);
  return current;
}

}  // namespace presence::server
