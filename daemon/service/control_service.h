// The control API (control.proto) on the daemon's Unix socket: validates
// every field, identifies the caller from the socket's peer credentials, and
// calls the engine, the session or the sync hub. Every method is a raw
// callback method that parses its own request (contract/request_parser.h),
// so even a string that is not UTF-8 is INVALID_ARGUMENT naming the field.
// Calls that wait on the presence server run on small blocking pools; an
// open stream costs no thread.
#pragma once

#include <sys/types.h>

#include "contract/request_parser.h"
#include "engine.h"
#include "presence/v1/control.grpc.pb.h"
#include "service/blocking_pool.h"
#include "service/open_streams.h"
#include "socket/unix_listener.h"
#include "sync_hub.h"

namespace presence::daemon {

// Every method raw: it parses its own request (contract/request_parser.h).
using ControlServiceBase =
    WithMethods<pb::ControlService::Service,
                pb::ControlService::WithRawCallbackMethod_IsEnabled,
                pb::ControlService::WithRawCallbackMethod_Enable,
                pb::ControlService::WithRawCallbackMethod_Disable,
                pb::ControlService::WithRawCallbackMethod_StartUserHeartbeat,
                pb::ControlService::WithRawCallbackMethod_StopUserHeartbeat,
                pb::ControlService::WithRawCallbackMethod_StartRoomHeartbeat,
                pb::ControlService::WithRawCallbackMethod_StopRoomHeartbeat,
                pb::ControlService::WithRawCallbackMethod_Hold,
                pb::ControlService::WithRawCallbackMethod_HoldMany,
                pb::ControlService::WithRawCallbackMethod_GetUserPresence,
                pb::ControlService::WithRawCallbackMethod_GetOnlineUserCount,
                pb::ControlService::WithRawCallbackMethod_ListOnlineUsers,
                pb::ControlService::WithRawCallbackMethod_GetRoomViewerCount,
                pb::ControlService::WithRawCallbackMethod_ListRoomViewers,
                pb::ControlService::WithRawCallbackMethod_Sync,
                pb::ControlService::WithRawCallbackMethod_GetStatus,
                pb::ControlService::WithRawCallbackMethod_Logout,
                pb::ControlService::WithRawCallbackMethod_Login>;

struct ControlServiceOptions {
  std::optional<gid_t> admin_group;
  std::string version;
};

class ControlService final : public ControlServiceBase {
 public:
  ControlService(Engine& engine, Session& session, Upstream& upstream,
                 SyncHub& sync, const UnixListener& listener,
                 ControlServiceOptions options);

  grpc::ServerUnaryReactor* IsEnabled(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Enable(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Disable(grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* StartUserHeartbeat(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* StopUserHeartbeat(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* StartRoomHeartbeat(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* StopRoomHeartbeat(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
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
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;

  // The daemon is stopping: ends every open stream with UNAVAILABLE, so that
  // clients re-attach once it is back.
  void CloseStreams();

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Hold(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* HoldMany(
      grpc::CallbackServerContext* context) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Sync(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;

 private:
  // Parses the request, runs handle(request, response) -> Status on the
  // calling gRPC thread, and answers: for calls that only touch the engine.
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* AnswerNow(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* in,
                                      grpc::ByteBuffer* out, Handler handle);
  // Answers with what handle(request, reply) passes to `reply`, whenever
  // and from whichever thread it does: for calls that wait on the engine
  // (a save, a leave) without holding a thread meanwhile.
  template <typename Response>
  using Reply = std::function<void(const grpc::Status&, const Response&)>;
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* AnswerWhenDone(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* in,
                                           grpc::ByteBuffer* out,
                                           Handler handle);
  // The same on `pool`: for calls that wait on the server.
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* AnswerLater(BlockingPool& pool,
                                        grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* in,
                                        grpc::ByteBuffer* out, Handler handle);

  std::optional<Caller> Identify(grpc::ServerContextBase* context) const;
  void Start(grpc::ServerContextBase* context, const Target& target,
             int64_t ttl_ms, const std::string& client_name,
             const Reply<pb::StartResponse>& reply);
  void Stop(grpc::ServerContextBase* context, const Target& target,
            const std::string& hold_id, const Reply<pb::StopResponse>& reply);
  grpc::Status SetEnabled(bool enabled, pb::IsEnabledResponse* response);
  // Runs a read through the session; refuses while logged out.
  grpc::Status Read(const Session::Call& call);

  Engine& engine_;
  Session& session_;
  Upstream& upstream_;
  SyncHub& sync_;
  const UnixListener& listener_;
  const ControlServiceOptions options_;
  BlockingPool reads_;     // reads of presence and of the user's switch
  BlockingPool switches_;  // Enable, Disable, Logout
  OpenStreams open_streams_;
};

}  // namespace presence::daemon
