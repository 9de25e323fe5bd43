// Connections accepted on the control socket that have not yet sent their
// HTTP/2 client preface (socket/http2_preface.h). Each waits on the accept
// loop's epoll set, edge-triggered: a client that sent part of its preface
// wakes the loop when more bytes arrive, not for as long as those bytes wait
// unread. (They stay unread: the preface is read with MSG_PEEK, so gRPC still
// gets it.) A connection that sends anything else or hangs up is closed at
// once, one without a whole preface by its deadline then. Not thread-safe:
// the accept loop uses it, and Stop() once the loop has ended; timed_out()
// may be read from anywhere.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "socket/peer_credentials.h"

namespace presence::daemon {

struct AdmittedConnection {
  int fd;
  PeerCredentials peer;
};

class PrefaceGate {
 public:
  // Connections are watched on `epoll_fd` and get `timeout` for a preface.
  PrefaceGate(int epoll_fd, Millis timeout);
  ~PrefaceGate();
  PrefaceGate(const PrefaceGate&) = delete;
  PrefaceGate& operator=(const PrefaceGate&) = delete;

  // Takes an accepted connection (closing it if it cannot be watched).
  void Add(int fd, PeerCredentials peer, TimePoint now);
  // The epoll set reported `events` on `fd`. Returns the connection, no
  // longer watched nor owned, once its preface is complete; closes it when it
  // cannot become one. Does nothing for an fd that is not waiting here.
  std::optional<AdmittedConnection> Check(int fd, std::uint32_t events);
  // Closes the connections whose deadline passed; returns the earliest
  // deadline of those still waiting.
  std::optional<TimePoint> CloseExpired(TimePoint now);
  // Closes every connection still waiting.
  void CloseAll();

  // How many connections were closed for want of a preface in time.
  std::uint64_t timed_out() const { return timed_out_; }

 private:
  struct Waiting {
    PeerCredentials peer;
    TimePoint deadline;
  };
  using Entry = std::map<int, Waiting>::iterator;

  // Closes the connection of `entry`, saying why in the debug log.
  void Close(Entry entry, const std::string& why);

  const int epoll_fd_;
  const Millis timeout_;
  std::map<int, Waiting> waiting_;  // by fd
  std::vector<std::uint8_t> peeked_;
  std::atomic<std::uint64_t> timed_out_{0};
};

}  // namespace presence::daemon
