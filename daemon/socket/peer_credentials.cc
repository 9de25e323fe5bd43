#include "socket/peer_credentials.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace presence::daemon {
namespace {

// Nothing when the kernel does not tell: a failure must not leave the
// buffer's zeros behind as the peer's groups (group 0 is root's).
std::vector<gid_t> ReadPeerGroups(int fd) {
  std::vector<gid_t> groups(64);
  socklen_t size = groups.size() * sizeof(gid_t);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) != 0) {
    // ERANGE: more groups than room, and size says how many bytes they take.
    if (errno != ERANGE) return {};
    groups.resize(size / sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) != 0) {
      return {};
    }
  }
  groups.resize(size / sizeof(gid_t));
  return groups;
}

}  // namespace

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
  peer.groups = ReadPeerGroups(fd);
  return peer;
}

}  // namespace presence::daemon
