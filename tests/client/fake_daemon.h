// A stand-in for presenced in tests/client: the control API on a Unix
// socket with just enough behaviour (hold counting, canned reads, switchable
// refusals) to test libpresence-client and presencectl without the daemon.
#pragma once

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "presence/v1/control.grpc.pb.h"

namespace presence::testing {

namespace v1 = ::presence::v1;

class FakeDaemon final : public v1::ControlService::Service {
 public:
  explicit FakeDaemon(std::string socket_path, bool refuse = false)
      : socket_path_(std::move(socket_path)) {
    refuse_holds = refuse;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_path_,
                             grpc::InsecureServerCredentials());
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~FakeDaemon() override { Stop(); }

  // Like a daemon going away: streams break, the socket disappears.
  void Stop() {
    if (!server_) return;
    stopping_ = true;
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(50));
    server_->Wait();
    server_.reset();
    unlink(socket_path_.c_str());
  }

  // Attached plus detached holds on "user" or a room id.
  int Holds(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = holds_.find(target);
    return it == holds_.end() ? 0 : it->second;
  }
  int TotalHoldCalls() const { return hold_calls_; }
  std::string LastClientName() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_client_name_;
  }

  std::atomic<bool> refuse_holds{false};

  grpc::Status IsEnabled(grpc::ServerContext*, const v1::IsEnabledRequest*,
                         v1::IsEnabledResponse* r) override {
    r->set_enabled(enabled_);
    return grpc::Status::OK;
  }
  grpc::Status Enable(grpc::ServerContext*, const v1::EnableRequest*,
                      v1::IsEnabledResponse* r) override {
    enabled_ = true;
    r->set_enabled(true);
    return grpc::Status::OK;
  }
  grpc::Status Disable(grpc::ServerContext*, const v1::DisableRequest*,
                       v1::IsEnabledResponse*) override {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "disable needs root or the admin group");
  }
  grpc::Status StartUserHeartbeat(grpc::ServerContext*,
                                  const v1::StartUserHeartbeatRequest* q,
                                  v1::StartResponse* r) override {
    Add("user", 1, q->client_name());
    r->set_hold_id("d-user-" + std::to_string(q->ttl_ms()));
    return grpc::Status::OK;
  }
  grpc::Status StopUserHeartbeat(grpc::ServerContext*,
                                 const v1::StopUserHeartbeatRequest*,
                                 v1::StopResponse* r) override {
    r->set_stopped(Clear("user"));
    return grpc::Status::OK;
  }
  grpc::Status StartRoomHeartbeat(grpc::ServerContext*,
                                  const v1::StartRoomHeartbeatRequest* q,
                                  v1::StartResponse* r) override {
    if (q->room_id().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "room_id must not be empty");
    }
    Add(q->room_id(), 1, q->client_name());
    r->set_hold_id("d-" + q->room_id() + "-" + std::to_string(q->ttl_ms()));
    return grpc::Status::OK;
  }
  grpc::Status StopRoomHeartbeat(grpc::ServerContext*,
                                 const v1::StopRoomHeartbeatRequest* q,
                                 v1::StopResponse* r) override {
    r->set_stopped(Clear(q->room_id()));
    return grpc::Status::OK;
  }

  grpc::Status Hold(grpc::ServerContext* context, const v1::HoldRequest* q,
                    grpc::ServerWriter<v1::HoldEvent>* writer) override {
    ++hold_calls_;
    if (refuse_holds) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "presence is disabled for this network");
    }
    const std::string target = q->target().kind() == v1::TARGET_KIND_ROOM
                                   ? q->target().room_id()
                                   : "user";
    Add(target, 1, q->client_name());
    v1::HoldEvent held;
    held.set_type(v1::HOLD_EVENT_HELD);
    held.set_hold_id("a-" + std::to_string(hold_calls_));
    writer->Write(held);
    while (!context->IsCancelled() && !stopping_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    Add(target, -1, {});
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down");
  }

  grpc::Status GetUserPresence(grpc::ServerContext*,
                               const v1::GetUserPresenceRequest* q,
                               v1::GetUserPresenceResponse* r) override {
    for (const auto& id : q->user_ids()) {
      auto* p = r->add_presences();
      p->set_user_id(id);
      const bool online = id.rfind("on", 0) == 0;
      p->set_online(online);
      p->set_last_heartbeat_ms(online ? 1700000000000 : 0);
    }
    return grpc::Status::OK;
  }
  grpc::Status GetOnlineUserCount(grpc::ServerContext*,
                                  const v1::GetOnlineUserCountRequest*,
                                  v1::GetOnlineUserCountResponse* r) override {
    r->set_count(3);
    return grpc::Status::OK;
  }
  // Three users, two per page.
  grpc::Status ListOnlineUsers(grpc::ServerContext*,
                               const v1::ListOnlineUsersRequest* q,
                               v1::ListOnlineUsersResponse* r) override {
    const int start = q->page_token().empty() ? 0 : 2;
    for (int i = start; i < std::min(start + 2, 3); ++i) {
      auto* p = r->add_users();
      p->set_user_id("u" + std::to_string(i));
      p->set_online(true);
      p->set_last_heartbeat_ms(1700000000000 + i);
    }
    if (start == 0) r->set_next_page_token("page2");
    return grpc::Status::OK;
  }
  grpc::Status GetRoomViewerCount(grpc::ServerContext*,
                                  const v1::GetRoomViewerCountRequest* q,
                                  v1::GetRoomViewerCountResponse* r) override {
    r->set_count(Holds(q->room_id()));
    r->set_reference_time_ms(1700000000000);
    return grpc::Status::OK;
  }
  grpc::Status ListRoomViewers(grpc::ServerContext*,
                               const v1::ListRoomViewersRequest* q,
                               v1::ListRoomViewersResponse* r) override {
    if (Holds(q->room_id()) > 0) {
      auto* v = r->add_viewers();
      v->set_user_id("me");
      v->set_joined_at_ms(1700000000000);
      v->set_last_heartbeat_ms(1700000001000);
    }
    return grpc::Status::OK;
  }
  // The current state of each user, then the stream ends.
  grpc::Status Sync(grpc::ServerContext*, const v1::SyncRequest* q,
                    grpc::ServerWriter<v1::UserPresence>* writer) override {
    for (const auto& id : q->user_ids()) {
      v1::UserPresence p;
      p.set_user_id(id);
      p.set_online(id.rfind("on", 0) == 0);
      writer->Write(p);
    }
    return grpc::Status::OK;
  }
  grpc::Status GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*,
                         v1::Status* s) override {
    s->set_state(v1::SESSION_STATE_ONLINE);
    s->set_upstream("127.0.0.1:7000");
    s->set_user_id("alice");
    s->set_device_id("box-1");
    s->mutable_user_heartbeat_interval()->set_value_ms(20000);
    s->mutable_user_heartbeat_interval()->set_source("server");
    s->mutable_room_heartbeat_interval()->set_value_ms(300000);
    s->mutable_room_heartbeat_interval()->set_source("built-in default");
    auto* t = s->add_targets();
    t->mutable_target()->set_kind(v1::TARGET_KIND_ROOM);
    t->mutable_target()->set_room_id("lobby");
    auto* h = t->add_holders();
    h->set_hold_id("a-1");
    h->set_uid(1000);
    h->set_pid(42);
    h->set_client_name("player");
    h->set_attached(true);
    s->set_version("0.1.0");
    return grpc::Status::OK;
  }

 private:
  void Add(const std::string& target, int delta, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    holds_[target] += delta;
    if (!name.empty()) last_client_name_ = name;
  }
  int Clear(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    const int n = holds_[target];
    holds_[target] = 0;
    return n;
  }

  std::string socket_path_;
  std::unique_ptr<grpc::Server> server_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> enabled_{false};
  std::atomic<int> hold_calls_{0};
  std::mutex mu_;
  std::map<std::string, int> holds_;
  std::string last_client_name_;
};

}  // namespace presence::testing
