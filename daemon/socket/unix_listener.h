// The daemon's control socket. The daemon accepts connections itself, reads
// each peer's credentials (SO_PEERCRED, SO_PEERGROUPS), then hands the
// connected fd to gRPC: gRPC C++ does not expose a Unix peer's credentials
// (grpc/grpc#28755), but it reports calls on such a connection as "fd:N",
// which maps back to what was read at accept time.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "socket/peer_credentials.h"

namespace grpc {
class Server;
}

namespace presence::daemon {

struct ListenerOptions {
  std::string path;
  mode_t mode = 0660;
  std::string group;      // empty: leave the owner's group
  int inherited_fd = -1;  // from socket activation; path is then informative
};

class UnixListener {
 public:
  // Creates (or adopts) the listening socket; on failure returns nullptr and
  // says why in *error.
  static std::unique_ptr<UnixListener> Open(const ListenerOptions& options,
                                            std::string* error);
  ~UnixListener();

  // Starts accepting and handing connections to `server`.
  void Serve(grpc::Server* server);
  // Stops accepting; removes the socket file if this process created it.
  void Stop();

  // Credentials of the connection a call arrived on, by ServerContext::peer().
  std::optional<PeerCredentials> Lookup(const std::string& peer) const;

  const std::string& path() const { return options_.path; }

 private:
  UnixListener(ListenerOptions options, int fd, bool owns_path);
  void AcceptLoop(grpc::Server* server);

  ListenerOptions options_;
  int listen_fd_;
  int stop_fd_;  // eventfd that wakes the accept loop to stop
  bool owns_path_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<int, PeerCredentials> peers_;
};

}  // namespace presence::daemon
