// presenced end to end against the Redis store: a real redis-server (on its
// unix socket), two presence-server replicas A and B sharing it, and presenced
// connected to A. Everything is read back through B, so it can only be seen
// if the daemon's heartbeats and leaves reached the shared store. Heartbeats
// every 50 ms and a 3 s online threshold and room timeout (kFastServerFlags):
// a count that drops within 1 s was dropped by a leave, not by expiry.
#include "daemon_fixture.h"
#include "support/redis_server_process.h"
#include "support/upstream_client.h"

namespace presence::testing {
namespace {

using Clock = std::chrono::steady_clock;

class PresencedRedisTest : public DaemonTest {
 protected:
  void SetUp() override {
    if (!RedisServerProcess::Available()) GTEST_SKIP() << "no redis-server";
    redis_ = std::make_unique<RedisServerProcess>();
    DaemonTest::SetUp();  // server_ is replica A; presenced talks to it
    replica_b_ = std::make_unique<PresenceServerProcess>(
        PresenceServerOptions{ServerFlags()});
    ASSERT_NE(replica_b_->address(), server_->address());
    reader_ = std::make_unique<UpstreamClient>(replica_b_->address());
    grpc::Status status;
    token_ = reader_->Login(replica_b_->api_key(), "observer",
                            "observer-device", &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::vector<std::string> ServerFlags() const override {
    std::vector<std::string> flags = DaemonTest::ServerFlags();
    flags.push_back("--store=redis");
    flags.push_back("--redis-address=unix:" + redis_->socket_path());
    return flags;
  }

  // The viewer count of `room` as replica B reads it (-1 on error).
  int64_t RoomCountOnB(const std::string& room) {
    pb::GetRoomViewerCountRequest request;
    request.set_room_id(room);
    pb::GetRoomViewerCountResponse response;
    const grpc::Status status = reader_->presence().GetRoomViewerCount(
        UpstreamClient::Context(token_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() ? response.count() : -1;
  }

  // Whether replica B reads `user` as online.
  bool OnlineOnB(const std::string& user) {
    pb::GetUserPresenceRequest request;
    request.add_user_ids(user);
    pb::GetUserPresenceResponse response;
    const grpc::Status status = reader_->presence().GetUserPresence(
        UpstreamClient::Context(token_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.presences_size(), 1);
    return status.ok() && response.presences_size() == 1 &&
           response.presences(0).user_id() == user &&
           response.presences(0).online();
  }

  // Both replicas' and the daemon's logs, for failure messages.
  std::string Logs() const {
    return "--- presenced:\n" + daemon_->log() + "--- replica A:\n" +
           server_->log() + "--- replica B:\n" + replica_b_->log();
  }

  std::unique_ptr<RedisServerProcess> redis_;
  std::unique_ptr<PresenceServerProcess> replica_b_;
  std::unique_ptr<UpstreamClient> reader_;
  std::string token_;  // the observer's session, made by B
};

TEST_F(PresencedRedisTest, RoomHeldThroughDaemonOnAIsCountedOnB) {
  EXPECT_EQ(RoomCountOnB("redis-lobby"), 0);
  HoldStream hold(daemon_->socket_path(), RoomTarget("redis-lobby"));
  ASSERT_TRUE(
      hold.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(2000)))
      << Logs();
  EXPECT_TRUE(WaitUntil([&] { return RoomCountOnB("redis-lobby") == 1; },
                        milliseconds(2000)))
      << "count on B: " << RoomCountOnB("redis-lobby") << "\n"
      << Logs();
  EXPECT_EQ(RoomCount("redis-lobby"), 1) << "A, read through the daemon";
}

TEST_F(PresencedRedisTest, TwoLocalHoldsAreOneViewerOnBUntilTheLastLeaves) {
  HoldStream first(daemon_->socket_path(), RoomTarget("redis-stage"));
  HoldStream second(daemon_->socket_path(), RoomTarget("redis-stage"));
  ASSERT_TRUE(
      first.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(2000)))
      << Logs();
  ASSERT_TRUE(second.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED,
                             milliseconds(2000)));
  ASSERT_TRUE(WaitUntil([&] { return RoomCountOnB("redis-stage") != 0; },
                        milliseconds(2000)))
      << Logs();
  EXPECT_EQ(RoomCountOnB("redis-stage"), 1) << "one device, one viewer";
  const pb::Status status = GetStatus();
  ASSERT_EQ(status.targets_size(), 1);
  EXPECT_EQ(status.targets(0).holders_size(), 2);

  // Releasing one: the daemon drops it, and no leave reaches the store. A
  // wrong leave would be undone by the next heartbeat within 50 ms, so B is
  // polled (every 5 ms) over several intervals for any count but 1.
  first.Cancel();
  EXPECT_EQ(first.Finish(milliseconds(2000)).error_code(),
            grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(WaitUntil(
      [&] {
        const pb::Status now = GetStatus();
        return now.targets_size() == 1 && now.targets(0).holders_size() == 1;
      },
      milliseconds(1000)));
  int64_t seen = 1;
  EXPECT_FALSE(WaitUntil(
      [&] {
        seen = RoomCountOnB("redis-stage");
        return seen != 1;
      },
      milliseconds(300)))
      << "count on B became " << seen << " while one hold remained\n"
      << Logs();

  // Releasing the last: a leave, seen on B long before the 3 s expiry.
  const auto released_at = Clock::now();
  second.Cancel();
  ASSERT_TRUE(WaitUntil([&] { return RoomCountOnB("redis-stage") == 0; },
                        milliseconds(1000)))
      << "count on B still " << RoomCountOnB("redis-stage") << "\n"
      << Logs();
  RecordProperty("leave_on_b_ms",
                 std::to_string(std::chrono::duration_cast<milliseconds>(
                                    Clock::now() - released_at)
                                    .count()));
  EXPECT_EQ(GetStatus().targets_size(), 0);
}

TEST_F(PresencedRedisTest, UserHeartbeatThroughDaemonOnAIsOnlineOnBUntilLeave) {
  WaitForServerSettings();
  EXPECT_FALSE(OnlineOnB("alice"));
  grpc::ClientContext enable_context;
  pb::IsEnabledResponse enabled;
  ASSERT_TRUE(
      control_->Enable(&enable_context, pb::EnableRequest(), &enabled).ok());
  ASSERT_TRUE(enabled.enabled());
  HoldStream hold(daemon_->socket_path(), UserTarget());
  ASSERT_TRUE(
      hold.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(2000)))
      << Logs();
  EXPECT_TRUE(WaitUntil([&] { return OnlineOnB("alice"); }, milliseconds(2000)))
      << Logs();

  // Releasing the user: a leave, offline on B long before the 3 s expiry.
  hold.Cancel();
  EXPECT_TRUE(
      WaitUntil([&] { return !OnlineOnB("alice"); }, milliseconds(1000)))
      << Logs();
}

}  // namespace
}  // namespace presence::testing
