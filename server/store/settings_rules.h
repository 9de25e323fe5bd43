// The rules every NetworkSettings keeps, checked in this one place: the
// admin API refuses an update that would break them, and the server refuses
// to start with them. Each timeout must be longer than the interval it
// covers, or a client beating on time would drop out between two beats.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "store/presence_store.h"

namespace presence::server {

// The room timeout when none is given: twice the room interval, so one late
// or lost heartbeat does not drop a viewer. (redis_scripts.cc applies the
// same rule to settings an older server wrote without a room timeout.)
Millis DefaultRoomTimeout(Millis room_heartbeat_interval);

// The setting's name in NetworkSettings and in the config file, e.g.
// "room_timeout"; the upstream proto field is that name + "_ms".
const char* SettingName(Setting setting);

// How firmly the caller set each setting: 0 when it did not (a default, a
// value in force); more for a source that overrides another (a flag over
// the config file). An error blames the one set more firmly.
using SettingRank = std::function<int(Setting)>;

// The first rule `settings` break, blaming the one of the two settings that
// `rank` ranks higher (the timeout on a tie), or nothing when they keep
// every rule.
std::optional<SettingsConflict> CheckNetworkSettings(
    const NetworkSettings& settings, const SettingRank& rank);

// `current` with the fields `update` sets.
NetworkSettings Merge(NetworkSettings current,
                      const NetworkSettingsUpdate& update);

// CheckNetworkSettings of the merged settings, blaming a field the update
// sets.
std::optional<SettingsConflict> CheckUpdate(
    const NetworkSettings& merged, const NetworkSettingsUpdate& update);

// "room_heartbeat_interval_ms (15m) must be shorter than room_timeout_ms
// (10m); set room_timeout_ms as well", with the settings called what
// `name` calls them.
std::string Explain(const SettingsConflict& conflict,
                    const std::function<std::string(Setting)>& name);

}  // namespace presence::server
