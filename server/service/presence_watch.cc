#include "service/presence_watch.h"

#include "service/convert.h"
#include "service/store_errors.h"

namespace presence::server {

PresenceWatch::PresenceWatch(WatchHub& hub, PresenceStore& store,
                             const Clock& clock,
                             const std::vector<std::string>& user_ids,
                             const std::vector<std::string>& room_ids)
    : hub_(hub) {
  for (const auto& id : user_ids) users_[id].latest.user_id = id;
  for (const auto& id : room_ids) rooms_.try_emplace(id);
  std::vector<std::string> unique_users, unique_rooms;
  for (const auto& [id, state] : users_) unique_users.push_back(id);
  for (const auto& [id, state] : rooms_) unique_rooms.push_back(id);

  if (!hub_.Add(this, unique_users, unique_rooms)) {
    Close({grpc::StatusCode::UNAVAILABLE, "server is shutting down"});
    return;
  }
  // Read after subscribing, so no change can fall between the two.
  const Time now = clock();
  std::vector<UserPresence> presences;
  std::vector<std::int64_t> counts;
  if (grpc::Status status = GuardStore([&] {
        presences = store.GetUserPresence(unique_users, now);
        counts = store.RoomViewerCounts(unique_rooms, now);
        return grpc::Status::OK;
      });
      !status.ok()) {
    Close(std::move(status));
    return;
  }
  {
    MutexLock lock(mu_);
    for (const auto& presence : presences) UpdateUser(presence, false);
    for (std::size_t i = 0; i < unique_rooms.size(); ++i) {
      UpdateRoom(unique_rooms[i], counts[i], false);
    }
  }
  Pump();
}

void PresenceWatch::OnUserPresence(const UserPresence& presence) {
  {
    MutexLock lock(mu_);
    UpdateUser(presence, true);
  }
  Pump();
}

void PresenceWatch::OnRoomViewerCount(const RoomViewerCount& count) {
  {
    MutexLock lock(mu_);
    UpdateRoom(count.room_id, count.count, true);
  }
  Pump();
}

void PresenceWatch::OnShutdown() {
  Close({grpc::StatusCode::UNAVAILABLE, "server is shutting down"});
}

void PresenceWatch::UpdateUser(const UserPresence& presence, bool from_event) {
  const auto it = users_.find(presence.user_id);
  if (it == users_.end()) return;
  UserState& state = it->second;
  if (!from_event && state.from_event) return;
  state.latest = presence;
  state.from_event |= from_event;
  if (!state.queued) {
    state.queued = true;
    queue_.push_back({false, &it->first});
  }
}

void PresenceWatch::UpdateRoom(const std::string& room_id, std::int64_t count,
                               bool from_event) {
  const auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return;
  RoomState& state = it->second;
  if (!from_event && state.from_event) return;
  state.latest = count;
  state.from_event |= from_event;
  if (!state.queued) {
    state.queued = true;
    queue_.push_back({true, &it->first});
  }
}

bool PresenceWatch::NextMessageLocked(v1::WatchEvent* message) {
  while (!queue_.empty()) {
    const Key key = queue_.front();
    queue_.pop_front();
    if (key.room) {
      RoomState& state = rooms_.at(*key.id);
      state.queued = false;
      if (state.sent == state.latest) continue;
      state.sent = state.latest;
      auto* room = message->mutable_room();
      room->set_room_id(*key.id);
      room->set_count(state.latest);
      return true;
    }
    UserState& state = users_.at(*key.id);
    state.queued = false;
    if (state.sent_online == state.latest.online) continue;
    state.sent_online = state.latest.online;
    ToProto(state.latest, message->mutable_user());
    return true;
  }
  return false;
}

void PresenceWatch::Detach() {
  hub_.Remove(static_cast<PresenceWatcher*>(this));
}

}  // namespace presence::server
