#include "engine.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "core_messages.h"
#include "memory.h"
#include "session_log.h"
#include "wall_clock.h"

namespace presence::daemon {
namespace {

grpc::Status Stopping() {
  return {grpc::StatusCode::UNAVAILABLE, "presenced is shutting down"};
}

}  // namespace

Engine::Engine(Upstream& upstream, Session& session, EngineOptions options)
    : upstream_(upstream),
      session_(session),
      options_(std::move(options)),
      started_at_ms_(WallNowMs()),
      core_(options_.core),
      logged_state_(core_.state()),
      random_(std::random_device{}()) {}

Engine::~Engine() { Shutdown(); }

void Engine::Restore(const std::vector<StoredHold>& stored) {
  MutexLock lock(mutex_);
  const WallClock clock;
  std::vector<Hold> holds;
  for (const StoredHold& saved : stored) {
    if (saved.expires_at_ms != 0 && saved.expires_at_ms <= clock.now_ms()) {
      spdlog::info(
          "dropping saved hold {} on {}: its TTL passed while presenced was "
          "down",
          saved.id, saved.target.ToString());
      continue;
    }
    Hold hold{saved.id,
              saved.target,
              saved.owner,
              false,
              clock.From(saved.since_ms),
              std::nullopt};
    if (saved.expires_at_ms != 0) {
      hold.expires_at = clock.From(saved.expires_at_ms);
    }
    holds.push_back(std::move(hold));
  }
  const int restored = core_.Restore(holds, clock.now());
  if (restored > 0) spdlog::info("restored {} detached hold(s)", restored);
  Commit();
}

void Engine::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Engine::Shutdown() {
  PresenceCore::FinalLeaves final;
  bool has_session = false;
  {
    MutexLock lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    has_session = core_.SessionWanted();
    final = core_.Shutdown();
    sinks_.clear();
    for (auto& [target, reply] : leave_waiters_) reply->Complete(Stopping());
    leave_waiters_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Saves still queued call back into the engine: let them finish first.
  if (options_.hold_file) options_.hold_file->Flush();
  if (!has_session) return;
  // Bounded: a shutdown never waits long on an unreachable server.
  const auto deadline = options_.shutdown_leave_deadline;
  for (const auto& [batch, grace] :
       {std::pair{final.graceful, options_.restart_grace},
        std::pair{final.immediate, std::chrono::milliseconds(0)}}) {
    if (batch.empty()) continue;
    const grpc::Status status = Leave(batch, grace, deadline);
    if (!status.ok()) {
      spdlog::warn("leave on shutdown failed ({}); the server will expire it",
                   status.error_message());
    }
  }
}

std::string Engine::NewHoldId() {
  std::string id;
  do {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx",
                  static_cast<unsigned long long>(random_()));
    id = text;
  } while (core_.holds().Find(id) != nullptr);
  return id;
}

grpc::Status Engine::AddAttached(const Target& target, const Owner& owner,
                                 HoldEventSink* sink, std::string* hold_id) {
  MutexLock lock(mutex_);
  if (stopping_) return Stopping();
  const TimePoint now = options_.now();
  const std::string id = NewHoldId();
  bool leave_cancelled = false;
  const Outcome outcome = core_.AddHold(id, {target, owner, true, std::nullopt},
                                        now, &leave_cancelled);
  if (!outcome.ok()) return ToStatus(outcome);
  *hold_id = id;
  sinks_[id] = sink;
  if (leave_cancelled) SettleLeave(target, grpc::Status::OK);
  spdlog::debug("hold {} on {} by uid {} pid {} ({}, attached)", id,
                target.ToString(), owner.uid, owner.pid, owner.client_name);
  Commit();  // sends HELD
  WakeBy(now + options_.core.scheduler.first_heartbeat_delay);
  return grpc::Status::OK;
}

void Engine::ReleaseAttached(const std::string& hold_id) {
  MutexLock lock(mutex_);
  if (sinks_.erase(hold_id) == 0) return;
  const TimePoint now = options_.now();
  core_.ReleaseAttached(hold_id, now);
  HoldReleased();
  Commit();
  WakeBy(now + options_.core.leave_delay);
}

void Engine::StartDetached(const Target& target, const Owner& owner,
                           std::optional<std::chrono::milliseconds> ttl,
                           StartDone done) {
  MutexLock lock(mutex_);
  if (stopping_) return done(Stopping(), "");
  const TimePoint now = options_.now();
  const std::string id = NewHoldId();
  bool leave_cancelled = false;
  const Outcome outcome =
      core_.AddHold(id, {target, owner, false, ttl}, now, &leave_cancelled);
  if (!outcome.ok()) return done(ToStatus(outcome), "");
  if (leave_cancelled) SettleLeave(target, grpc::Status::OK);
  spdlog::debug("hold {} on {} by uid {} pid {} ({})", id, target.ToString(),
                owner.uid, owner.pid, owner.client_name);
  // Answered once the hold is on disk; a hold that cannot be saved would be
  // gone after a restart, so it is taken back and refused.
  Commit([this, id, done = std::move(done)](const SaveResult& saved) {
    if (saved.ok()) return done(grpc::Status::OK, id);
    {
      MutexLock lock(mutex_);
      core_.DropHold(id, options_.now());
      core_.NoteError(saved.message, options_.now());
      Commit();
      WakeBy(options_.now());
    }
    done({saved.resource_exhausted() ? grpc::StatusCode::RESOURCE_EXHAUSTED
                                     : grpc::StatusCode::UNAVAILABLE,
          saved.message + "; the hold was not started"},
         "");
  });
  WakeBy(now + options_.core.scheduler.first_heartbeat_delay);
}

void Engine::StopDetached(const Target& target, const std::string& hold_id,
                          const Caller& caller, StopDone done) {
  MutexLock lock(mutex_);
  if (stopping_) return done(Stopping(), 0);
  const TimePoint now = options_.now();
  Stopped stopped;
  const Outcome outcome = core_.StopDetached(target, hold_id, caller.uid,
                                             caller.admin, now, &stopped);
  if (!outcome.ok()) return done(ToStatus(outcome), 0);
  auto reply = std::make_shared<JoinedReply>(
      1 + static_cast<int>(stopped.leaving.size()),
      [done = std::move(done), count = stopped.count](
          const grpc::Status& status) { done(status, count); });
  for (const Target& leaving : stopped.leaving) {
    leave_waiters_.emplace(leaving, reply);
  }
  Commit([reply](const SaveResult& saved) {
    reply->Complete(
        saved.ok() ? grpc::Status::OK
                   : grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                  "the hold is stopped, but " + saved.message));
  });
  WakeBy(now);
}

void Engine::SettleLeave(const Target& target, const grpc::Status& status) {
  auto [begin, end] = leave_waiters_.equal_range(target);
  for (auto it = begin; it != end; ++it) it->second->Complete(status);
  leave_waiters_.erase(begin, end);
}

void Engine::ApplySettings(const pb::GetSettingsResponse& settings) {
  MutexLock lock(mutex_);
  core_.ApplySettings(ToNetworkView(settings.network()), options_.now());
  core_.SetUserEnabled(settings.user().enabled(), options_.now());
  Commit();
  WakeBy(options_.now());
}

void Engine::SetUserEnabled(bool enabled) {
  MutexLock lock(mutex_);
  core_.SetUserEnabled(enabled, options_.now());
  Commit();
  WakeBy(options_.now());
}

void Engine::OnLinkUp() {
  MutexLock lock(mutex_);
  core_.OnLinkUp(options_.now());
  Commit();
  WakeBy(options_.now());
}

void Engine::OnLinkDown(const std::string& reason) {
  MutexLock lock(mutex_);
  core_.OnLinkDown(reason, options_.now());
  Commit();
}

bool Engine::SessionWanted() const {
  MutexLock lock(mutex_);
  return core_.SessionWanted() && !stopping_;
}

void Engine::NoteError(const std::string& error) {
  MutexLock lock(mutex_);
  core_.NoteError(error, options_.now());
}

void Engine::Logout() {
  Batch leaves;
  {
    MutexLock lock(mutex_);
    leaves = core_.Logout(options_.now());
    Commit();
  }
  const grpc::Status status =
      leaves.empty()
          ? grpc::Status::OK
          : Leave(leaves, std::chrono::milliseconds(0), options_.leave_timeout);
  {
    MutexLock lock(mutex_);
    for (const Target& target : leaves.Targets()) SettleLeave(target, status);
    if (!status.ok()) {
      core_.NoteError("leave on logout: " + status.error_message(),
                      options_.now());
    }
  }
  session_.Reset();
}

void Engine::Login() {
  MutexLock lock(mutex_);
  core_.Login(options_.now());
  Commit();
  WakeBy(options_.now());
}

void Engine::CredentialsChanged() {
  MutexLock lock(mutex_);
  core_.CredentialsChanged(options_.now());
  Commit();
  WakeBy(options_.now());
}

void Engine::Commit(std::function<void(const SaveResult&)> on_saved) {
  if (core_.state() != logged_state_) {
    LogSessionChange(logged_state_, core_.state(),
                     core_.last_error() ? core_.last_error()->message : "",
                     upstream_.address());
    logged_state_ = core_.state();
  }
  for (const Notice& notice : core_.TakeNotices()) {
    auto sink = sinks_.find(notice.hold_id);
    if (sink == sinks_.end()) continue;
    const pb::HoldEvent event = ToHoldEvent(notice);
    if (notice.news == HoldNews::kEndedByLogout) {
      sink->second->End(event);
      sinks_.erase(sink);
    } else {
      sink->second->Send(event);
    }
  }
  const bool changed = core_.TakeDetachedChanged();
  if (!options_.hold_file || stopping_) {
    if (on_saved) on_saved(SaveResult{});
    return;
  }
  if (!changed && !on_saved) return;
  // The writer calls back without the engine's lock; errors also reach the
  // status through NoteError.
  options_.hold_file->Save(
      DetachedHolds(core_.holds()),
      [this, on_saved = std::move(on_saved)](const SaveResult& saved) {
        if (!saved.ok()) NoteError(saved.message);
        if (on_saved) on_saved(saved);
      });
}

pb::Status Engine::GetStatus() const {
  MutexLock lock(mutex_);
  pb::Status status = DescribeCore(core_, WallClock());
  status.set_upstream(upstream_.address());
  status.set_user_id(session_.user_id());
  status.set_device_id(session_.device_id());
  status.set_started_at_ms(started_at_ms_);
  status.set_heartbeat_calls(heartbeat_calls_);
  status.set_engine_wakeups(wakeups_);
  return status;
}

}  // namespace presence::daemon
