// The hold table: every hold of every local client, reference-counted per
// target. A target is active while at least one hold on it exists. Pure data:
// no clock, no locking (the engine serialises access).
//
// Costs (n holds, k results): Add/Remove/Find/IsActive O(log n);
// HoldsOn/ActiveTargets/All O(k log n) or better; RemoveExpired O(k log n);
// NextExpiry O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/target.h"
#include "core/time.h"

namespace presence::daemon {

struct Owner {
  uint32_t uid = 0;
  int32_t pid = 0;
  std::string client_name;
};

struct Hold {
  std::string id;
  Target target;
  Owner owner;
  bool attached = false;  // lives as long as a Hold stream; else detached
  TimePoint since;
  std::optional<TimePoint> expires_at;  // TTL; detached holds only, by use
};

class HoldTable {
 public:
  // Adds a hold. Returns false and changes nothing if `hold.id` is empty or
  // already present. `*activated` (if non-null) is set to whether the target
  // had no hold before, i.e. its heartbeat must start.
  bool Add(Hold hold, bool* activated);

  struct Removed {
    Hold hold;
    bool target_released = false;  // it was the last hold on its target
  };
  // nullopt if no hold has this id.
  std::optional<Removed> Remove(const std::string& hold_id);

  // nullptr if unknown. Valid until that hold is removed.
  const Hold* Find(const std::string& hold_id) const;
  // The holds on `t`, ordered by `since` (then id).
  std::vector<const Hold*> HoldsOn(const Target& t) const;
  // Targets with at least one hold, sorted.
  std::vector<Target> ActiveTargets() const;
  bool IsActive(const Target& t) const;

  // Removes every hold whose TTL passed (expires_at <= now), earliest first.
  std::vector<Removed> RemoveExpired(TimePoint now);
  // The earliest expires_at of any hold; nullopt if none has a TTL.
  std::optional<TimePoint> NextExpiry() const;

  // Removes everything. Per target, exactly the last entry returned has
  // target_released set.
  std::vector<Removed> Clear();

  // Every hold, ordered by id.
  std::vector<const Hold*> All() const;
  std::size_t size() const { return holds_.size(); }
  bool empty() const { return holds_.empty(); }

 private:
  using Key = std::pair<TimePoint, std::string>;  // (since|expires_at, id)

  std::map<std::string, Hold> holds_;
  std::map<Target, std::set<Key>> by_target_;  // never holds an empty set
  std::set<Key> by_expiry_;
};

// The rule for stopping detached holds (the unary Stop* calls).
struct StopSelection {
  std::vector<std::string> hold_ids;  // to remove
  enum class Error { kNone, kNotFound, kPermissionDenied } error = Error::kNone;
};

// The detached holds on `target` the caller may stop: all of them for root
// (uid 0) or an admin, otherwise only the caller's uid's. Attached holds are
// never selected. kNotFound: no detached hold on the target at all.
// kPermissionDenied: detached holds exist but none is the caller's and the
// caller is not root/admin.
StopSelection SelectDetachedToStop(const HoldTable& table, const Target& target,
                                   uint32_t caller_uid, bool caller_is_admin);

// The same rule for one hold id. kNotFound if the id is unknown, is an
// attached hold, or holds a different target than `target`;
// kPermissionDenied if it is another uid's and the caller is not root/admin.
StopSelection SelectHoldToStop(const HoldTable& table, const Target& target,
                               const std::string& hold_id, uint32_t caller_uid,
                               bool caller_is_admin);

}  // namespace presence::daemon
