// Who may call what, over real loopback gRPC.
#include "service_fixture.h"
#include "support/wait.h"

namespace presence::testing {
namespace {

using grpc::StatusCode;

TEST_F(ServiceTest, WrongApiKeyIsPermissionDenied) {
  grpc::Status status;
  EXPECT_EQ(client_.Login("not-the-key", "alice", "d", &status), "");
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceTest, MissingOrUnknownTokenIsUnauthenticated) {
  v1::GetSettingsResponse response;
  for (const std::string token : {"", "made-up-token"}) {
    const grpc::Status status = client_.presence().GetSettings(
        UpstreamClient::Context(token).get(), {}, &response);
    EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << token;
  }
  const grpc::Status status = Heartbeat("made-up-token", false, {"r"});
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(ServiceTest, SessionTokenWorksAndNamesTheCaller) {
  const std::string token = Login("alice");
  ASSERT_TRUE(Enable(token).ok());
  ASSERT_TRUE(Heartbeat(token, true, {}).ok());
  v1::GetUserPresenceRequest request;
  request.add_user_ids("alice");
  v1::GetUserPresenceResponse response;
  ASSERT_TRUE(client_.presence()
                  .GetUserPresence(UpstreamClient::Context(token).get(),
                                   request, &response)
                  .ok());
  EXPECT_TRUE(response.presences(0).online());
}

TEST_F(ServiceTest, AdminCallsNeedTheAdminToken) {
  v1::NetworkSettings settings;
  for (const std::string& token :
       std::vector<std::string>{"", "wrong", Login("alice")}) {
    const grpc::Status status = client_.admin().GetNetworkSettings(
        UpstreamClient::Context(token).get(), {}, &settings);
    EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
  }
  auto context = UpstreamClient::Context();
  context->AddMetadata("authorization", server_.admin_authorization());
  EXPECT_TRUE(
      client_.admin().GetNetworkSettings(context.get(), {}, &settings).ok());
  EXPECT_EQ(settings.online_threshold_ms(), 300);
}

TEST_F(ServiceTest, SecretsNeverReachTheLog) {
  const std::string token = Login("alice");
  client_.Login("a-wrong-key-attempt", "bob", "d");
  v1::UpdateNetworkSettingsRequest request;
  request.set_sync_interval_ms(1000);
  ASSERT_TRUE(UpdateSettings(request).ok());
  ASSERT_EQ(server_.Stop(), 0);
  const std::string log = server_.log();
  EXPECT_NE(log.find("settings changed"), std::string::npos) << log;
  for (const std::string& secret : {server_.api_key(), server_.admin_token(),
                                    token, std::string("a-wrong-key")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
}

class ShortSessionTest : public ServiceTest {
 protected:
  ShortSessionTest() : ServiceTest({{"--session-ttl=200ms"}, false}) {}
};

TEST_F(ShortSessionTest, ExpiredTokenIsUnauthenticated) {
  const std::string token = Login("alice");
  const auto login_time = std::chrono::steady_clock::now();
  EXPECT_TRUE(Heartbeat(token, false, {"r"}).ok());
  EXPECT_TRUE(WaitUntil(
      [&] {
        return Heartbeat(token, false, {"r"}).error_code() ==
               StatusCode::UNAUTHENTICATED;
      },
      std::chrono::seconds(3)));
  EXPECT_GE(std::chrono::steady_clock::now() - login_time,
            std::chrono::milliseconds(150));
}

class DemoTest : public ServiceTest {
 protected:
  DemoTest() : ServiceTest({kFastFlags, true}) {}
};

TEST_F(DemoTest, AnyApiKeyAndLoopbackAdminAreAccepted) {
  grpc::Status status;
  EXPECT_NE(client_.Login("anything", "alice", "d", &status), "");
  EXPECT_TRUE(status.ok());
  v1::NetworkSettings settings;
  EXPECT_TRUE(
      client_.admin()
          .GetNetworkSettings(UpstreamClient::Context().get(), {}, &settings)
          .ok());
  EXPECT_NE(server_.log().find("demo network"), std::string::npos);
}

}  // namespace
}  // namespace presence::testing
