#include "core/presence_core.h"

#include <algorithm>
#include <utility>

namespace presence::daemon {

PresenceCore::PresenceCore(CoreOptions options)
    : options_(std::move(options)),
      scheduler_(options_.defaults.intervals, options_.scheduler),
      leaves_(options_.scheduler.backoff_initial,
              options_.scheduler.backoff_cap),
      network_(options_.defaults) {}

Millis PresenceCore::IntervalOf(const Target& target) const {
  const Intervals intervals = scheduler_.intervals();
  return target.is_user() ? intervals.user : intervals.room;
}

Millis PresenceCore::TimeoutOf(const Target& target) const {
  return target.is_user() ? network_.online_threshold : network_.room_timeout;
}

void PresenceCore::Tell(const Hold& hold, HoldNews news,
                        const std::string& message) {
  if (!hold.attached) return;
  Notice notice;
  notice.news = news;
  notice.hold_id = hold.id;
  notice.message = message;
  if (news == HoldNews::kHeld || news == HoldNews::kIntervalChanged) {
    notice.interval = IntervalOf(hold.target);
  }
  notices_.push_back(std::move(notice));
}

void PresenceCore::Apply(const SessionEffects& effects, TimePoint now) {
  if (effects.pause) scheduler_.Pause();
  if (effects.resume) scheduler_.Resume(now);
  if (effects.send_all_now) {
    scheduler_.SendAllNow(now);
    leaves_.RetryNow(now);
  }
  if (effects.broadcast) {
    for (const Hold* hold : holds_.All()) {
      Tell(*hold, *effects.broadcast, effects.message);
    }
  }
}

Outcome PresenceCore::AddHold(const std::string& id, const NewHold& request,
                              TimePoint now, bool* leave_cancelled) {
  using Code = Outcome::Code;
  if (auto why = session_.RefusesHolds()) {
    return {Code::kFailedPrecondition, *why};
  }
  if (request.target.is_user() && user_enabled_ == false) {
    return {Code::kFailedPrecondition,
            "user presence is not enabled for this daemon's user: enable it "
            "first (presencectl enable)"};
  }
  if (request.ttl &&
      (*request.ttl <= Millis(0) || *request.ttl > options_.max_ttl)) {
    return {Code::kInvalidArgument,
            "ttl_ms must be between 1 and " +
                std::to_string(options_.max_ttl.count()) + " (" +
                std::to_string(options_.max_ttl.count() / 3'600'000) + "h)"};
  }
  Hold hold{id,  request.target, request.owner, request.attached,
            now, std::nullopt};
  if (request.ttl) hold.expires_at = now + *request.ttl;
  bool activated = false;
  if (!holds_.Add(hold, &activated)) {
    return {Code::kInvalidArgument, "hold id " + id + " is taken"};
  }
  const bool cancelled = activated && leaves_.Cancel(request.target);
  if (leave_cancelled) *leave_cancelled = cancelled;
  if (activated) scheduler_.Activate(request.target, now);
  if (hold.attached) {
    awaiting_first_ack_.insert(id);
    Tell(hold, HoldNews::kHeld);
  } else {
    detached_changed_ = true;
  }
  return Outcome::Ok();
}

void PresenceCore::QueueLeave(const Target& target, TimePoint due,
                              TimePoint now) {
  // The server forgets the target by itself one timeout after its last
  // acknowledged heartbeat: retrying the leave beyond that is pointless.
  const auto acked = scheduler_.TimingOf(target).last_acknowledged;
  leaves_.Add(target, due, acked.value_or(now) + TimeoutOf(target));
}

void PresenceCore::Release(const HoldTable::Removed& removed, TimePoint now,
                           Millis delay) {
  awaiting_first_ack_.erase(removed.hold.id);
  if (!removed.hold.attached) detached_changed_ = true;
  if (!removed.target_released) return;
  const Target& target = removed.hold.target;
  // Even a target whose first heartbeat never went gets a leave: the
  // server may still have it from an earlier run.
  QueueLeave(target, now + delay, now);
  scheduler_.Deactivate(target);
}

void PresenceCore::ReleaseAttached(const std::string& id, TimePoint now) {
  if (auto removed = holds_.Remove(id)) {
    Release(*removed, now, options_.leave_delay);
  }
}

void PresenceCore::DropHold(const std::string& id, TimePoint now) {
  if (auto removed = holds_.Remove(id)) Release(*removed, now, Millis(0));
}

Outcome PresenceCore::StopDetached(const Target& target,
                                   const std::string& hold_id,
                                   uint32_t caller_uid, bool caller_admin,
                                   TimePoint now, Stopped* stopped) {
  using Code = Outcome::Code;
  const StopSelection selection =
      hold_id.empty()
          ? SelectDetachedToStop(holds_, target, caller_uid, caller_admin)
          : SelectHoldToStop(holds_, target, hold_id, caller_uid, caller_admin);
  switch (selection.error) {
    case StopSelection::Error::kNotFound:
      return {Code::kNotFound,
              hold_id.empty()
                  ? "no detached hold on " + target.ToString()
                  : "no detached hold " + hold_id + " on " + target.ToString()};
    case StopSelection::Error::kPermissionDenied:
      return {Code::kPermissionDenied,
              "the holds on " + target.ToString() +
                  " belong to another user; only root or the admin group "
                  "may stop them"};
    case StopSelection::Error::kNone:
      break;
  }
  for (const auto& id : selection.hold_ids) {
    auto removed = holds_.Remove(id);
    if (!removed) continue;
    ++stopped->count;
    // The caller waits for the leave: no debounce.
    Release(*removed, now, Millis(0));
    if (removed->target_released) stopped->leaving.push_back(target);
  }
  return Outcome::Ok();
}

int PresenceCore::Restore(const std::vector<Hold>& holds, TimePoint now) {
  int restored = 0;
  for (const Hold& hold : holds) {
    bool activated = false;
    if (hold.attached || !holds_.Add(hold, &activated)) continue;
    if (activated) scheduler_.Activate(hold.target, now);
    ++restored;
  }
  detached_changed_ = true;  // the expired ones are gone from the file too
  return restored;
}

void PresenceCore::ExpireHolds(TimePoint now) {
  for (const auto& removed : holds_.RemoveExpired(now)) {
    Release(removed, now, Millis(0));
  }
}

Work PresenceCore::NextWork(TimePoint now) {
  ExpireHolds(now);
  Work work;
  work.batch = leaves_.TakeDue(now);
  if (!work.batch.empty()) {
    work.kind = Work::Kind::kLeave;
    work.send = work.batch;
    return work;
  }
  work.batch = scheduler_.TakeDue(now);
  if (work.batch.empty()) return work;
  work.kind = Work::Kind::kHeartbeat;
  work.send = work.batch;
  // The server refuses a user heartbeat before the user enabled presence;
  // the rooms still go.
  if (user_enabled_ == false) work.send.user = false;
  return work;
}

bool PresenceCore::OnHeartbeatSent(const Work& work, CallResult result,
                                   const std::string& reason, TimePoint now,
                                   double jitter01) {
  const bool ok = result == CallResult::kOk;
  // Only an unreachable server is retried with backoff; a refusal waits for
  // the settings to change, a rejection for new credentials.
  scheduler_.OnSent(work.batch, now, ok,
                    result == CallResult::kUnreachable ? jitter01 : 0.0);
  if (!ok) {
    const char* what = result == CallResult::kRejected
                           ? "the presence server rejected the credentials"
                       : result == CallResult::kRefused ? "heartbeat refused"
                                                        : "heartbeat";
    NoteError(std::string(what) + ": " + reason, now);
  }
  Apply(session_.OnHeartbeat(result, reason), now);
  if (ok) AcknowledgeFirstBeats(work.send);
  return result == CallResult::kRefused;
}

void PresenceCore::AcknowledgeFirstBeats(const Batch& sent) {
  for (auto it = awaiting_first_ack_.begin();
       it != awaiting_first_ack_.end();) {
    const Hold* hold = holds_.Find(*it);
    if (hold && sent.Contains(hold->target)) {
      Tell(*hold, HoldNews::kAcknowledged);
      it = awaiting_first_ack_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<Target> PresenceCore::OnLeaveSent(const Work& work,
                                              CallResult result,
                                              const std::string& reason,
                                              TimePoint now, double jitter01) {
  const bool ok = result == CallResult::kOk;
  if (!ok) NoteError("leave: " + reason, now);
  if (result == CallResult::kUnreachable) {
    Apply(session_.OnLinkDown(reason), now);
  }
  return leaves_.OnSent(work.batch, now, ok, jitter01);
}

std::optional<TimePoint> PresenceCore::NextWake() const {
  std::optional<TimePoint> wake = scheduler_.NextWake();
  for (const auto& next : {leaves_.NextWake(), holds_.NextExpiry()}) {
    if (next && (!wake || *next < *wake)) wake = next;
  }
  return wake;
}

void PresenceCore::ApplySettings(const NetworkView& network, TimePoint now) {
  // A heartbeat answer sent before an admin's change can arrive after the
  // watch reported it: the older settings must not undo the newer.
  if (network_from_server_ && network.updated_at_ms < network_.updated_at_ms) {
    return;
  }
  Apply(session_.OnSettings(network.presence_enabled, !holds_.empty()), now);
  if (network.intervals.user <= Millis(0) ||
      network.intervals.room <= Millis(0)) {
    return;
  }
  const Intervals before = scheduler_.intervals();
  network_ = network;
  network_from_server_ = true;
  const Intervals& after = network.intervals;
  if (after.user == before.user && after.room == before.room) return;
  scheduler_.SetIntervals(after, now);
  for (const Hold* hold : holds_.All()) {
    const bool changed = hold->target.is_user() ? after.user != before.user
                                                : after.room != before.room;
    if (changed) {
      Tell(*hold, HoldNews::kIntervalChanged,
           "the server changed the interval");
    }
  }
}

void PresenceCore::SetUserEnabled(bool enabled, TimePoint now) {
  const bool was = user_enabled_.value_or(true);
  user_enabled_ = enabled;
  // Turned on: the user target, held back while off, goes now. Turned off
  // (the server refused a batch for it, and took none of it): the rest of
  // the batch goes now without it.
  if (enabled != was && !scheduler_.paused()) scheduler_.SendAllNow(now);
}

void PresenceCore::OnLinkDown(const std::string& reason, TimePoint now) {
  NoteError("the presence server is unreachable: " + reason, now);
  Apply(session_.OnLinkDown(reason), now);
}

void PresenceCore::OnLinkUp(TimePoint now) {
  Apply(session_.OnLinkUp(!holds_.empty()), now);
}

Batch PresenceCore::Logout(TimePoint now) {
  for (const auto& removed : holds_.Clear()) {
    Tell(removed.hold, HoldNews::kEndedByLogout, "presenced logged out");
    Release(removed, now, Millis(0));
  }
  Apply(session_.OnLogout(), now);
  return leaves_.TakeAll();
}

void PresenceCore::Login(TimePoint now) { Apply(session_.OnLogin(), now); }

void PresenceCore::CredentialsChanged(TimePoint now) {
  Apply(session_.OnCredentialsChanged(), now);
}

PresenceCore::FinalLeaves PresenceCore::Shutdown() {
  FinalLeaves final;
  for (const Target& target : holds_.ActiveTargets()) {
    final.graceful.Add(target);
    scheduler_.Deactivate(target);
  }
  holds_.Clear();
  awaiting_first_ack_.clear();
  final.immediate = leaves_.TakeAll();
  return final;
}

void PresenceCore::NoteError(std::string message, TimePoint now) {
  last_error_ = LastError{std::move(message), now};
}

std::vector<Notice> PresenceCore::TakeNotices() {
  std::vector<Notice> notices;
  notices.swap(notices_);
  return notices;
}

bool PresenceCore::TakeDetachedChanged() {
  return std::exchange(detached_changed_, false);
}

}  // namespace presence::daemon
