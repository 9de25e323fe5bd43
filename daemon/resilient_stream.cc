#include "resilient_stream.h"

#include <spdlog/spdlog.h>

#include <random>

namespace presence::daemon {
namespace {

// A stream that lived this long was healthy: its end starts the backoff
// over.
constexpr std::chrono::seconds kHealthy{1};
// While no stream is wanted (logged out, nothing to watch), how often to
// ask again; Reopen asks at once.
constexpr std::chrono::seconds kNotWantedPoll{1};

}  // namespace

ResilientStream::ResilientStream(std::string name, Session& session,
                                 std::function<bool()> wanted, Open open,
                                 Backoff backoff, OnDown on_down)
    : name_(std::move(name)),
      session_(session),
      wanted_(std::move(wanted)),
      open_(std::move(open)),
      on_down_(std::move(on_down)),
      backoff_(backoff),
      thread_([this] { Run(); }) {}

ResilientStream::~ResilientStream() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ResilientStream::Reopen() {
  {
    MutexLock lock(mutex_);
    reopen_ = true;
  }
  changed_.notify_all();
}

grpc::Status ResilientStream::Serve(const std::string& token, bool* healthy) {
  mutex_.unlock();
  std::unique_ptr<UpstreamStream> stream =
      open_(token, [this](const grpc::Status& end) {
        MutexLock guard(mutex_);
        ended_ = end;
        changed_.notify_all();
      });
  mutex_.lock();
  const auto opened_at = std::chrono::steady_clock::now();
  while (!stopping_ && !reopen_ && !ended_) mutex_.Wait(changed_);
  const grpc::Status end =
      ended_ && !reopen_ && !stopping_ ? *ended_ : grpc::Status::CANCELLED;
  mutex_.unlock();
  stream.reset();  // cancels and waits for its callbacks
  mutex_.lock();
  ended_.reset();
  *healthy = std::chrono::steady_clock::now() - opened_at > kHealthy;
  return end;
}

void ResilientStream::Run() {
  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  std::chrono::milliseconds retry_in(0);
  bool failing = false;        // logged once per outage, not per retry
  bool token_refused = false;  // the last stream's token was refused
  MutexLock lock(mutex_);
  while (!stopping_) {
    if (retry_in.count() > 0) {
      const auto until = std::chrono::steady_clock::now() + retry_in;
      while (!stopping_ && !reopen_ && mutex_.WaitUntil(changed_, until)) {
      }
      if (stopping_) break;
    }
    reopen_ = false;
    mutex_.unlock();
    std::string token;
    const bool wanted = wanted_();
    const grpc::Status login =
        wanted ? session_.Token(&token) : grpc::Status::OK;
    mutex_.lock();
    if (!wanted) {
      retry_in = kNotWantedPoll;
      continue;
    }
    retry_in = backoff_.Next(jitter(random));
    if (!login.ok()) {
      if (!failing) {
        spdlog::warn(
            "{}: cannot log in to the presence server ({}); retrying with "
            "backoff",
            name_, login.error_message());
        failing = true;
      }
      if (on_down_) on_down_("cannot log in: " + login.error_message());
      continue;
    }
    if (failing) {
      spdlog::info("{}: logged in to the presence server again", name_);
      failing = false;
    }
    bool healthy = false;
    const grpc::Status end = Serve(token, &healthy);
    if (healthy) token_refused = false;
    if (healthy || end.error_code() == grpc::StatusCode::CANCELLED) {
      backoff_.Reset();
      retry_in = backoff_.Next(jitter(random));
    }
    if (end.error_code() == grpc::StatusCode::CANCELLED) {
      retry_in = std::chrono::milliseconds(0);  // Reopen, or shutdown
      continue;
    }
    spdlog::debug("{} stream ended: {}", name_, end.error_message());
    if (end.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      // The server no longer knows the token (it restarted empty): log in
      // again at once; a fresh token refused too waits the backoff.
      session_.Invalidate(token);
      if (!token_refused) retry_in = std::chrono::milliseconds(0);
      token_refused = true;
      continue;
    }
    token_refused = false;
    if (on_down_) on_down_(end.error_message());
  }
}

}  // namespace presence::daemon
