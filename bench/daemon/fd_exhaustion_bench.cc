// fd_exhaustion_bench: the real presenced, run under a low open-file limit,
// against local connections that send only the HTTP/2 magic and then wait,
// more of them than it may hold file descriptors for.
//
//   fd_exhaustion_bench [--connections 300] [--open-file-limit 256]
//                       [--seconds 4] [--window-ms 500]
//
// Prints, while the daemon is out of descriptors, its CPU use (every thread,
// from /proc/PID/stat) and how fast its log grows, as medians (and maxima)
// of windows over --seconds (goals: CPU < 5 %, log < 10 KB/s); then how long
// after descriptors free up (the daemon closes connections that sent no
// whole preface by its deadline, 5 s) a new client is served (goal: within
// the 1 s its paused accepting waits at most).
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "presence/v1/control.grpc.pb.h"
#include "stats.h"
#include "support/presence_server_process.h"
#include "support/presenced_process.h"
#include "support/process_stats.h"
#include "support/unix_socket.h"
#include "support/wait.h"

namespace presence::bench {
namespace {

namespace pb = ::presence::v1;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using namespace presence::testing;

struct Options {
  int connections = 300;
  int open_file_limit = 256;
  double seconds = 4;
  int window_ms = 500;
};

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

const char* Verdict(bool ok) { return ok ? "ok" : "MISSED"; }

void Run(const Options& options) {
  PresenceServerProcess server;
  PresencedOptions daemon_options;
  daemon_options.upstream = server.address();
  daemon_options.api_key = server.api_key();
  daemon_options.open_file_limit = options.open_file_limit;
  // As deployed: the test helper's default is debug.
  daemon_options.flags = {"--log-level=info"};
  PresencedProcess daemon(daemon_options);
  const int idle_fds = OpenFdCount(daemon.pid());

  const auto flood_start = Clock::now();
  SilentConnections flood(daemon.socket_path(), options.connections,
                          kHttp2Magic);
  const bool exhausted = WaitUntil(
      [&] {
        return daemon.log().find("Too many open files") != std::string::npos;
      },
      milliseconds(5000));
  if (!exhausted) {
    throw std::runtime_error(
        "the daemon never ran out of descriptors; raise --connections");
  }
  const int held_fds = OpenFdCount(daemon.pid());

  std::vector<double> cpu, log;
  UsageMeter meter(daemon.pid(), daemon.log_path());
  const int windows =
      std::max(1, static_cast<int>(options.seconds * 1000 / options.window_ms));
  for (int i = 0; i < windows; ++i) {
    std::this_thread::sleep_for(milliseconds(options.window_ms));
    const UsageMeter::Rates rates = meter.Lap();
    cpu.push_back(rates.cpu_percent);
    log.push_back(rates.file_bytes_per_second);
  }
  const bool still_exhausted = flood.ClosedByServer() == 0;

  // Descriptors free up when the daemon closes the first connections.
  WaitUntil([&] { return flood.ClosedByServer() > 0; }, milliseconds(30000),
            milliseconds(1));
  const auto freed = Clock::now();
  auto control = pb::ControlService::NewStub(grpc::CreateChannel(
      "unix:" + daemon.socket_path(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_wait_for_ready(true);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  pb::Status status;
  const grpc::Status call =
      control->GetStatus(&context, pb::GetStatusRequest(), &status);
  const auto served = Clock::now();

  std::printf(
      "\npresenced under open-file limit %d: %d connections that send only "
      "the HTTP/2 magic\n"
      "(daemon fds: %d idle, %d while flooded; log level info)\n\n",
      options.open_file_limit, options.connections, idle_fds, held_fds);
  std::printf("   %-44s %9s %9s   %s\n", "out of descriptors, windows of",
              "median", "max", "goal");
  std::printf("   %-44s %9.1f %9.1f   < 5 %%: %s\n", "daemon CPU %",
              Median(cpu), *std::max_element(cpu.begin(), cpu.end()),
              Verdict(Median(cpu) < 5));
  std::printf("   %-44s %9.0f %9.0f   < 10240: %s\n", "daemon log bytes/s",
              Median(log), *std::max_element(log.begin(), log.end()),
              Verdict(Median(log) < 10240));
  std::printf("   (%d windows of %d ms%s)\n\n", windows, options.window_ms,
              still_exhausted ? "" : "; some ended after descriptors freed up");
  if (!call.ok()) {
    std::printf("   GetStatus after descriptors freed up FAILED: %s\n",
                call.error_message().c_str());
    return;
  }
  std::printf(
      "   serves again %.2f s after descriptors freed up (%.2f s after the "
      "flood began): %s\n",
      Seconds(served - freed), Seconds(served - flood_start),
      Verdict(Seconds(served - freed) <= 1.5));
}

}  // namespace
}  // namespace presence::bench

int main(int argc, char** argv) {
  presence::bench::Options options;
  CLI::App app{"fd_exhaustion_bench: presenced out of file descriptors"};
  app.add_option("--connections", options.connections,
                 "connections that send only the magic (default 300)")
      ->check(CLI::PositiveNumber);
  app.add_option("--open-file-limit", options.open_file_limit,
                 "the daemon's RLIMIT_NOFILE (default 256)")
      ->check(CLI::PositiveNumber);
  app.add_option("--seconds", options.seconds,
                 "how long to measure while exhausted (default 4; the "
                 "deadline frees descriptors 5 s after the flood)")
      ->check(CLI::PositiveNumber);
  app.add_option("--window-ms", options.window_ms,
                 "measurement window (default 500)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    presence::bench::Run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fd_exhaustion_bench: %s\n", error.what());
    return 1;
  }
  std::printf("\n");
  return 0;
}
