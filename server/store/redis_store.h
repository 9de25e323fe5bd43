// The Redis-backed PresenceStore: several stateless presence-server replicas
// share one Redis and serve one network.
//
// - Every call is one EVALSHA of a Lua script (redis_scripts.cc), so it is
//   atomic and one round trip; a heartbeat for a user and many rooms too.
// - Expiry: sorted sets scored by last heartbeat; reads and counts filter by
//   score (exact to the threshold or timeout, never a scan), and Sweep()
//   removes what is due, in bounded batches. Graceful leaves wait in a
//   sorted set scored by deadline, which Sweep() ends.
// - Settings updates are read, merged and checked here (the rules live in
//   C++ only), then written only if no other update came in between (a
//   version in the settings hash); otherwise read again.
// - Changes (settings, online/offline transitions, room counts) are
//   published by the script that made them, on one channel; every replica,
//   this one included, subscribes and feeds its StoreListener from that
//   subscription, so all replicas hear every change once, in Redis' order.
//   A transition is found by exactly one script run (the heartbeat, leave or
//   sweep that made it), whichever replica ran it.
// - Sessions never change, so each replica caches the ones it has seen: a
//   heartbeat is one round trip, not two.
// - Redis down: calls throw StoreUnavailable; the next call reconnects.
//   When Redis comes back empty, the network settings are seeded again from
//   the last ones this replica saw, and presence is rebuilt by heartbeats.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "contract/mutex.h"
#include "store/presence_store.h"
#include "store/redis_client.h"

namespace presence::server {

struct RedisStoreOptions {
  RedisOptions redis;
  // Keys are "{<prefix>}:..." (one hash tag: one slot, should the keys ever
  // live in a cluster); replicas of one network share the prefix.
  std::string key_prefix = "presence";
  // How long the constructor waits for the subscription before serving.
  Millis startup_wait{2000};
};

class RedisStore final : public PresenceStore {
 public:
  // Seeds the network settings into Redis unless Redis already has some
  // (then those are in force). Does not fail when Redis is down.
  RedisStore(RedisStoreOptions options,
             const NetworkSettings& initial_settings);
  ~RedisStore() override;

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

  // Waits until every change published (by any replica) before this call
  // has reached the listener; false after `timeout`. Changes arrive
  // asynchronously, so tests call this before looking at what the listener
  // got.
  bool SyncEvents(Millis timeout = Millis(5000));

  // Whether the change subscription is up (for tests).
  bool WaitSubscribed(Millis timeout);

 private:
  struct VersionedSettings {
    NetworkSettings settings;
    std::int64_t version = 0;  // counts the updates
  };

  std::vector<std::string> Args(Time now) const;
  VersionedSettings ReadSettings(Time now);
  // Eval, seeding the settings again (once) when Redis lost them.
  Reply Eval(redis_scripts::Id script, const std::vector<std::string>& argv);
  void Seed(Time now);
  void Remember(const NetworkSettings& settings);

  void OnMessage(std::string_view message);
  void OnSubscribed(bool first);

  const std::string prefix_;   // "{presence}:"
  const std::string channel_;  // prefix_ + "events"
  const std::string replica_id_;
  RedisPool pool_;

  Mutex settings_mu_;
  // The latest seen, to seed Redis again.
  NetworkSettings known_settings_ ABSL_GUARDED_BY(settings_mu_);

  Mutex listener_mu_;  // held while calling the listener
  StoreListener* listener_ ABSL_GUARDED_BY(listener_mu_) = nullptr;

  Mutex sessions_mu_;
  // token -> session
  std::unordered_map<std::string, Session> sessions_
      ABSL_GUARDED_BY(sessions_mu_);

  Mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::uint64_t sync_sent_ ABSL_GUARDED_BY(sync_mu_) = 0;
  std::uint64_t sync_seen_ ABSL_GUARDED_BY(sync_mu_) = 0;

  std::unique_ptr<RedisSubscriber> subscriber_;  // last: stops first
};

}  // namespace presence::server
