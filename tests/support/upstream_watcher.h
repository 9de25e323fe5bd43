// Watches users and rooms on a presence server the way another machine
// does: its own session, one Watch stream, each event kept with the moment
// it arrived, so a test can say what a watcher saw while it broke
// something.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/upstream_client.h"

namespace presence::testing {

class UpstreamWatcher {
 public:
  struct Event {
    std::chrono::steady_clock::time_point at;
    v1::WatchEvent event;
  };

  UpstreamWatcher(const std::string& address, const std::string& api_key,
                  const std::vector<std::string>& users,
                  const std::vector<std::string>& rooms);
  ~UpstreamWatcher();

  // Waits for an event (already seen or still to come) that `match` accepts.
  bool WaitFor(const std::function<bool(const v1::WatchEvent&)>& match,
               std::chrono::milliseconds timeout);
  bool WaitForOnline(const std::string& user, bool online,
                     std::chrono::milliseconds timeout);
  bool WaitForCount(const std::string& room, int64_t count,
                    std::chrono::milliseconds timeout);
  std::vector<Event> events() const;

 private:
  UpstreamClient client_;
  grpc::ClientContext context_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Event> events_;
  std::thread reader_;
};

}  // namespace presence::testing
