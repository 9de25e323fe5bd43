// The daemon's control socket. The daemon accepts connections itself, reads
// each peer's credentials (SO_PEERCRED, SO_PEERGROUPS), then hands the
// connected fd to gRPC: gRPC C++ does not expose a Unix peer's credentials
// (grpc/grpc#28755), but it reports calls on such a connection as "fd:N",
// which maps back to what was read at accept time. A connection reaches gRPC
// only once it has sent its HTTP/2 preface (socket/preface_gate.h), and
// running out of file descriptors pauses accepting instead of spinning
// (socket/accept_throttle.h).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "contract/mutex.h"
#include "socket/peer_credentials.h"
#include "socket/preface_gate.h"

namespace grpc {
class Server;
}

namespace presence::daemon {

class AcceptThrottle;

struct ListenerOptions {
  std::string path;
  mode_t mode = 0660;
  std::string group;      // empty: leave the owner's group
  int inherited_fd = -1;  // from socket activation; path is then informative
  // How long a new connection may take to send its HTTP/2 preface; a client
  // sends it at once, so this only ends connections that never speak.
  std::chrono::milliseconds preface_timeout{5000};
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
  // Stops accepting, closes the connections still waiting for their
  // preface; removes the socket file if this process created it.
  void Stop();

  // Credentials of the connection a call arrived on, by ServerContext::peer().
  std::optional<PeerCredentials> Lookup(const std::string& peer) const;

  const std::string& path() const { return options_.path; }
  // Connections closed because they sent no whole preface in time.
  std::uint64_t preface_timeouts() const { return gate_.timed_out(); }

 private:
  UnixListener(ListenerOptions options, int fd, bool owns_path, int epoll_fd,
               int stop_fd);
  void AcceptLoop(grpc::Server* server);
  // Takes one connection from the backlog into the gate; returns how long to
  // pause accepting (zero: no pause).
  std::chrono::milliseconds AcceptOne(AcceptThrottle& throttle);
  // Watches the listening socket (or stops watching it, while paused).
  void WatchListeningSocket(bool watch);
  // Hands a connection that sent its preface to gRPC.
  void Admit(grpc::Server* server, AdmittedConnection connection);

  ListenerOptions options_;
  int listen_fd_;
  int epoll_fd_;  // the listening socket, stop_fd_ and the gate's connections
  int stop_fd_;   // eventfd that wakes the accept loop to stop
  bool owns_path_;
  PrefaceGate gate_;
  std::thread thread_;
  mutable Mutex mutex_;
  std::map<int, PeerCredentials> peers_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace presence::daemon
