#include "service/blocking_pool.h"

namespace presence::daemon {

BlockingPool::BlockingPool(std::size_t threads, std::size_t max_waiting)
    : max_waiting_(max_waiting) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { Loop(); });
}

BlockingPool::~BlockingPool() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool BlockingPool::TryPost(std::function<void()> work) {
  {
    MutexLock lock(mutex_);
    if (queue_.size() >= max_waiting_) return false;
    queue_.push_back(std::move(work));
  }
  ready_.notify_one();
  return true;
}

void BlockingPool::Loop() {
  for (;;) {
    std::function<void()> work;
    {
      MutexLock lock(mutex_);
      while (!stopping_ && queue_.empty()) mutex_.Wait(ready_);
      if (queue_.empty()) return;  // stopping, and nothing is left
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace presence::daemon
