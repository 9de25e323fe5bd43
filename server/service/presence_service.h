// PresenceService over gRPC's callback API: validate, authenticate, call the
// store, translate. Unary calls run inline on gRPC's threads (they never
// block); streams are reactors that hold no thread. Every method takes its
// request as raw bytes and parses it itself (contract/request_parser.h), so a
// string that is not UTF-8 is INVALID_ARGUMENT naming the field.
#pragma once

#include "presence/v1/upstream.grpc.pb.h"
#include "service/auth.h"
#include "service/clock.h"
#include "service/watch_hub.h"

namespace presence::server {

namespace raw {
using S = v1::PresenceService;
using PresenceServiceBase =
    S::WithRawCallbackMethod_CreateSession<S::WithRawCallbackMethod_GetSettings<
        S::WithRawCallbackMethod_SetUserPresenceEnabled<
            S::WithRawCallbackMethod_WatchSettings<
                S::WithRawCallbackMethod_Heartbeat<
                    S::WithRawCallbackMethod_Leave<
                        S::WithRawCallbackMethod_GetUserPresence<
                            S::WithRawCallbackMethod_GetOnlineUserCount<
                                S::WithRawCallbackMethod_ListOnlineUsers<
                                    S::WithRawCallbackMethod_GetRoomViewerCount<
                                        S::WithRawCallbackMethod_ListRoomViewers<
                                            S::WithRawCallbackMethod_Watch<
                                                S::Service>>>>>>>>>>>>;
}  // namespace raw

class PresenceServiceImpl final : public raw::PresenceServiceBase {
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
