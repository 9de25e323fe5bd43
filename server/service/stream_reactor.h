// A server-streaming reactor that writes one message at a time, coalescing
// what piles up meanwhile, and finishes exactly once: on Close(), on client
// cancel, or after a failed write. No thread is held per stream. It writes
// serialized bytes because the service's methods are raw (see
// contract/request_parser.h).
//
// Subclasses keep their state under mu_, produce the next message in
// NextMessageLocked(), call Pump() after changing state, and unregister
// themselves in Detach() (called once, just before deletion).
#pragma once

#include <grpcpp/grpcpp.h>

#include "contract/mutex.h"
#include "contract/request_parser.h"

namespace presence::server {

template <typename Message>
class StreamReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Ends the stream with `status` once any write in flight is done.
  void Close(grpc::Status status) {
    {
      MutexLock lock(mu_);
      if (closing_) return;
      closing_ = true;
      status_ = std::move(status);
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    {
      MutexLock lock(mu_);
      writing_ = false;
    }
    if (!ok) Close(grpc::Status::CANCELLED);
    Pump();
  }

  void OnCancel() override { Close(grpc::Status::CANCELLED); }

  void OnDone() override {
    Detach();
    delete this;
  }

 protected:
  // Fills *message with the next thing to send; false when there is none.
  virtual bool NextMessageLocked(Message* message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;
  virtual void Detach() = 0;

  // Starts the next write or the finish, if one is due and nothing is in
  // flight. gRPC is called outside mu_, so reactions may run inline.
  void Pump() {
    mu_.lock();
    if (writing_ || finished_) return mu_.unlock();
    if (closing_) {
      finished_ = true;
      grpc::Status status = status_;
      mu_.unlock();
      this->Finish(std::move(status));
      return;
    }
    if (!NextMessageLocked(&message_)) return mu_.unlock();
    if (grpc::Status status = SerializeResponse(message_, &wire_);
        !status.ok()) {
      closing_ = true;
      status_ = std::move(status);
      mu_.unlock();
      Pump();
      return;
    }
    writing_ = true;
    mu_.unlock();
    this->StartWrite(&wire_);
  }

  Mutex mu_;

 private:
  Message message_ ABSL_GUARDED_BY(mu_);
  // message_ serialized; owned by gRPC while writing_.
  grpc::ByteBuffer wire_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

// A unary call answered at once with `status`.
inline grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                           grpc::Status status) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

// A stream rejected before it started (bad token, bad input).
class FailedStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit FailedStream(grpc::Status status) {
    this->Finish(std::move(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace presence::server
