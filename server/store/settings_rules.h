// Rules the network settings follow, in this one place.
#pragma once

#include "store/presence_store.h"

namespace presence::server {

// The room timeout when none is given: twice the room interval, so one late
// or lost heartbeat does not drop a viewer. (redis_scripts.cc applies the
// same rule to settings an older server wrote without a room timeout.)
Millis DefaultRoomTimeout(Millis room_heartbeat_interval);

// `current` with the fields `update` sets.
NetworkSettings Merge(NetworkSettings current,
                      const NetworkSettingsUpdate& update);

}  // namespace presence::server
