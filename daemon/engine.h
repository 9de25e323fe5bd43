// The heartbeat engine: the one thread that owns the hold table and the
// scheduler, talks to the upstream for heartbeats and leaves, tracks the
// session state, and tells attached holds what happens to their target.
// gRPC handlers call in from their own threads; everything shared is guarded
// by one mutex, and the thread sleeps until the next due time.
#pragma once

#include <grpcpp/support/status.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "core/hold_table.h"
#include "core/scheduler.h"
#include "hold_file.h"
#include "presence/v1/control.pb.h"
#include "session.h"

namespace presence::daemon {

// Who is calling, from the socket's peer credentials.
struct Caller {
  uint32_t uid = 0;
  int32_t pid = 0;
  bool admin = false;  // root or member of the admin group
};

// Where an attached hold's events go (the Hold stream). Called with the
// engine's mutex held: implementations only queue.
class HoldEventSink {
 public:
  virtual ~HoldEventSink() = default;
  virtual void Send(const pb::HoldEvent& event) = 0;
  // Logout ended the hold: last event, then the stream finishes.
  virtual void End(const pb::HoldEvent& event) = 0;
};

struct EngineOptions {
  Intervals default_intervals;
  SchedulerOptions scheduler;
  std::chrono::milliseconds max_ttl{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds shutdown_leave_deadline{2000};
  HoldFile* hold_file = nullptr;  // where detached holds are kept, if any
};

class Engine {
 public:
  Engine(Upstream& upstream, Session& session, EngineOptions options);
  ~Engine();

  // Re-creates detached holds saved by an earlier run, dropping the expired.
  void Restore(const std::vector<StoredHold>& holds);
  void Start();
  // Sends leave for every active target (bounded), ends attached holds and
  // stops the thread.
  void Shutdown();

  // Adds a hold. `sink` is set for attached holds and is used until the hold
  // is removed. Fails with FAILED_PRECONDITION when presence cannot be held
  // now (disabled, user presence not enabled, logged out, credentials
  // rejected).
  grpc::Status AddHold(const Target& target, const Owner& owner,
                       std::optional<std::chrono::milliseconds> ttl,
                       HoldEventSink* sink, std::string* hold_id);
  // Removes an attached hold when its stream goes away.
  void ReleaseAttached(const std::string& hold_id);
  // Stops detached holds: one by id, or (empty id) the caller's on `target`.
  grpc::Status StopDetached(const Target& target, const std::string& hold_id,
                            const Caller& caller, int* stopped);

  // The server's settings, from the settings watch or a heartbeat answer.
  void ApplySettings(const pb::GetSettingsResponse& settings);
  void ApplyNetworkSettings(const pb::NetworkSettings& network);
  // A caller changed the per-user switch through the daemon.
  void SetUserEnabled(bool enabled);

  void Logout();
  void Login();
  // Credentials were reloaded: leave the terminal unauthenticated state.
  void CredentialsChanged();
  // Whether the daemon should hold a session open now (not logged out, not
  // rejected); the settings follower and sync wait while it is false.
  bool SessionWanted() const;
  // Records an upstream failure seen outside the heartbeat path.
  void NoteError(const std::string& error);

  pb::Status GetStatus() const;

 private:
  using Lock = std::unique_lock<std::mutex>;

  void Run();
  void SendLeaves(Lock& lock, const Batch& leaves);
  grpc::Status LeaveNow(const Batch& leaves, std::chrono::milliseconds timeout);
  void SendHeartbeats(Lock& lock, Batch batch);
  void OnHeartbeatFailed(Lock& lock, const grpc::Status& status,
                         const Batch& batch);
  void ReleaseLocked(const HoldTable::Removed& removed);
  void ExpireHolds(TimePoint now);
  void PersistLocked();
  void SetState(pb::SessionState state);
  void Broadcast(pb::HoldEventType type, const std::string& message,
                 const std::function<bool(const Hold&)>& filter = nullptr);
  // Logout ends every hold for good, the last event of each attached one's
  // stream; a shutdown keeps the detached ones on disk (the control service
  // ends the streams, see ControlService::CloseStreams).
  void EndAllHolds(bool shutdown);
  void SetErrorLocked(const std::string& error);
  std::string NewHoldId();
  std::optional<TimePoint> NextWakeLocked() const;
  // Wakes the engine thread if it sleeps past `when`.
  void WakeBy(TimePoint when);
  // Every active target due now (presence back, login, user enabled).
  void ResumeHeartbeats();

  Upstream& upstream_;
  Session& session_;
  const EngineOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  HoldTable holds_;
  Scheduler scheduler_;
  std::map<std::string, HoldEventSink*> sinks_;
  std::set<std::string> awaiting_first_ack_;

  pb::SessionState state_ = pb::SESSION_STATE_CONNECTING;
  bool intervals_from_server_ = false;
  pb::NetworkSettings network_;
  std::optional<bool> user_enabled_;
  std::string last_error_;
  int64_t last_error_ms_ = 0;
  int64_t started_at_ms_ = 0;
  uint64_t heartbeat_calls_ = 0;
  uint64_t wakeups_ = 0;
  bool stopping_ = false;
  // When the engine thread sleeps: until when (max: until notified).
  std::optional<TimePoint> sleeping_until_;
  std::mt19937_64 random_;
  std::thread thread_;
};

}  // namespace presence::daemon
