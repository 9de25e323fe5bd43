#include "reattaching_call.h"

#include <utility>

#include "call_errors.h"

namespace presence::client::detail {

ReattachingCall::ReattachingCall(std::shared_ptr<grpc::Channel> channel,
                                 Options client, std::string what,
                                 ReattachOptions options)
    : channel_(std::move(channel)),
      client_(std::move(client)),
      what_(std::move(what)),
      options_(std::move(options)) {}

void ReattachingCall::Start(std::shared_ptr<ReattachingCall> self) {
  // Under mu_: a callback on the new thread may ask OnReaderThread at once.
  std::lock_guard<std::mutex> lock(mu_);
  thread_ = std::thread([self = std::move(self)] { self->Run(); });
  reader_ = thread_.get_id();
}

std::optional<Error> ReattachingCall::AwaitFirstAnswer() {
  std::optional<Error> error;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, client_.timeout,
                 [&] { return answered_ || first_error_.has_value(); });
    if (answered_) return std::nullopt;
    error = first_error_;
  }
  Stop();
  if (!error) error = NoAnswerError(*channel_, client_, what_);
  return error;
}

void ReattachingCall::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    if (current_ != nullptr) current_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // stopped from one of its own callbacks
    } else {
      thread_.join();
    }
  }
}

bool ReattachingCall::OnReaderThread() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reader_ == std::this_thread::get_id();
}

void ReattachingCall::Answered() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    answered_ = true;
  }
  cv_.notify_all();
}

void ReattachingCall::AllHeld() {
  if (!broke_at_) return;
  const Gap gap{*broke_at_, Clock::now()};
  broke_at_.reset();
  if (options_.on_gap) options_.on_gap(gap);
}

void ReattachingCall::Run() {
  for (;;) {
    grpc::ClientContext context;
    if (!Begin(context)) return;
    const CallEnd end = Call(context);
    if (!Finish()) return;
    const Error error = WhyEnded(end);
    bool first_failed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      first_failed = !answered_;
      if (first_failed) first_error_ = error;  // AwaitFirstAnswer hands it on
    }
    if (first_failed) {
      cv_.notify_all();
      return;
    }
    if (end.over || (!end.held && IsPermanent(error.code))) {
      Ended(error);
      return;
    }
    if (!broke_at_) {
      broke_at_ = Clock::now();
      if (options_.on_detached) options_.on_detached(error);
    }
    if (!WaitToRetry()) return;
  }
}

bool ReattachingCall::Begin(grpc::ClientContext& context) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return false;
  current_ = &context;
  return true;
}

bool ReattachingCall::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  current_ = nullptr;
  return !stopped_;
}

Error ReattachingCall::WhyEnded(const CallEnd& end) const {
  if (end.over) return *end.over;
  // The daemon only ends a call cleanly when the client half-closes it.
  Error error = end.status.ok()
                    ? Error{grpc::StatusCode::UNAVAILABLE,
                            "presenced ended " + what_, false}
                    : MakeError(end.status, *channel_, client_.socket_path);
  if (!end.connected && !error.unreachable) {
    error = Error{grpc::StatusCode::UNAVAILABLE,
                  "cannot reach presenced at " + client_.socket_path, true};
  }
  return error;
}

bool ReattachingCall::WaitToRetry() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, options_.retry_interval, [&] { return stopped_; });
  return !stopped_;
}

}  // namespace presence::client::detail
