// A heartbeat target: the current user, or one room.
#pragma once

#include <string>

namespace presence::daemon {

struct Target {
  enum class Kind { kUser, kRoom };

  Kind kind = Kind::kUser;
  std::string room_id;  // empty for kUser

  static Target User();
  static Target Room(std::string id);

  bool is_user() const { return kind == Kind::kUser; }
  // "user" or "room:<id>".
  std::string ToString() const;
};

// The user sorts first, then rooms by id.
bool operator==(const Target& a, const Target& b);
bool operator!=(const Target& a, const Target& b);
bool operator<(const Target& a, const Target& b);

}  // namespace presence::daemon
