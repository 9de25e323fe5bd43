// Keeps one upstream server stream open while the daemon wants a session:
// opens it with a valid token, and when it ends (server restart, network
// loss) opens it again after an exponential backoff. A stream refused for
// its token (the server restarted empty) is reopened at once with a fresh
// login. Used for the settings watch, which doubles as the daemon's sign
// of whether the server is reachable, and for the shared presence watch
// behind Sync.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "contract/mutex.h"
#include "core/backoff.h"
#include "session.h"

namespace presence::daemon {

class ResilientStream {
 public:
  using Open = std::function<std::unique_ptr<UpstreamStream>(
      const std::string& token, Upstream::OnEnd on_end)>;
  // The stream ended (not by Reopen or shutdown) or could not be opened.
  using OnDown = std::function<void(const std::string& reason)>;

  // `wanted` is asked before every (re)open; while it is false the stream
  // stays closed. `name` goes into logs.
  ResilientStream(std::string name, Session& session,
                  std::function<bool()> wanted, Open open, Backoff backoff,
                  OnDown on_down = {});
  ~ResilientStream();

  // Closes the current stream and opens a new one at once (the watched set
  // changed, or the session came back).
  void Reopen();

 private:
  void Run();
  // Serves one stream, releasing mutex_ while it opens and closes it.
  grpc::Status Serve(const std::string& token, bool* healthy)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const std::string name_;
  Session& session_;
  const std::function<bool()> wanted_;
  const Open open_;
  const OnDown on_down_;
  Backoff backoff_;

  Mutex mutex_;
  std::condition_variable changed_;
  std::optional<grpc::Status> ended_ ABSL_GUARDED_BY(mutex_);
  bool reopen_ ABSL_GUARDED_BY(mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace presence::daemon
