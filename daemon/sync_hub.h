// Sync: local apps watch other users' presence. The hub keeps the union of
// every local watcher's users, follows it with one upstream watch (split in
// chunks of the server's per-call limit), and fans each update out to the
// watchers of that user, so ten apps watching one user cost one lookup.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "contract/mutex.h"
#include "resilient_stream.h"

namespace presence::daemon {

class Engine;

class SyncHub {
 public:
  // Receives updates; called with the hub's mutex held, so it only queues.
  class Watcher {
   public:
    virtual ~Watcher() = default;
    virtual void Deliver(const pb::UserPresence& presence) = 0;
  };

  SyncHub(Upstream& upstream, Session& session, Engine& engine,
          std::chrono::milliseconds backoff_cap);
  ~SyncHub();

  // Known states of `user_ids` are delivered at once; the rest follow when
  // the upstream reports them.
  void Add(Watcher* watcher, const std::vector<std::string>& user_ids);
  void Remove(Watcher* watcher);
  // The session came back (login): reconnect now rather than after backoff.
  void Reconnect();

  int watcher_count() const;
  int user_count() const;

 private:
  std::unique_ptr<UpstreamStream> OpenWatch(const std::string& token,
                                            Upstream::OnEnd on_end);
  void OnEvent(const pb::WatchEvent& event);

  Upstream& upstream_;
  mutable Mutex mutex_;
  std::map<Watcher*, std::set<std::string>> watchers_ ABSL_GUARDED_BY(mutex_);
  // user id -> number of watchers
  std::map<std::string, int> interest_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, pb::UserPresence> last_known_ ABSL_GUARDED_BY(mutex_);
  std::unique_ptr<ResilientStream> stream_;  // last: its thread uses the rest
};

}  // namespace presence::daemon
