// An ordered index of entries by a time (last heartbeat, session expiry), so
// expiry visits only the entries that are due — the in-memory analogue of a
// Redis sorted set scored by time.
#pragma once

#include <set>
#include <utility>

#include "store/presence_store.h"

namespace presence::server {

template <typename Entry>
class TimeIndex {
 public:
  using Position = typename std::set<std::pair<Time, Entry*>>::iterator;

  Position Add(Time time, Entry* entry) {
    return items_.emplace(time, entry).first;
  }

  // Re-files an entry under a new time without allocating.
  Position Move(Position position, Time time) {
    auto node = items_.extract(position);
    node.value().first = time;
    return items_.insert(std::move(node)).position;
  }

  void Remove(Position position) { items_.erase(position); }

  // The entry with the earliest time if that time is <= cutoff, else null.
  Entry* EarliestAtOrBefore(Time cutoff) const {
    if (items_.empty() || items_.begin()->first > cutoff) return nullptr;
    return items_.begin()->second;
  }

 private:
  std::set<std::pair<Time, Entry*>> items_;
};

}  // namespace presence::server
