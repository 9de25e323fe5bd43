#include "engine.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "contract/duration.h"
#include "contract/limits.h"
#include "memory.h"
#include "wall_clock.h"

namespace presence::daemon {
namespace {

pb::Target ToProto(const Target& target) {
  pb::Target out;
  if (target.kind == Target::Kind::kUser) {
    out.set_kind(pb::TARGET_KIND_USER);
  } else {
    out.set_kind(pb::TARGET_KIND_ROOM);
    out.set_room_id(target.room_id);
  }
  return out;
}

// The server takes at most kMaxRoomsPerCall rooms per call: a larger batch
// becomes several calls, the user riding in the first.
template <typename Request>
std::vector<Request> SplitIntoCalls(bool user,
                                    const std::vector<std::string>& rooms) {
  std::vector<Request> calls(1);
  calls[0].set_user(user);
  for (const auto& room : rooms) {
    if (calls.back().room_ids_size() == static_cast<int>(kMaxRoomsPerCall)) {
      calls.emplace_back();
    }
    calls.back().add_room_ids(room);
  }
  return calls;
}

std::string Describe(const Batch& batch) {
  std::string out = batch.user ? "user" : "";
  if (!batch.room_ids.empty()) {
    if (!out.empty()) out += " + ";
    out += std::to_string(batch.room_ids.size()) + " room(s)";
  }
  return out;
}

constexpr std::chrono::milliseconds kLeaveTimeout{2000};

bool IsCredentialRejection(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
         status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
}

const char* StateName(pb::SessionState state) {
  switch (state) {
    case pb::SESSION_STATE_LOGGED_OUT:
      return "logged out";
    case pb::SESSION_STATE_CONNECTING:
      return "connecting";
    case pb::SESSION_STATE_ONLINE:
      return "online";
    case pb::SESSION_STATE_DEGRADED:
      return "degraded";
    case pb::SESSION_STATE_UNAUTHENTICATED:
      return "unauthenticated";
    case pb::SESSION_STATE_PRESENCE_DISABLED:
      return "presence disabled";
    default:
      return "unknown";
  }
}

}  // namespace

Engine::Engine(Upstream& upstream, Session& session, EngineOptions options)
    : upstream_(upstream),
      session_(session),
      options_(options),
      scheduler_(options.default_intervals, options.scheduler),
      started_at_ms_(WallNowMs()),
      random_(std::random_device{}()) {}

Engine::~Engine() { Shutdown(); }

void Engine::Restore(const std::vector<StoredHold>& stored) {
  Lock lock(mutex_);
  const WallClock clock;
  const TimePoint now = clock.now();
  int restored = 0;
  for (const StoredHold& saved : stored) {
    if (saved.expires_at_ms != 0 && saved.expires_at_ms <= clock.now_ms()) {
      spdlog::info(
          "dropping saved hold {} on {}: its TTL passed while "
          "presenced was down",
          saved.id, saved.target.ToString());
      continue;
    }
    Hold hold{saved.id,
              saved.target,
              saved.owner,
              false,
              clock.From(saved.since_ms),
              std::nullopt};
    if (saved.expires_at_ms != 0)
      hold.expires_at = clock.From(saved.expires_at_ms);
    bool activated = false;
    if (!holds_.Add(hold, &activated)) continue;
    if (activated) scheduler_.Activate(hold.target, now);
    ++restored;
  }
  if (restored > 0) spdlog::info("restored {} detached hold(s)", restored);
  PersistLocked();
}

void Engine::PersistLocked() {
  // A shutdown ends every hold in memory, but detached ones must outlive it.
  if (!options_.hold_file || stopping_) return;
  const WallClock clock;
  std::vector<StoredHold> detached;
  for (const Hold* hold : holds_.All()) {
    if (hold->attached) continue;
    detached.push_back(StoredHold{hold->id, hold->target, hold->owner,
                                  clock.Ms(hold->since),
                                  clock.Ms(hold->expires_at)});
  }
  options_.hold_file->Save(std::move(detached));
}

void Engine::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Engine::Shutdown() {
  Batch leaves;
  bool has_session = false;
  {
    Lock lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    has_session = state_ != pb::SESSION_STATE_LOGGED_OUT &&
                  state_ != pb::SESSION_STATE_UNAUTHENTICATED;
    EndAllHolds(/*shutdown=*/true);
    leaves = scheduler_.TakeAllLeaves();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (leaves.empty() || !has_session) return;
  // Bounded: a shutdown never waits long on an unreachable server.
  const grpc::Status status =
      LeaveNow(leaves, options_.shutdown_leave_deadline);
  if (!status.ok()) {
    spdlog::warn("leave on shutdown failed ({}); the server will expire it",
                 status.error_message());
  }
}

grpc::Status Engine::LeaveNow(const Batch& leaves,
                              std::chrono::milliseconds timeout) {
  grpc::Status status;
  for (const auto& request :
       SplitIntoCalls<pb::LeaveRequest>(leaves.user, leaves.room_ids)) {
    status = session_.Run([&](const std::string& token) {
      return upstream_.Leave(token, request, timeout);
    });
    if (!status.ok()) break;
  }
  return status;
}

std::string Engine::NewHoldId() {
  char id[17];
  std::snprintf(id, sizeof id, "%016llx",
                static_cast<unsigned long long>(random_()));
  return id;
}

grpc::Status Engine::AddHold(const Target& target, const Owner& owner,
                             std::optional<std::chrono::milliseconds> ttl,
                             HoldEventSink* sink, std::string* hold_id) {
  Lock lock(mutex_);
  switch (state_) {
    case pb::SESSION_STATE_PRESENCE_DISABLED:
      return {grpc::StatusCode::FAILED_PRECONDITION,
              "presence is disabled for this network: hide online-state UI; "
              "held targets resume by themselves if an admin re-enables it"};
    case pb::SESSION_STATE_LOGGED_OUT:
      return {grpc::StatusCode::FAILED_PRECONDITION,
              "presenced is logged out: run 'presencectl login' first"};
    case pb::SESSION_STATE_UNAUTHENTICATED:
      return {grpc::StatusCode::FAILED_PRECONDITION,
              "the presence server rejected the daemon's credentials: fix "
              "api_key_file/user_id in the config and reload presenced"};
    default:
      break;
  }
  if (stopping_) {
    return {grpc::StatusCode::UNAVAILABLE, "presenced is shutting down"};
  }
  if (target.kind == Target::Kind::kUser && user_enabled_ == false) {
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "user presence is not enabled for " + session_.user_id() +
                ": enable it first (presencectl enable)"};
  }
  if (ttl &&
      (*ttl <= std::chrono::milliseconds(0) || *ttl > options_.max_ttl)) {
    return {
        grpc::StatusCode::INVALID_ARGUMENT,
        "ttl_ms must be between 1ms and " + FormatDuration(options_.max_ttl)};
  }
  const TimePoint now = Clock::now();
  Hold hold;
  hold.id = NewHoldId();
  hold.target = target;
  hold.owner = owner;
  hold.attached = sink != nullptr;
  hold.since = now;
  if (ttl) hold.expires_at = now + *ttl;
  bool activated = false;
  while (!holds_.Add(hold, &activated)) hold.id = NewHoldId();
  *hold_id = hold.id;
  if (sink) {
    sinks_[hold.id] = sink;
    pb::HoldEvent held;
    held.set_type(pb::HOLD_EVENT_HELD);
    held.set_hold_id(hold.id);
    const Intervals intervals = scheduler_.intervals();
    held.set_interval_ms(
        (target.kind == Target::Kind::kUser ? intervals.user : intervals.room)
            .count());
    held.set_at_ms(WallNowMs());
    sink->Send(held);
  }
  awaiting_first_ack_.insert(hold.id);
  spdlog::debug("hold {} on {} by uid {} pid {} ({}{})", hold.id,
                target.ToString(), owner.uid, owner.pid, owner.client_name,
                hold.attached ? ", attached" : "");
  if (activated) {
    spdlog::info("{} is now held; starting its heartbeat", target.ToString());
    scheduler_.Activate(target, now);
  }
  if (!sink) PersistLocked();
  // Nothing is due while paused: TimingOf then has no next_due.
  TimePoint first_need = TimePoint::max();
  if (activated) {
    first_need = scheduler_.TimingOf(target).next_due.value_or(first_need);
  }
  if (hold.expires_at) first_need = std::min(first_need, *hold.expires_at);
  WakeBy(first_need);
  return grpc::Status::OK;
}

void Engine::ReleaseLocked(const HoldTable::Removed& removed) {
  sinks_.erase(removed.hold.id);
  awaiting_first_ack_.erase(removed.hold.id);
  HoldReleased();
  if (removed.target_released) {
    spdlog::info("last hold on {} released; leaving it",
                 removed.hold.target.ToString());
    const TimePoint now = Clock::now();
    scheduler_.Deactivate(removed.hold.target, now);
    WakeBy(now + options_.scheduler.leave_delay);
  }
}

void Engine::ReleaseAttached(const std::string& hold_id) {
  Lock lock(mutex_);
  if (auto removed = holds_.Remove(hold_id)) ReleaseLocked(*removed);
}

grpc::Status Engine::StopDetached(const Target& target,
                                  const std::string& hold_id,
                                  const Caller& caller, int* stopped) {
  Lock lock(mutex_);
  const StopSelection selection =
      hold_id.empty()
          ? SelectDetachedToStop(holds_, target, caller.uid, caller.admin)
          : SelectHoldToStop(holds_, target, hold_id, caller.uid, caller.admin);
  switch (selection.error) {
    case StopSelection::Error::kNotFound:
      return {grpc::StatusCode::NOT_FOUND,
              hold_id.empty()
                  ? "no detached hold on " + target.ToString()
                  : "no detached hold " + hold_id + " on " + target.ToString()};
    case StopSelection::Error::kPermissionDenied:
      return {grpc::StatusCode::PERMISSION_DENIED,
              "the holds on " + target.ToString() +
                  " belong to another user; only root or the admin group "
                  "may stop them"};
    case StopSelection::Error::kNone:
      break;
  }
  for (const auto& id : selection.hold_ids) {
    if (auto removed = holds_.Remove(id)) ReleaseLocked(*removed);
  }
  *stopped = static_cast<int>(selection.hold_ids.size());
  PersistLocked();
  return grpc::Status::OK;
}

void Engine::ExpireHolds(TimePoint now) {
  const auto expired = holds_.RemoveExpired(now);
  for (const auto& removed : expired) {
    spdlog::info("hold {} on {} expired (TTL)", removed.hold.id,
                 removed.hold.target.ToString());
    ReleaseLocked(removed);
  }
  if (!expired.empty()) PersistLocked();
}

void Engine::SetState(pb::SessionState state) {
  if (state == state_) return;
  spdlog::info("session: {} -> {}", StateName(state_), StateName(state));
  state_ = state;
}

void Engine::SetErrorLocked(const std::string& error) {
  last_error_ = error;
  last_error_ms_ = WallNowMs();
}

void Engine::NoteError(const std::string& error) {
  Lock lock(mutex_);
  SetErrorLocked(error);
}

void Engine::Broadcast(pb::HoldEventType type, const std::string& message,
                       const std::function<bool(const Hold&)>& filter) {
  pb::HoldEvent event;
  event.set_type(type);
  event.set_message(message);
  event.set_at_ms(WallNowMs());
  for (const auto& [id, sink] : sinks_) {
    const Hold* hold = holds_.Find(id);
    if (!hold || (filter && !filter(*hold))) continue;
    event.set_hold_id(id);
    if (type == pb::HOLD_EVENT_INTERVAL_CHANGED) {
      const auto& intervals = scheduler_.intervals();
      event.set_interval_ms((hold->target.kind == Target::Kind::kUser
                                 ? intervals.user
                                 : intervals.room)
                                .count());
    }
    sink->Send(event);
  }
}

void Engine::EndAllHolds(bool shutdown) {
  pb::HoldEvent event;
  event.set_type(pb::HOLD_EVENT_ENDED_BY_LOGOUT);
  event.set_message("presenced logged out");
  event.set_at_ms(WallNowMs());
  for (const auto& removed : holds_.Clear()) {
    auto sink = sinks_.find(removed.hold.id);
    if (sink != sinks_.end() && !shutdown) {
      event.set_hold_id(removed.hold.id);
      sink->second->End(event);
    }
    ReleaseLocked(removed);
  }
}

void Engine::ApplySettings(const pb::GetSettingsResponse& settings) {
  {
    Lock lock(mutex_);
    // Reading the settings proves the session works, held targets or not.
    if (state_ == pb::SESSION_STATE_CONNECTING &&
        settings.network().presence_enabled()) {
      SetState(pb::SESSION_STATE_ONLINE);
    }
    const bool was_enabled = user_enabled_.value_or(true);
    user_enabled_ = settings.user().enabled();
    if (!was_enabled && settings.user().enabled()) {
      ResumeHeartbeats();
    }
  }
  ApplyNetworkSettings(settings.network());
}

void Engine::ApplyNetworkSettings(const pb::NetworkSettings& network) {
  Lock lock(mutex_);
  // A heartbeat answer sent before an admin's change can arrive after the
  // watch reported it: the older settings must not undo the newer.
  if (intervals_from_server_ &&
      network.updated_at_ms() < network_.updated_at_ms()) {
    return;
  }
  const TimePoint now = Clock::now();
  if (!network.presence_enabled()) {
    if (state_ != pb::SESSION_STATE_PRESENCE_DISABLED &&
        state_ != pb::SESSION_STATE_LOGGED_OUT) {
      spdlog::warn(
          "presence is disabled for this network; heartbeats pause until an "
          "admin re-enables it");
      SetState(pb::SESSION_STATE_PRESENCE_DISABLED);
      scheduler_.Pause();
      Broadcast(pb::HOLD_EVENT_PRESENCE_DISABLED,
                "presence is disabled for this network: hide online-state UI");
    }
  } else if (state_ == pb::SESSION_STATE_PRESENCE_DISABLED) {
    spdlog::info("presence re-enabled for this network; resuming heartbeats");
    SetState(pb::SESSION_STATE_CONNECTING);
    ResumeHeartbeats();
    Broadcast(pb::HOLD_EVENT_RECOVERED, "presence re-enabled for this network");
  }
  const Intervals current = scheduler_.intervals();
  Intervals next;
  next.user = std::chrono::milliseconds(network.user_heartbeat_interval_ms());
  next.room = std::chrono::milliseconds(network.room_heartbeat_interval_ms());
  if (next.user.count() <= 0 || next.room.count() <= 0) return;
  network_ = network;
  intervals_from_server_ = true;
  if (next.user == current.user && next.room == current.room) return;
  spdlog::info("heartbeat intervals now user {} / room {} (were {} / {})",
               FormatDuration(next.user), FormatDuration(next.room),
               FormatDuration(current.user), FormatDuration(current.room));
  scheduler_.SetIntervals(next, now);
  Broadcast(pb::HOLD_EVENT_INTERVAL_CHANGED, "the server changed the interval",
            [&](const Hold& hold) {
              return hold.target.kind == Target::Kind::kUser
                         ? next.user != current.user
                         : next.room != current.room;
            });
  WakeBy(now);  // a shorter interval may make something due already
}

void Engine::SetUserEnabled(bool enabled) {
  Lock lock(mutex_);
  const bool was = user_enabled_.value_or(true);
  user_enabled_ = enabled;
  if (enabled && !was) {
    ResumeHeartbeats();
  }
}

bool Engine::SessionWanted() const {
  Lock lock(mutex_);
  return state_ != pb::SESSION_STATE_LOGGED_OUT &&
         state_ != pb::SESSION_STATE_UNAUTHENTICATED && !stopping_;
}

void Engine::Logout() {
  Batch leaves;
  {
    Lock lock(mutex_);
    EndAllHolds(/*shutdown=*/false);
    PersistLocked();
    leaves = scheduler_.TakeAllLeaves();
    scheduler_.Pause();
    SetState(pb::SESSION_STATE_LOGGED_OUT);
  }
  if (!leaves.empty()) {
    const grpc::Status status = LeaveNow(leaves, kLeaveTimeout);
    if (!status.ok()) NoteError("leave on logout: " + status.error_message());
  }
  session_.Reset();
}

void Engine::Login() {
  Lock lock(mutex_);
  if (state_ != pb::SESSION_STATE_LOGGED_OUT &&
      state_ != pb::SESSION_STATE_UNAUTHENTICATED) {
    return;
  }
  SetState(pb::SESSION_STATE_CONNECTING);
  ResumeHeartbeats();
}

void Engine::CredentialsChanged() {
  Lock lock(mutex_);
  if (state_ != pb::SESSION_STATE_UNAUTHENTICATED) return;
  SetState(pb::SESSION_STATE_CONNECTING);
  ResumeHeartbeats();
}

void Engine::ResumeHeartbeats() {
  const TimePoint now = Clock::now();
  scheduler_.Resume(now);
  WakeBy(now);
}

void Engine::WakeBy(TimePoint when) {
  // Only a sleeping thread that would oversleep needs waking: a start/stop
  // burst then costs the thread one wakeup, not one per call, and the check
  // costs nothing per call (no scan of the schedule).
  if (sleeping_until_ && when < *sleeping_until_) wake_.notify_one();
}

std::optional<TimePoint> Engine::NextWakeLocked() const {
  std::optional<TimePoint> wake = scheduler_.NextWake();
  if (auto expiry = holds_.NextExpiry(); expiry && (!wake || *expiry < *wake)) {
    wake = expiry;
  }
  return wake;
}

void Engine::Run() {
  Lock lock(mutex_);
  while (!stopping_) {
    const TimePoint now = Clock::now();
    ExpireHolds(now);
    if (Batch leaves = scheduler_.TakeLeaves(now); !leaves.empty()) {
      SendLeaves(lock, leaves);
      continue;
    }
    if (Batch due = scheduler_.TakeDue(now); !due.empty()) {
      SendHeartbeats(lock, std::move(due));
      continue;
    }
    const std::optional<TimePoint> wake = NextWakeLocked();
    sleeping_until_ = wake.value_or(TimePoint::max());
    if (wake) {
      wake_.wait_until(lock, *wake);
    } else {
      wake_.wait(lock);
    }
    sleeping_until_.reset();
    ++wakeups_;
  }
}

void Engine::SendLeaves(Lock& lock, const Batch& leaves) {
  lock.unlock();
  const grpc::Status status = LeaveNow(leaves, kLeaveTimeout);
  lock.lock();
  // Not retried: expiry on the server is the fallback for a lost leave.
  if (!status.ok()) {
    spdlog::warn("leave for {} failed ({}); the server will expire it",
                 Describe(leaves), status.error_message());
    SetErrorLocked("leave: " + status.error_message());
  }
}

void Engine::SendHeartbeats(Lock& lock, Batch batch) {
  // The server refuses a user heartbeat before the user enabled presence;
  // rooms still go.
  const bool user_refused = batch.user && user_enabled_ == false;
  const auto calls = SplitIntoCalls<pb::HeartbeatRequest>(
      batch.user && !user_refused, batch.room_ids);
  heartbeat_calls_ += calls.size();
  lock.unlock();
  pb::HeartbeatResponse response;
  grpc::Status status = grpc::Status::OK;
  for (const auto& request : calls) {
    if (!request.user() && request.room_ids_size() == 0) continue;
    status = session_.Run([&](const std::string& token) {
      return upstream_.Heartbeat(token, request, &response);
    });
    if (!status.ok()) break;
  }
  lock.lock();
  const TimePoint now = Clock::now();
  if (!status.ok()) {
    OnHeartbeatFailed(lock, status, batch);
    return;
  }
  spdlog::debug("heartbeat sent: {}", Describe(batch));
  scheduler_.OnSent(batch, now, true, 0.0);
  if (state_ == pb::SESSION_STATE_DEGRADED) {
    spdlog::info("upstream {} reachable again; every held target sent",
                 upstream_.address());
    Broadcast(pb::HOLD_EVENT_RECOVERED, "the presence server is reachable");
  }
  if (state_ == pb::SESSION_STATE_CONNECTING ||
      state_ == pb::SESSION_STATE_DEGRADED) {
    SetState(pb::SESSION_STATE_ONLINE);
  }
  std::vector<std::string> acknowledged;
  for (const auto& id : awaiting_first_ack_) {
    const Hold* hold = holds_.Find(id);
    if (hold && batch.Contains(hold->target) &&
        !(user_refused && hold->target.kind == Target::Kind::kUser)) {
      acknowledged.push_back(id);
    }
  }
  pb::HoldEvent event;
  event.set_type(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED);
  event.set_at_ms(response.server_time_ms());
  for (const auto& id : acknowledged) {
    awaiting_first_ack_.erase(id);
    if (auto sink = sinks_.find(id); sink != sinks_.end()) {
      event.set_hold_id(id);
      sink->second->Send(event);
    }
  }
  if (response.has_network()) {
    lock.unlock();
    ApplyNetworkSettings(response.network());
    lock.lock();
  }
}

void Engine::OnHeartbeatFailed(Lock& lock, const grpc::Status& status,
                               const Batch& batch) {
  const TimePoint now = Clock::now();
  const std::string reason = status.error_message();
  if (IsCredentialRejection(status)) {
    spdlog::error(
        "the presence server rejected the credentials ({}); heartbeats stop "
        "until the config is fixed and presenced reloaded",
        reason);
    SetErrorLocked("credentials rejected: " + reason);
    scheduler_.OnSent(batch, now, false, 0.0);
    scheduler_.Pause();
    SetState(pb::SESSION_STATE_UNAUTHENTICATED);
    Broadcast(pb::HOLD_EVENT_DEGRADED, "credentials rejected: " + reason);
    return;
  }
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    // Presence disabled for the network, or the user switch is off: the
    // settings say which. Nothing retries in a loop meanwhile.
    SetErrorLocked("heartbeat refused: " + reason);
    scheduler_.OnSent(batch, now, false, 0.0);
    lock.unlock();
    pb::GetSettingsResponse settings;
    const grpc::Status read = session_.Run([&](const std::string& token) {
      return upstream_.GetSettings(token, &settings);
    });
    if (read.ok()) ApplySettings(settings);
    lock.lock();
    return;
  }
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  scheduler_.OnSent(batch, now, false, jitter(random_));
  SetErrorLocked("heartbeat: " + reason);
  if (state_ != pb::SESSION_STATE_DEGRADED) {
    spdlog::warn(
        "heartbeat to {} failed ({}); holds are kept, retrying with backoff",
        upstream_.address(), reason);
    SetState(pb::SESSION_STATE_DEGRADED);
    Broadcast(pb::HOLD_EVENT_DEGRADED,
              "the presence server is unreachable: " + reason);
  }
}

pb::Status Engine::GetStatus() const {
  Lock lock(mutex_);
  pb::Status status;
  status.set_state(state_);
  status.set_upstream(upstream_.address());
  status.set_user_id(session_.user_id());
  status.set_device_id(session_.device_id());
  const std::string source =
      intervals_from_server_ ? "server" : "built-in default";
  const Intervals intervals = scheduler_.intervals();
  status.mutable_user_heartbeat_interval()->set_value_ms(
      intervals.user.count());
  status.mutable_user_heartbeat_interval()->set_source(source);
  status.mutable_room_heartbeat_interval()->set_value_ms(
      intervals.room.count());
  status.mutable_room_heartbeat_interval()->set_source(source);
  if (intervals_from_server_) {
    status.mutable_online_threshold()->set_value_ms(
        network_.online_threshold_ms());
    status.mutable_sync_interval()->set_value_ms(network_.sync_interval_ms());
  }
  status.mutable_online_threshold()->set_source(source);
  status.mutable_sync_interval()->set_source(source);
  const WallClock clock;
  for (const Target& target : holds_.ActiveTargets()) {
    pb::TargetStatus* out = status.add_targets();
    *out->mutable_target() = ToProto(target);
    for (const Hold* hold : holds_.HoldsOn(target)) {
      pb::Holder* holder = out->add_holders();
      holder->set_hold_id(hold->id);
      holder->set_uid(hold->owner.uid);
      holder->set_pid(hold->owner.pid);
      holder->set_client_name(hold->owner.client_name);
      holder->set_attached(hold->attached);
      holder->set_since_ms(clock.Ms(hold->since));
      holder->set_expires_at_ms(clock.Ms(hold->expires_at));
    }
    const Scheduler::Timing timing = scheduler_.TimingOf(target);
    out->set_last_sent_ms(clock.Ms(timing.last_sent));
    out->set_last_acknowledged_ms(clock.Ms(timing.last_acknowledged));
    out->set_next_due_ms(clock.Ms(timing.next_due));
  }
  status.set_last_error(last_error_);
  status.set_last_error_ms(last_error_ms_);
  status.set_started_at_ms(started_at_ms_);
  status.set_heartbeat_calls(heartbeat_calls_);
  status.set_engine_wakeups(wakeups_);
  return status;
}

}  // namespace presence::daemon
