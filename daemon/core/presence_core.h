// The daemon's session logic, pure: the holds, what is due upstream and
// when, the session's state, and what each attached hold must be told. The
// engine (daemon/engine.h) is its edge: it owns the clock, the lock, the
// thread and the upstream calls; it asks NextWork(now), makes the call,
// reports the result, and delivers TakeNotices() to the clients. Nothing
// here blocks, reads a clock or does I/O, so tests drive it by hand.
//
// Leaving (DESIGN.md 3): the last hold on a target going queues a leave;
// a released attached hold's leave waits `leave_delay` (an app reopening a
// room at once costs nothing), a stopped or expired one goes at once. A
// failed leave is retried until the server would have expired the target
// anyway. A target held again before its leave went cancels the leave.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/hold_table.h"
#include "core/leave_queue.h"
#include "core/outcome.h"
#include "core/scheduler.h"
#include "core/session_machine.h"

namespace presence::daemon {

// The server's network settings, as far as the daemon uses them.
struct NetworkView {
  bool presence_enabled = true;
  Intervals intervals;
  Millis online_threshold{60000};  // a user heartbeat lives this long
  Millis room_timeout{600000};     // a room heartbeat lives this long
  Millis sync_interval{15000};
  int64_t updated_at_ms = 0;  // orders the settings; older ones are ignored
};

struct CoreOptions {
  NetworkView defaults;  // until the server's settings are known
  SchedulerOptions scheduler;
  // How long a released attached hold's leave waits.
  Millis leave_delay{20};
  Millis max_ttl{std::chrono::hours(24 * 7)};
};

// One thing to tell one attached hold.
struct Notice {
  HoldNews news = HoldNews::kHeld;
  std::string hold_id;
  std::string message;
  Millis interval{0};  // kHeld, kIntervalChanged: the target's cadence
};

// One upstream call to make.
struct Work {
  enum class Kind { kNone, kLeave, kHeartbeat };
  Kind kind = Kind::kNone;
  Batch batch;  // what it is for: give it back with the result
  Batch send;   // what goes on the wire (a refused user heartbeat is held
                // back while the user's switch is off)
};

struct NewHold {
  Target target;
  Owner owner;
  bool attached = false;
  std::optional<Millis> ttl;
};

// A successful StopDetached: how many holds went, and the targets whose
// leave is now queued.
struct Stopped {
  int count = 0;
  std::vector<Target> leaving;
};

struct LastError {
  std::string message;
  TimePoint at;
};

class PresenceCore {
 public:
  explicit PresenceCore(CoreOptions options);

  // Adds a hold with the caller's unique `id`. Refused (nothing changes)
  // when presence cannot be held now or the TTL is out of range. An
  // attached hold is told kHeld. `*leave_cancelled` (if set) says whether a
  // queued leave of the target was dropped instead of sent.
  Outcome AddHold(const std::string& id, const NewHold& hold, TimePoint now,
                  bool* leave_cancelled = nullptr);
  // Removes an attached hold (its stream ended).
  void ReleaseAttached(const std::string& id, TimePoint now);
  // Takes back a detached hold whose state could not be saved: as if never
  // added (a leave at once if it was the only hold on its target).
  void DropHold(const std::string& id, TimePoint now);
  // Stops detached holds: one by id, or (empty id) the caller's on
  // `target`, all of them for an admin.
  Outcome StopDetached(const Target& target, const std::string& hold_id,
                       uint32_t caller_uid, bool caller_admin, TimePoint now,
                       Stopped* stopped);
  // Detached holds saved by an earlier run; returns how many were taken.
  int Restore(const std::vector<Hold>& holds, TimePoint now);

  // What to send now; TTLs that passed are applied first.
  Work NextWork(TimePoint now);
  // The result of a kHeartbeat work. Returns true when the caller should
  // read the settings (the server refused: they say what is off).
  bool OnHeartbeatSent(const Work& work, CallResult result,
                       const std::string& reason, TimePoint now,
                       double jitter01);
  // The result of a kLeave work; returns the targets abandoned to expiry.
  std::vector<Target> OnLeaveSent(const Work& work, CallResult result,
                                  const std::string& reason, TimePoint now,
                                  double jitter01);
  // When NextWork will have something (or a TTL passes).
  std::optional<TimePoint> NextWake() const;

  void ApplySettings(const NetworkView& network, TimePoint now);
  void SetUserEnabled(bool enabled, TimePoint now);
  void OnLinkDown(const std::string& reason, TimePoint now);
  void OnLinkUp(TimePoint now);
  // Ends every hold (attached ones are told kEndedByLogout) and pauses;
  // returns the leaves to send now.
  Batch Logout(TimePoint now);
  void Login(TimePoint now);
  void CredentialsChanged(TimePoint now);

  // The daemon stops: every hold ends quietly (detached ones stay saved).
  // The held targets leave with a grace period (a restart is no flap); the
  // already queued leaves go at once.
  struct FinalLeaves {
    Batch graceful;
    Batch immediate;
  };
  FinalLeaves Shutdown();

  void NoteError(std::string message, TimePoint now);

  // What attached holds must be told since the last call.
  std::vector<Notice> TakeNotices();
  // Whether the detached holds changed (to be saved) since the last call.
  bool TakeDetachedChanged();

  SessionState state() const { return session_.state(); }
  bool SessionWanted() const { return session_.SessionWanted(); }
  const HoldTable& holds() const { return holds_; }
  const Scheduler& scheduler() const { return scheduler_; }
  const LeaveQueue& leaves() const { return leaves_; }
  // The settings in force; `from_server` says whether they were read.
  const NetworkView& network() const { return network_; }
  bool network_from_server() const { return network_from_server_; }
  const std::optional<LastError>& last_error() const { return last_error_; }
  std::optional<bool> user_enabled() const { return user_enabled_; }

 private:
  void Apply(const SessionEffects& effects, TimePoint now);
  void Release(const HoldTable::Removed& removed, TimePoint now, Millis delay);
  void QueueLeave(const Target& target, TimePoint due, TimePoint now);
  void ExpireHolds(TimePoint now);
  void AcknowledgeFirstBeats(const Batch& sent);
  void Tell(const Hold& hold, HoldNews news, const std::string& message = {});
  Millis IntervalOf(const Target& target) const;
  Millis TimeoutOf(const Target& target) const;

  const CoreOptions options_;
  HoldTable holds_;
  Scheduler scheduler_;
  LeaveQueue leaves_;
  SessionMachine session_;
  NetworkView network_;
  bool network_from_server_ = false;
  std::optional<bool> user_enabled_;
  std::set<std::string> awaiting_first_ack_;  // attached holds' ids
  std::optional<LastError> last_error_;
  std::vector<Notice> notices_;
  bool detached_changed_ = false;
};

}  // namespace presence::daemon
