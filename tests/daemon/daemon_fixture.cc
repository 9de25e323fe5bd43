#include "daemon_fixture.h"

#include "app/config.h"
#include "support/control_calls.h"

namespace presence::testing {

std::vector<std::string> ShippedRatioFlags(int factor) {
  const server::ServerConfig shipped;
  const server::NetworkSettings& network = shipped.network;
  auto divided = [&](const char* flag, std::chrono::milliseconds value) {
    return std::string(flag) + "=" + std::to_string(value.count() / factor) +
           "ms";
  };
  return {divided("--user-heartbeat-interval", network.user_heartbeat_interval),
          divided("--room-heartbeat-interval", network.room_heartbeat_interval),
          divided("--online-threshold", network.online_threshold),
      divided("--room-timeout", network.room_timeout),
              divided("--sync-interval", network.sync_interval),
          divided("--sweep-interval", shipped.sweep_interval)};
}

HoldStream::HoldStream(const std::string& socket, const pb::Target& target)
    : channel_(grpc::CreateChannel("unix:" + socket,
                                   grpc::InsecureChannelCredentials())),
      stub_(pb::ControlService::NewStub(channel_)) {
  pb::HoldRequest request;
  *request.mutable_target() = target;
  request.set_client_name("e2e-test");
  reader_ = std::thread([this, request] {
    auto reader = stub_->Hold(&context_, request);
    pb::HoldEvent event;
    while (reader->Read(&event)) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    }
    grpc::Status status = reader->Finish();
    std::lock_guard lock(mutex_);
    status_ = status;
    changed_.notify_all();
  });
}

HoldStream::~HoldStream() {
  context_.TryCancel();
  reader_.join();
}

void HoldStream::Cancel() { context_.TryCancel(); }

bool HoldStream::WaitFor(pb::HoldEventType type, milliseconds timeout,
                         pb::HoldEvent* out) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    for (const auto& event : events_) {
      if (event.type() == type) {
        if (out) *out = event;
        return true;
      }
    }
    return false;
  });
}

grpc::Status HoldStream::Finish(milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return status_.has_value(); })) {
    return {grpc::StatusCode::DEADLINE_EXCEEDED, "stream still open"};
  }
  return *status_;
}

HoldManyStream::HoldManyStream(const std::string& socket)
    : channel_(grpc::CreateChannel("unix:" + socket,
                                   grpc::InsecureChannelCredentials())),
      stub_(pb::ControlService::NewStub(channel_)),
      stream_(stub_->HoldMany(&context_)) {
  reader_ = std::thread([this] {
    pb::HoldEvent event;
    while (stream_->Read(&event)) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    }
    grpc::Status status = stream_->Finish();
    std::lock_guard lock(mutex_);
    status_ = status;
    changed_.notify_all();
  });
}

HoldManyStream::~HoldManyStream() {
  context_.TryCancel();
  reader_.join();
}

bool HoldManyStream::Write(const pb::HoldManyRequest& request) {
  return stream_->Write(request);
}

bool HoldManyStream::Hold(const pb::Target& target, uint64_t request_id) {
  pb::HoldManyRequest request;
  *request.mutable_hold()->mutable_target() = target;
  request.mutable_hold()->set_client_name("e2e-test");
  request.set_request_id(request_id);
  return Write(request);
}

bool HoldManyStream::Release(const std::string& hold_id, uint64_t request_id) {
  pb::HoldManyRequest request;
  request.set_release_hold_id(hold_id);
  request.set_request_id(request_id);
  return Write(request);
}

bool HoldManyStream::WaitForAnswer(uint64_t request_id, milliseconds timeout,
                                   pb::HoldEvent* out) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    for (const auto& event : events_) {
      if (event.request_id() == request_id &&
          (event.type() == pb::HOLD_EVENT_HELD ||
           event.type() == pb::HOLD_EVENT_REFUSED)) {
        *out = event;
        return true;
      }
    }
    return false;
  });
}

bool HoldManyStream::WaitFor(pb::HoldEventType type, const std::string& hold_id,
                             milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    for (const auto& event : events_) {
      if (event.type() == type && event.hold_id() == hold_id) return true;
    }
    return false;
  });
}

grpc::Status HoldManyStream::Finish(milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return status_.has_value(); })) {
    return {grpc::StatusCode::DEADLINE_EXCEEDED, "stream still open"};
  }
  return *status_;
}

void HoldManyStream::Cancel() { context_.TryCancel(); }

void DaemonTest::SetUp() {
  server_ = std::make_unique<PresenceServerProcess>(
      PresenceServerOptions{ServerFlags()});
  daemon_ = StartDaemon("alice");
  control_ = Control(*daemon_);
}

std::unique_ptr<PresencedProcess> DaemonTest::StartDaemon(
    const std::string& user_id, const std::string& config) {
  PresencedOptions options;
  options.upstream = server_->address();
  options.api_key = server_->api_key();
  options.user_id = user_id;
  options.device_id = "device-of-" + user_id;
  options.config = config;
  return std::make_unique<PresencedProcess>(options);
}

std::unique_ptr<pb::ControlService::Stub> DaemonTest::Control(
    const PresencedProcess& daemon) const {
  return ConnectControl(daemon.socket_path());
}

pb::Status DaemonTest::GetStatus() {
  grpc::ClientContext context;
  pb::Status status;
  EXPECT_TRUE(
      control_->GetStatus(&context, pb::GetStatusRequest(), &status).ok());
  return status;
}

int64_t DaemonTest::RoomCount(const std::string& room) {
  grpc::ClientContext context;
  pb::GetRoomViewerCountRequest request;
  request.set_room_id(room);
  pb::GetRoomViewerCountResponse response;
  const grpc::Status status =
      control_->GetRoomViewerCount(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return status.ok() ? response.count() : -1;
}

void DaemonTest::UpdateNetwork(const pb::UpdateNetworkSettingsRequest& update) {
  auto admin = pb::AdminService::NewStub(grpc::CreateChannel(
      server_->address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", server_->admin_authorization());
  pb::NetworkSettings settings;
  const grpc::Status status =
      admin->UpdateNetworkSettings(&context, update, &settings);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

void DaemonTest::WaitForServerSettings() {
  ASSERT_TRUE(WaitUntil(
      [&] {
        return GetStatus().room_heartbeat_interval().source() == "server";
      },
      milliseconds(5000)))
      << daemon_->log();
}

}  // namespace presence::testing
