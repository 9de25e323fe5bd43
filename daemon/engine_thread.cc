// The engine thread's side of the Engine (engine.h): it sleeps until the
// core has something due, then makes that one upstream call (a heartbeat
// or a leave) without the lock held, and reports the result to the core.
#include <spdlog/spdlog.h>

#include "core_messages.h"
#include "engine.h"
#include "upstream/batch_calls.h"

namespace presence::daemon {

grpc::Status Engine::Leave(const Batch& batch, std::chrono::milliseconds grace,
                           std::chrono::milliseconds timeout) {
  grpc::Status status;
  for (auto& request : SplitIntoCalls<pb::LeaveRequest>(batch)) {
    request.set_grace_ms(grace.count());
    status = session_.Run([&](const std::string& token) {
      return upstream_.Leave(token, request, timeout);
    });
    if (!status.ok()) break;
  }
  return status;
}

void Engine::WakeBy(TimePoint when) {
  // Only a sleeping thread that would oversleep needs waking: a start/stop
  // burst then costs the thread one wakeup, not one per call, and the check
  // costs nothing per call (no scan of the schedule).
  if (sleeping_until_ && when < *sleeping_until_) wake_.notify_one();
}

double Engine::Jitter() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

bool Engine::WorkOnce() {
  const Work work = core_.NextWork(options_.now());
  Commit();  // TTLs that passed
  switch (work.kind) {
    case Work::Kind::kLeave:
      SendLeave(work);
      return true;
    case Work::Kind::kHeartbeat:
      SendHeartbeat(work);
      return true;
    case Work::Kind::kNone:
      break;
  }
  return false;
}

void Engine::RunDueWork() {
  MutexLock lock(mutex_);
  while (!stopping_ && WorkOnce()) {
  }
}

void Engine::Run() {
  MutexLock lock(mutex_);
  while (!stopping_) {
    if (WorkOnce()) continue;
    const std::optional<TimePoint> wake = core_.NextWake();
    sleeping_until_ = wake.value_or(TimePoint::max());
    if (wake) {
      mutex_.WaitUntil(wake_, *wake);
    } else {
      mutex_.Wait(wake_);
    }
    sleeping_until_.reset();
    ++wakeups_;
  }
}

void Engine::SendLeave(const Work& work) {
  mutex_.unlock();
  const grpc::Status status =
      Leave(work.send, std::chrono::milliseconds(0), options_.leave_timeout);
  mutex_.lock();
  const bool first_sign = core_.state() != SessionState::kDegraded;
  const auto abandoned = core_.OnLeaveSent(
      work, Classify(status), status.error_message(), options_.now(), Jitter());
  grpc::Status answer = status;
  if (!status.ok()) {
    // In an outage the state change says it once; retries go to debug.
    spdlog::log(first_sign ? spdlog::level::warn : spdlog::level::debug,
                "leave for {} failed ({}); retrying with backoff",
                work.batch.Describe(), status.error_message());
    answer = {grpc::StatusCode::UNAVAILABLE,
              "the hold is stopped, but the presence server at " +
                  upstream_.address() + " has not taken the leave yet (" +
                  status.error_message() +
                  "); presenced retries it until the server takes it or "
                  "would have expired it"};
  }
  for (const Target& target : work.batch.Targets()) {
    SettleLeave(target, answer);
  }
  for (const Target& target : abandoned) {
    spdlog::info("gave up the leave for {}: the server has expired it by now",
                 target.ToString());
  }
  Commit();
}

void Engine::SendHeartbeat(const Work& work) {
  auto calls = SplitIntoCalls<pb::HeartbeatRequest>(work.send);
  heartbeat_calls_ += calls.size();
  mutex_.unlock();
  pb::HeartbeatResponse response;
  grpc::Status status = grpc::Status::OK;
  for (const auto& request : calls) {
    status = session_.Run([&](const std::string& token) {
      return upstream_.Heartbeat(token, request, &response);
    });
    if (!status.ok()) break;
  }
  mutex_.lock();
  const bool read_settings = core_.OnHeartbeatSent(
      work, Classify(status), status.error_message(), options_.now(), Jitter());
  if (status.ok()) {
    spdlog::debug("heartbeat sent: {}", work.batch.Describe());
    if (response.has_network())
      core_.ApplySettings(ToNetworkView(response.network()), options_.now());
  }
  Commit();
  if (!read_settings) return;
  // Presence disabled for the network, or the user's switch is off: the
  // settings say which. Nothing retries in a loop meanwhile.
  mutex_.unlock();
  pb::GetSettingsResponse settings;
  const grpc::Status read = session_.Run([&](const std::string& token) {
    return upstream_.GetSettings(token, &settings);
  });
  mutex_.lock();
  if (!read.ok()) return;
  core_.ApplySettings(ToNetworkView(settings.network()), options_.now());
  core_.SetUserEnabled(settings.user().enabled(), options_.now());
  Commit();
}

}  // namespace presence::daemon
