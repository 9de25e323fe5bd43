// Upstream over the presence-server gRPC protocol (upstream.proto).
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>

#include "presence/v1/upstream.grpc.pb.h"
#include "upstream/upstream.h"

namespace presence::daemon {

struct GrpcUpstreamOptions {
  std::string address;      // HOST:PORT
  std::string tls_ca_file;  // empty: plain TCP
  std::chrono::milliseconds deadline{5000};
};

class GrpcUpstream : public Upstream {
 public:
  explicit GrpcUpstream(const GrpcUpstreamOptions& options);

  std::string address() const override { return options_.address; }

  grpc::Status CreateSession(const pb::CreateSessionRequest& request,
                             pb::CreateSessionResponse* response) override;
  grpc::Status GetSettings(const std::string& token,
                           pb::GetSettingsResponse* response) override;
  grpc::Status SetUserPresenceEnabled(
      const std::string& token, bool enabled,
      pb::GetSettingsResponse* response) override;
  grpc::Status Heartbeat(const std::string& token,
                         const pb::HeartbeatRequest& request,
                         pb::HeartbeatResponse* response) override;
  grpc::Status Leave(const std::string& token, const pb::LeaveRequest& request,
                     std::chrono::milliseconds timeout) override;
  grpc::Status GetUserPresence(const std::string& token,
                               const pb::GetUserPresenceRequest& request,
                               pb::GetUserPresenceResponse* response) override;
  grpc::Status GetOnlineUserCount(
      const std::string& token,
      pb::GetOnlineUserCountResponse* response) override;
  grpc::Status ListOnlineUsers(const std::string& token,
                               const pb::ListOnlineUsersRequest& request,
                               pb::ListOnlineUsersResponse* response) override;
  grpc::Status GetRoomViewerCount(
      const std::string& token, const pb::GetRoomViewerCountRequest& request,
      pb::GetRoomViewerCountResponse* response) override;
  grpc::Status ListRoomViewers(const std::string& token,
                               const pb::ListRoomViewersRequest& request,
                               pb::ListRoomViewersResponse* response) override;
  std::unique_ptr<UpstreamStream> WatchSettings(
      const std::string& token, OnMessage<pb::GetSettingsResponse> on_message,
      OnEnd on_end) override;
  std::unique_ptr<UpstreamStream> Watch(const std::string& token,
                                        const pb::WatchRequest& request,
                                        OnMessage<pb::WatchEvent> on_message,
                                        OnEnd on_end) override;

 private:
  void Prepare(grpc::ClientContext& context, const std::string& token) const;

  GrpcUpstreamOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::PresenceService::Stub> stub_;
};

}  // namespace presence::daemon
