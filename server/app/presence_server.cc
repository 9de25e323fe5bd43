#include "app/presence_server.h"

#include <stdexcept>

#include "app/sweeper.h"
#include "contract/secret_file.h"
#include "service/random_token.h"
#include "store/memory_store.h"
#include "store/redis_store.h"

namespace presence::server {
namespace {

std::shared_ptr<grpc::ServerCredentials> Credentials(
    const ServerConfig& config) {
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    throw ConfigError("tls_cert_file and tls_key_file go together");
  }
  if (config.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(
      {ReadKeyFile(config.tls_key_file, "tls_key_file"),
       ReadKeyFile(config.tls_cert_file, "tls_cert_file")});
  return grpc::SslServerCredentials(options);
}

NetworkSettings Stamped(NetworkSettings settings, Time now) {
  settings.updated_at = now;
  return settings;
}

std::unique_ptr<PresenceStore> MakeStore(const ServerConfig& config, Time now) {
  const NetworkSettings settings = Stamped(config.network, now);
  if (config.store != "redis") return std::make_unique<MemoryStore>(settings);
  RedisStoreOptions options;
  options.redis.address = config.redis_address;
  options.redis.timeout = config.redis_timeout;
  options.key_prefix = config.redis_key_prefix;
  return std::make_unique<RedisStore>(options, settings);
}

}  // namespace

PresenceServer::PresenceServer(const ServerConfig& config,
                               const AuthConfig& auth, Clock clock)
    : clock_(std::move(clock)),
      store_(MakeStore(config, clock_())),
      auth_(*store_, auth, RandomToken),
      presence_service_(*store_, auth_, hub_, clock_),
      admin_service_(*store_, auth_, clock_) {
  store_->SetListener(&hub_);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, Credentials(config), &port);
  builder.RegisterService(&presence_service_);
  builder.RegisterService(&admin_service_);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    store_->SetListener(nullptr);
    throw std::runtime_error("cannot listen on " + config.listen);
  }
  address_ = config.listen.substr(0, config.listen.rfind(':')) + ":" +
             std::to_string(port);
  sweeper_ = std::make_unique<Sweeper>(*store_, config.sweep_interval, clock_);
}

PresenceServer::~PresenceServer() { Shutdown(); }

void PresenceServer::Shutdown(Millis grace) {
  if (!server_) return;
  hub_.Shutdown();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  server_.reset();
  sweeper_.reset();
  store_->SetListener(nullptr);
}

}  // namespace presence::server
