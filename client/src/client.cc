#include "presence/client/client.h"

#include <grpcpp/grpcpp.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>

#include "call_errors.h"
#include "contract/status_name.h"
#include "presence/v1/control.grpc.pb.h"

namespace presence::client {
namespace {

using Clock = std::chrono::system_clock;

std::string DefaultClientName() {
  const char* name = program_invocation_short_name;
  return name != nullptr && *name != '\0' ? name : "presence-client";
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& path) {
  grpc::ChannelArguments args;
  // Reconnect quickly once the daemon is back (gRPC's default backoff grows to
  // two minutes); a Unix socket connect is cheap.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  return grpc::CreateCustomChannel("unix:" + path,
                                   grpc::InsecureChannelCredentials(), args);
}

}  // namespace

using detail::MakeError;

std::string DefaultSocketPath() {
  const char* env = std::getenv(kSocketEnvVar);
  return env != nullptr && *env != '\0' ? env : kDefaultSocketPath;
}

std::string CodeName(grpc::StatusCode code) { return StatusCodeName(code); }

std::string Error::CodeName() const { return client::CodeName(code); }

// ---------------------------------------------------------------- Watch

struct Watch::State {
  std::shared_ptr<grpc::Channel> channel;
  std::string socket_path;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::UserPresence>> reader;
  std::mutex mu;
  bool cancelled = false;
};

Watch::Watch(std::unique_ptr<State> state) : state_(std::move(state)) {}
Watch::Watch(Watch&&) noexcept = default;
Watch& Watch::operator=(Watch&&) noexcept = default;
Watch::~Watch() {
  if (state_ && state_->reader) {
    Cancel();
    state_->reader->Finish();
    state_->reader.reset();
  }
}

bool Watch::Next(v1::UserPresence* presence) {
  return state_ && state_->reader && state_->reader->Read(presence);
}

void Watch::Cancel() {
  if (!state_) return;
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->cancelled = true;
  state_->context.TryCancel();
}

std::optional<Error> Watch::Finish() {
  if (!state_ || !state_->reader) return std::nullopt;
  const grpc::Status status = state_->reader->Finish();
  state_->reader.reset();
  bool cancelled;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    cancelled = state_->cancelled;
  }
  if (status.ok() ||
      (cancelled && status.error_code() == grpc::StatusCode::CANCELLED)) {
    return std::nullopt;
  }
  return MakeError(status, *state_->channel, state_->socket_path);
}

// ---------------------------------------------------------------- Client

struct Client::Impl {
  Options options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ControlService::Stub> stub;

  template <class Response, class Fn>
  Result<Response> Call(Fn fn) {
    grpc::ClientContext context;
    context.set_deadline(Clock::now() + options.timeout);
    Response response;
    const grpc::Status status = fn(stub.get(), &context, &response);
    if (!status.ok()) return MakeError(status, *channel, options.socket_path);
    return response;
  }
};

std::shared_ptr<grpc::Channel> detail::ChannelOf(const Client::Impl& impl) {
  return impl.channel;
}

Client::Client(Options options) : impl_(std::make_unique<Impl>()) {
  if (options.socket_path.empty()) options.socket_path = DefaultSocketPath();
  if (options.client_name.empty()) options.client_name = DefaultClientName();
  impl_->options = std::move(options);
  impl_->channel = MakeChannel(impl_->options.socket_path);
  impl_->stub = v1::ControlService::NewStub(impl_->channel);
}

Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

const Options& Client::options() const { return impl_->options; }

Result<Unit> Client::WaitConnected() {
  if (impl_->channel->WaitForConnected(Clock::now() + impl_->options.timeout)) {
    return Unit{};
  }
  return Error{grpc::StatusCode::UNAVAILABLE,
               "cannot reach presenced at " + impl_->options.socket_path +
                   ": no connection within " +
                   std::to_string(impl_->options.timeout.count()) + " ms",
               true};
}

#define PRESENCE_CALL(Response, Method, request)                        \
  impl_->Call<v1::Response>([&](auto* stub, auto* context, auto* out) { \
    return stub->Method(context, request, out);                         \
  })

Result<bool> Client::IsEnabled() {
  auto r = PRESENCE_CALL(IsEnabledResponse, IsEnabled, v1::IsEnabledRequest());
  if (!r) return r.error();
  return r->enabled();
}

Result<bool> Client::Enable() {
  auto r = PRESENCE_CALL(IsEnabledResponse, Enable, v1::EnableRequest());
  if (!r) return r.error();
  return r->enabled();
}

Result<bool> Client::Disable() {
  auto r = PRESENCE_CALL(IsEnabledResponse, Disable, v1::DisableRequest());
  if (!r) return r.error();
  return r->enabled();
}

Result<std::string> Client::StartUserHeartbeat(std::chrono::milliseconds ttl) {
  v1::StartUserHeartbeatRequest request;
  request.set_ttl_ms(ttl.count());
  request.set_client_name(impl_->options.client_name);
  auto r = PRESENCE_CALL(StartResponse, StartUserHeartbeat, request);
  if (!r) return r.error();
  return r->hold_id();
}

Result<int> Client::StopUserHeartbeat(const std::string& hold_id) {
  v1::StopUserHeartbeatRequest request;
  request.set_hold_id(hold_id);
  auto r = PRESENCE_CALL(StopResponse, StopUserHeartbeat, request);
  if (!r) return r.error();
  return static_cast<int>(r->stopped());
}

Result<std::string> Client::StartRoomHeartbeat(const std::string& room_id,
                                               std::chrono::milliseconds ttl) {
  v1::StartRoomHeartbeatRequest request;
  request.set_room_id(room_id);
  request.set_ttl_ms(ttl.count());
  request.set_client_name(impl_->options.client_name);
  auto r = PRESENCE_CALL(StartResponse, StartRoomHeartbeat, request);
  if (!r) return r.error();
  return r->hold_id();
}

Result<int> Client::StopRoomHeartbeat(const std::string& room_id,
                                      const std::string& hold_id) {
  v1::StopRoomHeartbeatRequest request;
  request.set_room_id(room_id);
  request.set_hold_id(hold_id);
  auto r = PRESENCE_CALL(StopResponse, StopRoomHeartbeat, request);
  if (!r) return r.error();
  return static_cast<int>(r->stopped());
}

Result<std::vector<v1::UserPresence>> Client::GetUserPresence(
    const std::vector<std::string>& user_ids) {
  v1::GetUserPresenceRequest request;
  for (const auto& id : user_ids) request.add_user_ids(id);
  auto r = PRESENCE_CALL(GetUserPresenceResponse, GetUserPresence, request);
  if (!r) return r.error();
  return std::vector<v1::UserPresence>(r->presences().begin(),
                                       r->presences().end());
}

Result<std::int64_t> Client::GetOnlineUserCount() {
  auto r = PRESENCE_CALL(GetOnlineUserCountResponse, GetOnlineUserCount,
                         v1::GetOnlineUserCountRequest());
  if (!r) return r.error();
  return r->count();
}

Result<v1::ListOnlineUsersResponse> Client::ListOnlineUsers(
    int page_size, const std::string& page_token) {
  v1::ListOnlineUsersRequest request;
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  return PRESENCE_CALL(ListOnlineUsersResponse, ListOnlineUsers, request);
}

Result<std::vector<v1::UserPresence>> Client::ListAllOnlineUsers(
    int page_size) {
  std::vector<v1::UserPresence> all;
  std::string token;
  do {
    auto page = ListOnlineUsers(page_size, token);
    if (!page) return page.error();
    all.insert(all.end(), page->users().begin(), page->users().end());
    token = page->next_page_token();
  } while (!token.empty());
  return all;
}

Result<v1::GetRoomViewerCountResponse> Client::GetRoomViewerCount(
    const std::string& room_id) {
  v1::GetRoomViewerCountRequest request;
  request.set_room_id(room_id);
  return PRESENCE_CALL(GetRoomViewerCountResponse, GetRoomViewerCount, request);
}

Result<v1::ListRoomViewersResponse> Client::ListRoomViewers(
    const std::string& room_id, int page_size, const std::string& page_token) {
  v1::ListRoomViewersRequest request;
  request.set_room_id(room_id);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  return PRESENCE_CALL(ListRoomViewersResponse, ListRoomViewers, request);
}

Result<std::vector<v1::RoomViewer>> Client::ListAllRoomViewers(
    const std::string& room_id, int page_size) {
  std::vector<v1::RoomViewer> all;
  std::string token;
  do {
    auto page = ListRoomViewers(room_id, page_size, token);
    if (!page) return page.error();
    all.insert(all.end(), page->viewers().begin(), page->viewers().end());
    token = page->next_page_token();
  } while (!token.empty());
  return all;
}

Watch Client::Sync(const std::vector<std::string>& user_ids,
                   const std::string& view_id) {
  auto state = std::make_unique<Watch::State>();
  state->channel = impl_->channel;
  state->socket_path = impl_->options.socket_path;
  v1::SyncRequest request;
  for (const auto& id : user_ids) request.add_user_ids(id);
  request.set_view_id(view_id);
  request.set_client_name(impl_->options.client_name);
  state->reader = impl_->stub->Sync(&state->context, request);
  return Watch(std::move(state));
}

Result<v1::Status> Client::GetStatus() {
  return PRESENCE_CALL(Status, GetStatus, v1::GetStatusRequest());
}

Result<Unit> Client::Logout() {
  auto r = PRESENCE_CALL(LogoutResponse, Logout, v1::LogoutRequest());
  if (!r) return r.error();
  return Unit{};
}

Result<Unit> Client::Login() {
  auto r = PRESENCE_CALL(LoginResponse, Login, v1::LoginRequest());
  if (!r) return r.error();
  return Unit{};
}

#undef PRESENCE_CALL

}  // namespace presence::client
