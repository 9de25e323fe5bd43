// How a change of the session's state reads in the log: one line, at the
// level it deserves, saying why and what happens next.
#pragma once

#include <string>

#include "core/session_machine.h"

namespace presence::daemon {

// `why` is the last error, `upstream` the server's address.
void LogSessionChange(SessionState from, SessionState to,
                      const std::string& why, const std::string& upstream);

}  // namespace presence::daemon
