// Who is at the other end of a local connection, as the kernel saw them when
// they connected (SO_PEERCRED, SO_PEERGROUPS).
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace presence::daemon {

struct PeerCredentials {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
  std::vector<gid_t> groups;

  bool InGroup(gid_t group) const;
};

// The credentials of the peer of the connected Unix socket `fd`; nothing when
// the kernel does not tell (errno says why).
std::optional<PeerCredentials> ReadPeerCredentials(int fd);

}  // namespace presence::daemon
