// presenced: the per-machine presence daemon. Wires the pieces together,
// then waits for signals: SIGHUP reloads, SIGTERM/SIGINT stop gracefully.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

#include "configuration.h"
#include "contract/log_format.h"
#include "contract/protobuf_log.h"
#include "engine.h"
#include "hold_file.h"
#include "memory.h"
#include "resilient_stream.h"
#include "service/control_service.h"
#include "socket/unix_listener.h"
#include "sync_hub.h"
#include "upstream/grpc_upstream.h"

namespace presence::daemon {
namespace {

GrpcUpstreamOptions UpstreamOptions(const DaemonConfig& config) {
  GrpcUpstreamOptions options;
  options.address = config.upstream;
  options.tls_ca_file = config.tls_ca_file;
  options.reconnect_cap = config.backoff_cap;
  return options;
}

EngineOptions MakeEngineOptions(const DaemonConfig& config,
                                HoldFile* hold_file) {
  EngineOptions options;
  options.core.scheduler.backoff_cap = config.backoff_cap;
  // Well inside the 100 ms promise, and long enough that an app closing and
  // reopening a room at once sends nothing upstream.
  options.core.leave_delay = std::chrono::milliseconds(20);
  options.restart_grace = config.restart_grace;
  options.hold_file = hold_file;
  return options;
}

// The settings watch: follows the network settings, and is the daemon's
// sign of whether the server is reachable. Its first message on each
// stream says the server is back (and may have restarted empty).
std::unique_ptr<ResilientStream> WatchSettings(const DaemonConfig& config,
                                               Upstream& upstream,
                                               Session& session,
                                               Engine& engine) {
  return std::make_unique<ResilientStream>(
      "settings watch", session, [&engine] { return engine.SessionWanted(); },
      [&](const std::string& token, Upstream::OnEnd on_end) {
        return upstream.WatchSettings(
            token,
            [&engine,
             first = true](const pb::GetSettingsResponse& settings) mutable {
              if (std::exchange(first, false)) engine.OnLinkUp();
              engine.ApplySettings(settings);
            },
            std::move(on_end));
      },
      Backoff(std::chrono::milliseconds(200), config.backoff_cap),
      [&engine](const std::string& reason) { engine.OnLinkDown(reason); });
}

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("presenced");
  SetLogFormat(*logger, "%+");  // elsewhere spdlog's default format
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  RouteProtobufLogsToSpdlog();
}

// SIGHUP: log level, credentials and upstream address change without
// dropping a hold; a bad file is reported and the running config kept.
void Reload(const Flags& flags, DaemonConfig& config, GrpcUpstream& upstream,
            Session& session, Engine& engine, ResilientStream& settings,
            SyncHub& sync) {
  std::optional<DaemonConfig> loaded;
  std::optional<Credentials> credentials;
  try {
    loaded = LoadConfiguration(flags);
    credentials = ReadCredentials(*loaded);
  } catch (const ConfigError& error) {
    spdlog::error("reload failed, keeping the running configuration: {}",
                  error.what());
    return;
  }
  spdlog::set_level(spdlog::level::from_str(loaded->log_level));
  if (loaded->upstream != config.upstream ||
      loaded->tls_ca_file != config.tls_ca_file) {
    spdlog::info("upstream now {} (was {})", loaded->upstream, config.upstream);
    upstream.Reconnect(UpstreamOptions(*loaded));
  }
  session.SetCredentials(*credentials);
  engine.CredentialsChanged();
  settings.Reopen();
  sync.Reconnect();
  config = *loaded;
  spdlog::info("configuration reloaded");
}

int Run(const Flags& flags) {
  TuneAllocator();
  DaemonConfig config;
  Credentials credentials;
  std::optional<gid_t> admin_gid;
  try {
    config = LoadConfiguration(flags);
    credentials = ReadCredentials(config);
    admin_gid = AdminGroupId(config.admin_group);
  } catch (const ConfigError& error) {
    std::fprintf(stderr, "presenced: %s\n", error.what());
    return kExitConfig;
  }
  SetUpLogging(config.log_level);

  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  GrpcUpstream upstream(UpstreamOptions(config));
  Session session(upstream, credentials);

  if (mkdir(config.state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    spdlog::critical("cannot create state directory {}: {}", config.state_dir,
                     std::strerror(errno));
    return kExitConfig;
  }
  HoldFile hold_file(config.state_dir + "/holds");
  Engine engine(upstream, session, MakeEngineOptions(config, &hold_file));
  engine.Restore(hold_file.Load());

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
  SyncHub sync(upstream, session, engine, config.backoff_cap);
  auto settings = WatchSettings(config, upstream, session, engine);

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

  // With WatchdogSec set, systemd expects a ping at least every half period.
  uint64_t watchdog_usec = 0;
  const bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  const timespec ping_every{
      static_cast<time_t>(watchdog_usec / 2 / 1000000),
      static_cast<long>(watchdog_usec / 2 % 1000000 * 1000)};
  while (true) {
    const int received = watchdog ? sigtimedwait(&signals, nullptr, &ping_every)
                                  : sigwaitinfo(&signals, nullptr);
    if (received < 0) {
      if (watchdog) sd_notify(0, "WATCHDOG=1");
      continue;
    }
    if (received != SIGHUP) break;
    sd_notify(0, "RELOADING=1");
    Reload(flags, config, upstream, session, engine, *settings, sync);
    sd_notify(0, "READY=1");
  }

  spdlog::info("stopping: leaving every held target");
  sd_notify(0, "STOPPING=1");
  listener->Stop();
  // The engine first takes every hold as it is (they leave with the
  // restart grace): a stream closed before would release its hold, which
  // would leave at once. Then clients hear that presenced is stopping.
  engine.Shutdown();
  service.CloseStreams();
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
