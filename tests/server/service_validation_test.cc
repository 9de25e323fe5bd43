// Every bad input is INVALID_ARGUMENT naming the field, and the server
// stays up.
#include "service_fixture.h"
#include "support/raw_call.h"

namespace presence::testing {
namespace {

using grpc::StatusCode;

void ExpectInvalid(const grpc::Status& status, const std::string& field) {
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_NE(status.error_message().find(field), std::string::npos)
      << "'" << status.error_message() << "' should name " << field;
}

std::vector<std::string> Ids(int count, const std::string& prefix = "id") {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

class ValidationTest : public ServiceTest {
 protected:
  void SetUp() override { token_ = Login("alice"); }

  // Opens a Watch that must end before its first event; returns how.
  grpc::Status RefusedWatch(const v1::WatchRequest& request) {
    auto context = UpstreamClient::Context(token_);
    auto reader = client_.presence().Watch(context.get(), request);
    v1::WatchEvent event;
    EXPECT_FALSE(reader->Read(&event));
    return reader->Finish();
  }

  std::string token_;
};

TEST_F(ValidationTest, CreateSessionChecksUserAndDevice) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"", "d", "user_id must not be empty"},
      {"u\n", "d", "user_id contains a control character"},
      {"u", "", "device_id must not be empty"},
      {"u", std::string(257, 'x'), "device_id is 257 bytes"},
  };
  for (const auto& [user, device, message] : cases) {
    grpc::Status status;
    client_.Login(server_.api_key(), user, device, &status);
    ExpectInvalid(status, message);
  }
  grpc::Status status;
  client_.Login(server_.api_key(), std::string(256, 'u'), "d", &status);
  EXPECT_TRUE(status.ok()) << "256 bytes is allowed";
}

// proto3 strings must be UTF-8 and protobuf refuses to parse any that is
// not, so the service parses requests itself to name the field.
TEST_F(ValidationTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  grpc::Status status;
  client_.Login(server_.api_key(), "\xff\xfe", "d", &status);
  ExpectInvalid(status, "user_id is not valid UTF-8 (at byte 0)");
  ExpectInvalid(Heartbeat(token_, false, {"fine", "ok\xc0\x80"}),
                "room_ids[1] is not valid UTF-8 (at byte 2)");
  ExpectInvalid(Leave(token_, false, {"\xed\xa0\x80"}),
                "room_ids[0] is not valid UTF-8");

  v1::GetRoomViewerCountRequest count_request;
  count_request.set_room_id("r\xff");
  v1::GetRoomViewerCountResponse count;
  ExpectInvalid(
      client_.presence().GetRoomViewerCount(
          UpstreamClient::Context(token_).get(), count_request, &count),
      "room_id is not valid UTF-8");

  v1::ListOnlineUsersRequest page_request;
  page_request.set_page_token("\xff");
  v1::ListOnlineUsersResponse page;
  ExpectInvalid(client_.presence().ListOnlineUsers(
                    UpstreamClient::Context(token_).get(), page_request, &page),
                "page_token is not valid UTF-8");

  v1::WatchRequest watch_request;
  watch_request.add_room_ids("fine");
  watch_request.add_room_ids("\xf4\x90\x80\x80");
  ExpectInvalid(RefusedWatch(watch_request), "room_ids[1] is not valid UTF-8");

  EXPECT_TRUE(Heartbeat(token_, false, {"fine"}).ok()) << "still serving";
  // protobuf's own complaint about each string goes to the debug log, not
  // to stderr at ERROR where a peer could flood the journal with it.
  const std::string log = server_.log();
  EXPECT_NE(log.find("[debug] protobuf ("), std::string::npos) << log;
  EXPECT_EQ(log.find("libprotobuf ERROR"), std::string::npos) << log;
}

TEST_F(ValidationTest, BytesThatAreNoRequestAreInvalidArgument) {
  // Field 2 (room_ids) announces 9 bytes and carries 5.
  auto context = UpstreamClient::Context(token_);
  ExpectInvalid(
      CallWithBytes(client_.channel(), context.get(),
                    "/presence.v1.PresenceService/Heartbeat", {"\x12\x09short"})
          .status,
      "not a valid presence.v1.HeartbeatRequest message");
  auto admin = UpstreamClient::Context();
  admin->AddMetadata("authorization", server_.admin_authorization());
  ExpectInvalid(
      CallWithBytes(client_.channel(), admin.get(),
                    "/presence.v1.AdminService/UpdateNetworkSettings", {"\xff"})
          .status,
      "not a valid presence.v1.UpdateNetworkSettingsRequest");
  EXPECT_TRUE(Heartbeat(token_, false, {"fine"}).ok()) << "still serving";
}

// Random requests to every method, with valid credentials so that whatever
// parses reaches the handlers: each call ends with a deliberate answer
// (never INTERNAL, UNKNOWN, UNIMPLEMENTED or a dropped connection).
TEST_F(ValidationTest, RandomRequestsToEveryMethodGetADeliberateAnswer) {
  for (const std::string service :
       {"presence.v1.PresenceService", "presence.v1.AdminService"}) {
    const auto methods = Methods(service);
    ASSERT_FALSE(methods.empty()) << service;
    for (const auto* method : methods) {
      for (const auto& request :
           RandomRequests(*method->input_type(), 12, /*seed=*/42)) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             CallBudget(*method));
        context.AddMetadata("authorization",
                            service == "presence.v1.AdminService"
                                ? server_.admin_authorization()
                                : "Bearer " + token_);
        const auto result = CallWithBytes(client_.channel(), &context,
                                          MethodPath(*method), {request});
        EXPECT_TRUE(IsCleanAnswer(*method, result.status.error_code()))
            << MethodPath(*method) << ": " << result.status.error_code() << " "
            << result.status.error_message();
      }
    }
  }
  EXPECT_TRUE(Heartbeat(token_, false, {"fine"}).ok()) << "still serving";
}

TEST_F(ValidationTest, HeartbeatAndLeaveCheckRoomIds) {
  ExpectInvalid(Heartbeat(token_, false, {"ok", ""}),
                "room_ids[1] must not be empty");
  ExpectInvalid(Heartbeat(token_, false, Ids(1001)), "room_ids has 1001");
  EXPECT_TRUE(Heartbeat(token_, false, Ids(1000)).ok());
  EXPECT_EQ(RoomCount(token_, "id999"), 1);
  ExpectInvalid(Leave(token_, false, {"a\x7f"}), "room_ids[0] contains");
  ExpectInvalid(Leave(token_, false, Ids(1001)), "room_ids has 1001");
}

TEST_F(ValidationTest, UserPresenceReadIsCappedAt220) {
  v1::GetUserPresenceRequest request;
  for (const auto& id : Ids(221)) request.add_user_ids(id);
  v1::GetUserPresenceResponse response;
  ExpectInvalid(client_.presence().GetUserPresence(
                    UpstreamClient::Context(token_).get(), request, &response),
                "user_ids has 221");

  request.mutable_user_ids()->RemoveLast();
  ASSERT_TRUE(client_.presence()
                  .GetUserPresence(UpstreamClient::Context(token_).get(),
                                   request, &response)
                  .ok());
  ASSERT_EQ(response.presences_size(), 220);
  EXPECT_EQ(response.presences(219).user_id(), "id219");
  EXPECT_FALSE(response.presences(219).online());
  EXPECT_EQ(response.presences(219).last_heartbeat_ms(), 0);

  request.set_user_ids(5, "");
  ExpectInvalid(client_.presence().GetUserPresence(
                    UpstreamClient::Context(token_).get(), request, &response),
                "user_ids[5]");
}

TEST_F(ValidationTest, PagingChecksSizeAndToken) {
  v1::ListOnlineUsersResponse users;
  for (const int size : {-1, 101}) {
    v1::ListOnlineUsersRequest request;
    request.set_page_size(size);
    ExpectInvalid(client_.presence().ListOnlineUsers(
                      UpstreamClient::Context(token_).get(), request, &users),
                  "page_size");
  }
  v1::ListOnlineUsersRequest request;
  request.set_page_token("forged!");
  ExpectInvalid(client_.presence().ListOnlineUsers(
                    UpstreamClient::Context(token_).get(), request, &users),
                "page_token");

  v1::ListRoomViewersRequest viewers_request;
  v1::ListRoomViewersResponse viewers;
  viewers_request.set_room_id("r");
  viewers_request.set_page_token("forged!");
  ExpectInvalid(
      client_.presence().ListRoomViewers(UpstreamClient::Context(token_).get(),
                                         viewers_request, &viewers),
      "page_token");
  viewers_request.clear_page_token();
  viewers_request.set_room_id("");
  ExpectInvalid(
      client_.presence().ListRoomViewers(UpstreamClient::Context(token_).get(),
                                         viewers_request, &viewers),
      "room_id must not be empty");
}

TEST_F(ValidationTest, RoomCountChecksRoomId) {
  v1::GetRoomViewerCountRequest request;
  request.set_room_id(std::string(300, 'r'));
  v1::GetRoomViewerCountResponse response;
  ExpectInvalid(client_.presence().GetRoomViewerCount(
                    UpstreamClient::Context(token_).get(), request, &response),
                "room_id is 300 bytes");
}

TEST_F(ValidationTest, WatchChecksIdsBeforeStreaming) {
  v1::WatchRequest request;
  request.add_user_ids("fine");
  request.add_user_ids("");
  ExpectInvalid(RefusedWatch(request), "user_ids[1]");

  v1::WatchRequest rooms;
  for (const auto& id : Ids(1001)) rooms.add_room_ids(id);
  ExpectInvalid(RefusedWatch(rooms), "room_ids has 1001");
}

TEST_F(ValidationTest, AdminChecksIntervals) {
  v1::UpdateNetworkSettingsRequest request;
  request.set_online_threshold_ms(0);
  ExpectInvalid(UpdateSettings(request), "online_threshold_ms");
  request.clear_online_threshold_ms();
  request.set_user_heartbeat_interval_ms(-5);
  ExpectInvalid(UpdateSettings(request), "user_heartbeat_interval_ms");
}

TEST_F(ValidationTest, LeaveChecksGrace) {
  ExpectInvalid(Leave(token_, false, {"r1"}, -1),
                "grace_ms must be between 0 and 60000, got -1");
  ExpectInvalid(Leave(token_, false, {"r1"}, 60'001), "grace_ms");
  EXPECT_TRUE(Leave(token_, false, {"r1"}, 60'000).ok());
}

TEST_F(ValidationTest, AdminRefusesTimeoutsNotLongerThanTheirIntervals) {
  // The server runs user 100ms / threshold 300ms, room 100ms / timeout 300ms.
  const v1::NetworkSettings before = NetworkSettings();
  auto request = [](auto&&... setters) {
    v1::UpdateNetworkSettingsRequest request;
    (setters(request), ...);
    return request;
  };
  const std::vector<std::pair<v1::UpdateNetworkSettingsRequest, std::string>>
      cases = {
          {request([](auto& r) { r.set_room_heartbeat_interval_ms(400); }),
           "room_heartbeat_interval_ms (400ms) must be shorter than "
           "room_timeout_ms (300ms); set room_timeout_ms as well"},
          {request([](auto& r) { r.set_room_timeout_ms(100); }),
           "room_timeout_ms (100ms) must be longer than "
           "room_heartbeat_interval_ms (100ms)"},
          {request([](auto& r) { r.set_user_heartbeat_interval_ms(300); }),
           "user_heartbeat_interval_ms (300ms) must be shorter than "
           "online_threshold_ms (300ms)"},
          {request([](auto& r) { r.set_online_threshold_ms(50); }),
           "online_threshold_ms (50ms) must be longer than "
           "user_heartbeat_interval_ms (100ms)"},
          {request([](auto& r) { r.set_room_heartbeat_interval_ms(1000); },
                   [](auto& r) { r.set_room_timeout_ms(500); },
                   [](auto& r) { r.set_sync_interval_ms(7); }),
           "room_timeout_ms (500ms) must be longer than "
           "room_heartbeat_interval_ms (1s)"},
          {request([](auto& r) { r.set_room_timeout_ms(0); }),
           "room_timeout_ms must be between 1 and"},
      };
  for (const auto& [update, message] : cases) {
    ExpectInvalid(UpdateSettings(update), message);
  }
  const v1::NetworkSettings after = NetworkSettings();
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString())
      << "nothing changed: " << after.ShortDebugString();
}

}  // namespace
}  // namespace presence::testing
