// Heartbeats, leaves, reads and expiry through the real server.
#include "service_fixture.h"
#include "support/wait.h"

namespace presence::testing {
namespace {

using grpc::StatusCode;
using std::chrono::milliseconds;

TEST_F(ServiceTest, UserHeartbeatNeedsEnableFirst) {
  const std::string token = Login("alice");
  const grpc::Status status = Heartbeat(token, true, {"r1"});
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("enable it first"), std::string::npos)
      << status.error_message();

  ASSERT_TRUE(Enable(token).ok());
  v1::HeartbeatResponse response;
  ASSERT_TRUE(Heartbeat(token, true, {"r1"}, &response).ok());
  EXPECT_EQ(response.network().user_heartbeat_interval_ms(), 100);
  EXPECT_EQ(response.network().online_threshold_ms(), 300);
  const auto now_ms = std::chrono::duration_cast<milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_NEAR(response.server_time_ms(), now_ms, 5000);
}

TEST_F(ServiceTest, DisabledNetworkFailsHeartbeatsWithAClearMessage) {
  const std::string token = Login("alice");
  v1::UpdateNetworkSettingsRequest request;
  request.set_presence_enabled(false);
  v1::NetworkSettings settings;
  ASSERT_TRUE(UpdateSettings(request, &settings).ok());
  EXPECT_FALSE(settings.presence_enabled());

  const grpc::Status status = Heartbeat(token, false, {"r1"});
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("presence is disabled"),
            std::string::npos)
      << status.error_message();
  EXPECT_EQ(RoomCount(token, "r1"), 0);
}

TEST_F(ServiceTest, OnlineUsersPageThroughOpaqueTokens) {
  // Paging, not expiry: the users stay online however slowly 25 of them log
  // in (the fixture's 300 ms threshold is for the expiry tests).
  v1::UpdateNetworkSettingsRequest lasting;
  lasting.set_online_threshold_ms(60'000);
  v1::NetworkSettings settings;
  ASSERT_TRUE(UpdateSettings(lasting, &settings).ok());
  std::set<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    const std::string user = "user" + std::to_string(i);
    const std::string token = Login(user);
    ASSERT_TRUE(Enable(token).ok());
    ASSERT_TRUE(Heartbeat(token, true, {}).ok());
    expected.insert(user);
  }
  const std::string reader = Login("reader");
  v1::GetOnlineUserCountResponse count;
  ASSERT_TRUE(
      client_.presence()
          .GetOnlineUserCount(UpstreamClient::Context(reader).get(), {}, &count)
          .ok());
  EXPECT_EQ(count.count(), 25);

  std::vector<std::string> seen;
  v1::ListOnlineUsersRequest request;
  std::vector<int> sizes;
  do {
    v1::ListOnlineUsersResponse page;
    ASSERT_TRUE(client_.presence()
                    .ListOnlineUsers(UpstreamClient::Context(reader).get(),
                                     request, &page)
                    .ok());
    sizes.push_back(page.users_size());
    for (const auto& user : page.users()) seen.push_back(user.user_id());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(sizes, (std::vector<int>{20, 5}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size());
}

TEST_F(ServiceTest, RoomCountsUsersAcrossDevicesAndLeaveIsImmediate) {
  const std::string phone = Login("alice", "phone");
  const std::string tv = Login("alice", "tv");
  ASSERT_TRUE(Heartbeat(phone, false, {"r1"}).ok());
  ASSERT_TRUE(Heartbeat(tv, false, {"r1"}).ok());
  EXPECT_EQ(RoomCount(phone, "r1"), 1);

  v1::ListRoomViewersRequest request;
  request.set_room_id("r1");
  v1::ListRoomViewersResponse viewers;
  ASSERT_TRUE(
      client_.presence()
          .ListRoomViewers(UpstreamClient::Context(tv).get(), request, &viewers)
          .ok());
  ASSERT_EQ(viewers.viewers_size(), 1);
  EXPECT_EQ(viewers.viewers(0).user_id(), "alice");
  EXPECT_GT(viewers.viewers(0).joined_at_ms(), 0);

  ASSERT_TRUE(Leave(phone, false, {"r1"}).ok());
  EXPECT_EQ(RoomCount(phone, "r1"), 1);
  ASSERT_TRUE(Leave(tv, false, {"r1"}).ok());
  EXPECT_EQ(RoomCount(phone, "r1"), 0);
}

TEST_F(ServiceTest, SilentViewerExpiresWithinThresholdPlusSweep) {
  const std::string token = Login("alice");
  ASSERT_TRUE(Heartbeat(token, false, {"r1"}).ok());
  const auto beat = std::chrono::steady_clock::now();
  EXPECT_EQ(RoomCount(token, "r1"), 1);
  ASSERT_TRUE(WaitUntil([&] { return RoomCount(token, "r1") == 0; },
                        std::chrono::seconds(3)));
  const auto gone_after = std::chrono::steady_clock::now() - beat;
  EXPECT_GE(gone_after, milliseconds(290));
  EXPECT_LT(gone_after, milliseconds(1000));
}

TEST_F(ServiceTest, RoomIntervalAndTimeoutChangeTogether) {
  v1::UpdateNetworkSettingsRequest request;
  request.set_room_heartbeat_interval_ms(1000);
  request.set_room_timeout_ms(2000);
  v1::NetworkSettings settings;
  const grpc::Status status = UpdateSettings(request, &settings);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(settings.room_heartbeat_interval_ms(), 1000);
  EXPECT_EQ(settings.room_timeout_ms(), 2000);

  const std::string token = Login("alice");
  v1::HeartbeatResponse response;
  ASSERT_TRUE(Heartbeat(token, false, {"r1"}, &response).ok());
  EXPECT_EQ(response.network().room_timeout_ms(), 2000) << "clients see it";
}

// Timeouts long enough (3s) that a count dropping within a second was
// dropped by the graceful leave.
class GraceServiceTest : public ServiceTest {
 protected:
  GraceServiceTest()
      : ServiceTest(
            {{"--online-threshold=3s", "--room-timeout=3s",
              "--user-heartbeat-interval=100ms",
              "--room-heartbeat-interval=100ms", "--sweep-interval=50ms"},
             false}) {}
};

TEST_F(GraceServiceTest, GracefulLeaveEndsTheRoomAfterTheGrace) {
  const std::string token = Login("alice");
  ASSERT_TRUE(Heartbeat(token, false, {"r1"}).ok());
  ASSERT_TRUE(Leave(token, false, {"r1"}, 200).ok());
  const auto left = std::chrono::steady_clock::now();
  EXPECT_EQ(RoomCount(token, "r1"), 1) << "counted during the grace";
  ASSERT_TRUE(WaitUntil([&] { return RoomCount(token, "r1") == 0; },
                        std::chrono::seconds(3)));
  const auto gone_after = std::chrono::steady_clock::now() - left;
  EXPECT_GE(gone_after, milliseconds(190));
  EXPECT_LT(gone_after, milliseconds(1500));
}

}  // namespace
}  // namespace presence::testing
