// Fans store changes out to the open watch streams: settings watchers get
// every settings change, presence watchers the transitions of the users and
// rooms they listed. It is the store's listener, so it must stay quick.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "contract/mutex.h"
#include "store/presence_store.h"

namespace presence::server {

class SettingsWatcher {
 public:
  virtual ~SettingsWatcher() = default;
  virtual const std::string& user_id() const = 0;
  virtual void OnNetworkSettings(const NetworkSettings& settings) = 0;
  virtual void OnUserSettings(const UserSettings& settings) = 0;
  virtual void OnShutdown() = 0;
};

class PresenceWatcher {
 public:
  virtual ~PresenceWatcher() = default;
  virtual void OnUserPresence(const UserPresence& presence) = 0;
  virtual void OnRoomViewerCount(const RoomViewerCount& count) = 0;
  virtual void OnShutdown() = 0;
};

class WatchHub final : public StoreListener {
 public:
  // Both Add()s return false once Shutdown() was called. Watchers are
  // called under the hub's lock, never after Remove() returns.
  bool Add(SettingsWatcher* watcher);
  void Remove(SettingsWatcher* watcher);
  bool Add(PresenceWatcher* watcher, const std::vector<std::string>& user_ids,
           const std::vector<std::string>& room_ids);
  void Remove(PresenceWatcher* watcher);

  // Tells every watcher to end its stream; later Add()s fail.
  void Shutdown();

  void OnNetworkSettings(const NetworkSettings& settings) override;
  void OnUserSettings(const std::string& user_id,
                      const UserSettings& settings) override;
  void OnPresenceChanges(const PresenceChanges& changes) override;

 private:
  using Watchers = std::vector<PresenceWatcher*>;
  struct Interest {
    std::vector<std::string> user_ids;
    std::vector<std::string> room_ids;
  };
  static void Unlink(std::unordered_map<std::string, Watchers>& index,
                     const std::vector<std::string>& keys,
                     PresenceWatcher* watcher);

  Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::unordered_set<SettingsWatcher*> settings_watchers_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<PresenceWatcher*, Interest> presence_watchers_
      ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, Watchers> by_user_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, Watchers> by_room_ ABSL_GUARDED_BY(mu_);
};

}  // namespace presence::server
