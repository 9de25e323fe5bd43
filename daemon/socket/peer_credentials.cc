#include "socket/peer_credentials.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace presence::daemon {

bool PeerCredentials::InGroup(gid_t group) const {
  return gid == group ||
         std::find(groups.begin(), groups.end(), group) != groups.end();
}

std::optional<PeerCredentials> ReadPeerCredentials(int fd) {
  ucred cred{};
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
    return std::nullopt;
  }
  PeerCredentials peer;
  peer.uid = cred.uid;
  peer.gid = cred.gid;
  peer.pid = cred.pid;
  std::vector<gid_t> groups(64);
  socklen_t size = groups.size() * sizeof(gid_t);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) != 0 &&
      errno == ERANGE) {
    groups.resize(size / sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) != 0) {
      size = 0;
    }
  }
  groups.resize(size / sizeof(gid_t));
  peer.groups = std::move(groups);
  return peer;
}

}  // namespace presence::daemon
