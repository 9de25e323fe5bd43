#include "core/batch.h"

#include <algorithm>

namespace presence::daemon {

bool Batch::Contains(const Target& t) const {
  if (t.is_user()) return user;
  return std::binary_search(room_ids.begin(), room_ids.end(), t.room_id);
}

std::vector<Target> Batch::Targets() const {
  std::vector<Target> targets;
  targets.reserve(size());
  if (user) targets.push_back(Target::User());
  for (const auto& room : room_ids) targets.push_back(Target::Room(room));
  return targets;
}

void Batch::Add(const Target& t) {
  if (t.is_user()) {
    user = true;
  } else {
    room_ids.push_back(t.room_id);
  }
}

std::string Batch::Describe() const {
  std::string out = user ? "user" : "";
  if (!room_ids.empty()) {
    if (!out.empty()) out += " + ";
    out += std::to_string(room_ids.size()) + " room(s)";
  }
  return out;
}

bool operator==(const Batch& a, const Batch& b) {
  return a.user == b.user && a.room_ids == b.room_ids;
}

bool operator!=(const Batch& a, const Batch& b) { return !(a == b); }

}  // namespace presence::daemon
