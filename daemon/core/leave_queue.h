// Leaves the server has not taken yet. Pure timing logic, like the
// scheduler: the engine asks what is due (TakeDue), sends it, and reports
// back (OnSent).
//
// Rules:
// - A leave is due at the time it was queued for (a released attached hold
//   waits a little, so an app reopening a room costs the server nothing).
// - A failed leave is retried after a backoff (equal jitter, capped), until
//   the moment the server would have expired the target by itself: then it
//   is abandoned, since expiry has done its job.
// - Cancel (the target is held again) drops the leave, even one in flight:
//   that call's result is ignored, and the heartbeat that follows it
//   restores whatever it removed.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "core/backoff.h"
#include "core/batch.h"
#include "core/time.h"

namespace presence::daemon {

class LeaveQueue {
 public:
  LeaveQueue(Millis backoff_initial, Millis backoff_cap);

  // Queues a leave for `t`, due at `due`, abandoned once `give_up_at` has
  // passed. Replaces a leave already queued for it.
  void Add(const Target& t, TimePoint due, TimePoint give_up_at);
  // Drops the leave for `t`; false if there was none.
  bool Cancel(const Target& t);

  // The leaves due at `now`; they are in flight until OnSent.
  Batch TakeDue(TimePoint now);
  // Every leave, due or in flight or not; the queue is then empty.
  Batch TakeAll();
  // The result of sending a TakeDue batch. On failure each leave is retried
  // after the backoff, or abandoned when its give-up time has passed; the
  // abandoned targets are returned.
  std::vector<Target> OnSent(const Batch& batch, TimePoint now, bool ok,
                             double jitter01);
  // The server is reachable again: every waiting leave is due now.
  void RetryNow(TimePoint now);

  // The earliest due time of a leave not in flight.
  std::optional<TimePoint> NextWake() const;
  // Targets with a leave queued or in flight, sorted.
  std::vector<Target> Pending() const;
  bool Contains(const Target& t) const { return leaves_.count(t) != 0; }
  bool empty() const { return leaves_.empty(); }

 private:
  struct Entry {
    TimePoint due;
    TimePoint give_up_at;
    bool in_flight = false;
  };

  Backoff backoff_;
  std::map<Target, Entry> leaves_;
};

}  // namespace presence::daemon
