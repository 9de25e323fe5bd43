// Two presence-server processes sharing one redis-server serve one network:
// heartbeats, reads, admin changes and watches across replicas, and Redis
// restarting underneath them.
#include <unistd.h>

#include <atomic>

#include "service_fixture.h"
#include "support/redis_server_process.h"
#include "support/wait.h"

namespace presence::testing {
namespace {

using grpc::StatusCode;
using std::chrono::milliseconds;

std::vector<std::string> ReplicaFlags(const RedisServerProcess& redis,
                                      const std::string& prefix) {
  std::vector<std::string> flags = kFastFlags;
  flags.push_back("--store=redis");
  flags.push_back("--redis-address=" + redis.address());
  flags.push_back("--redis-key-prefix=" + prefix);
  flags.push_back("--redis-timeout=200ms");
  return flags;
}

std::string FreshPrefix() {
  static std::atomic<int> next{0};
  return "replicas-" + std::to_string(getpid()) + "-" + std::to_string(next++);
}

class RedisReplicasTest : public ::testing::Test {
 protected:
  RedisReplicasTest()
      : prefix_(FreshPrefix()),
        a_({ReplicaFlags(redis_, prefix_), false}),
        b_({ReplicaFlags(redis_, prefix_), false}),
        client_a_(a_.address()),
        client_b_(b_.address()) {}

  std::string Login(UpstreamClient& client, const std::string& user) {
    grpc::Status status;
    std::string token = client.Login(a_.api_key(), user, "device-1", &status);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return token;
  }

  grpc::Status Enable(UpstreamClient& client, const std::string& token) {
    v1::SetUserPresenceEnabledRequest request;
    request.set_enabled(true);
    v1::GetSettingsResponse response;
    return client.presence().SetUserPresenceEnabled(
        UpstreamClient::Context(token).get(), request, &response);
  }

  grpc::Status Heartbeat(UpstreamClient& client, const std::string& token,
                         bool user, const std::vector<std::string>& rooms) {
    v1::HeartbeatRequest request;
    request.set_user(user);
    for (const auto& room : rooms) request.add_room_ids(room);
    v1::HeartbeatResponse response;
    return client.presence().Heartbeat(UpstreamClient::Context(token).get(),
                                       request, &response);
  }

  grpc::Status RoomCount(UpstreamClient& client, const std::string& token,
                         const std::string& room, std::int64_t* count) {
    v1::GetRoomViewerCountRequest request;
    request.set_room_id(room);
    v1::GetRoomViewerCountResponse response;
    grpc::Status status = client.presence().GetRoomViewerCount(
        UpstreamClient::Context(token).get(), request, &response);
    *count = response.count();
    return status;
  }

  bool Online(UpstreamClient& client, const std::string& token,
              const std::string& user) {
    v1::GetUserPresenceRequest request;
    request.add_user_ids(user);
    v1::GetUserPresenceResponse response;
    const grpc::Status status = client.presence().GetUserPresence(
        UpstreamClient::Context(token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() && response.presences(0).online();
  }

  RedisServerProcess redis_;
  std::string prefix_;
  PresenceServerProcess a_;
  PresenceServerProcess b_;
  UpstreamClient client_a_;
  UpstreamClient client_b_;
};

TEST_F(RedisReplicasTest, HeartbeatThroughAIsReadThroughB) {
  const std::string alice = Login(client_a_, "alice");
  ASSERT_TRUE(Enable(client_a_, alice).ok());
  ASSERT_TRUE(Heartbeat(client_a_, alice, true, {"r1"}).ok());
  // The token was made by A; B finds it in Redis.
  EXPECT_TRUE(Online(client_b_, alice, "alice"));
  std::int64_t count = 0;
  ASSERT_TRUE(RoomCount(client_b_, alice, "r1", &count).ok());
  EXPECT_EQ(count, 1);
  const std::string bob = Login(client_b_, "bob");
  ASSERT_TRUE(Heartbeat(client_b_, bob, false, {"r1"}).ok());
  ASSERT_TRUE(RoomCount(client_a_, bob, "r1", &count).ok());
  EXPECT_EQ(count, 2);
}

TEST_F(RedisReplicasTest, AdminChangeThroughAReachesSettingsWatchOnB) {
  const std::string alice = Login(client_b_, "alice");
  auto context = UpstreamClient::Context(alice);
  auto reader = client_b_.presence().WatchSettings(context.get(), {});
  v1::GetSettingsResponse settings;
  ASSERT_TRUE(reader->Read(&settings));
  EXPECT_EQ(settings.network().user_heartbeat_interval_ms(), 100);

  v1::UpdateNetworkSettingsRequest update;
  update.set_sync_interval_ms(1234);
  auto admin = UpstreamClient::Context();
  admin->AddMetadata("authorization", a_.admin_authorization());
  v1::NetworkSettings updated;
  ASSERT_TRUE(client_a_.admin()
                  .UpdateNetworkSettings(admin.get(), update, &updated)
                  .ok());
  ASSERT_TRUE(reader->Read(&settings));
  EXPECT_EQ(settings.network().sync_interval_ms(), 1234);

  ASSERT_TRUE(Enable(client_a_, alice).ok()) << "user switch through A";
  ASSERT_TRUE(reader->Read(&settings));
  EXPECT_TRUE(settings.user().enabled());
  context->TryCancel();
}

TEST_F(RedisReplicasTest, WatchOnBSeesOnlineThroughAAndOfflineByExpiry) {
  const std::string alice = Login(client_a_, "alice");
  ASSERT_TRUE(Enable(client_a_, alice).ok());
  auto context = UpstreamClient::Context(alice);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
  v1::WatchRequest watch;
  watch.add_user_ids("alice");
  watch.add_room_ids("r1");
  auto reader = client_b_.presence().Watch(context.get(), watch);
  bool online = true;
  std::int64_t viewers = -1;
  v1::WatchEvent event;
  auto read_until = [&](bool want_online, std::int64_t want_viewers) {
    while (online != want_online || viewers != want_viewers) {
      if (!reader->Read(&event)) return false;
      if (event.has_user()) online = event.user().online();
      if (event.has_room()) viewers = event.room().count();
    }
    return true;
  };
  ASSERT_TRUE(read_until(false, 0)) << "initial state";

  ASSERT_TRUE(Heartbeat(client_a_, alice, true, {"r1"}).ok());
  ASSERT_TRUE(read_until(true, 1));
  // No more heartbeats: gone within threshold (300ms) + a sweep (50ms).
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_TRUE(read_until(false, 0));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, milliseconds(1500));
  context->TryCancel();
}

TEST_F(RedisReplicasTest, RedisRestartIsUnavailableThenRecovers) {
  const std::string bob = Login(client_a_, "bob");
  std::int64_t count = 0;
  ASSERT_TRUE(Heartbeat(client_a_, bob, false, {"r1"}).ok());
  ASSERT_TRUE(RoomCount(client_b_, bob, "r1", &count).ok());

  redis_.Kill();
  const grpc::Status down = Heartbeat(client_a_, bob, false, {"r1"});
  EXPECT_EQ(down.error_code(), StatusCode::UNAVAILABLE);
  EXPECT_NE(down.error_message().find("redis at " + redis_.address()),
            std::string::npos)
      << down.error_message();
  EXPECT_EQ(RoomCount(client_b_, bob, "r1", &count).error_code(),
            StatusCode::UNAVAILABLE);
  grpc::Status login;
  client_b_.Login(a_.api_key(), "carol", "d", &login);
  EXPECT_EQ(login.error_code(), StatusCode::UNAVAILABLE);

  redis_.Start();  // same port, empty
  EXPECT_TRUE(
      WaitUntil([&] { return Heartbeat(client_a_, bob, false, {"r1"}).ok(); },
                milliseconds(5000), milliseconds(20)));
  ASSERT_TRUE(RoomCount(client_b_, bob, "r1", &count).ok());
  EXPECT_EQ(count, 1) << "presence rebuilt by the next heartbeat";
  EXPECT_TRUE(a_.Stop() == 0 && b_.Stop() == 0) << "nothing crashed";
}

}  // namespace
}  // namespace presence::testing
