// server_bench: prints the figures presence-server is held to.
//   1. store alone: heartbeat targets/s (1 user + 3 rooms per batch, one
//      thread); goal >= 1,000,000/s.
//   2. gRPC on loopback with N concurrent clients: heartbeat calls/s as a
//      ratio to a bare echo service in the same run; goal >= 0.7.
//   3. under that heartbeat load: p50/p99 of a 220-id presence read and of a
//      room count; goal p99 < 2 ms.
//   4. the same heartbeat load against the Redis store (a real redis-server
//      on loopback), with one replica and with two replicas sharing it
//      (clients spread across both), as ratios to the in-memory store in
//      the same round; goals >= 0.3 for one replica, two above one.
// Every figure is the median of several rounds.
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>

#include "app/presence_server.h"
#include "echo_service.h"
#include "grpc_load.h"
#include "stats.h"
#include "store/redis_client.h"
#include "store_bench.h"
#include "support/redis_server_process.h"

namespace presence::bench {
namespace {

using namespace presence::server;

std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL,
              1);  // one TCP connection each
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

// A logged-in client with presence enabled, heartbeating as bench-<i>.
struct BenchClient {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::PresenceService::Stub> presence;
  std::unique_ptr<Echo::Stub> echo;
  std::string token;
};

BenchClient Connect(const std::string& presence_address,
                    const std::string& echo_address, int index) {
  BenchClient client;
  client.channel = OwnChannel(presence_address);
  client.presence = v1::PresenceService::NewStub(client.channel);
  client.echo = Echo::NewStub(OwnChannel(echo_address));
  v1::CreateSessionRequest login;
  login.set_api_key("bench");
  login.set_user_id("bench-" + std::to_string(index));
  login.set_device_id("device");
  v1::CreateSessionResponse session;
  grpc::ClientContext context;
  if (!client.presence->CreateSession(&context, login, &session).ok()) {
    throw std::runtime_error("cannot create a session");
  }
  client.token = session.access_token();
  v1::SetUserPresenceEnabledRequest enable;
  enable.set_enabled(true);
  v1::GetSettingsResponse settings;
  client.presence->SetUserPresenceEnabled(Context(client.token).get(), enable,
                                          &settings);
  return client;
}

template <typename Request>
void FillBatch(Request* request, int index) {
  request->set_user(true);
  for (int k = 0; k < 3; ++k) {
    request->add_room_ids("room-" + std::to_string((index + k) % 10));
  }
}

struct Figures {
  std::vector<double> store, echo, heartbeat, ratio;
  std::vector<double> read_p50, read_p99, count_p50, count_p99;
  std::vector<double> redis1, redis2, redis1_ratio, redis2_ratio;
  std::vector<double> redis_cpu_us;  // redis-server CPU per heartbeat call
};

// CPU seconds redis-server has used so far (INFO cpu).
double RedisCpuSeconds(const std::string& address) {
  RedisPool pool({address, std::chrono::milliseconds(1000), 1});
  const Reply reply = pool.Command({"INFO", "cpu"});
  const std::string text(reply->str, reply->len);
  double total = 0;
  for (const char* key : {"used_cpu_sys:", "used_cpu_user:"}) {
    const auto at = text.find(key);
    if (at != std::string::npos) {
      total += std::stod(text.substr(at + std::strlen(key)));
    }
  }
  return total;
}

// Heartbeat workers for `clients` clients spread round-robin over servers.
struct HeartbeatLoad {
  std::vector<BenchClient> clients;
  std::vector<Call> calls;
};

std::unique_ptr<HeartbeatLoad> MakeHeartbeatLoad(
    const std::vector<std::string>& servers, const std::string& echo_address,
    int clients) {
  auto load = std::make_unique<HeartbeatLoad>();
  for (int i = 0; i < clients; ++i) {
    load->clients.push_back(
        Connect(servers[i % servers.size()], echo_address, i));
  }
  for (int i = 0; i < clients; ++i) {
    BenchClient& client = load->clients[i];
    v1::HeartbeatRequest heartbeat;
    FillBatch(&heartbeat, i);
    load->calls.push_back([&client, heartbeat] {
      v1::HeartbeatResponse response;
      return client.presence
          ->Heartbeat(Context(client.token).get(), heartbeat, &response)
          .ok();
    });
  }
  return load;
}

void Print(const Figures& f, int clients) {
  std::printf("\nmedians of %zu rounds\n", f.store.size());
  std::printf(
      "store heartbeat targets/s (1 user + 3 rooms, 1 thread): %.0f"
      "   goal >= 1000000\n",
      Median(f.store));
  std::printf("gRPC echo calls/s (%d clients):      %.0f\n", clients,
              Median(f.echo));
  std::printf("gRPC heartbeat calls/s (%d clients): %.0f\n", clients,
              Median(f.heartbeat));
  std::printf("heartbeat / echo ratio:             %.2f   goal >= 0.7\n",
              Median(f.ratio));
  std::printf(
      "GetUserPresence(220 ids) under load: p50 %.0f us, p99 %.0f us"
      "   goal p99 < 2000 us\n",
      Median(f.read_p50), Median(f.read_p99));
  std::printf(
      "GetRoomViewerCount under load:       p50 %.0f us, p99 %.0f us"
      "   goal p99 < 2000 us\n",
      Median(f.count_p50), Median(f.count_p99));
  if (f.redis1.empty()) return;
  std::printf(
      "redis store, 1 replica:  heartbeat calls/s %.0f, ratio to "
      "memory %.2f   goal >= 0.3\n",
      Median(f.redis1), Median(f.redis1_ratio));
  std::printf(
      "redis store, 2 replicas: heartbeat calls/s %.0f, ratio to "
      "memory %.2f   goal above 1 replica\n",
      Median(f.redis2), Median(f.redis2_ratio));
  std::printf(
      "redis-server CPU per heartbeat call: %.1f us (one Redis core would "
      "take %.0f calls/s)\n",
      Median(f.redis_cpu_us), 1e6 / Median(f.redis_cpu_us));
}

int Run(int rounds, std::chrono::milliseconds duration, int clients,
        bool with_redis) {
  spdlog::set_level(spdlog::level::warn);
  ServerConfig config;
  config.listen = "127.0.0.1:0";
  PresenceServer presence_server(config, AuthConfig{});

  EchoServiceImpl echo_service;
  int echo_port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &echo_port);
  builder.RegisterService(&echo_service);
  auto echo_server = builder.BuildAndStart();
  const std::string echo_address = "127.0.0.1:" + std::to_string(echo_port);

  std::vector<BenchClient> bench_clients;
  std::vector<Call> echo_calls, heartbeat_calls;
  for (int i = 0; i < clients; ++i) {
    bench_clients.push_back(
        Connect(presence_server.address(), echo_address, i));
  }
  for (int i = 0; i < clients; ++i) {
    BenchClient& client = bench_clients[i];
    EchoMessage echo_request;
    FillBatch(&echo_request, i);
    echo_calls.push_back([&client, echo_request] {
      EchoMessage response;
      return client.echo
          ->Echo(Context(client.token).get(), echo_request, &response)
          .ok();
    });
    v1::HeartbeatRequest heartbeat;
    FillBatch(&heartbeat, i);
    heartbeat_calls.push_back([&client, heartbeat] {
      v1::HeartbeatResponse response;
      return client.presence
          ->Heartbeat(Context(client.token).get(), heartbeat, &response)
          .ok();
    });
  }

  // Probes use their own connection, as a separate reader would.
  BenchClient reader =
      Connect(presence_server.address(), echo_address, clients);
  v1::GetUserPresenceRequest read;
  for (int i = 0; i < 220; ++i) read.add_user_ids("bench-" + std::to_string(i));
  v1::GetRoomViewerCountRequest count;
  count.set_room_id("room-1");
  const std::vector<Call> probes = {
      [&] {
        v1::GetUserPresenceResponse response;
        return reader.presence
            ->GetUserPresence(Context(reader.token).get(), read, &response)
            .ok();
      },
      [&] {
        v1::GetRoomViewerCountResponse response;
        return reader.presence
            ->GetRoomViewerCount(Context(reader.token).get(), count, &response)
            .ok();
      }};

  // The Redis store: one redis-server, two replicas sharing it.
  std::unique_ptr<testing::RedisServerProcess> redis;
  std::unique_ptr<PresenceServer> replica_a, replica_b;
  std::unique_ptr<HeartbeatLoad> redis1_load, redis2_load;
  if (with_redis) {
    redis = std::make_unique<testing::RedisServerProcess>();
    ServerConfig redis_config = config;
    redis_config.store = "redis";
    redis_config.redis_address = redis->address();
    redis_config.redis_key_prefix = "bench";
    replica_a = std::make_unique<PresenceServer>(redis_config, AuthConfig{});
    replica_b = std::make_unique<PresenceServer>(redis_config, AuthConfig{});
    redis1_load =
        MakeHeartbeatLoad({replica_a->address()}, echo_address, clients);
    redis2_load = MakeHeartbeatLoad(
        {replica_a->address(), replica_b->address()}, echo_address, clients);
  }

  Figures figures;
  for (int round = 1; round <= rounds; ++round) {
    figures.store.push_back(StoreHeartbeatTargetsPerSecond(duration));
    const LoadRound echo = RunLoad(echo_calls, {}, duration);
    const LoadRound heartbeat = RunLoad(heartbeat_calls, probes, duration);
    if (echo.failures + heartbeat.failures > 0) {
      std::fprintf(stderr, "round %d: %ld failed calls\n", round,
                   echo.failures + heartbeat.failures);
    }
    figures.echo.push_back(echo.calls_per_second);
    figures.heartbeat.push_back(heartbeat.calls_per_second);
    figures.ratio.push_back(heartbeat.calls_per_second / echo.calls_per_second);
    figures.read_p50.push_back(Quantile(heartbeat.probe_micros[0], 0.5));
    figures.read_p99.push_back(Quantile(heartbeat.probe_micros[0], 0.99));
    figures.count_p50.push_back(Quantile(heartbeat.probe_micros[1], 0.5));
    figures.count_p99.push_back(Quantile(heartbeat.probe_micros[1], 0.99));
    std::printf(
        "round %d: store %.0f targets/s, echo %.0f/s, heartbeat %.0f/s"
        " (%.2f), read p99 %.0f us, count p99 %.0f us\n",
        round, figures.store.back(), figures.echo.back(),
        figures.heartbeat.back(), figures.ratio.back(), figures.read_p99.back(),
        figures.count_p99.back());
    if (with_redis) {
      const double cpu_before = RedisCpuSeconds(redis->address());
      const LoadRound one = RunLoad(redis1_load->calls, {}, duration);
      const double cpu_after = RedisCpuSeconds(redis->address());
      figures.redis_cpu_us.push_back(
          (cpu_after - cpu_before) * 1e6 /
          (one.calls_per_second * duration.count() / 1000.0));
      const LoadRound two = RunLoad(redis2_load->calls, {}, duration);
      if (one.failures + two.failures > 0) {
        std::fprintf(stderr, "round %d: %ld failed redis calls\n", round,
                     one.failures + two.failures);
      }
      figures.redis1.push_back(one.calls_per_second);
      figures.redis2.push_back(two.calls_per_second);
      figures.redis1_ratio.push_back(one.calls_per_second /
                                     heartbeat.calls_per_second);
      figures.redis2_ratio.push_back(two.calls_per_second /
                                     heartbeat.calls_per_second);
      std::printf(
          "round %d: redis x1 %.0f/s (%.2f of memory), redis x2 %.0f/s "
          "(%.2f)\n",
          round, one.calls_per_second, figures.redis1_ratio.back(),
          two.calls_per_second, figures.redis2_ratio.back());
    }
    std::fflush(stdout);
  }
  Print(figures, clients);
  echo_server->Shutdown();
  presence_server.Shutdown();
  if (replica_a) replica_a->Shutdown();
  if (replica_b) replica_b->Shutdown();
  return 0;
}

}  // namespace
}  // namespace presence::bench

int main(int argc, char** argv) {
  CLI::App app("server_bench: presence-server throughput and latency figures");
  int rounds = 5;
  double seconds = 2.0;
  int clients = 8;
  app.add_option("--rounds", rounds, "rounds; figures are medians")
      ->check(CLI::PositiveNumber);
  app.add_option("--seconds", seconds, "length of each measurement")
      ->check(CLI::PositiveNumber);
  app.add_option("--clients", clients, "concurrent gRPC clients")
      ->check(CLI::PositiveNumber);
  bool no_redis = false;
  app.add_flag("--no-redis", no_redis,
               "skip the Redis store figures (they need "
               "/usr/bin/redis-server)");
  CLI11_PARSE(app, argc, argv);
  const bool with_redis =
      !no_redis && presence::testing::RedisServerProcess::Available();
  return presence::bench::Run(
      rounds, std::chrono::milliseconds(static_cast<int>(seconds * 1000)),
      clients, with_redis);
}
