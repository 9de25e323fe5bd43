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

#include <mutex>

#include "contract/request_parser.h"

namespace presence::server {

template <typename Message>
class StreamReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Ends the stream with `status` once any write in flight is done.
  void Close(grpc::Status status) {
    {
      std::lock_guard lock(mu_);
      if (closing_) return;
      closing_ = true;
      status_ = std::move(status);
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard lock(mu_);
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
  virtual bool NextMessageLocked(Message* message) = 0;
  virtual void Detach() = 0;

  // Starts the next write or the finish, if one is due and nothing is in
  // flight. gRPC is called outside mu_, so reactions may run inline.
  void Pump() {
    std::unique_lock lock(mu_);
    if (writing_ || finished_) return;
    if (closing_) {
      finished_ = true;
      grpc::Status status = status_;
      lock.unlock();
      this->Finish(std::move(status));
      return;
    }
    if (!NextMessageLocked(&message_)) return;
    if (grpc::Status status = SerializeResponse(message_, &wire_);
        !status.ok()) {
      closing_ = true;
      status_ = std::move(status);
      lock.unlock();
      Pump();
      return;
    }
    writing_ = true;
    lock.unlock();
    this->StartWrite(&wire_);
  }

  std::mutex mu_;

 private:
  Message message_;
  grpc::ByteBuffer wire_;  // message_ serialized; owned by gRPC while writing_
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  grpc::Status status_;
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
