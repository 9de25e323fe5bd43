#include "e2e_fixture.h"

#include <iostream>

namespace presence::testing {

ServerView::ServerView(const std::string& address, const std::string& api_key)
    : api_key_(api_key),
      channel_(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
      stub_(pb::PresenceService::NewStub(channel_)) {
  token_ = Login("observer", "observer-device");
}

std::unique_ptr<grpc::ClientContext> ServerView::Context(
    const std::string& token) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(5));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

std::string ServerView::Login(const std::string& user_id,
                              const std::string& device) {
  pb::CreateSessionRequest request;
  request.set_api_key(api_key_);
  request.set_user_id(user_id);
  request.set_device_id(device);
  pb::CreateSessionResponse response;
  const grpc::Status status =
      stub_->CreateSession(Context("").get(), request, &response);
  EXPECT_TRUE(status.ok()) << "observer login: " << status.error_message();
  return response.access_token();
}

int64_t ServerView::RoomCount(const std::string& room) {
  pb::GetRoomViewerCountRequest request;
  request.set_room_id(room);
  pb::GetRoomViewerCountResponse response;
  const grpc::Status status =
      stub_->GetRoomViewerCount(Context(token_).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return status.ok() ? response.count() : -1;
}

std::vector<pb::RoomViewer> ServerView::RoomViewers(const std::string& room) {
  std::vector<pb::RoomViewer> all;
  std::string token;
  do {
    pb::ListRoomViewersRequest request;
    request.set_room_id(room);
    request.set_page_token(token);
    pb::ListRoomViewersResponse response;
    const grpc::Status status =
        stub_->ListRoomViewers(Context(token_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    all.insert(all.end(), response.viewers().begin(), response.viewers().end());
    token = response.next_page_token();
  } while (!token.empty());
  return all;
}

std::vector<pb::UserPresence> ServerView::Users(
    const std::vector<std::string>& ids) {
  pb::GetUserPresenceRequest request;
  for (const auto& id : ids) request.add_user_ids(id);
  pb::GetUserPresenceResponse response;
  const grpc::Status status =
      stub_->GetUserPresence(Context(token_).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.presences().begin(), response.presences().end()};
}

pb::UserPresence ServerView::User(const std::string& user_id) {
  auto users = Users({user_id});
  return users.empty() ? pb::UserPresence() : users.front();
}

int64_t ServerView::OnlineCount() {
  pb::GetOnlineUserCountResponse response;
  const grpc::Status status = stub_->GetOnlineUserCount(
      Context(token_).get(), pb::GetOnlineUserCountRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return status.ok() ? response.count() : -1;
}

std::vector<pb::UserPresence> ServerView::OnlineUsers() {
  std::vector<pb::UserPresence> all;
  std::string token;
  do {
    pb::ListOnlineUsersRequest request;
    request.set_page_token(token);
    pb::ListOnlineUsersResponse response;
    const grpc::Status status =
        stub_->ListOnlineUsers(Context(token_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    all.insert(all.end(), response.users().begin(), response.users().end());
    token = response.next_page_token();
  } while (!token.empty());
  return all;
}

bool ServerView::UserEnabled(const std::string& user_id) {
  const std::string token = Login(user_id, "observer-of-" + user_id);
  pb::GetSettingsResponse response;
  const grpc::Status status = stub_->GetSettings(
      Context(token).get(), pb::GetSettingsRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.user().enabled();
}

void E2eTest::SetUp() {
  server_ = std::make_unique<PresenceServerProcess>(
      PresenceServerOptions{kE2eServerFlags});
  daemon_ = StartDaemon("alice");
  truth_ = std::make_unique<ServerView>(server_->address(), server_->api_key());
}

void E2eTest::TearDown() {
  if (HasFailure()) {
    std::cerr << "---- presenced log (tail) ----\n";
    const std::string log = daemon_ ? daemon_->log() : "";
    std::cerr << (log.size() > 4000 ? log.substr(log.size() - 4000) : log)
              << "\n";
  }
}

std::unique_ptr<PresencedProcess> E2eTest::StartDaemon(
    const std::string& user_id) {
  PresencedOptions options;
  options.upstream = server_->address();
  options.api_key = server_->api_key();
  options.user_id = user_id;
  options.device_id = "device-of-" + user_id;
  return std::make_unique<PresencedProcess>(options);
}

}  // namespace presence::testing
