// The Lua scripts behind RedisStore: every store call is one EVALSHA, so
// each call is atomic and one round trip. The key schema is described at the
// top of redis_scripts.cc.
#pragma once

#include <string>
#include <vector>

namespace presence::server::redis_scripts {

struct Script {
  std::string name;
  std::string text;
};

// Indexes into All().
enum Id {
  kHeartbeat,
  kLeave,
  kSweep,
  kUpdateSettings,
  kSeedSettings,
  kGetSettings,
  kGetUserSettings,
  kSetUserEnabled,
  kUserPresence,
  kOnlineCount,
  kRoomCounts,
  kListOnline,
  kListViewers,
};

const std::vector<Script>& All();

}  // namespace presence::server::redis_scripts
