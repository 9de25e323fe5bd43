// The heartbeat scheduler: pure timing logic for the active targets. It owns
// no clock and no thread; the engine asks it what to send now (TakeDue,
// TakeLeaves), reports what happened (OnSent), and sleeps until NextWake().
//
// Rules:
// - Activation: the first heartbeat is due `first_heartbeat_delay` after
//   activation, so a burst of activations travels in one call.
// - Coalescing: when anything is due, every active target whose next_due
//   falls within its pull-forward window is sent in the same call; window =
//   min(pull_forward_fraction * its own interval, shortest interval among the
//   active targets). With the user held, rooms ride on the last user tick
//   before they fall due: one upstream call per user interval. Early is
//   harmless; late is not.
// - Failure: nothing is sent until retry_at = failure time + backoff (equal
//   jitter, capped); the retry batch is every active target. Success resets
//   the backoff; each sent target is next due one interval later.
// - Cadence: a target's first acknowledgement puts its next heartbeat on
//   the next tick of the targets already established at the same interval,
//   so holds started far apart still share one call per tick.
// - Leaves: a deactivated target gets a leave even if its first heartbeat
//   was never sent (the server may still have it from an earlier daemon
//   run). Re-activating a target whose leave is still pending cancels that
//   leave (the heartbeat supersedes it). Leaves flow while paused.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/backoff.h"
#include "core/target.h"
#include "core/time.h"

namespace presence::daemon {

// Targets for one upstream call (heartbeat or leave).
struct Batch {
  bool user = false;
  std::vector<std::string> room_ids;  // sorted, unique

  bool empty() const { return !user && room_ids.empty(); }
  std::size_t size() const { return (user ? 1 : 0) + room_ids.size(); }
  // O(log n): relies on room_ids being sorted (batches from the scheduler
  // are).
  bool Contains(const Target& t) const;
  // The user first, then the rooms in order.
  std::vector<Target> Targets() const;
};

bool operator==(const Batch& a, const Batch& b);
bool operator!=(const Batch& a, const Batch& b);

struct Intervals {
  Millis user{20000};
  Millis room{300000};
};

struct SchedulerOptions {
  // A burst of activations travels in one call.
  Millis first_heartbeat_delay{10};
  // Clamped to [0, 1].
  double pull_forward_fraction = 0.25;
  Millis backoff_initial{500};
  Millis backoff_cap{60000};
  // A leave waits this long, so a target stopped and started again at once
  // (an app reopening a room) costs the server nothing.
  Millis leave_delay{0};
};

class Scheduler {
 public:
  // Intervals below 1 ms are raised to 1 ms.
  Scheduler(Intervals intervals, SchedulerOptions options);

  // Starts the target's heartbeat: first due at now + first_heartbeat_delay.
  // No-op if already active. Cancels a pending leave for it.
  void Activate(const Target& t, TimePoint now);
  // Forgets the target and queues a leave for it (also when its first
  // heartbeat was never sent). Returns false (and does nothing) if the target
  // was not active. A batch in flight that contains it will not bring it back.
  // The leave is due at now + leave_delay.
  bool Deactivate(const Target& t, TimePoint now);
  // The leaves due at `now`; they leave the queue.
  Batch TakeLeaves(TimePoint now);
  // Every pending leave, due or not (logout, shutdown); the queue is empty.
  Batch TakeAllLeaves();

  // The heartbeats to send now (empty if none); they are marked in flight
  // until OnSent. Empty while paused, and while backing off before retry_at.
  Batch TakeDue(TimePoint now);
  // The result of sending a TakeDue batch. `jitter01` in [0, 1) randomises
  // the backoff on failure (ignored on success). Targets deactivated (or
  // deactivated and re-activated) since TakeDue are ignored.
  void OnSent(const Batch& batch, TimePoint now, bool ok, double jitter01);

  // New intervals, applied from the next tick: each target's next_due =
  // last acknowledged + its new interval (now, if that is already past).
  // Targets not yet acknowledged, or in flight, keep their schedule (OnSent
  // uses the new intervals).
  void SetIntervals(Intervals intervals, TimePoint now);

  // Presence disabled / logged out: TakeDue returns nothing and NextWake
  // ignores heartbeats; activations and leaves still work.
  void Pause();
  // Unpauses and starts afresh: every active target is due at `now`, and the
  // backoff (and any pending retry) is forgotten. Also valid when not paused.
  void Resume(TimePoint now);

  // The earliest moment TakeDue or TakeLeaves has something (a pending
  // leave's due time counts); nullopt when there is nothing to do until
  // something changes.
  std::optional<TimePoint> NextWake() const;

  struct Timing {
    std::optional<TimePoint> last_sent;          // last attempt (ok or not)
    std::optional<TimePoint> last_acknowledged;  // last success
    std::optional<TimePoint> next_due;  // nullopt if inactive or paused
  };
  // All nullopt for an inactive target. While backing off, next_due is the
  // retry moment.
  Timing TimingOf(const Target& t) const;

  // Failing and backing off (consecutive failures > 0).
  bool degraded() const { return backoff_.failures() > 0; }
  int consecutive_failures() const { return backoff_.failures(); }
  // When the retry after a failure is allowed; nullopt if not backing off.
  std::optional<TimePoint> retry_at() const { return retry_at_; }
  bool paused() const { return paused_; }
  Intervals intervals() const { return intervals_; }
  // Sorted.
  std::vector<Target> Active() const;
  bool IsActive(const Target& t) const { return active_.count(t) != 0; }

 private:
  struct Entry {
    std::optional<TimePoint> last_sent;
    std::optional<TimePoint> last_acknowledged;
    TimePoint next_due;
    bool in_flight = false;
  };

  Millis IntervalOf(const Target& t) const;
  Millis ShortestActiveInterval() const;
  Millis WindowOf(const Target& t, Millis shortest) const;
  // Per interval, the next tick of the established targets that run at it.
  std::map<Millis, TimePoint> Cadences(TimePoint now) const;

  Intervals intervals_;
  SchedulerOptions options_;
  Backoff backoff_;
  std::map<Target, Entry> active_;
  std::map<Target, TimePoint> leaves_;  // target -> when its leave is due
  std::optional<TimePoint> retry_at_;
  bool paused_ = false;
};

}  // namespace presence::daemon
