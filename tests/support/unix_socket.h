// Whether something listens on a Unix socket path, for waiting on a server
// (presenced, a bench's echo child) to come up.
#pragma once

#include <string>

namespace presence::testing {

// True when a connect() to the Unix stream socket at `path` succeeds.
bool UnixSocketAccepts(const std::string& path);

}  // namespace presence::testing
