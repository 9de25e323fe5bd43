#include "sync_hub.h"

#include "contract/limits.h"
#include "engine.h"

namespace presence::daemon {
namespace {

// Several upstream watches presented as one: the first to end ends them all.
class ChunkedStream : public UpstreamStream {
 public:
  std::vector<std::unique_ptr<UpstreamStream>> chunks;
};

}  // namespace

SyncHub::SyncHub(Upstream& upstream, Session& session, Engine& engine,
                 std::chrono::milliseconds backoff_cap)
    : upstream_(upstream) {
  stream_ = std::make_unique<ResilientStream>(
      "presence watch", session,
      [this, &engine] {
        MutexLock lock(mutex_);
        return !interest_.empty() && engine.SessionWanted();
      },
      [this](const std::string& token, Upstream::OnEnd on_end) {
        return OpenWatch(token, std::move(on_end));
      },
      Backoff(std::chrono::milliseconds(200), backoff_cap));
}

SyncHub::~SyncHub() { stream_.reset(); }

std::unique_ptr<UpstreamStream> SyncHub::OpenWatch(const std::string& token,
                                                   Upstream::OnEnd on_end) {
  std::vector<std::string> users;
  {
    MutexLock lock(mutex_);
    for (const auto& [user, count] : interest_) users.push_back(user);
  }
  auto stream = std::make_unique<ChunkedStream>();
  auto ended = std::make_shared<std::once_flag>();
  auto end_once = [ended, on_end](const grpc::Status& status) {
    std::call_once(*ended, on_end, status);
  };
  for (std::size_t begin = 0; begin < users.size();
       begin += kMaxUserIdsPerRead) {
    pb::WatchRequest request;
    const std::size_t end = std::min(users.size(), begin + kMaxUserIdsPerRead);
    for (std::size_t i = begin; i < end; ++i) request.add_user_ids(users[i]);
    stream->chunks.push_back(upstream_.Watch(
        token, request, [this](const pb::WatchEvent& e) { OnEvent(e); },
        end_once));
  }
  return stream;
}

void SyncHub::OnEvent(const pb::WatchEvent& event) {
  if (!event.has_user()) return;
  const pb::UserPresence& presence = event.user();
  MutexLock lock(mutex_);
  if (!interest_.count(presence.user_id())) return;
  auto known = last_known_.find(presence.user_id());
  // A reconnect replays the current state: pass on only what changed.
  if (known != last_known_.end() &&
      known->second.online() == presence.online() &&
      known->second.last_heartbeat_ms() == presence.last_heartbeat_ms()) {
    return;
  }
  last_known_[presence.user_id()] = presence;
  for (const auto& [watcher, users] : watchers_) {
    if (users.count(presence.user_id())) watcher->Deliver(presence);
  }
}

void SyncHub::Add(Watcher* watcher, const std::vector<std::string>& user_ids) {
  bool widened = false;
  {
    MutexLock lock(mutex_);
    auto& users = watchers_[watcher];
    for (const auto& user : user_ids) {
      if (!users.insert(user).second) continue;
      if (interest_[user]++ == 0) widened = true;
      if (auto known = last_known_.find(user); known != last_known_.end()) {
        watcher->Deliver(known->second);
      }
    }
  }
  if (widened) stream_->Reopen();
}

void SyncHub::Remove(Watcher* watcher) {
  MutexLock lock(mutex_);
  auto found = watchers_.find(watcher);
  if (found == watchers_.end()) return;
  for (const auto& user : found->second) {
    if (--interest_[user] == 0) {
      interest_.erase(user);
      last_known_.erase(user);
    }
  }
  watchers_.erase(found);
  // A narrower union is followed lazily: the next reopen drops the extras.
}

void SyncHub::Reconnect() { stream_->Reopen(); }

int SyncHub::watcher_count() const {
  MutexLock lock(mutex_);
  return static_cast<int>(watchers_.size());
}

int SyncHub::user_count() const {
  MutexLock lock(mutex_);
  return static_cast<int>(interest_.size());
}

}  // namespace presence::daemon
