// Plain Unix stream connections for tests and benchmarks: whether something
// listens on a path (for waiting on a server to come up), and clients that
// connect, say a few bytes and then nothing (for a server's defences).
#pragma once

#include <string>
#include <vector>

namespace presence::testing {

// True when a connect() to the Unix stream socket at `path` succeeds.
bool UnixSocketAccepts(const std::string& path);

// A connected Unix stream socket, or -1 (errno says why). A connect that the
// server's full backlog holds up fails after 5 s instead of hanging.
int ConnectUnixSocket(const std::string& path);

// The bytes every HTTP/2 client sends first, before its SETTINGS frame.
inline constexpr char kHttp2Magic[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// `count` connections to `path` that each send `greeting` and then wait,
// closed on destruction. Throws std::runtime_error when one cannot connect.
class SilentConnections {
 public:
  SilentConnections(const std::string& path, int count,
                    const std::string& greeting);
  ~SilentConnections();
  SilentConnections(const SilentConnections&) = delete;
  SilentConnections& operator=(const SilentConnections&) = delete;

  int size() const { return static_cast<int>(fds_.size()); }
  // How many of them the server has closed so far (what it wrote before
  // closing is read and dropped).
  int ClosedByServer();

 private:
  std::vector<int> fds_;
  std::vector<bool> closed_;
};

struct ReadToEnd {
  bool closed = false;  // the server closed the connection
  std::string bytes;    // what it wrote before
};
// Reads `fd` until the server closes it, for up to `timeout_ms`.
ReadToEnd ReadUntilClosed(int fd, int timeout_ms);

}  // namespace presence::testing
