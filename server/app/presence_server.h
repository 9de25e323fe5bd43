// One running presence-server: store, watch hub, services, gRPC server and
// sweeper, wired together. main() and the benchmark both use it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "app/config.h"
#include "service/admin_service.h"
#include "service/auth.h"
#include "service/presence_service.h"
#include "service/watch_hub.h"

namespace presence::server {

class Sweeper;

class PresenceServer {
 public:
  // Starts serving on config.listen; throws ConfigError for unreadable TLS
  // files and std::runtime_error when it cannot listen.
  PresenceServer(const ServerConfig& config, const AuthConfig& auth,
                 Clock clock = SystemNow);
  ~PresenceServer();

  // The bound address, "HOST:PORT" (the real port when asked for port 0).
  const std::string& address() const { return address_; }

  // Ends every stream, stops serving (waiting up to `grace` for calls in
  // flight) and stops the sweeper. Idempotent. gRPC also waits out the
  // grace for idle client connections that do not hang up at its GOAWAY,
  // so it is short: every unary call here takes a few milliseconds, and a
  // restart's gap is what clients wait before they are counted again.
  void Shutdown(Millis grace = Millis(500));

 private:
  const Clock clock_;
  std::unique_ptr<PresenceStore> store_;
  WatchHub hub_;
  Auth auth_;
  PresenceServiceImpl presence_service_;
  AdminServiceImpl admin_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Sweeper> sweeper_;
  std::string address_;
};

}  // namespace presence::server
