// daemon_bench: the real presenced in front of a real presence-server.
//
//   daemon_bench [--rounds 9] [--calls 1000] [--intervals 50]
//                [--connections 100] [--holds-per-connection 100]
//                [--memory-cycles 1] [--multiplexed]
//                [--only latency|upstream|memory]
//
// 1. Control-call latency over the daemon's Unix socket (GetStatus; a room
//    StartRoomHeartbeat+StopRoomHeartbeat pair) as a ratio to a bare sync
//    gRPC echo on a Unix socket, measured from this process in interleaved
//    rounds; figures are medians of the per-round p50/p99. Goal <= 1.5.
// 2. Upstream heartbeat calls per user interval with the user + 100 rooms
//    held (goal 1), and engine wakeups per user interval (goal <= 2).
// 3. The daemon's VmRSS idle (goal < 16 MiB) and with 10,000 attached holds
//    over 100 connections (goal < 100 MiB); time to hold and to release them.
//    Each hold is its own Hold call, or with --multiplexed each connection
//    carries one HoldMany call with all its holds.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/echo_child.h"
#include "daemon/hold_calls.h"
#include "echo.grpc.pb.h"
#include "presence/v1/control.grpc.pb.h"
#include "presence/v1/upstream.grpc.pb.h"
#include "stats.h"
#include "support/presence_server_process.h"
#include "support/presenced_process.h"
#include "support/process_stats.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace presence::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using testing::PresencedOptions;
using testing::PresencedProcess;
using testing::PresenceServerOptions;
using testing::PresenceServerProcess;
using testing::WaitUntil;

struct Options {
  int rounds = 9;
  int calls = 1000;
  int warmup = 200;
  int intervals = 50;
  int connections = 100;
  int holds_per_connection = 100;
  int memory_cycles = 1;
  bool multiplexed = false;  // HoldMany: one call per connection
  std::string only;
};

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}
double Millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::shared_ptr<grpc::Channel> UnixChannel(const std::string& path,
                                           int connection = -1) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // A distinct argument gives a channel its own subchannel: its own
  // connection to the daemon.
  if (connection >= 0) args.SetInt("bench.conn", connection);
  return grpc::CreateCustomChannel("unix:" + path,
                                   grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<PresencedProcess> StartDaemon(
    const PresenceServerProcess& server) {
  PresencedOptions options;
  options.upstream = server.address();
  options.api_key = server.api_key();
  options.user_id = "bench-user";
  options.device_id = "bench-device";
  // As deployed: the test helper's default is debug, which logs every call.
  options.flags = {"--log-level=info"};
  return std::make_unique<PresencedProcess>(options);
}

[[noreturn]] void Fail(const std::string& what,
                       const PresencedProcess* daemon) {
  std::string message = what;
  if (daemon) {
    const std::string log = daemon->log();
    message += "\n--- presenced log (tail) ---\n" +
               log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
  }
  throw std::runtime_error(message);
}

pb::Status GetStatus(pb::ControlService::Stub& stub,
                     const PresencedProcess& daemon) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  pb::Status status;
  const grpc::Status result =
      stub.GetStatus(&context, pb::GetStatusRequest(), &status);
  if (!result.ok()) Fail("GetStatus: " + result.error_message(), &daemon);
  return status;
}

// The daemon runs on the server's intervals (its settings watch is up).
void WaitForServerSettings(pb::ControlService::Stub& stub,
                           const PresencedProcess& daemon, int64_t user_ms,
                           int64_t room_ms) {
  const bool ok = WaitUntil(
      [&] {
        const pb::Status s = GetStatus(stub, daemon);
        return s.user_heartbeat_interval().source() == "server" &&
               s.user_heartbeat_interval().value_ms() == user_ms &&
               s.room_heartbeat_interval().value_ms() == room_ms;
      },
      milliseconds(10000), milliseconds(20));
  if (!ok) Fail("presenced never picked up the server's intervals", &daemon);
}

struct Memory {
  double rss_mib = -1;
  double hwm_mib = -1;
};

Memory ReadMemory(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  Memory memory;
  std::string line;
  while (std::getline(file, line)) {
    long kib = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %ld kB", &kib) == 1) {
      memory.rss_mib = kib / 1024.0;
    } else if (std::sscanf(line.c_str(), "VmHWM: %ld kB", &kib) == 1) {
      memory.hwm_mib = kib / 1024.0;
    }
  }
  return memory;
}

int CountThreads(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  int threads = -1;
  while (std::getline(file, line)) {
    if (std::sscanf(line.c_str(), "Threads: %d", &threads) == 1) break;
  }
  return threads;
}

const char* Verdict(bool ok) { return ok ? "ok" : "MISSED"; }

// ---------------------------------------------------------------------------
// 1. Control-call latency.

struct Quantiles {
  double p50 = 0, p99 = 0;
};

// Medians over rounds of each round's p50 and p99.
struct Series {
  std::vector<double> p50s, p99s;
  void Add(const Quantiles& q) {
    p50s.push_back(q.p50);
    p99s.push_back(q.p99);
  }
  double p50() const { return Median(p50s); }
  double p99() const { return Median(p99s); }
};

Quantiles Measure(int calls, const std::function<void()>& call) {
  std::vector<double> samples;
  samples.reserve(calls);
  for (int i = 0; i < calls; ++i) {
    const auto start = Clock::now();
    call();
    samples.push_back(Micros(Clock::now() - start));
  }
  return {Quantile(samples, 0.5), Quantile(samples, 0.99)};
}

void RunLatency(const Options& options, const std::string& echo_socket) {
  // Default intervals (user 20 s, room 5 min): no heartbeat falls inside the
  // run except the first one of the background hold, before the rounds.
  PresenceServerProcess server;
  auto daemon = StartDaemon(server);
  auto control =
      pb::ControlService::NewStub(UnixChannel(daemon->socket_path()));
  auto echo = Echo::NewStub(UnixChannel(echo_socket));
  WaitForServerSettings(*control, *daemon, 20000, 300000);

  auto echo_call = [&] {
    grpc::ClientContext context;
    EchoMessage request, response;
    const grpc::Status status = echo->Echo(&context, request, &response);
    if (!status.ok()) Fail("Echo: " + status.error_message(), nullptr);
  };
  auto status_call = [&] {
    grpc::ClientContext context;
    pb::Status response;
    const grpc::Status status =
        control->GetStatus(&context, pb::GetStatusRequest(), &response);
    if (!status.ok()) Fail("GetStatus: " + status.error_message(), &*daemon);
  };
  auto start_room = [&](const std::string& room) {
    grpc::ClientContext context;
    pb::StartRoomHeartbeatRequest request;
    request.set_room_id(room);
    request.set_client_name("daemon-bench");
    pb::StartResponse response;
    const grpc::Status status =
        control->StartRoomHeartbeat(&context, request, &response);
    if (!status.ok()) Fail("StartRoom: " + status.error_message(), &*daemon);
    return response.hold_id();
  };
  auto pair_call = [&](const std::string& room) {
    const std::string hold_id = start_room(room);
    grpc::ClientContext context;
    pb::StopRoomHeartbeatRequest request;
    request.set_room_id(room);
    request.set_hold_id(hold_id);
    pb::StopResponse response;
    const grpc::Status status =
        control->StopRoomHeartbeat(&context, request, &response);
    if (!status.ok() || response.stopped() != 1) {
      Fail("StopRoom: " + status.error_message(), &*daemon);
    }
  };
  auto pair_unheld = [&] { pair_call("bench-pair-unheld"); };
  auto pair_held = [&] { pair_call("bench-pair-held"); };

  // A detached hold that stays: pairs on this room never (de)activate it.
  start_room("bench-pair-held");
  Measure(options.warmup, echo_call);
  Measure(options.warmup, status_call);
  Measure(options.warmup, pair_unheld);
  Measure(options.warmup, pair_held);
  std::this_thread::sleep_for(milliseconds(200));
  const pb::Status before = GetStatus(*control, *daemon);

  Series echo_series, status_series, unheld_series, held_series;
  for (int round = 0; round < options.rounds; ++round) {
    echo_series.Add(Measure(options.calls, echo_call));
    status_series.Add(Measure(options.calls, status_call));
    unheld_series.Add(Measure(options.calls, pair_unheld));
    held_series.Add(Measure(options.calls, pair_held));
  }
  const pb::Status after = GetStatus(*control, *daemon);

  const double e50 = echo_series.p50(), e99 = echo_series.p99();
  std::printf(
      "\n1. Control-call latency over the Unix socket, one channel each\n"
      "   %d rounds x %d calls, interleaved per round: echo, GetStatus,\n"
      "   start+stop (unheld room), start+stop (held room); figures are\n"
      "   medians of the per-round p50/p99. presenced against a "
      "presence-server\n"
      "   with default intervals (user 20 s, room 5 min).\n\n",
      options.rounds, options.calls);
  std::printf("   %-46s %9s %9s %9s %9s   %s\n", "", "p50 us", "p99 us",
              "p50/echo", "p99/echo", "goal <= 1.5 (p50, p99)");
  auto row = [&](const char* name, double p50, double p99, bool goal) {
    const double r50 = p50 / e50, r99 = p99 / e99;
    std::printf(
        "   %-46s %9.1f %9.1f %9.2f %9.2f   %s\n", name, p50, p99, r50, r99,
        goal ? (std::string(Verdict(r50 <= 1.5)) + ", " + Verdict(r99 <= 1.5))
                   .c_str()
             : "");
  };
  row("bare gRPC echo (sync API, unix socket)", e50, e99, false);
  row("GetStatus", status_series.p50(), status_series.p99(), true);
  row("start+stop, room otherwise unheld: per pair", unheld_series.p50(),
      unheld_series.p99(), false);
  row("  ... per call (pair / 2)", unheld_series.p50() / 2,
      unheld_series.p99() / 2, true);
  row("start+stop, room also held: per pair", held_series.p50(),
      held_series.p99(), false);
  row("  ... per call (pair / 2)", held_series.p50() / 2, held_series.p99() / 2,
      true);
  std::printf(
      "   (a pair is StartRoomHeartbeat + StopRoomHeartbeat by hold id, two\n"
      "   sequential calls; 'per pair' compares two calls with one echo.\n"
      "   Unheld: each start activates the room and each stop queues an\n"
      "   upstream Leave, sent by the engine thread between calls; held: the\n"
      "   room stays active through a second hold, control path only.)\n");
  std::printf(
      "   during the rounds: %llu upstream heartbeat calls, %llu engine "
      "wakeups\n",
      static_cast<unsigned long long>(after.heartbeat_calls() -
                                      before.heartbeat_calls()),
      static_cast<unsigned long long>(after.engine_wakeups() -
                                      before.engine_wakeups()));
}

// ---------------------------------------------------------------------------
// 2. Upstream calls and wakeups per interval.

void RunUpstreamCase(const Options& options, int64_t user_ms, int64_t room_ms) {
  const int kRooms = 100;
  PresenceServerProcess server(PresenceServerOptions{
      {"--user-heartbeat-interval=" + std::to_string(user_ms) + "ms",
       "--room-heartbeat-interval=" + std::to_string(room_ms) + "ms",
       "--online-threshold=3s", "--room-timeout=3s"}});
  auto daemon = StartDaemon(server);
  auto control =
      pb::ControlService::NewStub(UnixChannel(daemon->socket_path()));
  WaitForServerSettings(*control, *daemon, user_ms, room_ms);
  {
    grpc::ClientContext context;
    pb::IsEnabledResponse response;
    const grpc::Status status =
        control->Enable(&context, pb::EnableRequest(), &response);
    if (!status.ok() || !response.enabled()) {
      Fail("Enable: " + status.error_message(), &*daemon);
    }
  }
  HoldCounters counters;
  HoldSet holds(counters);
  holds.Open(*control, UserTarget());
  for (int i = 0; i < kRooms; ++i) {
    holds.Open(*control, RoomTarget("room-" + std::to_string(i)));
  }
  const int total = kRooms + 1;
  if (!WaitUntil([&] { return counters.acked >= total || counters.done > 0; },
                 milliseconds(15000))) {
    Fail("only " + std::to_string(counters.acked.load()) + "/" +
             std::to_string(total) + " first acks",
         &*daemon);
  }
  if (counters.done > 0 || counters.refused > 0) {
    Fail("a hold call ended or a hold was refused: " + counters.first_error,
         &*daemon);
  }
  // Let the cadence settle: rooms join the user's ticks after their first
  // ack.
  std::this_thread::sleep_for(milliseconds(std::max(user_ms, room_ms)));

  const pb::Status before = GetStatus(*control, *daemon);
  const auto start = Clock::now();
  std::this_thread::sleep_for(milliseconds(user_ms * options.intervals));
  const pb::Status after = GetStatus(*control, *daemon);
  const double elapsed_ms = Millis(Clock::now() - start);
  const double intervals = elapsed_ms / user_ms;
  const double calls = after.heartbeat_calls() - before.heartbeat_calls();
  const double wakeups = after.engine_wakeups() - before.engine_wakeups();
  char label[64];
  std::snprintf(label, sizeof label, "%lld ms / %lld ms",
                static_cast<long long>(user_ms),
                static_cast<long long>(room_ms));
  std::printf(
      "   %-18s %7.2f s %6.1f %7.0f %10.2f %-6s %8.0f %10.2f %-6s %s\n", label,
      elapsed_ms / 1000, intervals, calls, calls / intervals,
      Verdict(calls / intervals <= 1.05), wakeups, wakeups / intervals,
      Verdict(wakeups / intervals <= 2.0),
      (pb::SessionState_Name(after.state()) +
       (counters.other > 0 ? ", " + std::to_string(counters.other.load()) +
                                 " other hold events"
                           : ""))
          .c_str());
}

void RunUpstream(const Options& options) {
  std::printf(
      "\n2. Upstream heartbeat calls with the user + 100 rooms held (101\n"
      "   attached Hold streams, one channel), after every first ack and one\n"
      "   settle of max(interval); Status.heartbeat_calls/engine_wakeups\n"
      "   over %d user intervals. Server: --online-threshold=3s "
      "--room-timeout=3s.\n\n",
      options.intervals);
  std::printf("   %-18s %9s %6s %7s %10s %-6s %8s %10s %-6s %s\n",
              "user / room", "measured", "ints", "calls", "calls/int", "(=1)",
              "wakeups", "wakes/int", "(<=2)", "state");
  RunUpstreamCase(options, 100, 1000);
  RunUpstreamCase(options, 100, 100);
}

// ---------------------------------------------------------------------------
// 3. Resident memory.

// Opens options.holds_per_connection room holds ("room-<c>-<h>") on each of
// the first options.connections stubs: one Hold call each, or (multiplexed)
// one HoldMany call per connection.
void OpenRoomHolds(
    HoldSet& holds,
    const std::vector<std::unique_ptr<pb::ControlService::Stub>>& stubs,
    const Options& options) {
  for (int c = 0; c < options.connections; ++c) {
    std::vector<pb::Target> targets;
    for (int h = 0; h < options.holds_per_connection; ++h) {
      targets.push_back(
          RoomTarget("room-" + std::to_string(c) + "-" + std::to_string(h)));
    }
    if (options.multiplexed) {
      holds.OpenMany(*stubs[c], targets);
    } else {
      for (const auto& target : targets) holds.Open(*stubs[c], target);
    }
  }
}

void RunMemory(const Options& options) {
  PresenceServerProcess server;  // default intervals: 20 s / 5 min
  auto daemon = StartDaemon(server);
  auto control =
      pb::ControlService::NewStub(UnixChannel(daemon->socket_path()));
  WaitForServerSettings(*control, *daemon, 20000, 300000);
  std::this_thread::sleep_for(milliseconds(1000));
  const Memory idle = ReadMemory(daemon->pid());
  const int idle_threads = CountThreads(daemon->pid());

  const int total = options.connections * options.holds_per_connection;
  std::vector<std::unique_ptr<pb::ControlService::Stub>> stubs;
  for (int i = 0; i < options.connections; ++i) {
    stubs.push_back(
        pb::ControlService::NewStub(UnixChannel(daemon->socket_path(), i)));
  }
  HoldCounters counters;
  auto holds = std::make_unique<HoldSet>(counters);
  const auto start = Clock::now();
  OpenRoomHolds(*holds, stubs, options);
  if (!WaitUntil([&] { return counters.held >= total || counters.done > 0; },
                 milliseconds(120000), milliseconds(1))) {
    Fail("only " + std::to_string(counters.held.load()) + "/" +
             std::to_string(total) + " holds HELD",
         &*daemon);
  }
  const double held_ms = Millis(Clock::now() - start);
  if (counters.done > 0 || counters.refused > 0) {
    Fail("a hold call ended or a hold was refused: " + counters.first_error,
         &*daemon);
  }
  pb::Status loaded_status;
  if (!WaitUntil(
          [&] {
            loaded_status = GetStatus(*control, *daemon);
            return loaded_status.targets_size() >= total;
          },
          milliseconds(30000), milliseconds(50))) {
    Fail("Status shows " + std::to_string(loaded_status.targets_size()) +
             " targets",
         &*daemon);
  }
  const double status_ms = Millis(Clock::now() - start);
  // First acks: each room's first heartbeat is due 10 ms after activation.
  WaitUntil([&] { return counters.acked >= total; }, milliseconds(10000),
            milliseconds(10));
  const double acked_ms = Millis(Clock::now() - start);
  std::this_thread::sleep_for(milliseconds(1000));
  const Memory loaded = ReadMemory(daemon->pid());
  const int fds = testing::OpenFdCount(daemon->pid());
  const int loaded_threads = CountThreads(daemon->pid());
  loaded_status = GetStatus(*control, *daemon);

  // Batch cap: the server takes at most 1000 rooms per call. With a 1 s room
  // interval every held room falls due within a few ticks, so the daemon's
  // batches hold thousands of rooms; they must reach the server in calls of
  // <= 1000 rooms, or the server answers INVALID_ARGUMENT.
  {
    auto admin = pb::AdminService::NewStub(grpc::CreateChannel(
        server.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("authorization", server.admin_authorization());
    pb::UpdateNetworkSettingsRequest update;
    update.set_room_heartbeat_interval_ms(1000);
    pb::NetworkSettings settings;
    const grpc::Status status =
        admin->UpdateNetworkSettings(&context, update, &settings);
    if (!status.ok())
      Fail("UpdateNetworkSettings: " + status.error_message(), &*daemon);
  }
  WaitForServerSettings(*control, *daemon, 20000, 1000);
  const int degraded_before = counters.degraded;
  const auto cap_start = Clock::now();
  std::this_thread::sleep_for(milliseconds(3000));
  const pb::Status cap_status = GetStatus(*control, *daemon);
  const double cap_ms = Millis(Clock::now() - cap_start);
  const int cap_degraded = counters.degraded - degraded_before;

  const auto release_start = Clock::now();
  holds->CancelAll();
  const bool released = WaitUntil(
      [&] { return GetStatus(*control, *daemon).targets_size() == 0; },
      milliseconds(60000), milliseconds(20));
  const double release_ms = Millis(Clock::now() - release_start);
  holds.reset();
  stubs.clear();
  std::this_thread::sleep_for(milliseconds(1000));
  const Memory after = ReadMemory(daemon->pid());
  const pb::Status final_status = GetStatus(*control, *daemon);

  std::printf(
      "\n3. presenced resident memory (VmRSS of the daemon process only; the\n"
      "   clients live in this process). presence-server with default\n"
      "   intervals (user 20 s, room 5 min) until the batch-cap check.\n\n");
  std::printf("   %-52s %10s   %s\n", "", "VmRSS MiB", "goal");
  std::printf("   %-52s %10.1f   < 16 MiB: %s  (VmHWM %.1f, %d threads)\n",
              "idle: nothing held, 1 s after start", idle.rss_mib,
              Verdict(idle.rss_mib < 16), idle.hwm_mib, idle_threads);
  std::printf("   %s\n",
              options.multiplexed
                  ? "multiplexed: one HoldMany call per connection"
                  : "one Hold call per hold (--multiplexed: one HoldMany call "
                    "per connection)");
  char label[96];
  std::snprintf(label, sizeof label, "%d attached holds over %d connections",
                total, options.connections);
  std::printf("   %-52s %10.1f   < 100 MiB: %s  (VmHWM %.1f, %d threads)\n",
              label, loaded.rss_mib, Verdict(loaded.rss_mib < 100),
              loaded.hwm_mib, loaded_threads);
  std::printf("   %-52s %10.1f   (VmHWM %.1f)\n",
              "after every hold was released, +1 s", after.rss_mib,
              after.hwm_mib);
  std::printf(
      "\n   time to establish: all HELD %.0f ms; all %d in Status "
      "%.0f ms; first acks %d/%d after %.0f ms\n",
      held_ms, total, status_ms, counters.acked.load(), total, acked_ms);
  std::printf(
      "   daemon open fds while loaded: %d; upstream heartbeat calls "
      "so far: %llu; state %s; DEGRADED hold events %d\n",
      fds, static_cast<unsigned long long>(loaded_status.heartbeat_calls()),
      pb::SessionState_Name(loaded_status.state()).c_str(),
      counters.degraded.load());
  if (!loaded_status.last_error().empty()) {
    std::printf("   daemon last_error while loaded: %s\n",
                loaded_status.last_error().c_str());
  }
  std::printf(
      "   batch cap (server: <= 1000 rooms per call): room interval set to 1 s "
      "via admin;\n   after %.1f s: %llu more heartbeat calls, state %s, %d "
      "DEGRADED hold events%s%s\n",
      cap_ms / 1000,
      static_cast<unsigned long long>(cap_status.heartbeat_calls() -
                                      loaded_status.heartbeat_calls()),
      pb::SessionState_Name(cap_status.state()).c_str(), cap_degraded,
      cap_status.last_error().empty() ? "" : ", last_error: ",
      cap_status.last_error().c_str());
  std::printf(
      "   time to release (cancel every stream -> Status shows 0 "
      "targets): %s%.0f ms\n",
      released ? "" : "NOT RELEASED after ", release_ms);
  std::printf("   after release: state %s, heartbeat calls %llu%s%s\n",
              pb::SessionState_Name(final_status.state()).c_str(),
              static_cast<unsigned long long>(final_status.heartbeat_calls()),
              final_status.last_error().empty() ? "" : ", last_error: ",
              final_status.last_error().c_str());
  // Failures the daemon logged (e.g. an upstream call refused).
  std::istringstream log(daemon->log());
  std::string line, first;
  int failures = 0;
  while (std::getline(log, line)) {
    if (line.find("fail") != std::string::npos ||
        line.find("INVALID_ARGUMENT") != std::string::npos) {
      if (failures++ == 0) first = line.substr(0, 300);
    }
  }
  std::printf("   daemon log lines mentioning a failure: %d%s%s\n", failures,
              failures ? "; first: " : "", first.c_str());

  // Further hold/release cycles: memory that keeps growing is a leak, memory
  // that stays flat is the allocator keeping its pages.
  for (int cycle = 2; cycle <= options.memory_cycles; ++cycle) {
    for (int i = 0; i < options.connections; ++i) {
      stubs.push_back(
          pb::ControlService::NewStub(UnixChannel(daemon->socket_path(), i)));
    }
    HoldCounters again;
    auto set = std::make_unique<HoldSet>(again);
    OpenRoomHolds(*set, stubs, options);
    if (!WaitUntil([&] { return again.held >= total || again.done > 0; },
                   milliseconds(120000), milliseconds(5))) {
      Fail("cycle " + std::to_string(cycle) + ": holds not all HELD", &*daemon);
    }
    std::this_thread::sleep_for(milliseconds(1000));
    const Memory held = ReadMemory(daemon->pid());
    set->CancelAll();
    WaitUntil([&] { return GetStatus(*control, *daemon).targets_size() == 0; },
              milliseconds(60000), milliseconds(20));
    set.reset();
    stubs.clear();
    std::this_thread::sleep_for(milliseconds(1000));
    const Memory released_memory = ReadMemory(daemon->pid());
    std::printf("   cycle %d: VmRSS %.1f MiB held, %.1f MiB released\n", cycle,
                held.rss_mib, released_memory.rss_mib);
  }
}

}  // namespace
}  // namespace presence::bench

int main(int argc, char** argv) {
  presence::bench::Options options;
  CLI::App app{"daemon_bench: presenced latency, upstream calls, memory"};
  app.add_option("--rounds", options.rounds, "latency rounds (default 9)")
      ->check(CLI::PositiveNumber);
  app.add_option("--calls", options.calls,
                 "calls per kind per latency round (default 1000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", options.warmup,
                 "warm-up calls per kind (default 200)");
  app.add_option("--intervals", options.intervals,
                 "user intervals measured per upstream case (default 50)")
      ->check(CLI::PositiveNumber);
  app.add_option("--connections", options.connections,
                 "client connections for the memory figure (default 100)")
      ->check(CLI::PositiveNumber);
  app.add_option("--holds-per-connection", options.holds_per_connection,
                 "Hold streams per connection (default 100)")
      ->check(CLI::PositiveNumber);
  app.add_option("--memory-cycles", options.memory_cycles,
                 "hold/release cycles in the memory part (default 1)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--multiplexed", options.multiplexed,
               "memory part: one HoldMany call per connection carrying its "
               "holds, instead of one Hold call per hold");
  app.add_option("--only", options.only, "run one part")
      ->check(CLI::IsMember({"latency", "upstream", "memory"}));
  CLI11_PARSE(app, argc, argv);

  // Forked before anything here touches gRPC.
  presence::testing::TempDir dir;
  const std::string echo_socket = dir.File("echo.sock");
  std::unique_ptr<presence::bench::EchoChild> echo;
  if (options.only.empty() || options.only == "latency") {
    echo = std::make_unique<presence::bench::EchoChild>(echo_socket);
    if (!echo->WaitReady()) {
      std::fprintf(stderr, "the echo server did not come up\n");
      return 1;
    }
  }
  try {
    if (echo) presence::bench::RunLatency(options, echo_socket);
    if (options.only.empty() || options.only == "upstream") {
      presence::bench::RunUpstream(options);
    }
    if (options.only.empty() || options.only == "memory") {
      presence::bench::RunMemory(options);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "daemon_bench: %s\n", error.what());
    return 1;
  }
  std::printf("\n");
  return 0;
}
