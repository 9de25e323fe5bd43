// The latency baseline: a sync-API gRPC server answering echo.proto's Echo on
// a Unix socket, in a child process of its own (like the daemon), forked
// before the parent touches gRPC.
#pragma once

#include <sys/types.h>

#include <string>

namespace presence::bench {

class EchoChild {
 public:
  // Forks; the child serves "unix:<socket_path>" until the parent goes away
  // (or this object is destroyed). Call before any other gRPC use.
  explicit EchoChild(const std::string& socket_path);
  ~EchoChild();
  EchoChild(const EchoChild&) = delete;
  EchoChild& operator=(const EchoChild&) = delete;

  // Waits until the socket accepts connections; false after 10 s.
  bool WaitReady() const;
  pid_t pid() const { return pid_; }

 private:
  std::string path_;
  pid_t pid_ = -1;
  int keepalive_fd_ = -1;  // the child exits when this pipe closes
};

}  // namespace presence::bench
