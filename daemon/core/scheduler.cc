#include "core/scheduler.h"

#include <algorithm>

namespace presence::daemon {
namespace {

Intervals Sanitize(Intervals intervals) {
  intervals.user = std::max(intervals.user, Millis(1));
  intervals.room = std::max(intervals.room, Millis(1));
  return intervals;
}

SchedulerOptions Sanitize(SchedulerOptions options) {
  options.first_heartbeat_delay =
      std::max(options.first_heartbeat_delay, Millis(0));
  options.pull_forward_fraction =
      std::clamp(options.pull_forward_fraction, 0.0, 1.0);
  return options;
}

}  // namespace

Scheduler::Scheduler(Intervals intervals, SchedulerOptions options)
    : intervals_(Sanitize(intervals)),
      options_(Sanitize(options)),
      backoff_(options_.backoff_initial, options_.backoff_cap) {}

void Scheduler::Activate(const Target& t, TimePoint now) {
  if (active_.count(t) != 0) return;
  Entry entry;
  entry.next_due = now + options_.first_heartbeat_delay;
  active_.emplace(t, entry);
}

bool Scheduler::Deactivate(const Target& t) { return active_.erase(t) != 0; }

Millis Scheduler::IntervalOf(const Target& t) const {
  return t.is_user() ? intervals_.user : intervals_.room;
}

Millis Scheduler::ShortestActiveInterval() const {
  // The map sorts the user first; any other entry is a room.
  Millis shortest = Millis::max();
  if (active_.empty()) return shortest;
  if (active_.begin()->first.is_user()) shortest = intervals_.user;
  if (active_.size() > 1 || !active_.begin()->first.is_user()) {
    shortest = std::min(shortest, intervals_.room);
  }
  return shortest;
}

Millis Scheduler::WindowOf(const Target& t, Millis shortest) const {
  const Millis own = IntervalOf(t);
  const auto scaled = Millis(static_cast<Millis::rep>(
      options_.pull_forward_fraction * static_cast<double>(own.count())));
  return std::min(scaled, shortest);
}

Batch Scheduler::TakeDue(TimePoint now) {
  Batch batch;
  if (paused_) return batch;
  if (retry_at_) {
    if (now < *retry_at_) return batch;
    // The retry (and the recovery it hopes for) sends everything.
    for (auto& [t, entry] : active_) {
      if (entry.in_flight) continue;
      entry.in_flight = true;
      batch.Add(t);
    }
    return batch;
  }
  const bool any_due =
      std::any_of(active_.begin(), active_.end(), [&](const auto& e) {
        return !e.second.in_flight && e.second.next_due <= now;
      });
  if (!any_due) return batch;
  const Millis shortest = ShortestActiveInterval();
  for (auto& [t, entry] : active_) {
    if (entry.in_flight) continue;
    if (entry.next_due <= now ||
        entry.next_due - now <= WindowOf(t, shortest)) {
      entry.in_flight = true;
      batch.Add(t);
    }
  }
  return batch;
}

void Scheduler::OnSent(const Batch& batch, TimePoint now, bool ok,
                       double jitter01) {
  const std::map<Millis, TimePoint> cadences =
      ok ? Cadences(now) : std::map<Millis, TimePoint>();
  for (const Target& t : batch.Targets()) {
    auto it = active_.find(t);
    // Gone, or gone and re-activated since: not this batch's business.
    if (it == active_.end() || !it->second.in_flight) continue;
    Entry& entry = it->second;
    entry.in_flight = false;
    entry.last_sent = now;
    if (!ok) continue;
    const bool first = !entry.last_acknowledged;
    entry.last_acknowledged = now;
    entry.next_due = now + IntervalOf(t);
    // A new target joins the tick of the targets already running at its
    // interval, however far apart the holds started; its second heartbeat
    // comes early, which is harmless.
    if (auto cadence = cadences.find(IntervalOf(t));
        first && cadence != cadences.end() &&
        cadence->second < entry.next_due) {
      entry.next_due = cadence->second;
    }
  }
  if (ok) {
    backoff_.Reset();
    retry_at_.reset();
  } else {
    retry_at_ = now + backoff_.Next(jitter01);
  }
}

std::map<Millis, TimePoint> Scheduler::Cadences(TimePoint now) const {
  std::map<Millis, TimePoint> cadences;
  for (const auto& [t, entry] : active_) {
    if (entry.in_flight || !entry.last_acknowledged || entry.next_due <= now) {
      continue;
    }
    auto [it, added] = cadences.emplace(IntervalOf(t), entry.next_due);
    if (!added && entry.next_due < it->second) it->second = entry.next_due;
  }
  return cadences;
}

void Scheduler::SetIntervals(Intervals intervals, TimePoint now) {
  intervals_ = Sanitize(intervals);
  for (auto& [t, entry] : active_) {
    if (entry.in_flight || !entry.last_acknowledged) continue;
    entry.next_due = std::max(*entry.last_acknowledged + IntervalOf(t), now);
  }
}

void Scheduler::Pause() { paused_ = true; }

void Scheduler::Resume(TimePoint now) {
  paused_ = false;
  SendAllNow(now);
}

void Scheduler::SendAllNow(TimePoint now) {
  retry_at_.reset();
  backoff_.Reset();
  for (auto& [t, entry] : active_) {
    if (!entry.in_flight) entry.next_due = now;
  }
}

std::optional<TimePoint> Scheduler::NextWake() const {
  if (paused_) return std::nullopt;
  std::optional<TimePoint> heartbeat;
  for (const auto& [t, entry] : active_) {
    if (entry.in_flight) continue;
    if (retry_at_) {
      heartbeat = retry_at_;  // everything goes at the retry
      break;
    }
    if (!heartbeat || entry.next_due < *heartbeat) heartbeat = entry.next_due;
  }
  return heartbeat;
}

Scheduler::Timing Scheduler::TimingOf(const Target& t) const {
  Timing timing;
  auto it = active_.find(t);
  if (it == active_.end()) return timing;
  const Entry& entry = it->second;
  timing.last_sent = entry.last_sent;
  timing.last_acknowledged = entry.last_acknowledged;
  if (!paused_) {
    timing.next_due =
        retry_at_ && !entry.in_flight ? *retry_at_ : entry.next_due;
  }
  return timing;
}

std::vector<Target> Scheduler::Active() const {
  std::vector<Target> targets;
  targets.reserve(active_.size());
  for (const auto& entry : active_) targets.push_back(entry.first);
  return targets;
}

}  // namespace presence::daemon
