// presenced's control socket when its file descriptors run out: under a
// 256-file limit, 300 local connections that send only the HTTP/2 magic take
// every descriptor. The daemon must not spin or fill its log meanwhile, must
// close them at the preface deadline, and must then serve again.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "presence/v1/control.grpc.pb.h"
#include "support/presence_server_process.h"
#include "support/presenced_process.h"
#include "support/process_stats.h"
#include "support/unix_socket.h"
#include "support/wait.h"

namespace presence::testing {
namespace {

namespace pb = ::presence::v1;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kOpenFileLimit = 256;
constexpr int kConnections = 300;
// The daemon's default; a client sends its preface at once.
constexpr milliseconds kPrefaceDeadline(5000);
// Room for a loaded machine: tests run in parallel on two cores.
constexpr milliseconds kSlack(4000);

TEST(FdExhaustion, DaemonNeitherSpinsNorFloodsItsLogAndServesAgain) {
  PresenceServerProcess server;
  PresencedOptions options;
  options.upstream = server.address();
  options.api_key = server.api_key();
  options.open_file_limit = kOpenFileLimit;
  PresencedProcess daemon(options);
  const int fds_before = OpenFdCount(daemon.pid());

  const auto flood_start = Clock::now();
  // Time left until `delay` after the flood began.
  auto left_until = [&](milliseconds delay) {
    return std::chrono::duration_cast<milliseconds>(flood_start + delay -
                                                    Clock::now());
  };
  SilentConnections flood(daemon.socket_path(), kConnections, kHttp2Magic);
  ASSERT_TRUE(WaitUntil(
      [&] {
        return daemon.log().find("Too many open files") != std::string::npos;
      },
      milliseconds(5000)))
      << "the daemon never ran out of descriptors; log:\n"
      << daemon.log();
  const int waiting_in_daemon = OpenFdCount(daemon.pid()) - fds_before;

  // Out of descriptors with connections in its backlog, for 2 s.
  UsageMeter meter(daemon.pid(), daemon.log_path());
  std::this_thread::sleep_for(milliseconds(2000));
  const UsageMeter::Rates rates = meter.Lap();
  EXPECT_LT(rates.cpu_percent, 25);
  EXPECT_LT(rates.file_bytes_per_second, 10 * 1024)
      << daemon.log().substr(0, 2000);

  // The connections it took are closed at their deadline, which frees
  // descriptors; those that waited in the backlog are accepted then, and
  // closed a deadline later.
  EXPECT_GT(waiting_in_daemon, kOpenFileLimit / 2);
  // The fd count may include a few descriptors of the daemon's own opened
  // meanwhile (gRPC's timers and wakeups), which no deadline closes.
  constexpr int kOwnFds = 4;
  ASSERT_TRUE(WaitUntil(
      [&] { return flood.ClosedByServer() >= waiting_in_daemon - kOwnFds; },
      left_until(kPrefaceDeadline + kSlack)))
      << flood.ClosedByServer() << " of the " << waiting_in_daemon
      << " connections the daemon held were closed";

  auto control = pb::ControlService::NewStub(grpc::CreateChannel(
      "unix:" + daemon.socket_path(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_wait_for_ready(true);
  context.set_deadline(std::chrono::system_clock::now() + kSlack);
  pb::Status status;
  const grpc::Status call =
      control->GetStatus(&context, pb::GetStatusRequest(), &status);
  EXPECT_TRUE(call.ok()) << call.error_message() << "; log:\n" << daemon.log();
  EXPECT_EQ(status.user_id(), options.user_id);

  EXPECT_TRUE(WaitUntil([&] { return flood.ClosedByServer() == kConnections; },
                        left_until(2 * kPrefaceDeadline + 2 * kSlack)));
  const std::string log = daemon.log();
  EXPECT_NE(log.find("accepting connections again"), std::string::npos) << log;
}

}  // namespace
}  // namespace presence::testing
