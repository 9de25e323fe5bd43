// presencectl_bench: wall time of `presencectl room start X` as a whole
// process (exec, gRPC start-up, connect, one call, exit), median and p90 over
// many runs, next to `true` measured in the same run, interleaved. Goal: the
// median within 5 ms of true's, as scripts call presencectl in loops.
//
//   presencectl_bench [--runs N]          starts a real presence-server and a
//                                         real presenced (loopback; its state
//                                         in $TMPDIR, else /tmp: on a disk,
//                                         its fsync is part of every start)
//   presencectl_bench --socket PATH       a presenced that is already running
//   presencectl_bench --fake              the fake presenced of tests/client
//                                         (presencectl's own cost alone)
//   ... --presencectl PATH                another presencectl, e.g. an older
//                                         build (default: this tree's)
//
// After each timed run the hold is stopped (untimed), so every sample is the
// same case: room X goes from not held to held, persisted by the daemon.
// `presencectl --help` and `presencectl room start --help` (no connection,
// no gRPC call) show how much is process start-up alone, and the same call
// made by a client already connected (in this process) how much is the
// daemon's own work; the differences and ratios at the end put presencectl
// next to true and to its --help. The cpu column (the child's user + system
// time) stays meaningful when other work shares the machine.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../stats.h"
#include "fake_daemon.h"
#include "presence/client/client.h"
#include "support/presence_server_process.h"
#include "support/presenced_process.h"
#include "support/temp_dir.h"

extern char** environ;

namespace {

using presence::bench::Median;
using presence::bench::Quantile;

struct Sample {
  double wall_ms = 0;
  double cpu_ms = 0;  // the child's user + system time
};

double Ms(const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; }

Sample RunOnce(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) !=
      0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  const auto end = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&actions);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s failed (status %d)\n", argv[0].c_str(), status);
    std::exit(1);
  }
  return {std::chrono::duration<double, std::milli>(end - start).count(),
          Ms(usage.ru_utime) + Ms(usage.ru_stime)};
}

struct Series {
  std::vector<double> wall, cpu;
  void Add(const Sample& s) {
    wall.push_back(s.wall_ms);
    cpu.push_back(s.cpu_ms);
  }
};

void Report(const char* what, const Series& s) {
  std::printf(
      "%-31s wall median %6.2f p90 %6.2f min %6.2f | cpu median %5.2f ms\n",
      what, Median(s.wall), Quantile(s.wall, 0.9), Quantile(s.wall, 0.0),
      Median(s.cpu));
}

// "room start X vs true:  +2.10 ms wall (x 3.1), +1.90 ms cpu (x 4.0)"
void Compare(const char* what, const Series& a, const Series& b) {
  std::printf("%-31s %+6.2f ms wall (x %4.1f), %+6.2f ms cpu (x %4.1f)\n", what,
              Median(a.wall) - Median(b.wall), Median(a.wall) / Median(b.wall),
              Median(a.cpu) - Median(b.cpu), Median(a.cpu) / Median(b.cpu));
}

// The call alone: what the daemon and one round trip cost, start-up aside.
double TimedCall(presence::client::Client& client) {
  const auto start = std::chrono::steady_clock::now();
  auto held = client.StartRoomHeartbeat("X");
  const auto end = std::chrono::steady_clock::now();
  if (!held) {
    std::fprintf(stderr, "room start X: %s\n", held.error().message.c_str());
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(end - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket;
  bool fake_mode = false;
  int runs = 100;
  std::string presencectl = PRESENCECTL_PATH;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--socket") && i + 1 < argc) {
      socket = argv[++i];
    } else if (!std::strcmp(argv[i], "--fake")) {
      fake_mode = true;
    } else if (!std::strcmp(argv[i], "--presencectl") && i + 1 < argc) {
      presencectl = argv[++i];
    } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: %s [--runs N] [--socket PATH | --fake] "
                   "[--presencectl PATH]\n"
                   "  default: start a real presence-server and presenced\n",
                   argv[0]);
      return 2;
    }
  }
  presence::testing::TempDir dir;
  std::unique_ptr<presence::testing::FakeDaemon> fake;
  std::unique_ptr<presence::testing::PresenceServerProcess> server;
  std::unique_ptr<presence::testing::PresencedProcess> daemon;
  std::string against;
  if (!socket.empty()) {
    against = "presenced at " + socket;
  } else if (fake_mode) {
    socket = dir.File("presenced.sock");
    fake = std::make_unique<presence::testing::FakeDaemon>(socket);
    against = "the fake presenced of tests/client";
  } else {
    // Default server settings (20 s user / 5 min room heartbeats): the
    // daemon's own work per start, not a heartbeat storm.
    server = std::make_unique<presence::testing::PresenceServerProcess>();
    presence::testing::PresencedOptions options;
    options.upstream = server->address();
    options.api_key = server->api_key();
    options.user_id = "bench-user";  // (PresencedProcess logs at debug)
    daemon = std::make_unique<presence::testing::PresencedProcess>(options);
    socket = daemon->socket_path();
    against = "a real presenced (pid " + std::to_string(daemon->pid()) +
              ") and presence-server (" + server->address() + ")";
  }

  presence::client::Options options;
  options.socket_path = socket;
  presence::client::Client control(options);
  auto stop = [&] { control.StopRoomHeartbeat("X"); };

  const std::vector<std::string> ctl = {presencectl, "--socket", socket,
                                        "room",      "start",    "X"};
  const std::vector<std::string> help = {presencectl, "--help"};
  const std::vector<std::string> start_help = {presencectl, "room", "start",
                                               "--help"};
  const std::vector<std::string> baseline = {TRUE_PATH};
  Series ctl_s, help_s, start_help_s, true_s;
  std::vector<double> call_s;
  for (int i = 0; i < 5; ++i) {  // warm the page cache and the daemon
    RunOnce(baseline), RunOnce(help), RunOnce(ctl), stop();
  }
  for (int i = 0; i < runs; ++i) {
    true_s.Add(RunOnce(baseline));
    help_s.Add(RunOnce(help));
    start_help_s.Add(RunOnce(start_help));
    ctl_s.Add(RunOnce(ctl));
    stop();
    call_s.push_back(TimedCall(control));
    stop();
  }
  const double over_true = Median(ctl_s.wall) - Median(true_s.wall);
  double load[1] = {0};
  getloadavg(load, 1);
  std::printf("runs: %d of %s against %s; load average %.2f\n", runs,
              presencectl.c_str(), against.c_str(), load[0]);
  Report("true:", true_s);
  Report("presencectl --help:", help_s);
  Report("presencectl room start --help:", start_help_s);
  Report("presencectl room start X:", ctl_s);
  std::printf("%-31s wall median %6.2f p90 %6.2f min %6.2f\n",
              "the call from a warm client:", Median(call_s),
              Quantile(call_s, 0.9), Quantile(call_s, 0.0));
  Compare("--help vs true:", help_s, true_s);
  Compare("room start X vs true:", ctl_s, true_s);
  Compare("room start X vs --help:", ctl_s, help_s);
  std::printf("goal: room start X within 5 ms of true (median): %s\n",
              over_true <= 5.0 ? "met" : "MISSED");
  return 0;
}
