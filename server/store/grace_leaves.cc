#include "store/grace_leaves.h"

namespace presence::server {

void GraceLeaves::Schedule(const DeviceTarget& target, Time deadline) {
  auto [it, inserted] = deadlines_.try_emplace(target, deadline);
  if (!inserted) {
    by_deadline_.erase({it->second, target});
    it->second = deadline;
  }
  by_deadline_.emplace(deadline, target);
}

void GraceLeaves::Cancel(const DeviceTarget& target) {
  const auto it = deadlines_.find(target);
  if (it == deadlines_.end()) return;
  by_deadline_.erase({it->second, target});
  deadlines_.erase(it);
}

std::optional<DeviceTarget> GraceLeaves::TakeDue(Time now) {
  if (by_deadline_.empty() || by_deadline_.begin()->first > now) {
    return std::nullopt;
  }
  auto due = by_deadline_.extract(by_deadline_.begin());
  deadlines_.erase(due.value().second);
  return std::move(due.value().second);
}

}  // namespace presence::server
