#include "socket/preface_gate.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "socket/http2_preface.h"

namespace presence::daemon {

PrefaceGate::PrefaceGate(int epoll_fd, Millis timeout)
    : epoll_fd_(epoll_fd), timeout_(timeout), peeked_(kMaxClientPrefaceSize) {}

PrefaceGate::~PrefaceGate() { CloseAll(); }

void PrefaceGate::Add(int fd, PeerCredentials peer, TimePoint now) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  event.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    spdlog::warn(
        "control socket: cannot watch a new connection ({}); closing it",
        std::strerror(errno));
    close(fd);
    return;
  }
  waiting_[fd] = Waiting{std::move(peer), now + timeout_};
}

std::optional<AdmittedConnection> PrefaceGate::Check(int fd,
                                                     std::uint32_t events) {
  const Entry entry = waiting_.find(fd);
  if (entry == waiting_.end()) return std::nullopt;
  const ssize_t size =
      recv(fd, peeked_.data(), peeked_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (size < 0) {
    if (errno != EAGAIN && errno != EINTR) {
      Close(entry, std::string("recv failed: ") + std::strerror(errno));
    }
    return std::nullopt;
  }
  const bool hung_up = size == 0 || (events & (EPOLLRDHUP | EPOLLHUP)) != 0;
  switch (CheckClientPreface(peeked_.data(), size)) {
    case Preface::kComplete: {
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      AdmittedConnection admitted{fd, std::move(entry->second.peer)};
      waiting_.erase(entry);
      return admitted;
    }
    case Preface::kIncomplete:
      if (hung_up) Close(entry, "hung up before its HTTP/2 preface");
      return std::nullopt;
    case Preface::kInvalid:
      Close(entry, "sent bytes that are not an HTTP/2 client preface");
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<TimePoint> PrefaceGate::CloseExpired(TimePoint now) {
  std::optional<TimePoint> next;
  for (auto entry = waiting_.begin(); entry != waiting_.end();) {
    const Entry current = entry++;
    if (current->second.deadline <= now) {
      ++timed_out_;
      Close(current, "no HTTP/2 preface within " +
                         std::to_string(timeout_.count()) + " ms");
    } else if (!next || current->second.deadline < *next) {
      next = current->second.deadline;
    }
  }
  return next;
}

void PrefaceGate::CloseAll() {
  while (!waiting_.empty()) Close(waiting_.begin(), "the daemon is stopping");
}

void PrefaceGate::Close(Entry entry, const std::string& why) {
  const PeerCredentials& peer = entry->second.peer;
  spdlog::debug("control socket: closing connection fd:{} of uid {} pid {}: {}",
                entry->first, peer.uid, peer.pid, why);
  close(entry->first);
  waiting_.erase(entry);
}

}  // namespace presence::daemon
