#include "upstream/grpc_upstream.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>

#include <fstream>
#include <sstream>
#include <thread>

namespace presence::daemon {
namespace {

constexpr int kInitialReconnectMs = 20;

std::shared_ptr<grpc::ChannelCredentials> MakeCredentials(
    const GrpcUpstreamOptions& options) {
  if (options.tls_ca_file.empty()) return grpc::InsecureChannelCredentials();
  std::ifstream file(options.tls_ca_file);
  std::stringstream pem;
  pem << file.rdbuf();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pem.str();
  return grpc::SslCredentials(ssl);
}

// A server stream read on its own thread until it ends or is cancelled.
template <typename Message>
class ReaderStream : public UpstreamStream {
 public:
  using Open = std::function<std::unique_ptr<grpc::ClientReader<Message>>(
      grpc::ClientContext*)>;

  ReaderStream(Open open, Upstream::OnMessage<Message> on_message,
               Upstream::OnEnd on_end)
      : thread_([this, open = std::move(open),
                 on_message = std::move(on_message),
                 on_end = std::move(on_end)] {
          // Waits for the channel to connect rather than failing at once:
          // the first message then says that the server is back.
          context_.set_wait_for_ready(true);
          auto reader = open(&context_);
          Message message;
          while (reader->Read(&message)) on_message(message);
          on_end(reader->Finish());
        }) {}

  ~ReaderStream() override {
    context_.TryCancel();
    thread_.join();
  }

 private:
  grpc::ClientContext context_;
  std::thread thread_;  // last: starts after context_ exists
};

}  // namespace

GrpcUpstream::GrpcUpstream(const GrpcUpstreamOptions& options) {
  Reconnect(options);
}

void GrpcUpstream::Reconnect(const GrpcUpstreamOptions& options) {
  // Starting low keeps a quick server restart quick to recover from.
  const int cap = static_cast<int>(options.reconnect_cap.count());
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              std::min(cap, kInitialReconnectMs));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, cap);
  std::shared_ptr<pb::PresenceService::Stub> stub =
      pb::PresenceService::NewStub(grpc::CreateCustomChannel(
          options.address, MakeCredentials(options), args));
  MutexLock lock(mutex_);
  options_ = options;
  stub_ = std::move(stub);
}

std::string GrpcUpstream::address() const {
  MutexLock lock(mutex_);
  return options_.address;
}

std::chrono::milliseconds GrpcUpstream::deadline() const {
  MutexLock lock(mutex_);
  return options_.deadline;
}

std::shared_ptr<pb::PresenceService::Stub> GrpcUpstream::stub() const {
  MutexLock lock(mutex_);
  return stub_;
}

void GrpcUpstream::Prepare(grpc::ClientContext& context,
                           const std::string& token) const {
  context.set_deadline(std::chrono::system_clock::now() + deadline());
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

grpc::Status GrpcUpstream::CreateSession(
    const pb::CreateSessionRequest& request,
    pb::CreateSessionResponse* response) {
  grpc::ClientContext context;
  Prepare(context, "");
  return stub()->CreateSession(&context, request, response);
}

grpc::Status GrpcUpstream::GetSettings(const std::string& token,
                                       pb::GetSettingsResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  return stub()->GetSettings(&context, pb::GetSettingsRequest(), response);
}

grpc::Status GrpcUpstream::SetUserPresenceEnabled(
    const std::string& token, bool enabled, pb::GetSettingsResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  pb::SetUserPresenceEnabledRequest request;
  request.set_enabled(enabled);
  return stub()->SetUserPresenceEnabled(&context, request, response);
}

grpc::Status GrpcUpstream::Heartbeat(const std::string& token,
                                     const pb::HeartbeatRequest& request,
                                     pb::HeartbeatResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  return stub()->Heartbeat(&context, request, response);
}

grpc::Status GrpcUpstream::Leave(const std::string& token,
                                 const pb::LeaveRequest& request,
                                 std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  Prepare(context, token);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::min(timeout, deadline()));
  pb::LeaveResponse response;
  return stub()->Leave(&context, request, &response);
}

grpc::Status GrpcUpstream::GetUserPresence(
    const std::string& token, const pb::GetUserPresenceRequest& request,
    pb::GetUserPresenceResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  return stub()->GetUserPresence(&context, request, response);
}

grpc::Status GrpcUpstream::GetOnlineUserCount(
    const std::string& token, pb::GetOnlineUserCountResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  return stub()->GetOnlineUserCount(&context, pb::GetOnlineUserCountRequest(),
                                    response);
}

grpc::Status GrpcUpstream::ListOnlineUsers(
    const std::string& token, const pb::ListOnlineUsersRequest& request,
    pb::ListOnlineUsersResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  return stub()->ListOnlineUsers(&context, request, response);
}

grpc::Status GrpcUpstream::GetRoomViewerCount(
    const std::string& token, const pb::GetRoomViewerCountRequest& request,
    pb::GetRoomViewerCountResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  return stub()->GetRoomViewerCount(&context, request, response);
}

grpc::Status GrpcUpstream::ListRoomViewers(
    const std::string& token, const pb::ListRoomViewersRequest& request,
    pb::ListRoomViewersResponse* response) {
  grpc::ClientContext context;
  Prepare(context, token);
  return stub()->ListRoomViewers(&context, request, response);
}

std::unique_ptr<UpstreamStream> GrpcUpstream::WatchSettings(
    const std::string& token, OnMessage<pb::GetSettingsResponse> on_message,
    OnEnd on_end) {
  auto open = [stub = stub(), token](grpc::ClientContext* context) {
    context->AddMetadata("authorization", "Bearer " + token);
    return stub->WatchSettings(context, pb::WatchSettingsRequest());
  };
  return std::make_unique<ReaderStream<pb::GetSettingsResponse>>(
      open, std::move(on_message), std::move(on_end));
}

std::unique_ptr<UpstreamStream> GrpcUpstream::Watch(
    const std::string& token, const pb::WatchRequest& request,
    OnMessage<pb::WatchEvent> on_message, OnEnd on_end) {
  auto open = [stub = stub(), token, request](grpc::ClientContext* context) {
    context->AddMetadata("authorization", "Bearer " + token);
    return stub->Watch(context, request);
  };
  return std::make_unique<ReaderStream<pb::WatchEvent>>(
      open, std::move(on_message), std::move(on_end));
}

}  // namespace presence::daemon
