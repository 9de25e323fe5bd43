// A fixture with the real presence-server on loopback (millisecond cadences)
// and a client for it.
#pragma once

#include <gtest/gtest.h>

#include "support/presence_server_process.h"
#include "support/upstream_client.h"

namespace presence::testing {

// Threshold and room timeout 300ms and a 50ms sweep: expiry shows within
// ~350ms.
inline const std::vector<std::string> kFastFlags = {
    "--online-threshold=300ms", "--sweep-interval=50ms",
    "--user-heartbeat-interval=100ms", "--room-heartbeat-interval=100ms",
    "--room-timeout=300ms"};

class ServiceTest : public ::testing::Test {
 protected:
  explicit ServiceTest(PresenceServerOptions options = {kFastFlags, false})
      : server_(std::move(options)), client_(server_.address()) {}

  std::string Login(const std::string& user_id,
                    const std::string& device_id = "device-1") {
    grpc::Status status;
    std::string token =
        client_.Login(server_.api_key(), user_id, device_id, &status);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return token;
  }

  grpc::Status Enable(const std::string& token, bool enabled = true) {
    v1::SetUserPresenceEnabledRequest request;
    request.set_enabled(enabled);
    v1::GetSettingsResponse response;
    return client_.presence().SetUserPresenceEnabled(
        UpstreamClient::Context(token).get(), request, &response);
  }

  grpc::Status Heartbeat(const std::string& token, bool user,
                         const std::vector<std::string>& rooms,
                         v1::HeartbeatResponse* response = nullptr) {
    v1::HeartbeatRequest request;
    request.set_user(user);
    for (const auto& room : rooms) request.add_room_ids(room);
    v1::HeartbeatResponse ignored;
    return client_.presence().Heartbeat(UpstreamClient::Context(token).get(),
                                        request,
                                        response ? response : &ignored);
  }

  grpc::Status Leave(const std::string& token, bool user,
                     const std::vector<std::string>& rooms,
                     std::int64_t grace_ms = 0) {
    v1::LeaveRequest request;
    request.set_user(user);
    request.set_grace_ms(grace_ms);
    for (const auto& room : rooms) request.add_room_ids(room);
    v1::LeaveResponse response;
    return client_.presence().Leave(UpstreamClient::Context(token).get(),
                                    request, &response);
  }

  std::int64_t RoomCount(const std::string& token, const std::string& room) {
    v1::GetRoomViewerCountRequest request;
    request.set_room_id(room);
    v1::GetRoomViewerCountResponse response;
    const grpc::Status status = client_.presence().GetRoomViewerCount(
        UpstreamClient::Context(token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.count();
  }

  grpc::Status UpdateSettings(const v1::UpdateNetworkSettingsRequest& request,
                              v1::NetworkSettings* response = nullptr) {
    auto context = UpstreamClient::Context();
    context->AddMetadata("authorization", server_.admin_authorization());
    v1::NetworkSettings ignored;
    return client_.admin().UpdateNetworkSettings(
        context.get(), request, response ? response : &ignored);
  }

  v1::NetworkSettings NetworkSettings() {
    auto context = UpstreamClient::Context();
    context->AddMetadata("authorization", server_.admin_authorization());
    v1::NetworkSettings settings;
    const grpc::Status status =
        client_.admin().GetNetworkSettings(context.get(), {}, &settings);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return settings;
  }

  PresenceServerProcess server_;
  UpstreamClient client_;
};

}  // namespace presence::testing
