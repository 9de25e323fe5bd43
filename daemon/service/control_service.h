// The control API (control.proto) on the daemon's Unix socket: validates
// every field, identifies the caller from the socket's peer credentials, and
// calls the engine, the session or the sync hub. Unary calls use the sync
// API; the streams (Hold, HoldMany, Sync) use callback reactors so an open
// stream costs no thread.
#pragma once

#include <sys/types.h>

#include "engine.h"
#include "presence/v1/control.grpc.pb.h"
#include "socket/unix_listener.h"
#include "sync_hub.h"

namespace presence::daemon {

using ControlServiceBase = pb::ControlService::WithCallbackMethod_Hold<
    pb::ControlService::WithCallbackMethod_HoldMany<
        pb::ControlService::WithCallbackMethod_Sync<
            pb::ControlService::Service>>>;

struct ControlServiceOptions {
  std::optional<gid_t> admin_group;
  std::string version;
};

class ControlService final : public ControlServiceBase {
 public:
  ControlService(Engine& engine, Session& session, Upstream& upstream,
                 SyncHub& sync, const UnixListener& listener,
                 ControlServiceOptions options);

  grpc::Status IsEnabled(grpc::ServerContext* context,
                         const pb::IsEnabledRequest* request,
                         pb::IsEnabledResponse* response) override;
  grpc::Status Enable(grpc::ServerContext* context,
                      const pb::EnableRequest* request,
                      pb::IsEnabledResponse* response) override;
  grpc::Status Disable(grpc::ServerContext* context,
                       const pb::DisableRequest* request,
                       pb::IsEnabledResponse* response) override;
  grpc::Status StartUserHeartbeat(grpc::ServerContext* context,
                                  const pb::StartUserHeartbeatRequest* request,
                                  pb::StartResponse* response) override;
  grpc::Status StopUserHeartbeat(grpc::ServerContext* context,
                                 const pb::StopUserHeartbeatRequest* request,
                                 pb::StopResponse* response) override;
  grpc::Status StartRoomHeartbeat(grpc::ServerContext* context,
                                  const pb::StartRoomHeartbeatRequest* request,
                                  pb::StartResponse* response) override;
  grpc::Status StopRoomHeartbeat(grpc::ServerContext* context,
                                 const pb::StopRoomHeartbeatRequest* request,
                                 pb::StopResponse* response) override;
  grpc::Status GetUserPresence(grpc::ServerContext* context,
                               const pb::GetUserPresenceRequest* request,
                               pb::GetUserPresenceResponse* response) override;
  grpc::Status GetOnlineUserCount(
      grpc::ServerContext* context,
      const pb::GetOnlineUserCountRequest* request,
      pb::GetOnlineUserCountResponse* response) override;
  grpc::Status ListOnlineUsers(grpc::ServerContext* context,
                               const pb::ListOnlineUsersRequest* request,
                               pb::ListOnlineUsersResponse* response) override;
  grpc::Status GetRoomViewerCount(
      grpc::ServerContext* context,
      const pb::GetRoomViewerCountRequest* request,
      pb::GetRoomViewerCountResponse* response) override;
  grpc::Status ListRoomViewers(grpc::ServerContext* context,
                               const pb::ListRoomViewersRequest* request,
                               pb::ListRoomViewersResponse* response) override;
  grpc::Status GetStatus(grpc::ServerContext* context,
                         const pb::GetStatusRequest* request,
                         pb::Status* response) override;
  grpc::Status Logout(grpc::ServerContext* context,
                      const pb::LogoutRequest* request,
                      pb::LogoutResponse* response) override;
  grpc::Status Login(grpc::ServerContext* context,
                     const pb::LoginRequest* request,
                     pb::LoginResponse* response) override;

  grpc::ServerWriteReactor<pb::HoldEvent>* Hold(
      grpc::CallbackServerContext* context,
      const pb::HoldRequest* request) override;
  grpc::ServerBidiReactor<pb::HoldManyRequest, pb::HoldEvent>* HoldMany(
      grpc::CallbackServerContext* context) override;
  grpc::ServerWriteReactor<pb::UserPresence>* Sync(
      grpc::CallbackServerContext* context,
      const pb::SyncRequest* request) override;

 private:
  std::optional<Caller> Identify(grpc::ServerContextBase* context) const;
  grpc::Status Start(grpc::ServerContext* context, const Target& target,
                     int64_t ttl_ms, const std::string& client_name,
                     pb::StartResponse* response);
  grpc::Status Stop(grpc::ServerContext* context, const Target& target,
                    const std::string& hold_id, pb::StopResponse* response);
  grpc::Status SetEnabled(bool enabled, pb::IsEnabledResponse* response);
  // Runs a read through the session; refuses while logged out.
  grpc::Status Read(const Session::Call& call);

  Engine& engine_;
  Session& session_;
  Upstream& upstream_;
  SyncHub& sync_;
  const UnixListener& listener_;
  const ControlServiceOptions options_;
};

}  // namespace presence::daemon
