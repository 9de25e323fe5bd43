// The in-memory PresenceStore: one process, one mutex. Every call first
// expires what is due at `now` (graceful leaves included), so reads never see
// a stale presence.
#pragma once

#include <map>
#include <unordered_map>

#include "contract/mutex.h"
#include "store/device_beats.h"
#include "store/grace_leaves.h"
#include "store/presence_store.h"
#include "store/time_index.h"

namespace presence::server {

class MemoryStore final : public PresenceStore {
 public:
  explicit MemoryStore(const NetworkSettings& initial_settings);

  void SetListener(StoreListener* listener) override;

  void PutSession(const std::string& token, const Session& session,
                  Time now) override;
  std::optional<Session> FindSession(const std::string& token,
                                     Time now) override;

  NetworkSettings GetNetworkSettings(Time now) override;
  SettingsUpdateResult UpdateNetworkSettings(
      const NetworkSettingsUpdate& update, Time now) override;
  UserSettings GetUserSettings(const std::string& user_id, Time now) override;
  UserSettings SetUserPresenceEnabled(const std::string& user_id, bool enabled,
                                      Time now) override;

  HeartbeatResult Heartbeat(const std::string& user_id,
                            const std::string& device_id, bool user,
                            const std::vector<std::string>& room_ids,
                            Time now) override;
  void Leave(const std::string& user_id, const std::string& device_id,
             bool user, const std::vector<std::string>& room_ids, Millis grace,
             Time now) override;

  std::vector<UserPresence> GetUserPresence(
      const std::vector<std::string>& user_ids, Time now) override;
  std::int64_t OnlineUserCount(Time now) override;
  Page<UserPresence> ListOnlineUsers(const std::string& after_user_id,
                                     int page_size, Time now) override;
  std::int64_t RoomViewerCount(const std::string& room_id, Time now) override;
  std::vector<std::int64_t> RoomViewerCounts(
      const std::vector<std::string>& room_ids, Time now) override;
  Page<RoomViewer> ListRoomViewers(const std::string& room_id,
                                   const std::string& after_user_id,
                                   int page_size, Time now) override;

  void Sweep(Time now) override;

 private:
  struct OnlineUser;
  struct Viewer;
  struct Room;
  struct SessionEntry;

  struct OnlineUser {
    const std::string* user_id = nullptr;  // the key in online_users_
    DeviceBeats devices;
    Time last_heartbeat{};
    TimeIndex<OnlineUser>::Position position;
  };
  struct Viewer {
    Room* room = nullptr;
    const std::string* user_id = nullptr;  // the key in Room::viewers
    DeviceBeats devices;
    Time joined_at{};
    Time last_heartbeat{};
    TimeIndex<Viewer>::Position position;
  };
  struct Room {
    const std::string* room_id = nullptr;   // the key in rooms_
    std::map<std::string, Viewer> viewers;  // ordered for paging
  };
  struct SessionEntry {
    const std::string* token = nullptr;
    Session session;
    TimeIndex<SessionEntry>::Position position;
  };

  // Every public call runs under mu_ and starts with Expire(now) and ends
  // with Publish().
  void Expire(Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Publish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Devices whose last heartbeat is at or before these have expired.
  Time UserCutoff(Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Time RoomCutoff(Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  OnlineUser* FindUser(const std::string& user_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Viewer* FindViewer(const std::string& room_id, const std::string& user_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  void BeatUser(const std::string& user_id, const std::string& device_id,
                Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void BeatRoom(const std::string& room_id, const std::string& user_id,
                const std::string& device_id, Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Leaves now (grace 0), or schedules a graceful leave.
  void LeaveTarget(const DeviceTarget& target, Millis grace, Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Forgets one device of a presence now, ending it when no live device
  // is left.
  void RemoveDevice(OnlineUser& user, const std::string& device_id, Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveDevice(Viewer& viewer, const std::string& device_id, Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TakeUserOffline(OnlineUser& user) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveViewer(Viewer& viewer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Mutex mu_;
  StoreListener* listener_ ABSL_GUARDED_BY(mu_) = nullptr;
  NetworkSettings settings_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, UserSettings> user_settings_
      ABSL_GUARDED_BY(mu_);

  std::unordered_map<std::string, SessionEntry> sessions_ ABSL_GUARDED_BY(mu_);
  TimeIndex<SessionEntry> sessions_by_expiry_ ABSL_GUARDED_BY(mu_);

  std::map<std::string, OnlineUser> online_users_
      ABSL_GUARDED_BY(mu_);  // ordered for paging
  TimeIndex<OnlineUser> users_by_heartbeat_ ABSL_GUARDED_BY(mu_);
  // Users that went offline, for their last heartbeat.
  std::unordered_map<std::string, Time> last_seen_ ABSL_GUARDED_BY(mu_);

  std::unordered_map<std::string, Room> rooms_
      ABSL_GUARDED_BY(mu_);  // rooms with viewers
  TimeIndex<Viewer> viewers_by_heartbeat_ ABSL_GUARDED_BY(mu_);

  GraceLeaves grace_leaves_ ABSL_GUARDED_BY(mu_);

  PresenceChanges pending_
      ABSL_GUARDED_BY(mu_);  // transitions of the current call
};

}  // namespace presence::server
