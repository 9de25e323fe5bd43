// How the control socket's accept loop meets accept(2) failures. A failure
// that persists (no file descriptor left for the process or the system, no
// memory) would make the loop spin: the connection stays in the backlog, the
// socket stays readable and accept fails again at once, each time with a log
// line. Instead each such failure pauses accepting, 20 ms doubling to 1 s,
// until an accept succeeds; the burst is logged once at warn when it starts
// and once at info when it ends.
#pragma once

#include <string>

#include "core/backoff.h"
#include "core/time.h"

namespace presence::daemon {

class AcceptThrottle {
 public:
  explicit AcceptThrottle(std::string socket_path);

  // accept failed with errno `error`: how long to leave the listening socket
  // alone (zero for a failure that is over already, such as EINTR).
  Millis Failed(int error, TimePoint now);
  // accept succeeded, which ends a burst of failures.
  void Accepted(TimePoint now);

 private:
  std::string socket_path_;
  Backoff backoff_;
  TimePoint burst_start_;
};

}  // namespace presence::daemon
