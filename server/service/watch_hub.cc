#include "service/watch_hub.h"

#include <algorithm>

namespace presence::server {

bool WatchHub::Add(SettingsWatcher* watcher) {
  MutexLock lock(mu_);
  if (shut_down_) return false;
  settings_watchers_.insert(watcher);
  return true;
}

void WatchHub::Remove(SettingsWatcher* watcher) {
  MutexLock lock(mu_);
  settings_watchers_.erase(watcher);
}

bool WatchHub::Add(PresenceWatcher* watcher,
                   const std::vector<std::string>& user_ids,
                   const std::vector<std::string>& room_ids) {
  MutexLock lock(mu_);
  if (shut_down_) return false;
  for (const auto& id : user_ids) by_user_[id].push_back(watcher);
  for (const auto& id : room_ids) by_room_[id].push_back(watcher);
  presence_watchers_[watcher] = {user_ids, room_ids};
  return true;
}

void WatchHub::Unlink(std::unordered_map<std::string, Watchers>& index,
                      const std::vector<std::string>& keys,
                      PresenceWatcher* watcher) {
  for (const auto& key : keys) {
    const auto it = index.find(key);
    if (it == index.end()) continue;
    auto& watchers = it->second;
    watchers.erase(std::remove(watchers.begin(), watchers.end(), watcher),
                   watchers.end());
    if (watchers.empty()) index.erase(it);
  }
}

void WatchHub::Remove(PresenceWatcher* watcher) {
  MutexLock lock(mu_);
  const auto it = presence_watchers_.find(watcher);
  if (it == presence_watchers_.end()) return;
  Unlink(by_user_, it->second.user_ids, watcher);
  Unlink(by_room_, it->second.room_ids, watcher);
  presence_watchers_.erase(it);
}

void WatchHub::Shutdown() {
  MutexLock lock(mu_);
  shut_down_ = true;
  for (auto* watcher : settings_watchers_) watcher->OnShutdown();
  for (auto& [watcher, interest] : presence_watchers_) watcher->OnShutdown();
}

void WatchHub::OnNetworkSettings(const NetworkSettings& settings) {
  MutexLock lock(mu_);
  for (auto* watcher : settings_watchers_) watcher->OnNetworkSettings(settings);
}

void WatchHub::OnUserSettings(const std::string& user_id,
                              const UserSettings& settings) {
  MutexLock lock(mu_);
  for (auto* watcher : settings_watchers_) {
    if (watcher->user_id() == user_id) watcher->OnUserSettings(settings);
  }
}

void WatchHub::OnPresenceChanges(const PresenceChanges& changes) {
  MutexLock lock(mu_);
  if (presence_watchers_.empty()) return;
  for (const auto& presence : changes.users) {
    const auto it = by_user_.find(presence.user_id);
    if (it == by_user_.end()) continue;
    for (auto* watcher : it->second) watcher->OnUserPresence(presence);
  }
  for (const auto& count : changes.rooms) {
    const auto it = by_room_.find(count.room_id);
    if (it == by_room_.end()) continue;
    for (auto* watcher : it->second) watcher->OnRoomViewerCount(count);
  }
}

}  // namespace presence::server
