// The heartbeat engine: the edge around the pure PresenceCore. It owns the
// clock, the one mutex, the engine thread and the upstream calls, and
// delivers what the core decides to the clients.
//
// Threads:
// - gRPC's callback threads add and release holds, stop detached ones and
//   read the status; none of these waits on the network or the disk.
// - The engine thread sends heartbeats and leaves, one call at a time, and
//   otherwise sleeps until the core's next due time.
// - The settings watch's thread reports the settings and whether the
//   server is reachable (OnLinkUp/OnLinkDown).
// - The hold file's writer thread reports whether a save worked, which is
//   when a detached start is answered.
// - The main thread restores, reloads and shuts down.
// Every path into the core takes mutex_ (the fields say what it guards);
// sinks are called with it held, so they only queue.
#pragma once

#include <grpcpp/support/status.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "contract/mutex.h"
#include "core/presence_core.h"
#include "hold_file.h"
#include "joined_reply.h"
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
  CoreOptions core;
  // How long one leave call may take.
  std::chrono::milliseconds leave_timeout{2000};
  // How long a shutdown waits for the server to take the final leaves.
  std::chrono::milliseconds shutdown_leave_deadline{2000};
  // A stopping daemon's presence ends this long after it stops unless it
  // heartbeats again: a restart within it is invisible to watchers.
  std::chrono::milliseconds restart_grace{5000};
  HoldFile* hold_file = nullptr;  // where detached holds are kept, if any
  // The core's time; tests drive a fake one with RunDueWork.
  std::function<TimePoint()> now = [] { return Clock::now(); };
};

class Engine {
 public:
  Engine(Upstream& upstream, Session& session, EngineOptions options);
  ~Engine();

  // Re-creates detached holds saved by an earlier run, dropping the expired.
  void Restore(const std::vector<StoredHold>& holds);
  // Starts the engine thread.
  void Start();
  // Does, on the calling thread, whatever is due now (for tests, which do
  // not Start the thread and move a fake clock instead).
  void RunDueWork();
  // Ends every hold and stops the thread; the held targets leave with the
  // restart grace, bounded by shutdown_leave_deadline. Streams are ended by
  // the control service (ControlService::CloseStreams).
  void Shutdown();

  // Adds an attached hold whose events go to `sink` until it is released.
  // HELD is sent to `sink` before this returns (HoldMany relies on it).
  grpc::Status AddAttached(const Target& target, const Owner& owner,
                           HoldEventSink* sink, std::string* hold_id);
  // Removes an attached hold when its stream goes away.
  void ReleaseAttached(const std::string& hold_id);

  // Adds a detached hold; `done` runs once it is saved, or with the error
  // that refused it (nothing is left of a hold that could not be saved).
  using StartDone =
      std::function<void(const grpc::Status&, const std::string& hold_id)>;
  void StartDetached(const Target& target, const Owner& owner,
                     std::optional<std::chrono::milliseconds> ttl,
                     StartDone done);
  // Stops detached holds: one by id, or (empty id) the caller's on
  // `target`. `done` runs once the server has taken the leave (and the
  // holds file is saved), or with the error of the first attempt; a failed
  // leave is retried in the background.
  using StopDone = std::function<void(const grpc::Status&, int stopped)>;
  void StopDetached(const Target& target, const std::string& hold_id,
                    const Caller& caller, StopDone done);

  // The server's settings, from the settings watch or a read.
  void ApplySettings(const pb::GetSettingsResponse& settings);
  // A caller changed the per-user switch through the daemon.
  void SetUserEnabled(bool enabled);
  // The settings watch delivers (again) / ended or could not open.
  void OnLinkUp();
  void OnLinkDown(const std::string& reason);

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
  void Run();
  // Sends one due call, releasing mutex_ around it; false when nothing is
  // due.
  bool WorkOnce() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void SendHeartbeat(const Work& work) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void SendLeave(const Work& work) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // One leave call (a batch may need several); takes no lock.
  grpc::Status Leave(const Batch& batch, std::chrono::milliseconds grace,
                     std::chrono::milliseconds timeout);
  // After every change to the core: logs a state change once, tells the
  // attached holds, and saves the detached ones when they changed
  // (`on_saved`, if given, learns how that save went).
  void Commit(std::function<void(const SaveResult&)> on_saved = {})
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Answers the stops waiting for `target`'s leave.
  void SettleLeave(const Target& target, const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  std::string NewHoldId() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Wakes the engine thread if it sleeps past `when`.
  void WakeBy(TimePoint when) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  double Jitter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  Upstream& upstream_;
  Session& session_;
  const EngineOptions options_;
  const int64_t started_at_ms_;

  mutable Mutex mutex_;
  std::condition_variable wake_;
  PresenceCore core_ ABSL_GUARDED_BY(mutex_);
  SessionState logged_state_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, HoldEventSink*> sinks_ ABSL_GUARDED_BY(mutex_);
  std::multimap<Target, std::shared_ptr<JoinedReply>> leave_waiters_
      ABSL_GUARDED_BY(mutex_);
  uint64_t heartbeat_calls_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t wakeups_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  // When the engine thread sleeps: until when (max: until notified).
  std::optional<TimePoint> sleeping_until_ ABSL_GUARDED_BY(mutex_);
  std::mt19937_64 random_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace presence::daemon
