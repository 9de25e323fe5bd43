// What presenced needs from a presence service, behind one interface so that
// another backend (e.g. the social.plus REST API) can sit where the
// presence-server client sits. Unary calls block for at most the
// implementation's deadline; `token` is the session's access token.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "presence/v1/upstream.pb.h"

namespace presence::daemon {

namespace pb = ::presence::v1;

// An open server stream; destroying it cancels the stream and waits until its
// callbacks have returned.
class UpstreamStream {
 public:
  virtual ~UpstreamStream() = default;
};

class Upstream {
 public:
  template <typename T>
  using OnMessage = std::function<void(const T&)>;
  using OnEnd = std::function<void(const grpc::Status&)>;

  virtual ~Upstream() = default;

  virtual std::string address() const = 0;

  virtual grpc::Status CreateSession(const pb::CreateSessionRequest& request,
                                     pb::CreateSessionResponse* response) = 0;
  virtual grpc::Status GetSettings(const std::string& token,
                                   pb::GetSettingsResponse* response) = 0;
  virtual grpc::Status SetUserPresenceEnabled(
      const std::string& token, bool enabled,
      pb::GetSettingsResponse* response) = 0;
  virtual grpc::Status Heartbeat(const std::string& token,
                                 const pb::HeartbeatRequest& request,
                                 pb::HeartbeatResponse* response) = 0;
  virtual grpc::Status Leave(const std::string& token,
                             const pb::LeaveRequest& request,
                             std::chrono::milliseconds timeout) = 0;

  virtual grpc::Status GetUserPresence(
      const std::string& token, const pb::GetUserPresenceRequest& request,
      pb::GetUserPresenceResponse* response) = 0;
  virtual grpc::Status GetOnlineUserCount(
      const std::string& token, pb::GetOnlineUserCountResponse* response) = 0;
  virtual grpc::Status ListOnlineUsers(
      const std::string& token, const pb::ListOnlineUsersRequest& request,
      pb::ListOnlineUsersResponse* response) = 0;
  virtual grpc::Status GetRoomViewerCount(
      const std::string& token, const pb::GetRoomViewerCountRequest& request,
      pb::GetRoomViewerCountResponse* response) = 0;
  virtual grpc::Status ListRoomViewers(
      const std::string& token, const pb::ListRoomViewersRequest& request,
      pb::ListRoomViewersResponse* response) = 0;

  // Streams call on_message for each message and on_end exactly once, from a
  // thread of the implementation's.
  virtual std::unique_ptr<UpstreamStream> WatchSettings(
      const std::string& token, OnMessage<pb::GetSettingsResponse> on_message,
      OnEnd on_end) = 0;
  virtual std::unique_ptr<UpstreamStream> Watch(
      const std::string& token, const pb::WatchRequest& request,
      OnMessage<pb::WatchEvent> on_message, OnEnd on_end) = 0;
};

}  // namespace presence::daemon
