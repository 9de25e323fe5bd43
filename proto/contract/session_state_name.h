// The one spelling of each session state, for the daemon's logs and status
// and for presencectl. Header-only like status_name.h.
#pragma once

#include "presence/v1/control.pb.h"

namespace presence {

inline const char* SessionStateName(v1::SessionState state) {
  switch (state) {
    case v1::SESSION_STATE_LOGGED_OUT:
      return "logged-out";
    case v1::SESSION_STATE_CONNECTING:
      return "connecting";
    case v1::SESSION_STATE_ONLINE:
      return "online";
    case v1::SESSION_STATE_DEGRADED:
      return "degraded";
    case v1::SESSION_STATE_UNAUTHENTICATED:
      return "unauthenticated";
    case v1::SESSION_STATE_PRESENCE_DISABLED:
      return "presence-disabled";
    default:
      return "unknown";
  }
}

}  // namespace presence
