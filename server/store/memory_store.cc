#include "store/memory_store.h"

#include <algorithm>

#include "store/settings_rules.h"

namespace presence::server {

// Indexes hold last-heartbeat times rather than deadlines, so a threshold
// changed at run time applies to everything at once.

MemoryStore::MemoryStore(const NetworkSettings& initial_settings)
    : settings_(initial_settings) {}

void MemoryStore::SetListener(StoreListener* listener) {
  MutexLock lock(mu_);
  listener_ = listener;
}

Time MemoryStore::UserCutoff(Time now) const {
  return now - settings_.online_threshold;
}

Time MemoryStore::RoomCutoff(Time now) const {
  return now - settings_.room_timeout;
}

void MemoryStore::Expire(Time now) {
  while (auto due = grace_leaves_.TakeDue(now)) {
    LeaveTarget(*due, Millis(0), now);
  }
  const Time user_cutoff = UserCutoff(now);
  while (OnlineUser* user =
             users_by_heartbeat_.EarliestAtOrBefore(user_cutoff)) {
    TakeUserOffline(*user);
  }
  const Time room_cutoff = RoomCutoff(now);
  while (Viewer* viewer =
             viewers_by_heartbeat_.EarliestAtOrBefore(room_cutoff)) {
    RemoveViewer(*viewer);
  }
  while (SessionEntry* entry = sessions_by_expiry_.EarliestAtOrBefore(now)) {
    sessions_by_expiry_.Remove(entry->position);
    sessions_.erase(sessions_.find(*entry->token));
  }
}

void MemoryStore::Publish() {
  if (pending_.empty()) return;
  if (listener_ != nullptr) listener_->OnPresenceChanges(pending_);
  pending_.users.clear();
  pending_.rooms.clear();
}

void MemoryStore::TakeUserOffline(OnlineUser& user) {
  const std::string& user_id = *user.user_id;
  last_seen_[user_id] = user.last_heartbeat;
  pending_.users.push_back({user_id, user.last_heartbeat, false});
  users_by_heartbeat_.Remove(user.position);
  // Erase by iterator: user_id refers to the key being erased.
  online_users_.erase(online_users_.find(user_id));
}

void MemoryStore::RemoveViewer(Viewer& viewer) {
  Room& room = *viewer.room;
  viewers_by_heartbeat_.Remove(viewer.position);
  room.viewers.erase(room.viewers.find(*viewer.user_id));
  pending_.rooms.push_back(
      {*room.room_id, static_cast<std::int64_t>(room.viewers.size())});
  if (room.viewers.empty()) rooms_.erase(rooms_.find(*room.room_id));
}

void MemoryStore::PutSession(const std::string& token, const Session& session,
                             Time now) {
  MutexLock lock(mu_);
  Expire(now);
  auto [it, inserted] = sessions_.try_emplace(token);
  SessionEntry& entry = it->second;
  entry.token = &it->first;
  entry.session = session;
  entry.position =
      inserted ? sessions_by_expiry_.Add(session.expires_at, &entry)
               : sessions_by_expiry_.Move(entry.position, session.expires_at);
  Publish();
}

std::optional<Session> MemoryStore::FindSession(const std::string& token,
                                                Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  const auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.session;
}

NetworkSettings MemoryStore::GetNetworkSettings(Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  return settings_;
}

SettingsUpdateResult MemoryStore::UpdateNetworkSettings(
    const NetworkSettingsUpdate& update, Time now) {
  MutexLock lock(mu_);
  NetworkSettings merged = Merge(settings_, update);
  if (auto conflict = CheckUpdate(merged, update)) return {settings_, conflict};
  settings_ = merged;
  settings_.updated_at = now;
  if (listener_ != nullptr) listener_->OnNetworkSettings(settings_);
  // A shorter threshold or timeout may expire presences right away.
  Expire(now);
  Publish();
  return {settings_, std::nullopt};
}

UserSettings MemoryStore::GetUserSettings(const std::string& user_id,
                                          Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  const auto it = user_settings_.find(user_id);
  return it == user_settings_.end() ? UserSettings{} : it->second;
}

UserSettings MemoryStore::SetUserPresenceEnabled(const std::string& user_id,
                                                 bool enabled, Time now) {
  MutexLock lock(mu_);
  Expire(now);
  UserSettings& settings = user_settings_[user_id];
  const bool changed = settings.enabled != enabled;
  if (changed && enabled) settings.enabled_at = now;
  settings.enabled = enabled;
  if (!enabled) {
    const auto it = online_users_.find(user_id);
    if (it != online_users_.end()) TakeUserOffline(it->second);
  }
  const UserSettings result = settings;
  if (changed && listener_ != nullptr) {
    listener_->OnUserSettings(user_id, result);
  }
  Publish();
  return result;
}

HeartbeatResult MemoryStore::Heartbeat(const std::string& user_id,
                                       const std::string& device_id, bool user,
                                       const std::vector<std::string>& room_ids,
                                       Time now) {
  MutexLock lock(mu_);
  Expire(now);
  HeartbeatResult result{HeartbeatOutcome::kAccepted, settings_};
  if (!settings_.presence_enabled) {
    result.outcome = HeartbeatOutcome::kPresenceDisabled;
  } else if (user) {
    const auto it = user_settings_.find(user_id);
    if (it == user_settings_.end() || !it->second.enabled) {
      result.outcome = HeartbeatOutcome::kUserNotEnabled;
    }
  }
  if (result.outcome == HeartbeatOutcome::kAccepted) {
    if (user) BeatUser(user_id, device_id, now);
    for (const auto& room_id : room_ids) {
      BeatRoom(room_id, user_id, device_id, now);
    }
  }
  Publish();
  return result;
}

void MemoryStore::BeatUser(const std::string& user_id,
                           const std::string& device_id, Time now) {
  auto [it, inserted] = online_users_.try_emplace(user_id);
  OnlineUser& user = it->second;
  user.devices.Beat(device_id, now, UserCutoff(now));
  // The beat cancels the device's graceful leave; with none pending (the
  // usual case) there is no key to build.
  if (!grace_leaves_.empty()) {
    grace_leaves_.Cancel({std::nullopt, user_id, device_id});
  }
  const Time latest = user.devices.Latest();
  if (inserted) {
    user.user_id = &it->first;
    user.position = users_by_heartbeat_.Add(latest, &user);
    last_seen_.erase(user_id);
    pending_.users.push_back({user_id, latest, true});
  } else if (latest != user.last_heartbeat) {
    user.position = users_by_heartbeat_.Move(user.position, latest);
  }
  user.last_heartbeat = latest;
}

void MemoryStore::BeatRoom(const std::string& room_id,
                           const std::string& user_id,
                           const std::string& device_id, Time now) {
  auto [room_it, new_room] = rooms_.try_emplace(room_id);
  Room& room = room_it->second;
  if (new_room) room.room_id = &room_it->first;
  auto [it, inserted] = room.viewers.try_emplace(user_id);
  Viewer& viewer = it->second;
  viewer.devices.Beat(device_id, now, RoomCutoff(now));
  if (!grace_leaves_.empty()) {
    grace_leaves_.Cancel({room_id, user_id, device_id});
  }
  const Time latest = viewer.devices.Latest();
  if (inserted) {
    viewer.room = &room;
    viewer.user_id = &it->first;
    viewer.joined_at = now;
    viewer.position = viewers_by_heartbeat_.Add(latest, &viewer);
    pending_.rooms.push_back(
        {room_id, static_cast<std::int64_t>(room.viewers.size())});
  } else if (latest != viewer.last_heartbeat) {
    viewer.position = viewers_by_heartbeat_.Move(viewer.position, latest);
  }
  viewer.last_heartbeat = latest;
}

void MemoryStore::Leave(const std::string& user_id,
                        const std::string& device_id, bool user,
                        const std::vector<std::string>& room_ids, Millis grace,
                        Time now) {
  MutexLock lock(mu_);
  Expire(now);
  if (user) LeaveTarget({std::nullopt, user_id, device_id}, grace, now);
  for (const auto& room_id : room_ids) {
    LeaveTarget({room_id, user_id, device_id}, grace, now);
  }
  Publish();
}

MemoryStore::OnlineUser* MemoryStore::FindUser(const std::string& user_id) {
  const auto it = online_users_.find(user_id);
  return it == online_users_.end() ? nullptr : &it->second;
}

MemoryStore::Viewer* MemoryStore::FindViewer(const std::string& room_id,
                                             const std::string& user_id) {
  const auto room_it = rooms_.find(room_id);
  if (room_it == rooms_.end()) return nullptr;
  const auto it = room_it->second.viewers.find(user_id);
  return it == room_it->second.viewers.end() ? nullptr : &it->second;
}

void MemoryStore::LeaveTarget(const DeviceTarget& target, Millis grace,
                              Time now) {
  OnlineUser* user = target.room_id ? nullptr : FindUser(target.user_id);
  Viewer* viewer =
      target.room_id ? FindViewer(*target.room_id, target.user_id) : nullptr;
  const DeviceBeats* devices = user     ? &user->devices
                               : viewer ? &viewer->devices
                                        : nullptr;
  if (devices == nullptr) return;
  if (grace > Millis(0)) {
    if (devices->Contains(target.device_id)) {
      grace_leaves_.Schedule(target, now + grace);
    }
  } else if (user != nullptr) {
    RemoveDevice(*user, target.device_id, now);
  } else {
    RemoveDevice(*viewer, target.device_id, now);
  }
}

void MemoryStore::RemoveDevice(OnlineUser& user, const std::string& device_id,
                               Time now) {
  if (!user.devices.Remove(device_id)) return;
  user.devices.DropStale(UserCutoff(now));
  if (user.devices.empty()) {
    TakeUserOffline(user);
    return;
  }
  user.last_heartbeat = user.devices.Latest();
  user.position = users_by_heartbeat_.Move(user.position, user.last_heartbeat);
}

void MemoryStore::RemoveDevice(Viewer& viewer, const std::string& device_id,
                               Time now) {
  if (!viewer.devices.Remove(device_id)) return;
  viewer.devices.DropStale(RoomCutoff(now));
  if (viewer.devices.empty()) {
    RemoveViewer(viewer);
    return;
  }
  viewer.last_heartbeat = viewer.devices.Latest();
  viewer.position =
      viewers_by_heartbeat_.Move(viewer.position, viewer.last_heartbeat);
}

std::vector<UserPresence> MemoryStore::GetUserPresence(
    const std::vector<std::string>& user_ids, Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  std::vector<UserPresence> result;
  result.reserve(user_ids.size());
  for (const auto& user_id : user_ids) {
    if (const auto it = online_users_.find(user_id);
        it != online_users_.end()) {
      result.push_back({user_id, it->second.last_heartbeat, true});
    } else if (const auto seen = last_seen_.find(user_id);
               seen != last_seen_.end()) {
      result.push_back({user_id, seen->second, false});
    } else {
      result.push_back({user_id, Time{}, false});
    }
  }
  return result;
}

std::int64_t MemoryStore::OnlineUserCount(Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  return static_cast<std::int64_t>(online_users_.size());
}

Page<UserPresence> MemoryStore::ListOnlineUsers(
    const std::string& after_user_id, int page_size, Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  Page<UserPresence> page;
  auto it = online_users_.upper_bound(after_user_id);
  for (; it != online_users_.end() &&
         static_cast<int>(page.items.size()) < page_size;
       ++it) {
    page.items.push_back({it->first, it->second.last_heartbeat, true});
  }
  page.more = it != online_users_.end();
  return page;
}

std::int64_t MemoryStore::RoomViewerCount(const std::string& room_id,
                                          Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  const auto it = rooms_.find(room_id);
  return it == rooms_.end()
             ? 0
             : static_cast<std::int64_t>(it->second.viewers.size());
}

std::vector<std::int64_t> MemoryStore::RoomViewerCounts(
    const std::vector<std::string>& room_ids, Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  std::vector<std::int64_t> counts;
  counts.reserve(room_ids.size());
  for (const auto& room_id : room_ids) {
    const auto it = rooms_.find(room_id);
    counts.push_back(it == rooms_.end() ? 0 : it->second.viewers.size());
  }
  return counts;
}

Page<RoomViewer> MemoryStore::ListRoomViewers(const std::string& room_id,
                                              const std::string& after_user_id,
                                              int page_size, Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
  Page<RoomViewer> page;
  const auto room_it = rooms_.find(room_id);
  if (room_it == rooms_.end()) return page;
  const auto& viewers = room_it->second.viewers;
  auto it = viewers.upper_bound(after_user_id);
  for (; it != viewers.end() && static_cast<int>(page.items.size()) < page_size;
       ++it) {
    page.items.push_back(
        {it->first, it->second.joined_at, it->second.last_heartbeat});
  }
  page.more = it != viewers.end();
  return page;
}

void MemoryStore::Sweep(Time now) {
  MutexLock lock(mu_);
  Expire(now);
  Publish();
}

}  // namespace presence::server
