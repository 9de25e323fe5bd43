// A reactor whose response stream accepts messages from any thread: they are
// serialized, queued and written one at a time, as the callback API
// requires. `Reactor` is the raw gRPC reactor it is (the control methods
// parse their own requests, see contract/request_parser.h): a
// server-streaming one (Hold, Sync) or a bidirectional one (HoldMany, whose
// subclass adds the reads). Subclasses
// learn once, through OnRelease, that the stream is over (client gone,
// cancelled or finished), which is where an attached hold is released.
#pragma once

#include <grpcpp/support/server_callback.h>

#include <list>
#include <optional>

#include "contract/mutex.h"
#include "contract/request_parser.h"
#include "memory.h"
#include "service/open_streams.h"

namespace presence::daemon {

template <typename Reactor = grpc::ServerWriteReactor<grpc::ByteBuffer>>
class QueuedWriter : public Reactor, public OpenStreams::Stream {
 public:
  // Joins `streams` until the stream is over.
  void Track(OpenStreams& streams) {
    streams_ = &streams;
    streams.Add(this);
  }

  // Queues a message; `last` finishes the stream with OK once it is written.
  void Enqueue(const google::protobuf::Message& message, bool last = false) {
    grpc::ByteBuffer wire;
    if (grpc::Status status = SerializeResponse(message, &wire); !status.ok()) {
      return FinishWith(status);
    }
    MutexLock lock(mutex_);
    if (finished_ || closing_) return;
    queue_.push_back(std::move(wire));
    closing_ = last;
    if (!writing_) WriteFront();
  }

  // Finishes now with `status`, dropping anything still queued.
  void FinishWith(const grpc::Status& status) override {
    MutexLock lock(mutex_);
    FinishLocked(status);
  }

  // Finishes with OK once everything queued so far is written.
  void FinishWhenWritten() {
    MutexLock lock(mutex_);
    if (finished_ || closing_) return;
    closing_ = true;
    if (!writing_) FinishLocked(grpc::Status::OK);
  }

 protected:
  // Whether Finish was called or is waiting for the write in flight.
  bool Finishing() {
    MutexLock lock(mutex_);
    return finished_ || closing_ || pending_finish_.has_value();
  }

  // The stream is over; called exactly once, before the reactor is deleted.
  virtual void OnRelease() {}

 private:
  void WriteFront() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    writing_ = true;
    this->StartWrite(&queue_.front());
  }

  // Finish waits for the write in flight: one operation of a kind at a time.
  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (finished_) return;
    if (writing_) {
      pending_finish_ = status;
      return;
    }
    finished_ = true;
    this->Finish(status);
  }

  void OnWriteDone(bool ok) override {
    MutexLock lock(mutex_);
    queue_.pop_front();
    writing_ = false;
    if (pending_finish_) return FinishLocked(*pending_finish_);
    if (!ok) return;  // the client is gone; OnCancel/OnDone follow
    if (!queue_.empty()) {
      WriteFront();
    } else if (closing_) {
      FinishLocked(grpc::Status::OK);
    }
  }

  void OnCancel() override {
    Release();
    FinishWith(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    Release();
    delete this;
    StreamEnded();
  }

  void Release() {
    {
      MutexLock lock(mutex_);
      if (released_) return;
      released_ = true;
    }
    if (streams_ != nullptr) streams_->Remove(this);
    OnRelease();
  }

  OpenStreams* streams_ = nullptr;
  Mutex mutex_;
  // Nearly always empty: a list costs nothing until a message is queued
  // and keeps &front() valid while more are queued behind the write in
  // flight (a deque allocates a 512-byte block per stream up front).
  std::list<grpc::ByteBuffer> queue_ ABSL_GUARDED_BY(mutex_);
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool closing_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  bool released_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace presence::daemon
