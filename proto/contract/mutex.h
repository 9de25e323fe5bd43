// A std::mutex that Clang's thread-safety analysis understands: fields say
// which mutex guards them (ABSL_GUARDED_BY), methods which they need held
// (ABSL_EXCLUSIVE_LOCKS_REQUIRED), and a build with -Wthread-safety
// (tests/run-all.sh) fails when code touches a field without its lock.
// libstdc++'s own std::mutex carries no such annotations, hence this thin
// wrapper; it costs nothing at run time. Header-only.
#pragma once

#include <absl/base/thread_annotations.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace presence {

class ABSL_LOCKABLE Mutex {
 public:
  void lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mutex_.lock(); }
  void unlock() ABSL_UNLOCK_FUNCTION() { mutex_.unlock(); }

  // Waits on `cv`, releasing this mutex meanwhile. No predicate versions:
  // the analysis cannot see that a predicate runs with the mutex held, so
  // callers loop:  while (!ready_) mutex_.Wait(changed_);
  void Wait(std::condition_variable& cv) ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> held(mutex_, std::adopt_lock);
    cv.wait(held);
    held.release();
  }
  // False when `deadline` passed.
  template <typename Clock, typename Duration>
  bool WaitUntil(std::condition_variable& cv,
                 std::chrono::time_point<Clock, Duration> deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> held(mutex_, std::adopt_lock);
    const bool notified =
        cv.wait_until(held, deadline) == std::cv_status::no_timeout;
    held.release();
    return notified;
  }

 private:
  std::mutex mutex_;
};

// Holds a Mutex for its scope. Code that must not hold it around a call
// releases and retakes the mutex itself (mutex_.unlock(), mutex_.lock()).
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ABSL_EXCLUSIVE_LOCK_FUNCTION(mutex)
      : mutex_(mutex) {
    mutex_.lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mutex_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

}  // namespace presence
