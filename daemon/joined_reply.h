// Answers a call that waits on several things at once (a save, each
// target's leave): the last part to finish answers, with the first failure
// if there was one.
#pragma once

#include <grpcpp/support/status.h>

#include <functional>
#include <mutex>

namespace presence::daemon {

class JoinedReply {
 public:
  using Done = std::function<void(const grpc::Status&)>;

  JoinedReply(int parts, Done done)
      : remaining_(parts), done_(std::move(done)) {
    if (remaining_ <= 0) done_(status_);
  }

  // One part finished; calls `done` (outside the lock) after the last.
  void Complete(const grpc::Status& status) {
    {
      std::lock_guard lock(mutex_);
      if (!status.ok() && status_.ok()) status_ = status;
      if (--remaining_ != 0) return;
    }
    done_(status_);
  }

 private:
  std::mutex mutex_;
  int remaining_;
  grpc::Status status_;
  Done done_;
};

}  // namespace presence::daemon
