// presenced: the per-machine presence daemon. Wires the pieces together,
// then waits for signals: SIGHUP reloads, SIGTERM/SIGINT stop gracefully.
#include <grp.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "config.h"
#include "engine.h"
#include "resilient_stream.h"
#include "service/control_service.h"
#include "socket/unix_listener.h"
#include "sync_hub.h"
#include "upstream/grpc_upstream.h"

namespace presence::daemon {
namespace {

struct Flags {
  std::string config_path;
  std::optional<std::string> socket, upstream, user_id, api_key_file, state_dir,
      log_level, device_id, socket_group, admin_group;
};

// Secrets come from files; trailing newlines are not part of them.
std::string ReadSecret(const std::string& path, std::string* error) {
  if (path.empty()) return {};
  std::ifstream file(path);
  if (!file) {
    *error = "cannot read " + path;
    return {};
  }
  std::stringstream text;
  text << file.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                             secret.back() == ' ')) {
    secret.pop_back();
  }
  return secret;
}

// Config file, then flags. Exits with EX_CONFIG on any error.
DaemonConfig LoadConfig(const Flags& flags) {
  DaemonConfig config;
  const bool explicit_path = !flags.config_path.empty();
  const std::string path =
      explicit_path ? flags.config_path : kDefaultConfigPath;
  if (explicit_path || access(path.c_str(), F_OK) == 0) {
    if (std::string error = LoadConfigFile(path, &config); !error.empty()) {
      std::fprintf(stderr, "presenced: %s\n", error.c_str());
      std::exit(kExitConfigError);
    }
  }
  auto apply = [](const std::optional<std::string>& flag, std::string& field) {
    if (flag) field = *flag;
  };
  apply(flags.socket, config.socket);
  apply(flags.upstream, config.upstream);
  apply(flags.user_id, config.user_id);
  apply(flags.api_key_file, config.api_key_file);
  apply(flags.state_dir, config.state_dir);
  apply(flags.log_level, config.log_level);
  apply(flags.device_id, config.device_id);
  apply(flags.socket_group, config.socket_group);
  apply(flags.admin_group, config.admin_group);
  if (config.device_id.empty()) {
    config.device_id = DeriveDeviceId("/etc/machine-id");
  }
  if (std::string error = ValidateConfig(config); !error.empty()) {
    std::fprintf(stderr, "presenced: %s\n", error.c_str());
    std::exit(kExitConfigError);
  }
  return config;
}

Credentials ReadCredentials(const DaemonConfig& config) {
  Credentials credentials;
  std::string error;
  credentials.api_key = ReadSecret(config.api_key_file, &error);
  credentials.auth_token = ReadSecret(config.auth_token_file, &error);
  if (!error.empty()) {
    std::fprintf(stderr, "presenced: %s (credentials)\n", error.c_str());
    std::exit(kExitConfigError);
  }
  credentials.user_id = config.user_id;
  credentials.device_id = config.device_id;
  return credentials;
}

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("presenced");
  // Under systemd the journal stamps every line already.
  if (std::getenv("JOURNAL_STREAM")) logger->set_pattern("<%l> %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

std::optional<gid_t> GroupId(const std::string& name) {
  if (name.empty()) return std::nullopt;
  const group* entry = getgrnam(name.c_str());
  if (!entry) {
    std::fprintf(stderr, "presenced: admin_group '%s' does not exist\n",
                 name.c_str());
    std::exit(kExitConfigError);
  }
  return entry->gr_gid;
}

int Run(const Flags& flags) {
  DaemonConfig config = LoadConfig(flags);
  SetUpLogging(config.log_level);
  const std::optional<gid_t> admin_gid = GroupId(config.admin_group);

  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  GrpcUpstreamOptions upstream_options;
  upstream_options.address = config.upstream;
  upstream_options.tls_ca_file = config.tls_ca_file;
  GrpcUpstream upstream(upstream_options);
  Session session(upstream, ReadCredentials(config));

  EngineOptions engine_options;
  engine_options.scheduler.backoff_cap = config.backoff_cap;
  Engine engine(upstream, session, engine_options);

  ListenerOptions listener_options;
  listener_options.path = config.socket;
  listener_options.mode = config.socket_mode;
  listener_options.group = config.socket_group;
  if (sd_listen_fds(1) >= 1)
    listener_options.inherited_fd = SD_LISTEN_FDS_START;
  std::string error;
  auto listener = UnixListener::Open(listener_options, &error);
  if (!listener) {
    spdlog::critical("cannot listen on {}: {}", config.socket, error);
    return 1;
  }

  engine.Start();
  SyncHub sync(upstream, session, engine);
  auto settings = std::make_unique<ResilientStream>(
      "settings watch", session, [&engine] { return engine.SessionWanted(); },
      [&](const std::string& token, Upstream::OnEnd on_end) {
        return upstream.WatchSettings(
            token,
            [&engine](const pb::GetSettingsResponse& s) {
              engine.ApplySettings(s);
            },
            std::move(on_end));
      },
      Backoff(std::chrono::milliseconds(200), config.backoff_cap));

  ControlServiceOptions service_options;
  service_options.admin_group = admin_gid;
  service_options.version = PRESENCED_VERSION;
  ControlService service(engine, session, upstream, sync, *listener,
                         service_options);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  listener->Serve(server.get());
  spdlog::info("presenced {} serving {} for user {} (device {}), upstream {}{}",
               PRESENCED_VERSION, config.socket, config.user_id,
               config.device_id, config.upstream,
               listener_options.inherited_fd >= 0 ? " (socket activated)" : "");
  sd_notify(0, "READY=1\nSTATUS=serving");

  while (true) {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    Flags reload_flags = flags;
    DaemonConfig reloaded = LoadConfig(reload_flags);
    spdlog::set_level(spdlog::level::from_str(reloaded.log_level));
    session.SetCredentials(ReadCredentials(reloaded));
    engine.CredentialsChanged();
    settings->Reopen();
    if (reloaded.upstream != config.upstream) {
      spdlog::warn("upstream changed to {}; restart presenced to use it",
                   reloaded.upstream);
    }
    spdlog::info("configuration reloaded");
  }

  spdlog::info("stopping: leaving every held target");
  sd_notify(0, "STOPPING=1");
  listener->Stop();
  engine.Shutdown();
  settings.reset();
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(500));
  spdlog::info("stopped");
  return 0;
}

}  // namespace
}  // namespace presence::daemon

int main(int argc, char** argv) {
  presence::daemon::Flags flags;
  CLI::App app{
      "presenced: the presence daemon. Owns the machine's one presence "
      "session and every heartbeat timer; local apps talk to it over gRPC on "
      "a Unix socket (see presencectl)."};
  app.add_option("--config", flags.config_path,
                 "TOML config file (default /etc/presenced/presenced.toml)");
  app.add_option("--socket", flags.socket, "control socket path");
  app.add_option("--upstream", flags.upstream, "presence-server HOST:PORT");
  app.add_option("--user-id", flags.user_id, "the user this machine is for");
  app.add_option("--api-key-file", flags.api_key_file,
                 "file holding the network's API key");
  app.add_option("--state-dir", flags.state_dir, "where state is kept");
  app.add_option("--log-level", flags.log_level,
                 "trace, debug, info, warn, error");
  app.add_option("--device-id", flags.device_id,
                 "device id (default: derived from /etc/machine-id)");
  app.add_option("--socket-group", flags.socket_group,
                 "group owning the socket");
  app.add_option("--admin-group", flags.admin_group,
                 "group allowed to log out, log in, disable and stop others' "
                 "holds");
  app.set_version_flag("--version", PRESENCED_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  return presence::daemon::Run(flags);
}
