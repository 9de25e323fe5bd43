// PresenceStore: everything presence-server replicas must share — sessions,
// network settings, per-user enable flags, user and room presence.
//
// Rules every implementation keeps:
// - Every call takes `now` explicitly; nothing reads a clock (tests inject
//   time, replicas agree on time through their callers).
// - A heartbeat is one call for the user and all rooms (one round trip).
// - Counts are O(1), reads O(result).
// - A user is online while their last user heartbeat is within the online
//   threshold; a room viewer is counted while their last heartbeat for that
//   room is within the room timeout. A user or viewer is alive while any of
//   its devices is. Expiry is lazy on every call and driven by Sweep()
//   between calls.
// - Changes (settings, online/offline transitions, room count changes) are
//   reported to the StoreListener, in the order they happened. The in-memory
//   store calls it synchronously; the Redis store feeds it from pub/sub, on
//   its subscriber thread, in the order Redis ran the changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace presence::server {

using Millis = std::chrono::milliseconds;
// Wall-clock time in Unix milliseconds; the epoch means "never".
using Time = std::chrono::time_point<std::chrono::system_clock, Millis>;

struct NetworkSettings {
  bool presence_enabled = true;
  Millis user_heartbeat_interval{20'000};
  Millis room_heartbeat_interval{300'000};
  Millis online_threshold{60'000};
  Millis room_timeout{600'000};  // DefaultRoomTimeout(room_heartbeat_interval)
  Millis sync_interval{15'000};
  Time updated_at{};
};

// Only the fields that are set change.
struct NetworkSettingsUpdate {
  std::optional<bool> presence_enabled;
  std::optional<Millis> user_heartbeat_interval;
  std::optional<Millis> room_heartbeat_interval;
  std::optional<Millis> online_threshold;
  std::optional<Millis> room_timeout;
  std::optional<Millis> sync_interval;
};

// The settings the rules of store/settings_rules.h name.
enum class Setting {
  kUserHeartbeatInterval,
  kOnlineThreshold,
  kRoomHeartbeatInterval,
  kRoomTimeout,
};

// A timeout that is not longer than the interval it covers.
struct SettingsConflict {
  Setting blamed;  // of the two, the one the caller set more firmly
  Setting other;
  Millis blamed_value;
  Millis other_value;
  bool other_set = false;  // whether the caller set the other one too
};

// What UpdateNetworkSettings did.
struct SettingsUpdateResult {
  NetworkSettings settings;  // in force after the call
  // Set when the update was refused; then nothing changed.
  std::optional<SettingsConflict> refused;
};

struct UserSettings {
  bool enabled = false;
  Time enabled_at{};  // epoch when never enabled
};

struct Session {
  std::string user_id;
  std::string device_id;
  Time expires_at{};
};

struct UserPresence {
  std::string user_id;
  Time last_heartbeat{};  // epoch when never seen
  bool online = false;
};

struct RoomViewer {
  std::string user_id;
  Time joined_at{};  // start of the continuous presence
  Time last_heartbeat{};
};

struct RoomViewerCount {
  std::string room_id;
  std::int64_t count = 0;
};

// One page of an ordered listing; `more` says whether anything follows the
// last item.
template <typename T>
struct Page {
  std::vector<T> items;
  bool more = false;
};

enum class HeartbeatOutcome {
  kAccepted,
  kPresenceDisabled,  // network-wide switch is off; nothing was recorded
  kUserNotEnabled,    // user heartbeat from a user who has not enabled
                      // presence; nothing was recorded
};

struct HeartbeatResult {
  HeartbeatOutcome outcome = HeartbeatOutcome::kAccepted;
  NetworkSettings settings;  // the settings in force
};

// Transitions produced by one store call: users that went online or
// offline, rooms whose viewer count changed (latest count last).
struct PresenceChanges {
  std::vector<UserPresence> users;
  std::vector<RoomViewerCount> rooms;
  bool empty() const { return users.empty() && rooms.empty(); }
};

// Receives changes. Implementations must be quick and must not call back
// into the store (the in-memory store calls it under its lock to keep order).
class StoreListener {
 public:
  virtual ~StoreListener() = default;
  virtual void OnNetworkSettings(const NetworkSettings& settings) = 0;
  virtual void OnUserSettings(const std::string& user_id,
                              const UserSettings& settings) = 0;
  virtual void OnPresenceChanges(const PresenceChanges& changes) = 0;
};

// Thrown by a store whose backend cannot be reached or is not serving (the
// Redis store); the service answers UNAVAILABLE with the message, and the
// store reconnects by itself on a later call. The in-memory store never
// throws.
struct StoreUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class PresenceStore {
 public:
  virtual ~PresenceStore() = default;

  // Set once, before the store is used; nullptr detaches.
  virtual void SetListener(StoreListener* listener) = 0;

  // Sessions: opaque access token -> (user, device, expiry).
  virtual void PutSession(const std::string& token, const Session& session,
                          Time now) = 0;
  // Nothing when unknown or expired at `now`.
  virtual std::optional<Session> FindSession(const std::string& token,
                                             Time now) = 0;

  virtual NetworkSettings GetNetworkSettings(Time now) = 0;
  // Changes the fields `update` sets, unless the result would break the
  // rules of settings_rules.h: then it changes nothing and says why. The
  // check and the change are one atomic step, even between replicas.
  virtual SettingsUpdateResult UpdateNetworkSettings(
      const NetworkSettingsUpdate& update, Time now) = 0;

  virtual UserSettings GetUserSettings(const std::string& user_id,
                                       Time now) = 0;
  // Disabling also takes the user offline on every device at once.
  virtual UserSettings SetUserPresenceEnabled(const std::string& user_id,
                                              bool enabled, Time now) = 0;

  // The user heartbeat (when `user`) and one heartbeat per room for
  // (user_id, device_id). All or nothing.
  virtual HeartbeatResult Heartbeat(const std::string& user_id,
                                    const std::string& device_id, bool user,
                                    const std::vector<std::string>& room_ids,
                                    Time now) = 0;
  // Removes (user_id, device_id) from user presence (when `user`) and from
  // the rooms; the user stays while another device still beats. With a
  // grace of 0, now. Otherwise each of these presences of this device ends
  // at now + grace unless this device heartbeats that same target first (a
  // restarting daemon), and never later than expiry would end it; until
  // then the device still counts. The transitions are reported when it
  // ends, as for a leave without grace. The in-memory store ends it exactly
  // at the deadline; the Redis store at the first Sweep() from then on.
  virtual void Leave(const std::string& user_id, const std::string& device_id,
                     bool user, const std::vector<std::string>& room_ids,
                     Millis grace, Time now) = 0;

  // In request order; unknown ids are offline with no heartbeat.
  virtual std::vector<UserPresence> GetUserPresence(
      const std::vector<std::string>& user_ids, Time now) = 0;
  virtual std::int64_t OnlineUserCount(Time now) = 0;
  // Online users ordered by user id, starting after `after_user_id` (empty:
  // from the start). Keyset paging: no duplicates, and no gaps for users
  // online throughout.
  virtual Page<UserPresence> ListOnlineUsers(const std::string& after_user_id,
                                             int page_size, Time now) = 0;

  virtual std::int64_t RoomViewerCount(const std::string& room_id,
                                       Time now) = 0;
  // One count per room, in request order.
  virtual std::vector<std::int64_t> RoomViewerCounts(
      const std::vector<std::string>& room_ids, Time now) = 0;
  // Viewers ordered by user id, starting after `after_user_id`.
  virtual Page<RoomViewer> ListRoomViewers(const std::string& room_id,
                                           const std::string& after_user_id,
                                           int page_size, Time now) = 0;

  // Expires everything due at `now` and reports the transitions. Called
  // periodically so watchers hear about expiry without anyone reading.
  virtual void Sweep(Time now) = 0;
};

}  // namespace presence::server
