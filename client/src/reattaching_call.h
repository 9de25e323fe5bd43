// The re-attach loop that Hold (one hold on a Hold call) and HoldSet (many
// holds on one HoldMany call) share: it makes one call after another on a
// reader thread of its own, so that the holds come back by themselves when
// presenced restarts or crashes. Between calls it waits the retry interval;
// it reports on_detached once per break and on_gap once the holds are in
// force again, and it stops for good on an end re-trying will not change.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "presence/client/client.h"

namespace presence::client::detail {

// What HoldOptions and HoldSetOptions both say about re-attaching.
struct ReattachOptions {
  std::function<void(const Error&)> on_detached;
  std::function<void(const Gap&)> on_gap;
  std::chrono::milliseconds retry_interval;
};

class ReattachingCall {
 public:
  // what: the call in messages, e.g. "the hold" ("presenced ended the hold").
  ReattachingCall(std::shared_ptr<grpc::Channel> channel, Options client,
                  std::string what, ReattachOptions options);
  virtual ~ReattachingCall() = default;
  ReattachingCall(const ReattachingCall&) = delete;
  ReattachingCall& operator=(const ReattachingCall&) = delete;

  // Starts the reader thread, which keeps `self` alive until it ends.
  void Start(std::shared_ptr<ReattachingCall> self);
  // Waits until the first call is answered (nullopt), or it failed, or the
  // timeout passed: then stops, and the Error says why.
  std::optional<Error> AwaitFirstAnswer();
  // Cancels the call in flight, ends the loop and waits for the reader
  // thread (from that thread itself: lets it end by itself). Idempotent.
  void Stop();
  bool OnReaderThread() const;

  grpc::Channel& channel() const { return *channel_; }
  const Options& client() const { return client_; }

 protected:
  // How one call ended.
  struct CallEnd {
    grpc::Status status;
    bool connected = true;      // false: the call never got a connection
    bool held = false;          // a hold was in force on it at some time
    std::optional<Error> over;  // the daemon ended the holds for good
  };

  // One call under `context`, from opening it to its Finish. Reader thread.
  virtual CallEnd Call(grpc::ClientContext& context) = 0;
  // The holds are over for good and no call follows (not called after
  // Stop). Reader thread.
  virtual void Ended(const Error& error) = 0;

  // From Call: the first call got as far as AwaitFirstAnswer waits for.
  void Answered();
  // From Call: a break's gap is open (the holds are not all in force).
  bool InGap() const { return broke_at_.has_value(); }
  // From Call: every hold is in force again, which closes the gap.
  void AllHeld();

 private:
  using Clock = std::chrono::system_clock;

  void Run();
  bool Begin(grpc::ClientContext& context);  // false once stopped
  bool Finish();                             // false once stopped
  Error WhyEnded(const CallEnd& end) const;
  bool WaitToRetry();  // false once stopped

  const std::shared_ptr<grpc::Channel> channel_;
  const Options client_;
  const std::string what_;
  const ReattachOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  bool answered_ = false;
  std::optional<Error> first_error_;  // the first call failed: why
  grpc::ClientContext* current_ = nullptr;
  std::thread thread_;
  std::thread::id reader_;  // thread_'s id, kept apart: it may be detached

  std::optional<Clock::time_point> broke_at_;  // reader thread only
};

}  // namespace presence::client::detail
