#include "service/presence_service.h"

#include "contract/limits.h"
#include "contract/request_parser.h"
#include "contract/validate.h"
#include "service/convert.h"
#include "service/page_token.h"
#include "service/presence_watch.h"
#include "service/settings_watch.h"
#include "service/store_errors.h"

namespace presence::server {
namespace {

grpc::Status Invalid(std::string message) {
  return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message)};
}

// Checks a repeated id field and copies it out for the store.
grpc::Status ReadIds(const char* field,
                     const google::protobuf::RepeatedPtrField<std::string>& in,
                     std::size_t max_count, std::vector<std::string>* out) {
  out->assign(in.begin(), in.end());
  Problem problem = CheckIdList(field, *out, max_count);
  return problem ? Invalid(std::move(*problem)) : grpc::Status::OK;
}

// Where a page starts and how long it is, read from a request's page_size
// and page_token.
struct Paging {
  int size = kDefaultPageSize;
  std::string after;  // the last user id of the previous page
};

template <typename Request>
grpc::Status ReadPaging(const Request& request, Paging* paging) {
  if (Problem problem = CheckPageSize("page_size", request.page_size())) {
    return Invalid(std::move(*problem));
  }
  auto decoded = DecodePageToken(request.page_token());
  if (!decoded) {
    return Invalid("page_token is not a token from a previous page");
  }
  if (request.page_size() != 0) paging->size = request.page_size();
  paging->after = std::move(*decoded);
  return grpc::Status::OK;
}

// Copies a page of the store into a response, with the token of the next
// page when there is one (keyset paging: the last user id returned).
template <typename Item, typename ProtoItems, typename Response>
void WritePage(const Page<Item>& page, ProtoItems* items, Response* response) {
  for (const auto& item : page.items) ToProto(item, items->Add());
  if (page.more) {
    response->set_next_page_token(EncodePageToken(page.items.back().user_id));
  }
}

}  // namespace

PresenceServiceImpl::PresenceServiceImpl(PresenceStore& store, Auth& auth,
                                         WatchHub& hub, Clock clock)
    : store_(store), auth_(auth), hub_(hub), clock_(std::move(clock)) {}

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* PresenceServiceImpl::Authenticated(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& in,
    grpc::ByteBuffer* out, Handler&& handle) {
  return FinishNow(
      context, ServeParsed<Request, Response>(
                   in, out, [&](const Request& request, Response* response) {
                     const Time now = clock_();
                     return GuardStore([&] {
                       Session session;
                       grpc::Status status =
                           auth_.Authenticate(*context, now, &session);
                       if (status.ok()) {
                         status = handle(request, response, session, now);
                       }
                       return status;
                     });
                   }));
}

grpc::ServerUnaryReactor* PresenceServiceImpl::CreateSession(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return FinishNow(
      context, ServeParsed<v1::CreateSessionRequest, v1::CreateSessionResponse>(
                   *in, out, [&](const auto& request, auto* response) {
                     return GuardStore([&] {
                       return auth_.CreateSession(request, clock_(), response);
                     });
                   }));
}

grpc::ServerUnaryReactor* PresenceServiceImpl::GetSettings(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::GetSettingsRequest, v1::GetSettingsResponse>(
      context, *in, out,
      [&](const auto&, auto* response, const Session& session, Time now) {
        ToProto(store_.GetNetworkSettings(now), response->mutable_network());
        ToProto(store_.GetUserSettings(session.user_id, now),
                response->mutable_user());
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PresenceServiceImpl::SetUserPresenceEnabled(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::SetUserPresenceEnabledRequest,
                       v1::GetSettingsResponse>(
      context, *in, out,
      [&](const auto& request, auto* response, const Session& session,
          Time now) {
        ToProto(store_.SetUserPresenceEnabled(session.user_id,
                                              request.enabled(), now),
                response->mutable_user());
        ToProto(store_.GetNetworkSettings(now), response->mutable_network());
        return grpc::Status::OK;
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* PresenceServiceImpl::WatchSettings(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in) {
  v1::WatchSettingsRequest request;
  Session session;
  grpc::Status status = ParseRequest(*in, &request);
  if (status.ok()) {
    status = GuardStore(
        [&] { return auth_.Authenticate(*context, clock_(), &session); });
  }
  if (!status.ok()) return new FailedStream(std::move(status));
  return new SettingsWatch(hub_, store_, clock_, session.user_id);
}

grpc::ServerUnaryReactor* PresenceServiceImpl::Heartbeat(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::HeartbeatRequest, v1::HeartbeatResponse>(
      context, *in, out,
      [&](const auto& request, auto* response, const Session& session,
          Time now) {
        std::vector<std::string> room_ids;
        if (auto status = ReadIds("room_ids", request.room_ids(),
                                  kMaxRoomsPerCall, &room_ids);
            !status.ok()) {
          return status;
        }
        const HeartbeatResult result = store_.Heartbeat(
            session.user_id, session.device_id, request.user(), room_ids, now);
        switch (result.outcome) {
          case HeartbeatOutcome::kPresenceDisabled:
            return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                "presence is disabled for this network");
          case HeartbeatOutcome::kUserNotEnabled:
            return grpc::Status(
                grpc::StatusCode::FAILED_PRECONDITION,
                "presence is not enabled for user " + session.user_id +
                    "; enable it first (SetUserPresenceEnabled)");
          case HeartbeatOutcome::kAccepted:
            break;
        }
        response->set_server_time_ms(ToUnixMillis(now));
        ToProto(result.settings, response->mutable_network());
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PresenceServiceImpl::Leave(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::LeaveRequest, v1::LeaveResponse>(
      context, *in, out,
      [&](const auto& request, auto*, const Session& session, Time now) {
        std::vector<std::string> room_ids;
        if (auto status = ReadIds("room_ids", request.room_ids(),
                                  kMaxRoomsPerCall, &room_ids);
            !status.ok()) {
          return status;
        }
        if (request.grace_ms() < 0 || request.grace_ms() > kMaxLeaveGraceMs) {
          return Invalid("grace_ms must be between 0 and " +
                         std::to_string(kMaxLeaveGraceMs) + ", got " +
                         std::to_string(request.grace_ms()));
        }
        store_.Leave(session.user_id, session.device_id, request.user(),
                     room_ids, Millis(request.grace_ms()), now);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PresenceServiceImpl::GetUserPresence(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::GetUserPresenceRequest, v1::GetUserPresenceResponse>(
      context, *in, out,
      [&](const auto& request, auto* response, const Session&, Time now) {
        std::vector<std::string> user_ids;
        if (auto status = ReadIds("user_ids", request.user_ids(),
                                  kMaxUserIdsPerRead, &user_ids);
            !status.ok()) {
          return status;
        }
        for (const auto& presence : store_.GetUserPresence(user_ids, now)) {
          ToProto(presence, response->add_presences());
        }
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PresenceServiceImpl::GetOnlineUserCount(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::GetOnlineUserCountRequest,
                       v1::GetOnlineUserCountResponse>(
      context, *in, out,
      [&](const auto&, auto* response, const Session&, Time now) {
        response->set_count(store_.OnlineUserCount(now));
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PresenceServiceImpl::ListOnlineUsers(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::ListOnlineUsersRequest, v1::ListOnlineUsersResponse>(
      context, *in, out,
      [&](const auto& request, auto* response, const Session&, Time now) {
        Paging paging;
        if (auto status = ReadPaging(request, &paging); !status.ok()) {
          return status;
        }
        WritePage(store_.ListOnlineUsers(paging.after, paging.size, now),
                  response->mutable_users(), response);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PresenceServiceImpl::GetRoomViewerCount(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::GetRoomViewerCountRequest,
                       v1::GetRoomViewerCountResponse>(
      context, *in, out,
      [&](const auto& request, auto* response, const Session&, Time now) {
        if (Problem problem = CheckId("room_id", request.room_id())) {
          return Invalid(std::move(*problem));
        }
        response->set_count(store_.RoomViewerCount(request.room_id(), now));
        response->set_reference_time_ms(ToUnixMillis(now));
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* PresenceServiceImpl::ListRoomViewers(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return Authenticated<v1::ListRoomViewersRequest, v1::ListRoomViewersResponse>(
      context, *in, out,
      [&](const auto& request, auto* response, const Session&, Time now) {
        if (Problem problem = CheckId("room_id", request.room_id())) {
          return Invalid(std::move(*problem));
        }
        Paging paging;
        if (auto status = ReadPaging(request, &paging); !status.ok()) {
          return status;
        }
        WritePage(store_.ListRoomViewers(request.room_id(), paging.after,
                                         paging.size, now),
                  response->mutable_viewers(), response);
        return grpc::Status::OK;
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* PresenceServiceImpl::Watch(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in) {
  v1::WatchRequest request;
  Session session;
  std::vector<std::string> user_ids, room_ids;
  grpc::Status status = ParseRequest(*in, &request);
  if (status.ok()) {
    status = GuardStore(
        [&] { return auth_.Authenticate(*context, clock_(), &session); });
  }
  if (status.ok()) {
    status =
        ReadIds("user_ids", request.user_ids(), kMaxUserIdsPerRead, &user_ids);
  }
  if (status.ok()) {
    status =
        ReadIds("room_ids", request.room_ids(), kMaxRoomsPerCall, &room_ids);
  }
  if (!status.ok()) return new FailedStream(std::move(status));
  return new PresenceWatch(hub_, store_, clock_, user_ids, room_ids);
}

}  // namespace presence::server
