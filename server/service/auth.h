// Who may call: API key -> session, bearer access token -> (user, device),
// admin token -> admin calls.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <string>

#include "presence/v1/upstream.pb.h"
#include "store/presence_store.h"

namespace presence::server {

struct AuthConfig {
  // Nothing: a demo network that accepts any API key.
  std::optional<std::string> api_key;
  // Nothing: admin calls are accepted from loopback peers only, with any
  // token.
  std::optional<std::string> admin_token;
  Millis session_ttl{std::chrono::hours(1)};
};

class Auth {
 public:
  Auth(PresenceStore& store, AuthConfig config,
       std::function<std::string()> new_token);

  grpc::Status CreateSession(const v1::CreateSessionRequest& request, Time now,
                             v1::CreateSessionResponse* response);

  // UNAUTHENTICATED unless the call carries a live access token.
  grpc::Status Authenticate(const grpc::ServerContextBase& context, Time now,
                            Session* session);

  // UNAUTHENTICATED without the admin token (see AuthConfig).
  grpc::Status AuthorizeAdmin(const grpc::ServerContextBase& context) const;

 private:
  PresenceStore& store_;
  const AuthConfig config_;
  const std::function<std::string()> new_token_;
};

}  // namespace presence::server
