#include "socket/unix_listener.h"

#include <grp.h>
#include <grpcpp/server.h>
#include <grpcpp/server_posix.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace presence::daemon {
namespace {

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Creates the parent directory when run by hand (systemd's RuntimeDirectory
// does it for the service).
void EnsureParent(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  const std::string parent = path.substr(0, slash);
  if (mkdir(parent.c_str(), 0755) != 0 && errno == ENOENT) {
    EnsureParent(parent);
    mkdir(parent.c_str(), 0755);
  }
}

}  // namespace

std::unique_ptr<UnixListener> UnixListener::Open(const ListenerOptions& options,
                                                 std::string* error) {
  if (options.inherited_fd >= 0) {
    return std::unique_ptr<UnixListener>(
        new UnixListener(options, options.inherited_fd, false));
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (options.path.empty() || options.path.size() >= sizeof address.sun_path) {
    *error = "socket path '" + options.path + "' is empty or longer than " +
             std::to_string(sizeof address.sun_path - 1) + " bytes";
    return nullptr;
  }
  std::memcpy(address.sun_path, options.path.c_str(), options.path.size());
  EnsureParent(options.path);

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = Errno("socket");
    return nullptr;
  }
  auto fail = [&](const std::string& what) {
    *error = Errno(what);
    close(fd);
    return nullptr;
  };
  // A socket file left by a crashed daemon is stale only if nobody answers.
  struct stat existing {};
  if (lstat(options.path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      *error =
          options.path + " exists and is not a socket; refusing to replace it";
      close(fd);
      return nullptr;
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) ==
        0) {
      *error = "another daemon is already listening on " + options.path;
      close(fd);
      return nullptr;
    }
    unlink(options.path.c_str());
  }
  // Bind with the final mode so no client ever sees a wider one.
  const mode_t old_umask = umask(0777 & ~options.mode);
  const int bound =
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  umask(old_umask);
  if (bound != 0) return fail("bind " + options.path);
  if (chmod(options.path.c_str(), options.mode) != 0) {
    return fail("chmod " + options.path);
  }
  if (!options.group.empty()) {
    const group* entry = getgrnam(options.group.c_str());
    if (!entry) {
      *error = "socket group '" + options.group + "' does not exist";
      close(fd);
      unlink(options.path.c_str());
      return nullptr;
    }
    if (chown(options.path.c_str(), -1, entry->gr_gid) != 0) {
      return fail("chown " + options.path + " to group " + options.group);
    }
  }
  if (listen(fd, 128) != 0) return fail("listen " + options.path);
  return std::unique_ptr<UnixListener>(new UnixListener(options, fd, true));
}

UnixListener::UnixListener(ListenerOptions options, int fd, bool owns_path)
    : options_(std::move(options)),
      listen_fd_(fd),
      stop_fd_(eventfd(0, EFD_CLOEXEC)),
      owns_path_(owns_path) {}

UnixListener::~UnixListener() {
  Stop();
  close(listen_fd_);
  close(stop_fd_);
}

void UnixListener::Serve(grpc::Server* server) {
  thread_ = std::thread([this, server] { AcceptLoop(server); });
}

void UnixListener::Stop() {
  if (!thread_.joinable()) return;
  const uint64_t one = 1;
  if (write(stop_fd_, &one, sizeof one) < 0) {
    spdlog::warn("{}", Errno("waking the accept loop"));
  }
  thread_.join();
  if (owns_path_) unlink(options_.path.c_str());
}

void UnixListener::AcceptLoop(grpc::Server* server) {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("{}", Errno("poll on the control socket"));
      return;
    }
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    const int fd =
        accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
        spdlog::warn("{}", Errno("accept on " + options_.path));
      }
      continue;
    }
    auto peer = ReadPeerCredentials(fd);
    if (!peer) {
      spdlog::warn("{}; dropping the connection", Errno("SO_PEERCRED"));
      close(fd);
      continue;
    }
    {
      // An fd number is reused only after its connection closed, so the
      // newest entry for a number is always the live one.
      std::lock_guard lock(mutex_);
      peers_[fd] = std::move(*peer);
    }
    grpc::AddInsecureChannelFromFd(server, fd);
  }
}

std::optional<PeerCredentials> UnixListener::Lookup(
    const std::string& peer) const {
  // gRPC names fd-based connections "fd:N".
  if (peer.rfind("fd:", 0) != 0) return std::nullopt;
  int fd;
  try {
    fd = std::stoi(peer.substr(3));
  } catch (...) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  auto found = peers_.find(fd);
  if (found == peers_.end()) return std::nullopt;
  return found->second;
}

}  // namespace presence::daemon
