// The daemon's one upstream session: credentials in, a valid access token
// out. Logs in lazily, renews the token shortly before it expires, and when
// the server says a token is no longer good (it restarted, or revoked it)
// logs in again once, however many calls found out at the same time.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <string>

#include "contract/mutex.h"
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

  // Runs `call` with a valid token; a call answered UNAUTHENTICATED is
  // retried once with a fresh token. A login failure is returned as is
  // (PERMISSION_DENIED for a wrong API key, UNAVAILABLE when unreachable).
  grpc::Status Run(const Call& call);
  // A valid token, logging in if there is none (for opening streams).
  grpc::Status Token(std::string* token);
  // `stale` was refused: the next Token/Run logs in again, unless another
  // call has already replaced it.
  void Invalidate(const std::string& stale);

  // Takes effect at the next login; drops the current token.
  void SetCredentials(Credentials credentials);
  // Forgets the token; the next Run logs in again.
  void Reset();

  std::string user_id() const;
  std::string device_id() const;

 private:
  struct Login {
    grpc::Status status;
    std::string token;
  };
  Login LogIn(const pb::CreateSessionRequest& request);

  Upstream& upstream_;
  mutable Mutex mutex_;
  Credentials credentials_ ABSL_GUARDED_BY(mutex_);
  std::string token_ ABSL_GUARDED_BY(mutex_);
  std::chrono::system_clock::time_point renew_at_ ABSL_GUARDED_BY(mutex_);
  // The login under way, if any: callers that need a token meanwhile share
  // its result instead of each making (or queueing) their own.
  std::shared_future<Login> login_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace presence::daemon
