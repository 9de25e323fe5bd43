// Watch: the current state of each listed user and room, then every
// online/offline transition and viewer-count change. Bursts coalesce: a slow
// client gets the latest state, never an unbounded backlog.
#pragma once

#include <deque>
#include <optional>
#include <unordered_map>

#include "presence/v1/upstream.pb.h"
#include "service/clock.h"
#include "service/stream_reactor.h"
#include "service/watch_hub.h"

namespace presence::server {

class PresenceWatch final : public StreamReactor<v1::WatchEvent>,
                            public PresenceWatcher {
 public:
  // Ids must be valid; duplicates are fine. Deletes itself when done.
  PresenceWatch(WatchHub& hub, PresenceStore& store, const Clock& clock,
                const std::vector<std::string>& user_ids,
                const std::vector<std::string>& room_ids);

  void OnUserPresence(const UserPresence& presence) override;
  void OnRoomViewerCount(const RoomViewerCount& count) override;
  void OnShutdown() override;

 private:
  struct UserState {
    UserPresence latest;
    std::optional<bool> sent_online;
    bool queued = false;
    bool from_event = false;
  };
  struct RoomState {
    std::int64_t latest = 0;
    std::optional<std::int64_t> sent;
    bool queued = false;
    bool from_event = false;
  };
  struct Key {
    bool room;
    const std::string* id;  // a key of users_ or rooms_
  };

  // A change event always wins over the initial read, which may be older.
  void UpdateUser(const UserPresence& presence, bool from_event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UpdateRoom(const std::string& room_id, std::int64_t count,
                  bool from_event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool NextMessageLocked(v1::WatchEvent* message) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Detach() override;

  WatchHub& hub_;
  std::unordered_map<std::string, UserState> users_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, RoomState> rooms_ ABSL_GUARDED_BY(mu_);
  // Keys whose latest state may not be sent yet.
  std::deque<Key> queue_ ABSL_GUARDED_BY(mu_);
};

}  // namespace presence::server
