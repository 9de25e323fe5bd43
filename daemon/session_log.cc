#include "session_log.h"

#include <spdlog/spdlog.h>

#include "contract/session_state_name.h"
#include "core_messages.h"

namespace presence::daemon {

void LogSessionChange(SessionState from, SessionState to,
                      const std::string& why, const std::string& upstream) {
  const char* from_name = SessionStateName(ToProto(from));
  const char* to_name = SessionStateName(ToProto(to));
  switch (to) {
    case SessionState::kDegraded:
      spdlog::warn(
          "session {} -> {}: {}; holds are kept and sent again as soon as "
          "{} answers",
          from_name, to_name, why, upstream);
      break;
    case SessionState::kUnauthenticated:
      spdlog::error(
          "session {} -> {}: {}; heartbeats stop until the config is fixed "
          "and presenced reloaded",
          from_name, to_name, why);
      break;
    case SessionState::kPresenceDisabled:
      spdlog::warn(
          "session {} -> {}: presence is disabled for this network; "
          "heartbeats pause until an admin re-enables it",
          from_name, to_name);
      break;
    default:
      spdlog::info("session {} -> {}", from_name, to_name);
  }
}

}  // namespace presence::daemon
