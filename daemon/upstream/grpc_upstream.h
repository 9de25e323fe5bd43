// Upstream over the presence-server gRPC protocol (upstream.proto). Unary
// calls fail fast while the server is unreachable (the engine backs off);
// streams wait for it, so the settings watch learns the moment the channel
// is connected again.
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>

#include "contract/mutex.h"
#include "presence/v1/upstream.grpc.pb.h"
#include "upstream/upstream.h"

namespace presence::daemon {

struct GrpcUpstreamOptions {
  std::string address;      // HOST:PORT
  std::string tls_ca_file;  // empty: plain TCP
  std::chrono::milliseconds deadline{5000};
  // The channel reconnects to a lost server after a backoff that grows up
  // to this (gRPC's own default grows to 2 minutes).
  std::chrono::milliseconds reconnect_cap{60000};
};

class GrpcUpstream : public Upstream {
 public:
  explicit GrpcUpstream(const GrpcUpstreamOptions& options);

  std::string address() const override;
  // Points later calls at another server (config reload); streams reopen
  // on the new channel when their owners reopen them.
  void Reconnect(const GrpcUpstreamOptions& options);

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
  std::shared_ptr<pb::PresenceService::Stub> stub() const;
  std::chrono::milliseconds deadline() const;

  mutable Mutex mutex_;
  GrpcUpstreamOptions options_ ABSL_GUARDED_BY(mutex_);
  std::shared_ptr<pb::PresenceService::Stub> stub_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace presence::daemon
