#include "app/sweeper.h"

#include <spdlog/spdlog.h>

namespace presence::server {

Sweeper::Sweeper(PresenceStore& store, Millis period, Clock clock)
    : store_(store),
      period_(period),
      clock_(std::move(clock)),
      thread_([this] { Run(); }) {}

Sweeper::~Sweeper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Sweeper::Run() {
  bool failing = false;  // log a failure streak once, not every period
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      store_.Sweep(clock_());
      if (failing) spdlog::info("sweep works again");
      failing = false;
    } catch (const std::exception& e) {
      if (!failing) spdlog::error("sweep failed: {}", e.what());
      failing = true;
    }
    lock.lock();
  }
}

}  // namespace presence::server
