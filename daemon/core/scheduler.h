// The heartbeat scheduler: pure timing logic for the active targets. It owns
// no clock and no thread; the engine asks it what to send now (TakeDue),
// reports what happened (OnSent), and sleeps until NextWake().
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
// Leaves are not its business: see leave_queue.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/backoff.h"
#include "core/batch.h"
#include "core/target.h"
#include "core/time.h"

namespace presence::daemon {

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
};

class Scheduler {
 public:
  // Intervals below 1 ms are raised to 1 ms.
  Scheduler(Intervals intervals, SchedulerOptions options);

  // Starts the target's heartbeat: first due at now + first_heartbeat_delay.
  // No-op if already active.
  void Activate(const Target& t, TimePoint now);
  // Forgets the target. Returns false (and does nothing) if it was not
  // active. A batch in flight that contains it will not bring it back.
  bool Deactivate(const Target& t);

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
  // nothing; activations still work.
  void Pause();
  // Unpauses and starts afresh: SendAllNow. Also valid when not paused.
  void Resume(TimePoint now);
  // Every active target is due at `now`, and the backoff (and any pending
  // retry) is forgotten: the server may have lost what it had (it restarted,
  // or the link came back). Nothing is due while paused.
  void SendAllNow(TimePoint now);

  // The earliest moment TakeDue has something; nullopt when there is
  // nothing to do until something changes.
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
  std::optional<TimePoint> retry_at_;
  bool paused_ = false;
};

}  // namespace presence::daemon
