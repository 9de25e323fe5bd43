#include "socket/accept_throttle.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace presence::daemon {
namespace {

constexpr Millis kFirstPause{20};
constexpr Millis kLongestPause{1000};

bool Transient(int error) {
  return error == EINTR || error == EAGAIN || error == EWOULDBLOCK ||
         error == ECONNABORTED;
}

std::string OpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return "unknown";
  if (limit.rlim_cur == RLIM_INFINITY) return "unlimited";
  return std::to_string(limit.rlim_cur);
}

// What went wrong and what it means, for the one line that starts a burst.
std::string Describe(int error) {
  const std::string what = std::strerror(error);
  switch (error) {
    case EMFILE:
      return "out of file descriptors: " + what + " (this process may open " +
             OpenFileLimit() +
             ", LimitNOFILE= in presenced.service); new connections wait in "
             "the listen backlog until descriptors free up";
    case ENFILE:
      return "out of file descriptors: " + what +
             " (the system-wide limit, sysctl fs.file-max); new connections "
             "wait in the listen backlog until descriptors free up";
    default:
      return "accept failed: " + what +
             "; new connections wait in the listen backlog until it succeeds";
  }
}

}  // namespace

AcceptThrottle::AcceptThrottle(std::string socket_path)
    : socket_path_(std::move(socket_path)),
      backoff_(kFirstPause, kLongestPause) {}

Millis AcceptThrottle::Failed(int error, TimePoint now) {
  if (Transient(error)) return Millis(0);
  if (backoff_.failures() == 0) {
    burst_start_ = now;
    spdlog::warn(
        "control socket {}: {}; accept is retried every {} ms at most, "
        "without a line per retry",
        socket_path_, Describe(error), kLongestPause.count());
  }
  // Jitter spreads out many clients retrying one server; one loop has
  // nothing to spread, so jitter01 = 1: the plain doubling.
  return backoff_.Next(1.0);
}

void AcceptThrottle::Accepted(TimePoint now) {
  if (backoff_.failures() == 0) return;
  const std::chrono::duration<double> lasted = now - burst_start_;
  spdlog::info(
      "control socket {}: accepting connections again after {:.1f} s ({} "
      "failed accepts)",
      socket_path_, lasted.count(), backoff_.failures());
  backoff_.Reset();
}

}  // namespace presence::daemon
