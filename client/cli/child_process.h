// presencectl hold's child: started with the signals presencectl gets
// forwarded to it, waited for, and its exit status passed on like a shell's.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace presence::ctl {

// Notes which descriptors presencectl inherited, so that SpawnAndWait passes
// those on and keeps the ones presencectl opened itself (the gRPC socket,
// epoll, eventfds) from the child. Call before opening any; otherwise the
// first SpawnAndWait notes them.
void RememberInheritedFds();

// Starts argv (PATH lookup) with SIGINT/SIGTERM/SIGHUP forwarded to it,
// waits, and returns its exit code like a shell: the code, 128+signal when
// killed, 127 not found, 126 not executable.
int SpawnAndWait(const std::vector<std::string>& argv, std::ostream& err);

}  // namespace presence::ctl
