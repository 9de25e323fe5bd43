#include "support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace presence::testing {
namespace {

sockaddr_in Loopback(const std::string& host, int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  return address;
}

// Copies what `from` has to `to`; false when `from` ended or failed.
bool Forward(int from, int to) {
  char buffer[16384];
  const ssize_t got = read(from, buffer, sizeof buffer);
  if (got <= 0) return false;
  for (ssize_t sent = 0; sent < got;) {
    const ssize_t n = write(to, buffer + sent, got - sent);
    if (n <= 0) return false;
    sent += n;
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(const std::string& target) {
  const auto colon = target.rfind(':');
  target_host_ = target.substr(0, colon);
  target_port_ = std::stoi(target.substr(colon + 1));
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in any = Loopback("127.0.0.1", 0);
  socklen_t length = sizeof any;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&any), &length) !=
          0) {
    throw std::runtime_error("tcp proxy: cannot listen on 127.0.0.1");
  }
  address_ = "127.0.0.1:" + std::to_string(ntohs(any.sin_port));
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { Run(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
  thread_.join();
  CloseAll();
  close(listen_fd_);
  close(wake_fd_);
}

void TcpProxy::Cut() {
  cut_ = true;
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
  // Wait for the loop to have dropped the connections.
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (pairs_.empty()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void TcpProxy::Restore() { cut_ = false; }

void TcpProxy::CloseAll() {
  std::lock_guard lock(mutex_);
  for (const Pair& pair : pairs_) {
    close(pair.client);
    close(pair.server);
  }
  pairs_.clear();
}

void TcpProxy::Run() {
  while (!stopping_) {
    if (cut_) CloseAll();
    std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    std::vector<Pair> pairs;
    {
      std::lock_guard lock(mutex_);
      pairs = pairs_;
    }
    for (const Pair& pair : pairs) {
      fds.push_back({pair.client, POLLIN, 0});
      fds.push_back({pair.server, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 100) <= 0) continue;
    if (fds[1].revents) {
      uint64_t value;
      (void)!read(wake_fd_, &value, sizeof value);
      continue;
    }
    if (fds[0].revents & POLLIN) {
      const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0 && cut_) {
        close(client);  // a dead link: nothing gets through
      } else if (client >= 0) {
        const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in target = Loopback(target_host_, target_port_);
        if (connect(server, reinterpret_cast<const sockaddr*>(&target),
                    sizeof target) == 0) {
          std::lock_guard lock(mutex_);
          pairs_.push_back({client, server});
        } else {
          close(client);
          close(server);
        }
      }
    }
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const pollfd& from_client = fds[2 + 2 * i];
      const pollfd& from_server = fds[3 + 2 * i];
      const bool alive =
          (!from_client.revents || Forward(pairs[i].client, pairs[i].server)) &&
          (!from_server.revents || Forward(pairs[i].server, pairs[i].client));
      if (alive) continue;
      std::lock_guard lock(mutex_);
      for (auto it = pairs_.begin(); it != pairs_.end(); ++it) {
        if (it->client == pairs[i].client) {
          close(it->client);
          close(it->server);
          pairs_.erase(it);
          break;
        }
      }
    }
  }
}

}  // namespace presence::testing
