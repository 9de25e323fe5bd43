// libpresence-client end to end: presence::client::Client and Hold against
// the real presenced and presence-server (tests/client/e2e_fixture.h).
#include <atomic>
#include <csignal>
#include <mutex>

#include "e2e_fixture.h"
#include "presence/client/client.h"

namespace presence::testing {
namespace {

using Clock = std::chrono::steady_clock;
namespace client = ::presence::client;

class LibraryE2eTest : public E2eTest {
 protected:
  client::Client Connect() {
    client::Options options;
    options.socket_path = daemon_->socket_path();
    options.timeout = milliseconds(3000);
    options.client_name = "library-e2e";
    return client::Client(options);
  }
};

TEST_F(LibraryE2eTest, HoldIsReleasedOnDestruction) {
  client::Client c = Connect();
  std::optional<client::Hold> hold;
  {
    auto held = c.HoldRoom("lobby");
    ASSERT_TRUE(held) << held.error().message;
    hold.emplace(std::move(*held));
  }
  EXPECT_TRUE(hold->held());
  EXPECT_TRUE(hold->active());
  EXPECT_FALSE(hold->id().empty());
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("lobby") == 1; },
                        milliseconds(2000)));
  auto status = c.GetStatus();
  ASSERT_TRUE(status) << status.error().message;
  ASSERT_EQ(status->targets_size(), 1);
  ASSERT_EQ(status->targets(0).holders_size(), 1);
  EXPECT_EQ(status->targets(0).holders(0).hold_id(), hold->id());
  EXPECT_TRUE(status->targets(0).holders(0).attached());
  EXPECT_EQ(status->targets(0).holders(0).client_name(), "library-e2e");

  const auto released_at = Clock::now();
  hold.reset();
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("lobby") == 0; },
                        milliseconds(300)))
      << "the count did not drop at once";
  RecordProperty("drop_after_release_ms",
                 std::to_string(std::chrono::duration_cast<milliseconds>(
                                    Clock::now() - released_at)
                                    .count()));
  status = c.GetStatus();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->targets_size(), 0);
}

TEST_F(LibraryE2eTest, TwoHoldsAreOneViewerAndOneReleaseKeepsTheOther) {
  client::Client c = Connect();
  auto first = c.HoldRoom("shared");
  auto second = c.HoldRoom("shared");
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->id(), second->id());
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("shared") == 1; },
                        milliseconds(2000)));
  first->Release();
  EXPECT_FALSE(first->active());
  // Still held by the other: give a leave time to (wrongly) arrive.
  std::this_thread::sleep_for(milliseconds(150));
  EXPECT_EQ(truth_->RoomCount("shared"), 1);
  second->Release();
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("shared") == 0; },
                        milliseconds(300)));
}

TEST_F(LibraryE2eTest, HoldReattachesAfterADaemonRestart) {
  client::Client c = Connect();
  std::mutex mu;
  std::vector<client::Gap> gaps;
  std::atomic<int> detached{0}, ended{0};
  client::HoldOptions options;
  options.on_gap = [&](const client::Gap& gap) {
    std::lock_guard<std::mutex> lock(mu);
    gaps.push_back(gap);
  };
  options.on_detached = [&](const client::Error&) { ++detached; };
  options.on_ended = [&](const client::Error&) { ++ended; };
  auto hold = c.HoldRoom("resilient", options);
  ASSERT_TRUE(hold) << hold.error().message;
  const std::string first_id = hold->id();
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("resilient") == 1; },
                        milliseconds(2000)));

  const auto stop_started = Clock::now();
  ASSERT_EQ(daemon_->Stop(), 0);
  // A stop is not a leave at once: within the restart grace the server
  // still counts the viewer, so a restart is invisible to watchers.
  EXPECT_EQ(truth_->RoomCount("resilient"), 1);
  EXPECT_TRUE(
      WaitUntil([&] { return detached.load() == 1; }, milliseconds(1000)));
  EXPECT_FALSE(hold->held());
  EXPECT_TRUE(hold->active()) << "a stopped daemon does not end the hold";

  daemon_->Restart();  // same socket and state dir
  const auto back_at = Clock::now();
  ASSERT_TRUE(WaitUntil(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !gaps.empty();
      },
      milliseconds(1000)))
      << "not re-attached within 1 s of the daemon coming back";
  ASSERT_TRUE(WaitUntil(
      [&] { return truth_->RoomCount("resilient") == 1; },
      milliseconds(1000) -
          std::chrono::duration_cast<milliseconds>(Clock::now() - back_at)))
      << "the server does not count the re-attached hold within 1 s";
  const auto reattach =
      std::chrono::duration_cast<milliseconds>(Clock::now() - back_at);
  RecordProperty("reattach_ms", std::to_string(reattach.count()));

  EXPECT_TRUE(hold->held());
  EXPECT_TRUE(hold->active());
  EXPECT_NE(hold->id(), first_id) << "a new hold on the new daemon";
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(gaps.size(), 1u);
    EXPECT_GT(gaps[0].duration(), milliseconds(0));
    // The gap covers the time the daemon was away, and no more than the
    // whole stop + start + re-attach.
    EXPECT_LE(gaps[0].duration(), std::chrono::duration_cast<milliseconds>(
                                      Clock::now() - stop_started) +
                                      milliseconds(50));
  }
  EXPECT_EQ(ended.load(), 0);
  auto status = c.GetStatus();
  ASSERT_TRUE(status) << status.error().message;
  ASSERT_EQ(status->targets_size(), 1);
  EXPECT_EQ(status->targets(0).holders(0).hold_id(), hold->id());

  // And it still releases at once on the new daemon.
  hold->Release();
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("resilient") == 0; },
                        milliseconds(300)));
}

// A crash (SIGKILL, no leave, no goodbye on the stream) and a fresh start on
// the same socket: the hold comes back by itself.
TEST_F(LibraryE2eTest, HoldReattachesAfterADaemonCrash) {
  client::Client c = Connect();
  std::atomic<int> gaps{0}, detached{0};
  client::HoldOptions options;
  options.on_gap = [&](const client::Gap&) { ++gaps; };
  options.on_detached = [&](const client::Error&) { ++detached; };
  auto hold = c.HoldRoom("crashy", options);
  ASSERT_TRUE(hold) << hold.error().message;
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("crashy") == 1; },
                        milliseconds(2000)));
  daemon_->process().Signal(SIGKILL);
  ASSERT_TRUE(daemon_->process().Wait(milliseconds(2000)).has_value());
  ASSERT_TRUE(
      WaitUntil([&] { return detached.load() == 1; }, milliseconds(1000)));
  daemon_->Restart();
  ASSERT_TRUE(WaitUntil([&] { return gaps.load() == 1; }, milliseconds(1000)))
      << "not re-attached within 1 s of the daemon coming back";
  EXPECT_TRUE(hold->held());
  auto status = c.GetStatus();
  ASSERT_TRUE(status) << status.error().message;
  ASSERT_EQ(status->targets_size(), 1);
  EXPECT_EQ(status->targets(0).holders(0).hold_id(), hold->id());
  hold->Release();
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("crashy") == 0; },
                        milliseconds(300)));
}

TEST_F(LibraryE2eTest, CallsMatchTheServer) {
  client::Client c = Connect();
  ASSERT_TRUE(c.WaitConnected());
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto s = c.GetStatus();
        return s && s->room_heartbeat_interval().source() == "server";
      },
      milliseconds(5000)));
  auto enabled = c.Enable();
  ASSERT_TRUE(enabled) << enabled.error().message;
  EXPECT_TRUE(*enabled);
  EXPECT_TRUE(truth_->UserEnabled("alice"));

  auto user = c.StartUserHeartbeat();
  ASSERT_TRUE(user) << user.error().message;
  auto room = c.StartRoomHeartbeat("hall", milliseconds(60000));
  ASSERT_TRUE(room) << room.error().message;
  ASSERT_TRUE(WaitUntil(
      [&] {
        return truth_->User("alice").online() && truth_->RoomCount("hall") == 1;
      },
      milliseconds(2000)));
  auto count = c.GetRoomViewerCount("hall");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->count(), 1);
  auto viewers = c.ListAllRoomViewers("hall", 1);
  ASSERT_TRUE(viewers);
  ASSERT_EQ(viewers->size(), 1u);
  EXPECT_EQ(viewers->front().user_id(), "alice");
  EXPECT_EQ(viewers->front().joined_at_ms(),
            truth_->RoomViewers("hall").at(0).joined_at_ms());
  auto online = c.GetOnlineUserCount();
  ASSERT_TRUE(online);
  EXPECT_EQ(*online, truth_->OnlineCount());

  auto stopped = c.StopRoomHeartbeat("hall", *room);
  ASSERT_TRUE(stopped);
  EXPECT_EQ(*stopped, 1);
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("hall") == 0; },
                        milliseconds(300)));
  auto again = c.StopRoomHeartbeat("hall");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().CodeName(), "NOT_FOUND");
  EXPECT_FALSE(again.error().unreachable);
  ASSERT_TRUE(c.StopUserHeartbeat());
  EXPECT_TRUE(WaitUntil([&] { return !truth_->User("alice").online(); },
                        milliseconds(500)));

  ASSERT_EQ(daemon_->Stop(), 0);
  auto gone = c.GetStatus();
  ASSERT_FALSE(gone);
  EXPECT_TRUE(gone.error().unreachable) << gone.error().message;
}

}  // namespace
}  // namespace presence::testing
