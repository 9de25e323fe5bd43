// presencectl_bench: wall time of `presencectl room start X` as a whole
// process (exec, gRPC start-up, connect, one call, exit), median over many
// runs, next to `true` measured in the same run. Goal: median < 15 ms.
//
//   presencectl_bench [--socket PATH] [--runs N]
//
// Without --socket it serves the control API itself (the fake presenced of
// tests/client), so the figure is presencectl's own cost; with --socket it
// measures against a running presenced.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fake_daemon.h"
#include "presence/client/client.h"
#include "test_util.h"

extern char** environ;

namespace {

double RunOnceMs(const std::vector<std::string>& argv) {
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
  waitpid(pid, &status, 0);
  const auto end = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&actions);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s failed (status %d)\n", argv[0].c_str(), status);
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(end - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket;
  int runs = 100;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--socket") && i + 1 < argc) {
      socket = argv[++i];
    } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--socket PATH] [--runs N]\n", argv[0]);
      return 2;
    }
  }
  presence::testing::TempDir dir;
  std::unique_ptr<presence::testing::FakeDaemon> fake;
  if (socket.empty()) {
    socket = dir / "presenced.sock";
    fake = std::make_unique<presence::testing::FakeDaemon>(socket);
  }
  const std::vector<std::string> ctl = {PRESENCECTL_PATH, "--socket", socket,
                                        "room",           "start",    "X"};
  const std::vector<std::string> baseline = {TRUE_PATH};
  std::vector<double> ctl_ms, true_ms;
  for (int i = 0; i < 5; ++i) RunOnceMs(ctl), RunOnceMs(baseline);  // warm
  for (int i = 0; i < runs; ++i) {
    true_ms.push_back(RunOnceMs(baseline));
    ctl_ms.push_back(RunOnceMs(ctl));
  }
  if (fake) {
    presence::client::Options options;
    options.socket_path = socket;
    presence::client::Client(options).StopRoomHeartbeat("X");
  }
  const double median = Median(ctl_ms);
  std::printf("runs: %d against %s\n", runs,
              fake ? "the built-in fake presenced" : socket.c_str());
  std::printf("true:                          median %6.2f ms  p90 %6.2f ms\n",
              Median(true_ms), Percentile(true_ms, 0.9));
  std::printf("presencectl room start X:      median %6.2f ms  p90 %6.2f ms\n",
              median, Percentile(ctl_ms, 0.9));
  std::printf("presencectl minus true:        median %6.2f ms\n",
              median - Median(true_ms));
  std::printf("goal: median < 15 ms: %s\n", median < 15.0 ? "met" : "MISSED");
  return 0;
}
