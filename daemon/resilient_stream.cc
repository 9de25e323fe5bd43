#include "resilient_stream.h"

#include <spdlog/spdlog.h>

#include <random>

namespace presence::daemon {

ResilientStream::ResilientStream(std::string name, Session& session,
                                 std::function<bool()> wanted, Open open,
                                 Backoff backoff)
    : name_(std::move(name)),
      session_(session),
      wanted_(std::move(wanted)),
      open_(std::move(open)),
      backoff_(backoff),
      thread_([this] { Run(); }) {}

ResilientStream::~ResilientStream() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ResilientStream::Reopen() {
  {
    std::lock_guard lock(mutex_);
    reopen_ = true;
  }
  changed_.notify_all();
}

void ResilientStream::Run() {
  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  // The retry wait doubles as the "not wanted now" poll.
  std::chrono::milliseconds retry_in(0);
  bool failing = false;  // logged once per outage, not per retry
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (retry_in.count() > 0) {
      changed_.wait_for(lock, retry_in, [&] { return stopping_ || reopen_; });
      if (stopping_) break;
    }
    reopen_ = false;
    lock.unlock();
    std::unique_ptr<UpstreamStream> stream;
    grpc::Status status = grpc::Status::OK;
    if (wanted_()) {
      std::string token;
      status = session_.Run([&](const std::string& fresh) {
        token = fresh;
        return grpc::Status::OK;
      });
      if (status.ok()) {
        stream = open_(token, [this](const grpc::Status& end) {
          if (!end.ok() && end.error_code() != grpc::StatusCode::CANCELLED) {
            spdlog::debug("{} stream ended: {}", name_, end.error_message());
          }
          if (end.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
            session_.Reset();
          }
          std::lock_guard guard(mutex_);
          ended_ = true;
          changed_.notify_all();
        });
      }
    }
    lock.lock();
    if (stream) {
      if (failing) {
        spdlog::info("{}: the presence server is reachable again", name_);
        failing = false;
      }
      const auto opened_at = std::chrono::steady_clock::now();
      changed_.wait(lock, [&] { return stopping_ || reopen_ || ended_; });
      const bool ended = ended_ && !reopen_;
      lock.unlock();
      stream.reset();  // cancels and waits for its callbacks
      lock.lock();
      ended_ = false;
      // A stream that lived a while was healthy: start the backoff over.
      if (!ended || std::chrono::steady_clock::now() - opened_at >
                        std::chrono::seconds(1)) {
        backoff_.Reset();
      }
      retry_in =
          ended ? backoff_.Next(jitter(random)) : std::chrono::milliseconds(0);
    } else {
      if (!status.ok() && !failing) {
        spdlog::warn(
            "{}: cannot log in to the presence server ({}); "
            "retrying with backoff",
            name_, status.error_message());
        failing = true;
      }
      retry_in = backoff_.Next(jitter(random));
    }
  }
}

}  // namespace presence::daemon
