// A real redis-server on 127.0.0.1 with a free port, no persistence
// (--save "" --appendonly no), its files in a temp dir; for the Redis store
// tests and benchmarks. Killed on destruction.
#pragma once

#include <memory>
#include <string>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace presence::testing {

inline constexpr const char* kRedisServerBin = "/usr/bin/redis-server";

class RedisServerProcess {
 public:
  // Starts redis-server and waits until it answers PING; throws
  // std::runtime_error (with its log) when it does not come up.
  RedisServerProcess();
  ~RedisServerProcess();

  // Whether redis-server is installed (tests skip without it).
  static bool Available();

  // "127.0.0.1:PORT"
  std::string address() const;
  // It also listens on this unix socket.
  std::string socket_path() const { return dir_.File("redis.sock"); }
  int port() const { return port_; }

  // Kills it at once (SIGKILL: like a crash; its data is gone).
  void Kill();
  // Starts it again, empty, on the same port.
  void Start();
  bool running() const { return process_ && process_->running(); }

  std::string log() const;

 private:
  bool Launch(int port);

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

// True when something on 127.0.0.1:port answers "PING" with "+PONG".
bool RedisAnswers(int port);

}  // namespace presence::testing
