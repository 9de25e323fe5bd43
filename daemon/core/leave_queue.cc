#include "core/leave_queue.h"

#include <algorithm>

namespace presence::daemon {

LeaveQueue::LeaveQueue(Millis backoff_initial, Millis backoff_cap)
    : backoff_(backoff_initial, backoff_cap) {}

void LeaveQueue::Add(const Target& t, TimePoint due, TimePoint give_up_at) {
  leaves_[t] = Entry{due, give_up_at, false};
}

bool LeaveQueue::Cancel(const Target& t) { return leaves_.erase(t) != 0; }

Batch LeaveQueue::TakeDue(TimePoint now) {
  Batch batch;
  for (auto& [t, entry] : leaves_) {
    if (entry.in_flight || entry.due > now) continue;
    entry.in_flight = true;
    batch.Add(t);
  }
  return batch;
}

Batch LeaveQueue::TakeAll() {
  Batch batch;
  for (const auto& [t, entry] : leaves_) batch.Add(t);
  leaves_.clear();
  return batch;
}

std::vector<Target> LeaveQueue::OnSent(const Batch& batch, TimePoint now,
                                       bool ok, double jitter01) {
  std::vector<Target> abandoned;
  if (ok) {
    backoff_.Reset();
  }
  // One backoff step per failed call, not per target in it.
  const Millis retry_in = ok ? Millis(0) : backoff_.Next(jitter01);
  for (const Target& t : batch.Targets()) {
    auto it = leaves_.find(t);
    // Cancelled, or cancelled and queued again, since TakeDue.
    if (it == leaves_.end() || !it->second.in_flight) continue;
    if (ok) {
      leaves_.erase(it);
    } else if (now >= it->second.give_up_at) {
      abandoned.push_back(t);
      leaves_.erase(it);
    } else {
      it->second.in_flight = false;
      it->second.due = now + retry_in;
    }
  }
  return abandoned;
}

void LeaveQueue::RetryNow(TimePoint now) {
  backoff_.Reset();
  for (auto& [t, entry] : leaves_) {
    if (!entry.in_flight) entry.due = std::min(entry.due, now);
  }
}

std::optional<TimePoint> LeaveQueue::NextWake() const {
  std::optional<TimePoint> wake;
  for (const auto& [t, entry] : leaves_) {
    if (!entry.in_flight && (!wake || entry.due < *wake)) wake = entry.due;
  }
  return wake;
}

std::vector<Target> LeaveQueue::Pending() const {
  std::vector<Target> targets;
  targets.reserve(leaves_.size());
  for (const auto& [t, entry] : leaves_) targets.push_back(t);
  return targets;
}

}  // namespace presence::daemon
