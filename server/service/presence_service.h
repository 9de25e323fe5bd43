// PresenceService over gRPC's callback API: validate, authenticate, call the
// store, translate. Unary calls run inline on gRPC's threads (they never
// block); streams are reactors that hold no thread. Every method takes its
// request as raw bytes and parses it itself (contract/request_parser.h), so a
// string that is not UTF-8 is INVALID_ARGUMENT naming the field.
#pragma once

#include "contract/request_parser.h"
#include "presence/v1/upstream.grpc.pb.h"
#include "service/auth.h"
#include "service/clock.h"
#include "service/watch_hub.h"

namespace presence::server {

// Every method raw: it parses its own request (contract/request_parser.h).
using PresenceServiceBase = WithMethods<
    v1::PresenceService::Service,
    v1::PresenceService::WithRawCallbackMethod_CreateSession,
    v1::PresenceService::WithRawCallbackMethod_GetSettings,
    v1::PresenceService::WithRawCallbackMethod_SetUserPresenceEnabled,
    v1::PresenceService::WithRawCallbackMethod_WatchSettings,
    v1::PresenceService::WithRawCallbackMethod_Heartbeat,
    v1::PresenceService::WithRawCallbackMethod_Leave,
    v1::PresenceService::WithRawCallbackMethod_GetUserPresence,
    v1::PresenceService::WithRawCallbackMethod_GetOnlineUserCount,
    v1::PresenceService::WithRawCallbackMethod_ListOnlineUsers,
    v1::PresenceService::WithRawCallbackMethod_GetRoomViewerCount,
    v1::PresenceService::WithRawCallbackMethod_ListRoomViewers,
    v1::PresenceService::WithRawCallbackMethod_Watch>;

class PresenceServiceImpl final : public PresenceServiceBase {
 public:
  PresenceServiceImpl(PresenceStore& store, Auth& auth, WatchHub& hub,
                      Clock clock);

  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetSettings(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SetUserPresenceEnabled(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Heartbeat(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Leave(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetUserPresence(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetOnlineUserCount(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListOnlineUsers(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetRoomViewerCount(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListRoomViewers(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchSettings(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;

 private:
  // Parses the request, authenticates the call, then runs
  // handle(request, response, session, now) -> Status.
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* Authenticated(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer& in,
                                          grpc::ByteBuffer* out,
                                          Handler&& handle);

  PresenceStore& store_;
  Auth& auth_;
  WatchHub& hub_;
  const Clock clock_;
};

}  // namespace presence::server
