#include "service/auth.h"

#include <cctype>
#include <string_view>

#include "contract/validate.h"

namespace presence::server {
namespace {

// Compares without an early exit, so timing does not reveal how much of a
// guessed secret was right.
bool SecretEquals(std::string_view given, std::string_view secret) {
  if (secret.empty()) return given.empty();
  unsigned char difference = given.size() == secret.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i) {
    difference |=
        static_cast<unsigned char>(given[i] ^ secret[i % secret.size()]);
  }
  return difference == 0;
}

// The token of "authorization: Bearer <token>", if present.
std::optional<std::string_view> BearerToken(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find("authorization");
  if (it == metadata.end()) return std::nullopt;
  const std::string_view value(it->second.data(), it->second.size());
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) {
      return std::nullopt;
    }
  }
  return value.substr(kScheme.size());
}

bool IsLoopbackPeer(const std::string& peer) {
  return peer.rfind("ipv4:127.", 0) == 0 || peer.rfind("ipv6:[::1]", 0) == 0 ||
         peer.rfind("ipv6:[::ffff:127.", 0) == 0 || peer.rfind("unix:", 0) == 0;
}

}  // namespace

Auth::Auth(PresenceStore& store, AuthConfig config,
           std::function<std::string()> new_token)
    : store_(store),
      config_(std::move(config)),
      new_token_(std::move(new_token)) {}

grpc::Status Auth::CreateSession(const v1::CreateSessionRequest& request,
                                 Time now,
                                 v1::CreateSessionResponse* response) {
  if (config_.api_key && !SecretEquals(request.api_key(), *config_.api_key)) {
    return {grpc::StatusCode::PERMISSION_DENIED, "api_key is not valid"};
  }
  for (const auto& [field, value] :
       {std::pair{"user_id", &request.user_id()},
        std::pair{"device_id", &request.device_id()}}) {
    if (Problem problem = CheckId(field, *value)) {
      return {grpc::StatusCode::INVALID_ARGUMENT, *problem};
    }
  }
  const std::string token = new_token_();
  const Time expires_at = now + config_.session_ttl;
  store_.PutSession(token, {request.user_id(), request.device_id(), expires_at},
                    now);
  response->set_access_token(token);
  response->set_expires_at_ms(expires_at.time_since_epoch().count());
  return grpc::Status::OK;
}

grpc::Status Auth::Authenticate(const grpc::ServerContextBase& context,
                                Time now, Session* session) {
  const auto token = BearerToken(context);
  if (!token) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "missing \"authorization: Bearer <access token>\" metadata"};
  }
  auto found = store_.FindSession(std::string(*token), now);
  if (!found) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "access token is unknown or expired; create a new session"};
  }
  *session = std::move(*found);
  return grpc::Status::OK;
}

grpc::Status Auth::AuthorizeAdmin(
    const grpc::ServerContextBase& context) const {
  if (!config_.admin_token) {
    if (IsLoopbackPeer(context.peer())) return grpc::Status::OK;
    return {grpc::StatusCode::PERMISSION_DENIED,
            "no admin token is configured; admin calls are accepted from "
            "loopback only"};
  }
  const auto token = BearerToken(context);
  if (!token || !SecretEquals(*token, *config_.admin_token)) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "admin calls need \"authorization: Bearer <admin token>\""};
  }
  return grpc::Status::OK;
}

}  // namespace presence::server
