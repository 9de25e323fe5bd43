// The control service's open streams (Hold, HoldMany, Sync), so that a
// stopping daemon can end every one with a status that tells the client to
// re-attach. Without it, a stream the engine knows nothing of (a Sync, or a
// HoldMany call holding nothing) would wait out the server's shutdown grace
// and end as a bare "Cancelling all calls".
#pragma once

#include <grpcpp/grpcpp.h>

#include <unordered_set>

#include "contract/mutex.h"

namespace presence::daemon {

class OpenStreams {
 public:
  class Stream {
   public:
    // Ends the stream with `status`; harmless once it has ended.
    virtual void FinishWith(const grpc::Status& status) = 0;

   protected:
    ~Stream() = default;
  };

  void Add(Stream* stream) {
    MutexLock lock(mutex_);
    streams_.insert(stream);
  }
  // Called by the stream once it is over, before it is deleted.
  void Remove(Stream* stream) {
    MutexLock lock(mutex_);
    streams_.erase(stream);
  }
  // A registered stream is alive here: it removes itself before deletion,
  // and Finish never runs its reactions inline on this thread.
  void CloseAll(const grpc::Status& status) {
    MutexLock lock(mutex_);
    for (Stream* stream : streams_) stream->FinishWith(status);
  }

 private:
  Mutex mutex_;
  std::unordered_set<Stream*> streams_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace presence::daemon
