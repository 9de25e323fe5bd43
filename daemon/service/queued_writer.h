// A server-streaming reactor that accepts messages from any thread: they are
// queued and written one at a time, as the callback API requires. Subclasses
// learn once, through OnRelease, that the stream is over (client gone,
// cancelled or finished), which is where an attached hold is released.
#pragma once

#include <grpcpp/support/server_callback.h>

#include <list>
#include <mutex>
#include <optional>

#include "memory.h"

namespace presence::daemon {

template <typename Message>
class QueuedWriter : public grpc::ServerWriteReactor<Message> {
 public:
  // Queues a message; `last` finishes the stream with OK once it is written.
  void Enqueue(const Message& message, bool last = false) {
    std::lock_guard lock(mutex_);
    if (finished_ || closing_) return;
    queue_.push_back(message);
    closing_ = last;
    if (!writing_) WriteFront();
  }

  // Finishes now with `status`, dropping anything still queued.
  void FinishWith(const grpc::Status& status) {
    std::lock_guard lock(mutex_);
    FinishLocked(status);
  }

 protected:
  // The stream is over; called exactly once, before the reactor is deleted.
  virtual void OnRelease() {}

 private:
  void WriteFront() {
    writing_ = true;
    this->StartWrite(&queue_.front());
  }

  // Finish waits for the write in flight: one operation of a kind at a time.
  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    if (writing_) {
      pending_finish_ = status;
      return;
    }
    finished_ = true;
    this->Finish(status);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
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
      std::lock_guard lock(mutex_);
      if (released_) return;
      released_ = true;
    }
    OnRelease();
  }

  std::mutex mutex_;
  // Nearly always empty: a list costs nothing until a message is queued
  // and keeps &front() valid while more are queued behind the write in
  // flight (a deque allocates a 512-byte block per stream up front).
  std::list<Message> queue_;
  std::optional<grpc::Status> pending_finish_;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  bool released_ = false;
};

}  // namespace presence::daemon
