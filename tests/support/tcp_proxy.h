// A TCP forwarder on a free loopback port, for tests that cut the network
// between presenced and its server without stopping either: Cut() drops
// every connection and refuses new ones (as a dead link or a firewall
// would), Restore() lets them through again.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace presence::testing {

class TcpProxy {
 public:
  // Forwards 127.0.0.1:<free port> to `target` ("HOST:PORT", IPv4).
  explicit TcpProxy(const std::string& target);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  void Cut();
  void Restore();

 private:
  struct Pair {
    int client;
    int server;
  };
  void Run();
  void CloseAll();

  std::string target_host_;
  int target_port_ = 0;
  std::string address_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<Pair> pairs_;
  std::thread thread_;
};

}  // namespace presence::testing
