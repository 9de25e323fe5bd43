// libpresence-client against a fake presenced: typed calls, error mapping,
// Hold released on destruction, Hold re-attached after a daemon restart.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "fake_daemon.h"
#include "presence/client/client.h"
#include "test_util.h"

namespace presence::client {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::FakeDaemon;
using testing::TempDir;

Options Opts(const std::string& socket) { return {socket, 2s, "libtest"}; }

TEST(Library, UnreachableWhenNoSocket) {
  TempDir dir;
  Client client(Opts(dir.File("none.sock")));
  const auto start = std::chrono::steady_clock::now();
  auto r = client.GetStatus();
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().unreachable);
  EXPECT_EQ(r.error().code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(r.error().message.find(dir.File("none.sock")), std::string::npos);
  auto hold = client.HoldRoom("r");
  ASSERT_FALSE(hold);
  EXPECT_TRUE(hold.error().unreachable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "fails fast";
}

TEST(Library, DefaultSocketFromEnvironment) {
  unsetenv(kSocketEnvVar);
  EXPECT_EQ(DefaultSocketPath(), "/run/presenced/presenced.sock");
  setenv(kSocketEnvVar, "/tmp/p.sock", 1);
  EXPECT_EQ(DefaultSocketPath(), "/tmp/p.sock");
  EXPECT_EQ(Client().options().socket_path, "/tmp/p.sock");
  unsetenv(kSocketEnvVar);
}

TEST(Library, TypedCalls) {
  TempDir dir;
  FakeDaemon daemon(dir.File("d.sock"));
  Client client(Opts(dir.File("d.sock")));
  EXPECT_EQ(*client.IsEnabled(), false);
  EXPECT_EQ(*client.Enable(), true);
  auto disable = client.Disable();
  ASSERT_FALSE(disable);
  EXPECT_FALSE(disable.error().unreachable);
  EXPECT_EQ(disable.error().CodeName(), "PERMISSION_DENIED");
  EXPECT_EQ(disable.error().message, "disable needs root or the admin group");

  EXPECT_EQ(*client.StartRoomHeartbeat("r", 90s), "d-r-90000");
  EXPECT_EQ(daemon.LastClientName(), "libtest");
  EXPECT_EQ(client.GetRoomViewerCount("r")->count(), 1);
  EXPECT_EQ(*client.StopRoomHeartbeat("r"), 1);
  auto bad = client.StartRoomHeartbeat("");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(*client.StartUserHeartbeat(), "d-user-0");
  EXPECT_EQ(*client.StopUserHeartbeat(), 1);

  auto presences = client.GetUserPresence({"on1", "off"});
  ASSERT_TRUE(presences);
  ASSERT_EQ(presences->size(), 2u);
  EXPECT_TRUE((*presences)[0].online());
  EXPECT_FALSE((*presences)[1].online());
  EXPECT_EQ(*client.GetOnlineUserCount(), 3);
  EXPECT_EQ(client.ListOnlineUsers()->users_size(), 2);
  EXPECT_EQ(client.ListAllOnlineUsers()->size(), 3u);
  EXPECT_EQ(client.GetStatus()->user_id(), "alice");

  Watch watch = client.Sync({"on1", "x"});
  v1::UserPresence p;
  ASSERT_TRUE(watch.Next(&p));
  EXPECT_EQ(p.user_id(), "on1");
  ASSERT_TRUE(watch.Next(&p));
  EXPECT_FALSE(watch.Next(&p));
  EXPECT_FALSE(watch.Finish());
}

TEST(Library, HoldReleasedOnDestruction) {
  TempDir dir;
  FakeDaemon daemon(dir.File("d.sock"));
  Client client(Opts(dir.File("d.sock")));
  std::atomic<int> events{0};
  {
    HoldOptions options;
    options.on_event = [&](const v1::HoldEvent&) { ++events; };
    auto hold = client.HoldRoom("lobby", options);
    ASSERT_TRUE(hold) << hold.error().message;
    EXPECT_TRUE(hold->held());
    EXPECT_FALSE(hold->id().empty());
    EXPECT_EQ(hold->target().room_id(), "lobby");
    EXPECT_EQ(daemon.Holds("lobby"), 1);
    Hold moved = std::move(*hold);  // move-only; still one hold
    EXPECT_EQ(daemon.Holds("lobby"), 1);
    EXPECT_TRUE(moved.active());
  }
  EXPECT_TRUE(Eventually([&] { return daemon.Holds("lobby") == 0; }));
  EXPECT_EQ(events, 1);

  auto user = client.HoldUser();
  ASSERT_TRUE(user);
  EXPECT_EQ(daemon.Holds("user"), 1);
  user->Release();
  EXPECT_FALSE(user->active());
  EXPECT_TRUE(Eventually([&] { return daemon.Holds("user") == 0; }));
}

TEST(Library, HoldRefused) {
  TempDir dir;
  FakeDaemon daemon(dir.File("d.sock"));
  daemon.refuse_holds = true;
  Client client(Opts(dir.File("d.sock")));
  auto hold = client.HoldRoom("lobby");
  ASSERT_FALSE(hold);
  EXPECT_FALSE(hold.error().unreachable);
  EXPECT_EQ(hold.error().CodeName(), "FAILED_PRECONDITION");
  EXPECT_EQ(hold.error().message, "presence is disabled for this network");
}

TEST(Library, HoldReattachesWithinOneSecondOfDaemonRestart) {
  TempDir dir;
  const std::string socket = dir.File("d.sock");
  auto daemon = std::make_unique<FakeDaemon>(socket);
  Client client(Opts(socket));
  std::mutex mu;
  std::vector<Gap> gaps;
  std::atomic<int> detached{0};
  HoldOptions options;
  options.on_detached = [&](const Error&) { ++detached; };
  options.on_gap = [&](const Gap& gap) {
    std::lock_guard<std::mutex> lock(mu);
    gaps.push_back(gap);
  };
  auto hold = client.HoldRoom("lobby", options);
  ASSERT_TRUE(hold);
  const std::string first_id = hold->id();

  for (int round = 0; round < 2; ++round) {
    daemon->Stop();
    ASSERT_TRUE(Eventually([&] { return !hold->held(); }));
    EXPECT_TRUE(hold->active());
    // Stay away long enough for gRPC's reconnect backoff to matter.
    std::this_thread::sleep_for(1500ms);
    const auto back = std::chrono::system_clock::now();
    daemon = std::make_unique<FakeDaemon>(socket);
    ASSERT_TRUE(Eventually([&] { return daemon->Holds("lobby") == 1; }, 2s));
    const auto attached = std::chrono::system_clock::now();
    EXPECT_LT(attached - back, 1s);
    ASSERT_TRUE(Eventually([&] {
      std::lock_guard<std::mutex> lock(mu);
      return gaps.size() == static_cast<std::size_t>(round + 1);
    }));
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_GE(gaps.back().duration(), 1500ms);
    EXPECT_LT(gaps.back().duration(), 3s);
    EXPECT_TRUE(hold->held());
  }
  EXPECT_EQ(detached, 2);
  EXPECT_FALSE(hold->id().empty());
  hold->Release();
  EXPECT_TRUE(Eventually([&] { return daemon->Holds("lobby") == 0; }));
}

TEST(Library, HoldEndsWhenReattachIsRefused) {
  TempDir dir;
  const std::string socket = dir.File("d.sock");
  auto daemon = std::make_unique<FakeDaemon>(socket);
  Client client(Opts(socket));
  std::atomic<bool> ended{false};
  HoldOptions options;
  options.on_ended = [&](const Error& e) {
    EXPECT_EQ(e.CodeName(), "FAILED_PRECONDITION");
    ended = true;
  };
  auto hold = client.HoldRoom("lobby", options);
  ASSERT_TRUE(hold);
  daemon->Stop();
  daemon = std::make_unique<FakeDaemon>(socket, /*refuse=*/true);
  EXPECT_TRUE(Eventually([&] { return ended.load(); }));
  EXPECT_FALSE(hold->active());
}

TEST(Library, HoldSetUnreachableWhenNoSocket) {
  TempDir dir;
  Client client(Opts(dir.File("none.sock")));
  const auto start = std::chrono::steady_clock::now();
  auto set = client.OpenHoldSet();
  ASSERT_FALSE(set);
  EXPECT_TRUE(set.error().unreachable);
  EXPECT_NE(set.error().message.find(dir.File("none.sock")), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "fails fast";
}

// A daemon without HoldMany (the fake, like a presenced older than it):
// UNIMPLEMENTED for the first Add and every later one, not a retry loop.
TEST(Library, HoldSetOnADaemonWithoutHoldMany) {
  TempDir dir;
  FakeDaemon daemon(dir.File("d.sock"));
  Client client(Opts(dir.File("d.sock")));
  std::atomic<int> detached{0};
  HoldSetOptions options;
  options.on_detached = [&](const Error&) { ++detached; };
  auto set = client.OpenHoldSet(options);
  ASSERT_TRUE(set) << set.error().message;
  for (int i = 0; i < 2; ++i) {
    auto key = set->AddRoom("lobby");
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().CodeName(), "UNIMPLEMENTED") << key.error().message;
  }
  EXPECT_EQ(set->size(), 0u);
  EXPECT_EQ(detached, 0);
  HoldSet moved = std::move(*set);
  EXPECT_FALSE(set->AddRoom("lobby"));  // moved from: closed
  moved.Close();
  EXPECT_EQ(moved.AddRoom("lobby").error().CodeName(), "CANCELLED");
}

}  // namespace
}  // namespace presence::client
