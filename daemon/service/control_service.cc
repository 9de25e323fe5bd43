#include "service/control_service.h"

#include <spdlog/spdlog.h>

#include "contract/limits.h"
#include "contract/request_parser.h"
#include "contract/validate.h"
#include "service/hold_many_reactor.h"
#include "service/hold_request.h"
#include "service/queued_writer.h"

namespace presence::daemon {
namespace {

grpc::Status Invalid(const std::string& message) {
  return {grpc::StatusCode::INVALID_ARGUMENT, message};
}

grpc::Status Unidentified() {
  return {grpc::StatusCode::PERMISSION_DENIED,
          "cannot read the caller's credentials from the socket"};
}

// Calls that wait on the presence server run on two pools, so that reads
// (anyone's, possibly many) cannot hold up the switches (Enable, Disable,
// Logout). Beyond the waiting limit a call is refused at once rather than
// queued without bound.
constexpr std::size_t kReadThreads = 4;
constexpr std::size_t kMaxWaitingReads = 256;
constexpr std::size_t kSwitchThreads = 1;
constexpr std::size_t kMaxWaitingSwitches = 16;

// How a stopping daemon ends the streams it serves: UNAVAILABLE, so that
// clients re-attach once it is back.
grpc::Status Stopping() {
  return {grpc::StatusCode::UNAVAILABLE,
          "presenced is stopping; re-attach when it is back"};
}

grpc::Status NeedsAdmin(const std::string& what) {
  return {grpc::StatusCode::PERMISSION_DENIED,
          what + " needs root or the admin group"};
}

// Lives exactly as long as the Hold call: its end releases the hold.
class HoldReactor final : public QueuedWriter<>, public HoldEventSink {
 public:
  explicit HoldReactor(Engine& engine) : engine_(engine) {}

  void Begin(const Target& target, const Owner& owner) {
    const grpc::Status status =
        engine_.AddAttached(target, owner, this, &hold_id_);
    if (!status.ok()) FinishWith(status);
  }

  void Send(const pb::HoldEvent& event) override { Enqueue(event); }
  void End(const pb::HoldEvent& event) override {
    ended_ = true;
    Enqueue(event, /*last=*/true);
  }

 private:
  void OnRelease() override {
    if (!hold_id_.empty() && !ended_) engine_.ReleaseAttached(hold_id_);
  }

  Engine& engine_;
  std::string hold_id_;
  std::atomic<bool> ended_{false};
};

class SyncReactor final : public QueuedWriter<>, public SyncHub::Watcher {
 public:
  explicit SyncReactor(SyncHub& hub) : hub_(hub) {}
  void Begin(const std::vector<std::string>& users) { hub_.Add(this, users); }
  void Deliver(const pb::UserPresence& presence) override { Enqueue(presence); }

 private:
  void OnRelease() override { hub_.Remove(this); }
  SyncHub& hub_;
};

}  // namespace

ControlService::ControlService(Engine& engine, Session& session,
                               Upstream& upstream, SyncHub& sync,
                               const UnixListener& listener,
                               ControlServiceOptions options)
    : engine_(engine),
      session_(session),
      upstream_(upstream),
      sync_(sync),
      listener_(listener),
      options_(std::move(options)),
      reads_(kReadThreads, kMaxWaitingReads),
      switches_(kSwitchThreads, kMaxWaitingSwitches) {}

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ControlService::AnswerNow(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out, Handler handle) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(ServeParsed<Request, Response>(*in, out, handle));
  return reactor;
}

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ControlService::AnswerLater(
    BlockingPool& pool, grpc::CallbackServerContext* context,
    const grpc::ByteBuffer* in, grpc::ByteBuffer* out, Handler handle) {
  auto* reactor = context->DefaultReactor();
  const bool queued = pool.TryPost([=] {
    // A caller that gave up while the call was queued is not worth a
    // round trip.
    if (context->IsCancelled()) return reactor->Finish(grpc::Status::CANCELLED);
    try {
      reactor->Finish(ServeParsed<Request, Response>(*in, out, handle));
    } catch (const std::exception& e) {
      spdlog::error("control call failed: {}", e.what());
      reactor->Finish({grpc::StatusCode::INTERNAL, e.what()});
    }
  });
  if (!queued) {
    reactor->Finish({grpc::StatusCode::RESOURCE_EXHAUSTED,
                     std::to_string(pool.max_waiting()) +
                         " calls like this one are already waiting on the "
                         "presence server at " +
                         upstream_.address() + "; retry later"});
  }
  return reactor;
}

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ControlService::AnswerWhenDone(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out, Handler handle) {
  auto* reactor = context->DefaultReactor();
  Request request;
  if (grpc::Status status = ParseRequest(*in, &request); !status.ok()) {
    reactor->Finish(status);
    return reactor;
  }
  const Reply<Response> reply = [reactor, out](const grpc::Status& status,
                                               const Response& response) {
    reactor->Finish(status.ok() ? SerializeResponse(response, out) : status);
  };
  handle(static_cast<const Request&>(request), reply);
  return reactor;
}

void ControlService::CloseStreams() { open_streams_.CloseAll(Stopping()); }

std::optional<Caller> ControlService::Identify(
    grpc::ServerContextBase* context) const {
  const auto peer = listener_.Lookup(context->peer());
  if (!peer) return std::nullopt;
  Caller caller;
  caller.uid = peer->uid;
  caller.pid = peer->pid;
  caller.admin = peer->uid == 0 ||
                 (options_.admin_group && peer->InGroup(*options_.admin_group));
  return caller;
}

grpc::Status ControlService::Read(const Session::Call& call) {
  if (!engine_.SessionWanted()) {
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "presenced has no session (logged out or credentials rejected); "
            "see 'presencectl status'"};
  }
  grpc::Status status = session_.Run(call);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return {status.error_code(),
            "the presence server at " + upstream_.address() +
                " is unreachable: " + status.error_message()};
  }
  return status;
}

grpc::ServerUnaryReactor* ControlService::IsEnabled(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerLater<pb::IsEnabledRequest, pb::IsEnabledResponse>(
      reads_, context, in, out, [this](const auto&, auto* response) {
        pb::GetSettingsResponse settings;
        grpc::Status status = Read([&](const std::string& token) {
          return upstream_.GetSettings(token, &settings);
        });
        if (!status.ok()) return status;
        engine_.ApplySettings(settings);
        response->set_enabled(settings.user().enabled());
        return status;
      });
}

grpc::Status ControlService::SetEnabled(bool enabled,
                                        pb::IsEnabledResponse* response) {
  pb::GetSettingsResponse settings;
  grpc::Status status = Read([&](const std::string& token) {
    return upstream_.SetUserPresenceEnabled(token, enabled, &settings);
  });
  if (!status.ok()) return status;
  spdlog::info("user presence {} for {}", enabled ? "enabled" : "disabled",
               session_.user_id());
  engine_.SetUserEnabled(settings.user().enabled());
  response->set_enabled(settings.user().enabled());
  return status;
}

grpc::ServerUnaryReactor* ControlService::Enable(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerLater<pb::EnableRequest, pb::IsEnabledResponse>(
      switches_, context, in, out, [this](const auto&, auto* response) {
        return SetEnabled(true, response);
      });
}

grpc::ServerUnaryReactor* ControlService::Disable(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  // Identified now: the peer's credentials belong to the connection, which
  // is best looked up while the call is fresh.
  const auto caller = Identify(context);
  return AnswerLater<pb::DisableRequest, pb::IsEnabledResponse>(
      switches_, context, in, out, [this, caller](const auto&, auto* response) {
        if (!caller) return Unidentified();
        if (!caller->admin) return NeedsAdmin("disabling user presence");
        return SetEnabled(false, response);
      });
}

void ControlService::Start(grpc::ServerContextBase* context,
                           const Target& target, int64_t ttl_ms,
                           const std::string& client_name,
                           const Reply<pb::StartResponse>& reply) {
  if (Problem problem = CheckClientName(client_name)) {
    return reply(Invalid(*problem), {});
  }
  if (ttl_ms < 0) return reply(Invalid("ttl_ms must not be negative"), {});
  const auto caller = Identify(context);
  if (!caller) return reply(Unidentified(), {});
  Owner owner{caller->uid, caller->pid, client_name};
  std::optional<std::chrono::milliseconds> ttl;
  if (ttl_ms > 0) ttl = std::chrono::milliseconds(ttl_ms);
  engine_.StartDetached(
      target, owner, ttl,
      [reply](const grpc::Status& status, const std::string& hold_id) {
        pb::StartResponse response;
        response.set_hold_id(hold_id);
        reply(status, response);
      });
}

void ControlService::Stop(grpc::ServerContextBase* context,
                          const Target& target, const std::string& hold_id,
                          const Reply<pb::StopResponse>& reply) {
  if (!hold_id.empty()) {
    if (Problem problem = CheckId("hold_id", hold_id)) {
      return reply(Invalid(*problem), {});
    }
  }
  const auto caller = Identify(context);
  if (!caller) return reply(Unidentified(), {});
  engine_.StopDetached(target, hold_id, *caller,
                       [reply](const grpc::Status& status, int stopped) {
                         pb::StopResponse response;
                         response.set_stopped(stopped);
                         reply(status, response);
                       });
}

grpc::ServerUnaryReactor* ControlService::StartUserHeartbeat(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerWhenDone<pb::StartUserHeartbeatRequest, pb::StartResponse>(
      context, in, out, [&](const auto& request, const auto& reply) {
        Start(context, Target::User(), request.ttl_ms(), request.client_name(),
              reply);
      });
}

grpc::ServerUnaryReactor* ControlService::StopUserHeartbeat(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerWhenDone<pb::StopUserHeartbeatRequest, pb::StopResponse>(
      context, in, out, [&](const auto& request, const auto& reply) {
        Stop(context, Target::User(), request.hold_id(), reply);
      });
}

grpc::ServerUnaryReactor* ControlService::StartRoomHeartbeat(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerWhenDone<pb::StartRoomHeartbeatRequest, pb::StartResponse>(
      context, in, out, [&](const auto& request, const auto& reply) {
        if (Problem problem = CheckId("room_id", request.room_id())) {
          return reply(Invalid(*problem), {});
        }
        Start(context, Target::Room(request.room_id()), request.ttl_ms(),
              request.client_name(), reply);
      });
}

grpc::ServerUnaryReactor* ControlService::StopRoomHeartbeat(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerWhenDone<pb::StopRoomHeartbeatRequest, pb::StopResponse>(
      context, in, out, [&](const auto& request, const auto& reply) {
        if (Problem problem = CheckId("room_id", request.room_id())) {
          return reply(Invalid(*problem), {});
        }
        Stop(context, Target::Room(request.room_id()), request.hold_id(),
             reply);
      });
}

grpc::ServerUnaryReactor* ControlService::GetUserPresence(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerLater<pb::GetUserPresenceRequest, pb::GetUserPresenceResponse>(
      reads_, context, in, out, [this](const auto& request, auto* response) {
        const std::vector<std::string> ids(request.user_ids().begin(),
                                           request.user_ids().end());
        if (ids.empty()) return Invalid("user_ids must not be empty");
        if (Problem problem =
                CheckIdList("user_ids", ids, kMaxUserIdsPerRead)) {
          return Invalid(*problem);
        }
        return Read([&](const std::string& token) {
          return upstream_.GetUserPresence(token, request, response);
        });
      });
}

grpc::ServerUnaryReactor* ControlService::GetOnlineUserCount(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerLater<pb::GetOnlineUserCountRequest,
                     pb::GetOnlineUserCountResponse>(
      reads_, context, in, out, [this](const auto&, auto* response) {
        return Read([&](const std::string& token) {
          return upstream_.GetOnlineUserCount(token, response);
        });
      });
}

grpc::ServerUnaryReactor* ControlService::ListOnlineUsers(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerLater<pb::ListOnlineUsersRequest, pb::ListOnlineUsersResponse>(
      reads_, context, in, out, [this](const auto& request, auto* response) {
        if (Problem problem = CheckPageSize("page_size", request.page_size())) {
          return Invalid(*problem);
        }
        return Read([&](const std::string& token) {
          return upstream_.ListOnlineUsers(token, request, response);
        });
      });
}

grpc::ServerUnaryReactor* ControlService::GetRoomViewerCount(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerLater<pb::GetRoomViewerCountRequest,
                     pb::GetRoomViewerCountResponse>(
      reads_, context, in, out, [this](const auto& request, auto* response) {
        if (Problem problem = CheckId("room_id", request.room_id())) {
          return Invalid(*problem);
        }
        return Read([&](const std::string& token) {
          return upstream_.GetRoomViewerCount(token, request, response);
        });
      });
}

grpc::ServerUnaryReactor* ControlService::ListRoomViewers(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerLater<pb::ListRoomViewersRequest, pb::ListRoomViewersResponse>(
      reads_, context, in, out, [this](const auto& request, auto* response) {
        if (Problem problem = CheckId("room_id", request.room_id())) {
          return Invalid(*problem);
        }
        if (Problem problem = CheckPageSize("page_size", request.page_size())) {
          return Invalid(*problem);
        }
        return Read([&](const std::string& token) {
          return upstream_.ListRoomViewers(token, request, response);
        });
      });
}

grpc::ServerUnaryReactor* ControlService::GetStatus(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerNow<pb::GetStatusRequest, pb::Status>(
      context, in, out, [this](const auto&, auto* response) {
        *response = engine_.GetStatus();
        response->set_sync_watchers(sync_.watcher_count());
        response->set_synced_users(sync_.user_count());
        response->set_version(options_.version);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* ControlService::Logout(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  // Logout sends the leaves and waits for them.
  const auto caller = Identify(context);
  return AnswerLater<pb::LogoutRequest, pb::LogoutResponse>(
      switches_, context, in, out, [this, caller](const auto&, auto*) {
        if (!caller) return Unidentified();
        if (!caller->admin) return NeedsAdmin("logout");
        spdlog::info("logout requested by uid {} pid {}", caller->uid,
                     caller->pid);
        engine_.Logout();
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* ControlService::Login(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return AnswerNow<pb::LoginRequest, pb::LoginResponse>(
      context, in, out, [&](const auto&, auto*) {
        const auto caller = Identify(context);
        if (!caller) return Unidentified();
        if (!caller->admin) return NeedsAdmin("login");
        spdlog::info("login requested by uid {} pid {}", caller->uid,
                     caller->pid);
        engine_.Login();
        sync_.Reconnect();
        return grpc::Status::OK;
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* ControlService::Hold(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in) {
  auto* reactor = new HoldReactor(engine_);
  reactor->Track(open_streams_);
  const auto caller = Identify(context);
  pb::HoldRequest request;
  Target target;
  if (grpc::Status status = ParseRequest(*in, &request); !status.ok()) {
    reactor->FinishWith(status);
  } else if (Problem problem = ParseHoldRequest(request, &target)) {
    reactor->FinishWith(Invalid(*problem));
  } else if (!caller) {
    reactor->FinishWith(Unidentified());
  } else {
    reactor->Begin(target,
                   Owner{caller->uid, caller->pid, request.client_name()});
  }
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
ControlService::HoldMany(grpc::CallbackServerContext* context) {
  auto* reactor = new HoldManyReactor(engine_);
  reactor->Track(open_streams_);
  if (const auto caller = Identify(context)) {
    reactor->Begin(*caller);
  } else {
    reactor->FinishWith(Unidentified());
  }
  return reactor;
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* ControlService::Sync(
    grpc::CallbackServerContext*, const grpc::ByteBuffer* in) {
  auto* reactor = new SyncReactor(sync_);
  reactor->Track(open_streams_);
  pb::SyncRequest request;
  if (grpc::Status status = ParseRequest(*in, &request); !status.ok()) {
    reactor->FinishWith(status);
    return reactor;
  }
  const std::vector<std::string> ids(request.user_ids().begin(),
                                     request.user_ids().end());
  Problem problem = ids.empty()
                        ? "user_ids must not be empty"
                        : CheckIdList("user_ids", ids, kMaxUserIdsPerRead);
  if (!problem && !request.view_id().empty()) {
    problem = CheckId("view_id", request.view_id());
  }
  if (!problem) problem = CheckClientName(request.client_name());
  if (problem) {
    reactor->FinishWith(Invalid(*problem));
  } else {
    reactor->Begin(ids);
  }
  return reactor;
}

}  // namespace presence::daemon
