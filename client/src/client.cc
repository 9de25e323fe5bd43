#include "presence/client/client.h"

#include <grpcpp/grpcpp.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

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

namespace detail {

Error MakeError(const grpc::Status& status, grpc::Channel& channel,
                const std::string& socket_path) {
  Error error{status.error_code(), status.error_message(), false};
  const auto code = status.error_code();
  if (code == grpc::StatusCode::UNAVAILABLE ||
      code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    if (channel.GetState(false) != GRPC_CHANNEL_READY) {
      error.unreachable = true;
      error.message = "cannot reach presenced at " + socket_path + ": " +
                      (status.error_message().empty() ? CodeName(error.code)
                                                      : status.error_message());
    }
  }
  if (error.message.empty()) error.message = CodeName(error.code);
  return error;
}

bool IsPermanent(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return true;
    default:
      return false;
  }
}

Error StreamEndError(const grpc::Status& status, grpc::Channel& channel,
                     const std::string& socket_path, const std::string& what) {
  if (status.ok()) {
    return Error{grpc::StatusCode::UNAVAILABLE, "presenced ended " + what,
                 false};
  }
  return MakeError(status, channel, socket_path);
}

Error NoAnswerError(grpc::Channel& channel, const Options& options,
                    const std::string& what) {
  const bool connected = channel.GetState(false) == GRPC_CHANNEL_READY;
  const std::string ms = std::to_string(options.timeout.count()) + " ms";
  return Error{grpc::StatusCode::DEADLINE_EXCEEDED,
               connected ? "presenced did not confirm " + what + " within " + ms
                         : "cannot reach presenced at " + options.socket_path +
                               ": no connection within " + ms,
               !connected};
}

}  // namespace detail

using detail::IsPermanent;
using detail::MakeError;

std::string DefaultSocketPath() {
  const char* env = std::getenv(kSocketEnvVar);
  return env != nullptr && *env != '\0' ? env : kDefaultSocketPath;
}

std::string CodeName(grpc::StatusCode code) { return StatusCodeName(code); }

std::string Error::CodeName() const { return client::CodeName(code); }

// ---------------------------------------------------------------- Hold

struct Hold::State {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ControlService::Stub> stub;
  std::string socket_path;
  v1::HoldRequest request;
  HoldOptions options;

  mutable std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  bool held = false;
  bool active = true;
  bool first_done = false;
  std::optional<Error> first_error;
  std::string hold_id;
  grpc::ClientContext* current = nullptr;
  std::thread thread;

  void Run();
  void End(const Error& error) {
    {
      std::lock_guard<std::mutex> lock(mu);
      active = false;
    }
    if (options.on_ended) options.on_ended(error);
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu);
      released = true;
      active = false;
      if (current != nullptr) current->TryCancel();
    }
    cv.notify_all();
    if (thread.joinable()) {
      if (thread.get_id() == std::this_thread::get_id()) {
        thread.detach();  // released from its own callback
      } else {
        thread.join();
      }
    }
  }
};

void Hold::State::Run() {
  bool first = true;
  std::optional<Clock::time_point> broke_at;
  for (;;) {
    grpc::ClientContext context;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (released) return;
      current = &context;
    }
    auto reader = stub->Hold(&context, request);
    v1::HoldEvent event;
    bool got_held = false;
    bool logged_out = false;
    while (reader->Read(&event)) {
      if (event.type() == v1::HOLD_EVENT_HELD) {
        got_held = true;
        {
          std::lock_guard<std::mutex> lock(mu);
          hold_id = event.hold_id();
          held = true;
          first_done = true;
        }
        cv.notify_all();
        if (broke_at) {
          const Gap gap{*broke_at, Clock::now()};
          broke_at.reset();
          if (options.on_gap) options.on_gap(gap);
        }
      } else if (event.type() == v1::HOLD_EVENT_ENDED_BY_LOGOUT) {
        logged_out = true;
      }
      if (options.on_event) options.on_event(event);
    }
    const grpc::Status status = reader->Finish();
    bool released_now;
    {
      std::lock_guard<std::mutex> lock(mu);
      current = nullptr;
      held = false;
      released_now = released;
    }
    if (released_now) return;
    const Error error = detail::StreamEndError(status, *channel, socket_path,
                                               "the hold stream");
    if (first && !got_held) {
      // The caller is still waiting in HoldTarget: hand it the refusal.
      {
        std::lock_guard<std::mutex> lock(mu);
        first_done = true;
        first_error = error;
        active = false;
      }
      cv.notify_all();
      return;
    }
    first = false;
    if (logged_out) {
      End(Error{grpc::StatusCode::FAILED_PRECONDITION,
                "the hold was ended by logout", false});
      return;
    }
    if (!got_held && IsPermanent(status.error_code())) {
      End(error);
      return;
    }
    if (!broke_at) {
      broke_at = Clock::now();
      if (options.on_detached) options.on_detached(error);
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, options.retry_interval, [&] { return released; });
    if (released) return;
  }
}

Hold::Hold(std::shared_ptr<State> state) : state_(std::move(state)) {}
Hold::Hold(Hold&&) noexcept = default;
Hold& Hold::operator=(Hold&& other) noexcept {
  if (this != &other) {
    Release();
    state_ = std::move(other.state_);
  }
  return *this;
}
Hold::~Hold() { Release(); }

void Hold::Release() {
  if (state_) state_->Release();
}

std::string Hold::id() const {
  if (!state_) return {};
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->hold_id;
}

bool Hold::held() const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->held;
}

bool Hold::active() const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->active;
}

const v1::Target& Hold::target() const {
  return state_ ? state_->request.target() : v1::Target::default_instance();
}

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

Result<Hold> Client::HoldUser(HoldOptions options) {
  v1::Target target;
  target.set_kind(v1::TARGET_KIND_USER);
  return HoldTarget(target, std::move(options));
}

Result<Hold> Client::HoldRoom(const std::string& room_id, HoldOptions options) {
  v1::Target target;
  target.set_kind(v1::TARGET_KIND_ROOM);
  target.set_room_id(room_id);
  return HoldTarget(target, std::move(options));
}

Result<Hold> Client::HoldTarget(const v1::Target& target, HoldOptions options) {
  auto state = std::make_shared<Hold::State>();
  state->channel = impl_->channel;
  state->stub = v1::ControlService::NewStub(impl_->channel);
  state->socket_path = impl_->options.socket_path;
  *state->request.mutable_target() = target;
  state->request.set_client_name(impl_->options.client_name);
  state->options = std::move(options);
  state->thread = std::thread([s = state] { s->Run(); });

  std::unique_lock<std::mutex> lock(state->mu);
  const bool done = state->cv.wait_for(lock, impl_->options.timeout,
                                       [&] { return state->first_done; });
  if (done && !state->first_error) {
    lock.unlock();
    return Hold(std::move(state));
  }
  std::optional<Error> error = state->first_error;
  lock.unlock();
  state->Release();
  if (!error) {
    error = detail::NoAnswerError(*impl_->channel, impl_->options, "the hold");
  }
  return *error;
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
