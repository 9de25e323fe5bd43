#include "support/redis_server_process.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <stdexcept>

#include "support/wait.h"

namespace presence::testing {
namespace {

// A port the kernel just handed out, so most likely free.
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  if (port == 0) throw std::runtime_error("no free loopback port");
  return port;
}

}  // namespace

bool RedisAnswers(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  timeval timeout{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const char ping[] = "PING\r\n";
    char reply[8] = {};
    ok = write(fd, ping, sizeof ping - 1) == sizeof ping - 1 &&
         read(fd, reply, 7) >= 5 && std::strncmp(reply, "+PONG", 5) == 0;
  }
  close(fd);
  return ok;
}

bool RedisServerProcess::Available() {
  return access(kRedisServerBin, X_OK) == 0;
}

RedisServerProcess::RedisServerProcess() {
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (Launch(FreeLoopbackPort())) return;
  }
  throw std::runtime_error("redis-server did not start; log:\n" + log());
}

RedisServerProcess::~RedisServerProcess() = default;

std::string RedisServerProcess::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

bool RedisServerProcess::Launch(int port) {
  port_ = port;
  process_ = std::make_unique<Subprocess>(
      std::vector<std::string>{
          kRedisServerBin, "--port", std::to_string(port), "--bind",
          "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir_.path(),
          "--daemonize", "no", "--logfile", "", "--unixsocket", socket_path()},
      SubprocessOptions{{}, dir_.File("redis.log"), dir_.File("redis.err")});
  WaitUntil([&] { return !process_->running() || RedisAnswers(port); },
            std::chrono::seconds(10), std::chrono::milliseconds(10));
  // Exited: most likely the port was taken meanwhile.
  return process_->Wait(std::chrono::milliseconds(0)) == std::nullopt &&
         RedisAnswers(port);
}

void RedisServerProcess::Kill() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(10));
}

void RedisServerProcess::Start() {
  if (running()) Kill();
  // The port may linger briefly; retry on the same one.
  const bool up =
      WaitUntil([&] { return Launch(port_); }, std::chrono::seconds(10),
                std::chrono::milliseconds(50));
  if (!up) {
    throw std::runtime_error("redis-server did not restart; log:\n" + log());
  }
}

std::string RedisServerProcess::log() const {
  return ReadFile(dir_.File("redis.log"));
}

}  // namespace presence::testing
