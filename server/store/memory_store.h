// The in-memory PresenceStore: one process, one mutex. Every call first
// expires what is due at `now` (graceful leaves included), so reads never see
// a stale presence.
#pragma once

#include <map>
#include <mutex>
#include <unordered_map>

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
  void Expire(Time now);
  void Publish();
  // Devices whose last heartbeat is at or before these have expired.
  Time UserCutoff(Time now) const;
  Time RoomCutoff(Time now) const;

  OnlineUser* FindUser(const std::string& user_id);
  Viewer* FindViewer(const std::string& room_id, const std::string& user_id);

  void BeatUser(const std::string& user_id, const std::string& device_id,
                Time now);
  void BeatRoom(const std::string& room_id, const std::string& user_id,
                const std::string& device_id, Time now);
  // Leaves now (grace 0), or schedules a graceful leave.
  void LeaveTarget(const DeviceTarget& target, Millis grace, Time now);
  // Forgets one device of a presence now, ending it when no live device
  // is left.
  void RemoveDevice(OnlineUser& user, const std::string& device_id, Time now);
  void RemoveDevice(Viewer& viewer, const std::string& device_id, Time now);
  void TakeUserOffline(OnlineUser& user);
  void RemoveViewer(Viewer& viewer);

  std::mutex mu_;
  StoreListener* listener_ = nullptr;
  NetworkSettings settings_;
  std::unordered_map<std::string, UserSettings> user_settings_;

  std::unordered_map<std::string, SessionEntry> sessions_;
  TimeIndex<SessionEntry> sessions_by_expiry_;

  std::map<std::string, OnlineUser> online_users_;  // ordered for paging
  TimeIndex<OnlineUser> users_by_heartbeat_;
  // Users that went offline, for their last heartbeat.
  std::unordered_map<std::string, Time> last_seen_;

  std::unordered_map<std::string, Room> rooms_;  // rooms with viewers
  TimeIndex<Viewer> viewers_by_heartbeat_;

  GraceLeaves grace_leaves_;

  PresenceChanges pending_;  // transitions of the current call
};

}  // namespace presence::server
