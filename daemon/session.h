// The daemon's one upstream session: credentials in, a valid access token
// out. Logs in lazily, renews the token shortly before it expires, and logs
// in again once when the server says the token is no longer good, so an
// expired token never surfaces to a caller.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "upstream/upstream.h"

namespace presence::daemon {

struct Credentials {
  std::string api_key;
  std::string user_id;
  std::string device_id;
  std::string auth_token;  // optional
};

class Session {
 public:
  using Call = std::function<grpc::Status(const std::string& token)>;

  Session(Upstream& upstream, Credentials credentials);

  // Runs `call` with a valid token. A login failure is returned as is
  // (PERMISSION_DENIED for a wrong API key, UNAVAILABLE when unreachable).
  grpc::Status Run(const Call& call);

  // Takes effect at the next login; drops the current token.
  void SetCredentials(Credentials credentials);
  // Forgets the token; the next Run logs in again.
  void Reset();

  const std::string& user_id() const { return credentials_.user_id; }
  const std::string& device_id() const { return credentials_.device_id; }

 private:
  grpc::Status Login(std::string* token);
  std::string CurrentToken();

  Upstream& upstream_;
  std::mutex mutex_;
  Credentials credentials_;
  std::string token_;
  std::chrono::system_clock::time_point renew_at_;
};

}  // namespace presence::daemon
