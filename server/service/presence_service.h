// PresenceService over gRPC's callback API: validate, authenticate, call the
// store, translate. Unary calls run inline on gRPC's threads (they never
// block); streams are reactors that hold no thread.
#pragma once

#include "presence/v1/upstream.grpc.pb.h"
#include "service/auth.h"
#include "service/clock.h"
#include "service/watch_hub.h"

namespace presence::server {

class PresenceServiceImpl final : public v1::PresenceService::CallbackService {
 public:
  PresenceServiceImpl(PresenceStore& store, Auth& auth, WatchHub& hub,
                      Clock clock);

  grpc::ServerUnaryReactor* CreateSession(
      grpc::CallbackServerContext* context,
      const v1::CreateSessionRequest* request,
      v1::CreateSessionResponse* response) override;
  grpc::ServerUnaryReactor* GetSettings(
      grpc::CallbackServerContext* context,
      const v1::GetSettingsRequest* request,
      v1::GetSettingsResponse* response) override;
  grpc::ServerUnaryReactor* SetUserPresenceEnabled(
      grpc::CallbackServerContext* context,
      const v1::SetUserPresenceEnabledRequest* request,
      v1::GetSettingsResponse* response) override;
  grpc::ServerWriteReactor<v1::GetSettingsResponse>* WatchSettings(
      grpc::CallbackServerContext* context,
      const v1::WatchSettingsRequest* request) override;
  grpc::ServerUnaryReactor* Heartbeat(grpc::CallbackServerContext* context,
                                      const v1::HeartbeatRequest* request,
                                      v1::HeartbeatResponse* response) override;
  grpc::ServerUnaryReactor* Leave(grpc::CallbackServerContext* context,
                                  const v1::LeaveRequest* request,
                                  v1::LeaveResponse* response) override;
  grpc::ServerUnaryReactor* GetUserPresence(
      grpc::CallbackServerContext* context,
      const v1::GetUserPresenceRequest* request,
      v1::GetUserPresenceResponse* response) override;
  grpc::ServerUnaryReactor* GetOnlineUserCount(
      grpc::CallbackServerContext* context,
      const v1::GetOnlineUserCountRequest* request,
      v1::GetOnlineUserCountResponse* response) override;
  grpc::ServerUnaryReactor* ListOnlineUsers(
      grpc::CallbackServerContext* context,
      const v1::ListOnlineUsersRequest* request,
      v1::ListOnlineUsersResponse* response) override;
  grpc::ServerUnaryReactor* GetRoomViewerCount(
      grpc::CallbackServerContext* context,
      const v1::GetRoomViewerCountRequest* request,
      v1::GetRoomViewerCountResponse* response) override;
  grpc::ServerUnaryReactor* ListRoomViewers(
      grpc::CallbackServerContext* context,
      const v1::ListRoomViewersRequest* request,
      v1::ListRoomViewersResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEvent>* Watch(
      grpc::CallbackServerContext* context,
      const v1::WatchRequest* request) override;

 private:
  // Authenticates the call, then runs handle(session, now) -> Status.
  template <typename Handler>
  grpc::ServerUnaryReactor* Authenticated(grpc::CallbackServerContext* context,
                                          Handler&& handle);

  PresenceStore& store_;
  Auth& auth_;
  WatchHub& hub_;
  const Clock clock_;
};

}  // namespace presence::server
