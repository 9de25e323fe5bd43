// Answers a call that waits on several things at once (a save, each
// target's leave): the last part to finish answers, with the first failure
// if there was one.
#pragma once

#include <grpcpp/support/status.h>

#include <functional>

#include "contract/mutex.h"

namespace presence::daemon {

class JoinedReply {
 public:
  using Done = std::function<void(const grpc::Status&)>;

  JoinedReply(int parts, Done done)
      : remaining_(parts), done_(std::move(done)) {
    if (parts <= 0) done_(grpc::Status::OK);
  }

  // One part finished; calls `done` (outside the lock) after the last.
  void Complete(const grpc::Status& status) {
    grpc::Status answer;
    {
      MutexLock lock(mutex_);
      if (!status.ok() && status_.ok()) status_ = status;
      if (--remaining_ != 0) return;
      answer = status_;
    }
    done_(answer);
  }

 private:
  Mutex mutex_;
  int remaining_ ABSL_GUARDED_BY(mutex_);
  grpc::Status status_ ABSL_GUARDED_BY(mutex_);
  Done done_;
};

}  // namespace presence::daemon
