// A few threads for the control calls that wait on the presence server
// (reads, enable, logout): gRPC's callback threads must not block, and such
// a call can wait out the upstream deadline while the server is slow.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "contract/mutex.h"

namespace presence::daemon {

class BlockingPool {
 public:
  // `threads` run the work; at most `max_waiting` more wait for one.
  BlockingPool(std::size_t threads, std::size_t max_waiting);
  // Runs everything already posted, then joins the threads.
  ~BlockingPool();

  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Queues `work`; false (and `work` is dropped) when max_waiting are
  // already waiting.
  bool TryPost(std::function<void()> work);
  std::size_t max_waiting() const { return max_waiting_; }

 private:
  void Loop();

  Mutex mutex_;
  std::condition_variable ready_;
  const std::size_t max_waiting_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace presence::daemon
