// A scripted presence server for the engine's in-process tests: records
// every heartbeat and leave, answers with the status the test sets, and can
// "restart" (forget every token, as an in-memory presence-server does).
// Streams are not served: the tests report the link to the engine directly.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "upstream/upstream.h"

namespace presence::daemon::testing {

class FakeUpstream : public Upstream {
 public:
  FakeUpstream() {
    network_.set_presence_enabled(true);
    network_.set_user_heartbeat_interval_ms(20000);
    network_.set_room_heartbeat_interval_ms(300000);
    network_.set_online_threshold_ms(60000);
    network_.set_room_timeout_ms(600000);
    network_.set_updated_at_ms(1);
  }

  // What every call answers until changed (OK: the calls work).
  void Answer(grpc::Status status) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(status);
  }
  // Every token issued so far becomes unknown.
  void Restart() {
    std::lock_guard lock(mutex_);
    ++epoch_;
  }
  void SetNetwork(const pb::NetworkSettings& network) {
    std::lock_guard lock(mutex_);
    network_ = network;
  }

  std::vector<pb::HeartbeatRequest> heartbeats() const {
    std::lock_guard lock(mutex_);
    return heartbeats_;
  }
  std::vector<pb::LeaveRequest> leaves() const {
    std::lock_guard lock(mutex_);
    return leaves_;
  }
  int logins() const {
    std::lock_guard lock(mutex_);
    return logins_;
  }

  std::string address() const override { return "fake:1"; }

  grpc::Status CreateSession(const pb::CreateSessionRequest&,
                             pb::CreateSessionResponse* response) override {
    std::lock_guard lock(mutex_);
    if (!answer_.ok()) return answer_;
    ++logins_;
    response->set_access_token("token-" + std::to_string(epoch_) + "-" +
                               std::to_string(logins_));
    response->set_expires_at_ms(INT64_MAX / 2);
    return grpc::Status::OK;
  }
  grpc::Status GetSettings(const std::string& token,
                           pb::GetSettingsResponse* response) override {
    std::lock_guard lock(mutex_);
    if (auto status = Check(token); !status.ok()) return status;
    *response->mutable_network() = network_;
    response->mutable_user()->set_enabled(true);
    return grpc::Status::OK;
  }
  grpc::Status SetUserPresenceEnabled(
      const std::string& token, bool enabled,
      pb::GetSettingsResponse* response) override {
    std::lock_guard lock(mutex_);
    if (auto status = Check(token); !status.ok()) return status;
    *response->mutable_network() = network_;
    response->mutable_user()->set_enabled(enabled);
    return grpc::Status::OK;
  }
  grpc::Status Heartbeat(const std::string& token,
                         const pb::HeartbeatRequest& request,
                         pb::HeartbeatResponse* response) override {
    std::lock_guard lock(mutex_);
    if (auto status = Check(token); !status.ok()) return status;
    heartbeats_.push_back(request);
    *response->mutable_network() = network_;
    return grpc::Status::OK;
  }
  grpc::Status Leave(const std::string& token, const pb::LeaveRequest& request,
                     std::chrono::milliseconds) override {
    std::lock_guard lock(mutex_);
    if (auto status = Check(token); !status.ok()) return status;
    leaves_.push_back(request);
    return grpc::Status::OK;
  }

  grpc::Status GetUserPresence(const std::string&,
                               const pb::GetUserPresenceRequest&,
                               pb::GetUserPresenceResponse*) override {
    return Unserved();
  }
  grpc::Status GetOnlineUserCount(const std::string&,
                                  pb::GetOnlineUserCountResponse*) override {
    return Unserved();
  }
  grpc::Status ListOnlineUsers(const std::string&,
                               const pb::ListOnlineUsersRequest&,
                               pb::ListOnlineUsersResponse*) override {
    return Unserved();
  }
  grpc::Status GetRoomViewerCount(const std::string&,
                                  const pb::GetRoomViewerCountRequest&,
                                  pb::GetRoomViewerCountResponse*) override {
    return Unserved();
  }
  grpc::Status ListRoomViewers(const std::string&,
                               const pb::ListRoomViewersRequest&,
                               pb::ListRoomViewersResponse*) override {
    return Unserved();
  }
  std::unique_ptr<UpstreamStream> WatchSettings(
      const std::string&, OnMessage<pb::GetSettingsResponse>,
      OnEnd on_end) override {
    on_end(Unserved());
    return std::make_unique<UpstreamStream>();
  }
  std::unique_ptr<UpstreamStream> Watch(const std::string&,
                                        const pb::WatchRequest&,
                                        OnMessage<pb::WatchEvent>,
                                        OnEnd on_end) override {
    on_end(Unserved());
    return std::make_unique<UpstreamStream>();
  }

 private:
  static grpc::Status Unserved() {
    return {grpc::StatusCode::UNIMPLEMENTED, "not served by the fake"};
  }
  // Under mutex_.
  grpc::Status Check(const std::string& token) const {
    if (!answer_.ok()) return answer_;
    if (token.rfind("token-" + std::to_string(epoch_) + "-", 0) != 0) {
      return {grpc::StatusCode::UNAUTHENTICATED,
              "access token is unknown or expired"};
    }
    return grpc::Status::OK;
  }

  mutable std::mutex mutex_;
  grpc::Status answer_;
  int epoch_ = 0;
  int logins_ = 0;
  pb::NetworkSettings network_;
  std::vector<pb::HeartbeatRequest> heartbeats_;
  std::vector<pb::LeaveRequest> leaves_;
};

}  // namespace presence::daemon::testing
