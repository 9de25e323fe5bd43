// presence-server: parse the command line, start serving, wait for SIGTERM
// or SIGINT, shut down gracefully.
#include <spdlog/spdlog.h>

#include <csignal>

#include "app/command_line.h"
#include "app/logging.h"
#include "app/port_file.h"
#include "app/presence_server.h"
#include "contract/duration.h"
#include "contract/secret_file.h"

namespace presence::server {
namespace {

AuthConfig ReadAuthConfig(const ServerConfig& config) {
  AuthConfig auth;
  auth.session_ttl = config.session_ttl;
  if (!config.api_key_file.empty()) {
    auth.api_key = ReadSecretFile(config.api_key_file, "api_key_file");
  }
  if (!config.admin_token_file.empty()) {
    auth.admin_token =
        ReadSecretFile(config.admin_token_file, "admin_token_file");
  }
  return auth;
}

void LogStartup(const PresenceServer& server, const ServerConfig& config,
                const AuthConfig& auth) {
  spdlog::info("presence-server listening on {} ({})", server.address(),
               config.tls_cert_file.empty() ? "plaintext" : "TLS");
  if (!auth.api_key) {
    spdlog::warn(
        "no api_key_file: running a local demo network that accepts "
        "any API key");
  }
  if (!auth.admin_token) {
    spdlog::warn(
        "no admin_token_file: admin calls are accepted from loopback "
        "peers with any token");
  }
  if (config.store == "redis") {
    spdlog::info(
        "store: redis at {}, keys {{{}}}:* (network settings already in redis "
        "take precedence over the ones below)",
        config.redis_address, config.redis_key_prefix);
  } else {
    spdlog::info("store: memory (this process only)");
  }
  spdlog::info("network settings: {}; sweep every {}, sessions last {}",
               Describe(config.network), FormatDuration(config.sweep_interval),
               FormatDuration(config.session_ttl));
}

int Run(const ServerConfig& config) {
  // Block the stop signals before gRPC starts threads, then wait for them
  // here: no async-signal-safety concerns.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  AuthConfig auth;
  try {
    auth = ReadAuthConfig(config);
  } catch (const ConfigError& e) {
    spdlog::critical("{}", e.what());
    return kExitConfig;
  }
  std::unique_ptr<PresenceServer> server;
  try {
    server = std::make_unique<PresenceServer>(config, auth);
  } catch (const ConfigError& e) {
    spdlog::critical("{}", e.what());
    return kExitConfig;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  LogStartup(*server, config, auth);
  if (!config.port_file.empty()) {
    try {
      WritePortFile(config.port_file, server->address());
    } catch (const std::exception& e) {
      spdlog::critical("{}", e.what());
      return 1;
    }
  }

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("{}: shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  server->Shutdown();
  spdlog::info("stopped");
  return 0;
}

}  // namespace
}  // namespace presence::server

int main(int argc, char** argv) {
  using namespace presence::server;
  const CommandLine command_line = ParseCommandLine(argc, argv);
  if (!command_line.config) return command_line.exit_code;
  SetUpLogging(command_line.config->log_level);
  return Run(*command_line.config);
}
