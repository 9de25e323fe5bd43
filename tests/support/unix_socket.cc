#include "support/unix_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace presence::testing {
namespace {

bool Connect(int fd, const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  return connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) ==
         0;
}

// Reads what is there without waiting: false once the peer has closed.
bool StillOpen(int fd, std::string* bytes) {
  char buffer[4096];
  while (true) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      if (bytes) bytes->append(buffer, n);
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
}

}  // namespace

bool UnixSocketAccepts(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const bool ok = Connect(fd, path);
  close(fd);
  return ok;
}

int ConnectUnixSocket(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  // A Unix connect waits for room in the backlog up to the send timeout.
  const timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (!Connect(fd, path)) {
    const int error = errno;
    close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

SilentConnections::SilentConnections(const std::string& path, int count,
                                     const std::string& greeting) {
  for (int i = 0; i < count; ++i) {
    const int fd = ConnectUnixSocket(path);
    if (fd < 0 || send(fd, greeting.data(), greeting.size(), MSG_NOSIGNAL) !=
                      static_cast<ssize_t>(greeting.size())) {
      const std::string error = std::strerror(errno);
      if (fd >= 0) close(fd);
      for (int open : fds_) close(open);
      throw std::runtime_error("connection " + std::to_string(i) + " to " +
                               path + ": " + error);
    }
    fds_.push_back(fd);
    closed_.push_back(false);
  }
}

SilentConnections::~SilentConnections() {
  for (int fd : fds_) close(fd);
}

int SilentConnections::ClosedByServer() {
  int closed = 0;
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    if (!closed_[i]) closed_[i] = !StillOpen(fds_[i], nullptr);
    if (closed_[i]) ++closed;
  }
  return closed;
}

ReadToEnd ReadUntilClosed(int fd, int timeout_ms) {
  ReadToEnd result;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (StillOpen(fd, &result.bytes)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return result;
    pollfd waiting{fd, POLLIN, 0};
    poll(&waiting, 1, static_cast<int>(left.count()));
  }
  result.closed = true;
  return result;
}

}  // namespace presence::testing
