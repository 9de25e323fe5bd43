#include "store/settings_rules.h"

#include "contract/duration.h"

namespace presence::server {
namespace {

struct TimeoutRule {
  Setting interval;
  Setting timeout;
};
constexpr TimeoutRule kTimeoutRules[] = {
    {Setting::kUserHeartbeatInterval, Setting::kOnlineThreshold},
    {Setting::kRoomHeartbeatInterval, Setting::kRoomTimeout},
};

Millis ValueOf(const NetworkSettings& settings, Setting setting) {
  switch (setting) {
    case Setting::kUserHeartbeatInterval:
      return settings.user_heartbeat_interval;
    case Setting::kOnlineThreshold:
      return settings.online_threshold;
    case Setting::kRoomHeartbeatInterval:
      return settings.room_heartbeat_interval;
    case Setting::kRoomTimeout:
      break;
  }
  return settings.room_timeout;
}

bool IsSetIn(const NetworkSettingsUpdate& update, Setting setting) {
  switch (setting) {
    case Setting::kUserHeartbeatInterval:
      return update.user_heartbeat_interval.has_value();
    case Setting::kOnlineThreshold:
      return update.online_threshold.has_value();
    case Setting::kRoomHeartbeatInterval:
      return update.room_heartbeat_interval.has_value();
    case Setting::kRoomTimeout:
      break;
  }
  return update.room_timeout.has_value();
}

bool IsTimeout(Setting setting) {
  return setting == Setting::kOnlineThreshold ||
         setting == Setting::kRoomTimeout;
}

}  // namespace

Millis DefaultRoomTimeout(Millis room_heartbeat_interval) {
  return 2 * room_heartbeat_interval;
}

const char* SettingName(Setting setting) {
  switch (setting) {
    case Setting::kUserHeartbeatInterval:
      return "user_heartbeat_interval";
    case Setting::kOnlineThreshold:
      return "online_threshold";
    case Setting::kRoomHeartbeatInterval:
      return "room_heartbeat_interval";
    case Setting::kRoomTimeout:
      break;
  }
  return "room_timeout";
}

std::optional<SettingsConflict> CheckNetworkSettings(
    const NetworkSettings& settings, const SettingRank& rank) {
  for (const TimeoutRule& rule : kTimeoutRules) {
    if (ValueOf(settings, rule.timeout) > ValueOf(settings, rule.interval)) {
      continue;
    }
    const bool blame_interval = rank(rule.interval) > rank(rule.timeout);
    const Setting blamed = blame_interval ? rule.interval : rule.timeout;
    const Setting other = blame_interval ? rule.timeout : rule.interval;
    return SettingsConflict{blamed, other, ValueOf(settings, blamed),
                            ValueOf(settings, other), rank(other) > 0};
  }
  return std::nullopt;
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

std::optional<SettingsConflict> CheckUpdate(
    const NetworkSettings& merged, const NetworkSettingsUpdate& update) {
  return CheckNetworkSettings(merged, [&](Setting setting) {
    return IsSetIn(update, setting) ? 1 : 0;
  });
}

std::string Explain(const SettingsConflict& conflict,
                    const std::function<std::string(Setting)>& name) {
  const std::string blamed = name(conflict.blamed) + " (" +
                             FormatDuration(conflict.blamed_value) + ")";
  const std::string other =
      name(conflict.other) + " (" + FormatDuration(conflict.other_value) + ")";
  if (IsTimeout(conflict.blamed)) {
    return blamed + " must be longer than " + other;
  }
  std::string message = blamed + " must be shorter than " + other;
  if (!conflict.other_set)
    message += "; set " + name(conflict.other) + " as well";
  return message;
}

}  // namespace presence::server
