#include "core/target.h"

#include <tuple>
#include <utility>

namespace presence::daemon {

Target Target::User() { return Target{Kind::kUser, {}}; }

Target Target::Room(std::string id) {
  return Target{Kind::kRoom, std::move(id)};
}

std::string Target::ToString() const {
  return kind == Kind::kUser ? std::string("user") : "room:" + room_id;
}

bool operator==(const Target& a, const Target& b) {
  return a.kind == b.kind && a.room_id == b.room_id;
}

bool operator!=(const Target& a, const Target& b) { return !(a == b); }

bool operator<(const Target& a, const Target& b) {
  return std::tie(a.kind, a.room_id) < std::tie(b.kind, b.room_id);
}

}  // namespace presence::daemon
