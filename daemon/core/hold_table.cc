#include "core/hold_table.h"

#include <algorithm>
#include <utility>

namespace presence::daemon {

bool HoldTable::Add(Hold hold, bool* activated) {
  if (hold.id.empty() || holds_.count(hold.id) != 0) return false;
  auto& on_target = by_target_[hold.target];
  if (activated) *activated = on_target.empty();
  on_target.emplace(hold.since, hold.id);
  if (hold.expires_at) by_expiry_.emplace(*hold.expires_at, hold.id);
  std::string id = hold.id;
  holds_.emplace(std::move(id), std::move(hold));
  return true;
}

std::optional<HoldTable::Removed> HoldTable::Remove(
    const std::string& hold_id) {
  auto it = holds_.find(hold_id);
  if (it == holds_.end()) return std::nullopt;
  Removed removed{std::move(it->second), false};
  holds_.erase(it);
  const Hold& hold = removed.hold;
  if (hold.expires_at) by_expiry_.erase(Key(*hold.expires_at, hold.id));
  auto target = by_target_.find(hold.target);
  if (target != by_target_.end()) {
    target->second.erase(Key(hold.since, hold.id));
    if (target->second.empty()) {
      by_target_.erase(target);
      removed.target_released = true;
    }
  }
  return removed;
}

const Hold* HoldTable::Find(const std::string& hold_id) const {
  auto it = holds_.find(hold_id);
  return it == holds_.end() ? nullptr : &it->second;
}

std::vector<const Hold*> HoldTable::HoldsOn(const Target& t) const {
  std::vector<const Hold*> result;
  auto target = by_target_.find(t);
  if (target == by_target_.end()) return result;
  result.reserve(target->second.size());
  for (const auto& key : target->second) result.push_back(Find(key.second));
  return result;
}

std::vector<Target> HoldTable::ActiveTargets() const {
  std::vector<Target> result;
  result.reserve(by_target_.size());
  for (const auto& entry : by_target_) result.push_back(entry.first);
  return result;
}

bool HoldTable::IsActive(const Target& t) const {
  return by_target_.count(t) != 0;
}

std::vector<HoldTable::Removed> HoldTable::RemoveExpired(TimePoint now) {
  std::vector<std::string> expired;
  for (auto it = by_expiry_.begin(); it != by_expiry_.end() && it->first <= now;
       ++it) {
    expired.push_back(it->second);
  }
  std::vector<Removed> result;
  result.reserve(expired.size());
  for (const auto& id : expired) {
    if (auto removed = Remove(id)) result.push_back(std::move(*removed));
  }
  return result;
}

std::optional<TimePoint> HoldTable::NextExpiry() const {
  if (by_expiry_.empty()) return std::nullopt;
  return by_expiry_.begin()->first;
}

std::vector<HoldTable::Removed> HoldTable::Clear() {
  std::vector<Removed> result;
  result.reserve(holds_.size());
  for (auto& [target, keys] : by_target_) {
    std::size_t left = keys.size();
    for (const auto& key : keys) {
      auto it = holds_.find(key.second);
      result.push_back(Removed{std::move(it->second), --left == 0});
    }
  }
  holds_.clear();
  by_target_.clear();
  by_expiry_.clear();
  return result;
}

std::vector<const Hold*> HoldTable::All() const {
  std::vector<const Hold*> result;
  result.reserve(holds_.size());
  for (const auto& entry : holds_) result.push_back(&entry.second);
  return result;
}

namespace {

bool MayStop(const Hold& hold, uint32_t caller_uid, bool caller_is_admin) {
  return caller_uid == 0 || caller_is_admin || hold.owner.uid == caller_uid;
}

}  // namespace

StopSelection SelectDetachedToStop(const HoldTable& table, const Target& target,
                                   uint32_t caller_uid, bool caller_is_admin) {
  StopSelection selection;
  bool any_detached = false;
  for (const Hold* hold : table.HoldsOn(target)) {
    if (hold->attached) continue;
    any_detached = true;
    if (MayStop(*hold, caller_uid, caller_is_admin)) {
      selection.hold_ids.push_back(hold->id);
    }
  }
  if (!any_detached) {
    selection.error = StopSelection::Error::kNotFound;
  } else if (selection.hold_ids.empty()) {
    selection.error = StopSelection::Error::kPermissionDenied;
  }
  return selection;
}

StopSelection SelectHoldToStop(const HoldTable& table, const Target& target,
                               const std::string& hold_id, uint32_t caller_uid,
                               bool caller_is_admin) {
  StopSelection selection;
  const Hold* hold = table.Find(hold_id);
  if (hold == nullptr || hold->attached || hold->target != target) {
    selection.error = StopSelection::Error::kNotFound;
  } else if (!MayStop(*hold, caller_uid, caller_is_admin)) {
    selection.error = StopSelection::Error::kPermissionDenied;
  } else {
    selection.hold_ids.push_back(hold_id);
  }
  return selection;
}

}  // namespace presence::daemon
