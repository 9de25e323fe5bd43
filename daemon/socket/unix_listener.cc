#include "socket/unix_listener.h"

#include <grp.h>
#include <grpcpp/server.h>
#include <grpcpp/server_posix.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "socket/accept_throttle.h"

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

// Binds and listens on options.path; returns the socket, or -1 with *error
// saying why.
int CreateSocket(const ListenerOptions& options, std::string* error) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (options.path.empty() || options.path.size() >= sizeof address.sun_path) {
    *error = "socket path '" + options.path + "' is empty or longer than " +
             std::to_string(sizeof address.sun_path - 1) + " bytes";
    return -1;
  }
  std::memcpy(address.sun_path, options.path.c_str(), options.path.size());
  EnsureParent(options.path);

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = Errno("socket");
    return -1;
  }
  auto fail = [&](const std::string& what) {
    *error = Errno(what);
    close(fd);
    return -1;
  };
  // A socket file left by a crashed daemon is stale only if nobody answers.
  struct stat existing {};
  if (lstat(options.path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      *error =
          options.path + " exists and is not a socket; refusing to replace it";
      close(fd);
      return -1;
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) ==
        0) {
      *error = "another daemon is already listening on " + options.path;
      close(fd);
      return -1;
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
      return -1;
    }
    if (chown(options.path.c_str(), -1, entry->gr_gid) != 0) {
      return fail("chown " + options.path + " to group " + options.group);
    }
  }
  if (listen(fd, 128) != 0) return fail("listen " + options.path);
  return fd;
}

bool Watch(int epoll_fd, int fd) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

// epoll_wait's timeout for waking at `wake` (-1: no wake-up due).
int TimeoutUntil(std::optional<TimePoint> wake, TimePoint now) {
  if (!wake) return -1;
  if (*wake <= now) return 0;
  return static_cast<int>(std::chrono::ceil<Millis>(*wake - now).count());
}

}  // namespace

std::unique_ptr<UnixListener> UnixListener::Open(const ListenerOptions& options,
                                                 std::string* error) {
  const bool inherited = options.inherited_fd >= 0;
  const int fd =
      inherited ? options.inherited_fd : CreateSocket(options, error);
  if (fd < 0) return nullptr;
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  const int stop_fd = eventfd(0, EFD_CLOEXEC);
  if (epoll_fd < 0 || stop_fd < 0 || !Watch(epoll_fd, stop_fd) ||
      !Watch(epoll_fd, fd)) {
    *error = Errno("setting up the accept loop");
    for (int own : {epoll_fd, stop_fd, inherited ? -1 : fd}) {
      if (own >= 0) close(own);
    }
    if (!inherited) unlink(options.path.c_str());
    return nullptr;
  }
  return std::unique_ptr<UnixListener>(
      new UnixListener(options, fd, !inherited, epoll_fd, stop_fd));
}

UnixListener::UnixListener(ListenerOptions options, int fd, bool owns_path,
                           int epoll_fd, int stop_fd)
    : options_(std::move(options)),
      listen_fd_(fd),
      epoll_fd_(epoll_fd),
      stop_fd_(stop_fd),
      owns_path_(owns_path),
      gate_(epoll_fd, options_.preface_timeout) {}

UnixListener::~UnixListener() {
  Stop();
  close(listen_fd_);
  close(stop_fd_);
  close(epoll_fd_);
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
  gate_.CloseAll();
  if (owns_path_) unlink(options_.path.c_str());
}

void UnixListener::AcceptLoop(grpc::Server* server) {
  AcceptThrottle throttle(options_.path);
  std::optional<TimePoint> paused_until;  // set while not accepting
  while (true) {
    const TimePoint now = Clock::now();
    std::optional<TimePoint> wake = gate_.CloseExpired(now);
    if (paused_until && *paused_until <= now) {
      WatchListeningSocket(true);
      paused_until.reset();
    }
    if (paused_until)
      wake = std::min(wake.value_or(*paused_until), *paused_until);

    epoll_event events[64];
    const int count = epoll_wait(epoll_fd_, events, std::size(events),
                                 TimeoutUntil(wake, now));
    if (count < 0) {
      if (errno == EINTR) continue;
      spdlog::error("{}", Errno("epoll_wait on the control socket"));
      return;
    }
    for (int i = 0; i < count; ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop_fd_) return;
      if (fd == listen_fd_) {
        const Millis pause = AcceptOne(throttle);
        if (pause > Millis(0)) {
          WatchListeningSocket(false);
          paused_until = Clock::now() + pause;
        }
      } else if (auto admitted = gate_.Check(fd, events[i].events)) {
        Admit(server, std::move(*admitted));
      }
    }
  }
}

Millis UnixListener::AcceptOne(AcceptThrottle& throttle) {
  const int fd =
      accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  const TimePoint now = Clock::now();
  if (fd < 0) return throttle.Failed(errno, now);
  throttle.Accepted(now);
  auto peer = ReadPeerCredentials(fd);
  if (!peer) {
    spdlog::warn("{}; dropping the connection", Errno("SO_PEERCRED"));
    close(fd);
    return Millis(0);
  }
  gate_.Add(fd, std::move(*peer), now);
  return Millis(0);
}

void UnixListener::WatchListeningSocket(bool watch) {
  // A paused listening socket stays in the set with no events asked for.
  epoll_event event{};
  event.events = watch ? static_cast<std::uint32_t>(EPOLLIN) : 0;
  event.data.fd = listen_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &event);
}

void UnixListener::Admit(grpc::Server* server, AdmittedConnection connection) {
  {
    // An fd number is reused only after its connection closed, so the
    // newest entry for a number is always the live one.
    MutexLock lock(mutex_);
    peers_[connection.fd] = std::move(connection.peer);
  }
  grpc::AddInsecureChannelFromFd(server, connection.fd);
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
  MutexLock lock(mutex_);
  auto found = peers_.find(fd);
  if (found == peers_.end()) return std::nullopt;
  return found->second;
}

}  // namespace presence::daemon
