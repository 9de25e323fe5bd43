// Runs PresenceStore::Sweep on a period, so expiry reaches watchers even
// when nobody calls.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/clock.h"

namespace presence::server {

class Sweeper {
 public:
  Sweeper(PresenceStore& store, Millis period, Clock clock);
  ~Sweeper();  // stops and joins

 private:
  void Run();

  PresenceStore& store_;
  const Millis period_;
  const Clock clock_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything it uses
};

}  // namespace presence::server
