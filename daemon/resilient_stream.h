// Keeps one upstream server stream open while the daemon wants a session:
// opens it with a fresh token, and when it ends (server restart, network
// loss, token expiry) opens it again after an exponential backoff. Used for
// the settings watch and for the shared presence watch behind Sync.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/backoff.h"
#include "session.h"

namespace presence::daemon {

class ResilientStream {
 public:
  using Open = std::function<std::unique_ptr<UpstreamStream>(
      const std::string& token, Upstream::OnEnd on_end)>;

  // `wanted` is asked before every (re)open; while it is false the stream
  // stays closed. `name` goes into logs.
  ResilientStream(std::string name, Session& session,
                  std::function<bool()> wanted, Open open, Backoff backoff);
  ~ResilientStream();

  // Closes the current stream and opens a new one at once (the watched set
  // changed, or the session came back).
  void Reopen();

 private:
  void Run();

  const std::string name_;
  Session& session_;
  const std::function<bool()> wanted_;
  const Open open_;
  Backoff backoff_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool ended_ = false;
  bool reopen_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace presence::daemon
