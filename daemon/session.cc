#include "session.h"

#include <algorithm>
#include <cstdint>

namespace presence::daemon {
namespace {

constexpr std::chrono::hours kMaxTokenLifetime{24};

}  // namespace

Session::Session(Upstream& upstream, Credentials credentials)
    : upstream_(upstream), credentials_(std::move(credentials)) {}

void Session::SetCredentials(Credentials credentials) {
  MutexLock lock(mutex_);
  credentials_ = std::move(credentials);
  token_.clear();
}

std::string Session::user_id() const {
  MutexLock lock(mutex_);
  return credentials_.user_id;
}

std::string Session::device_id() const {
  MutexLock lock(mutex_);
  return credentials_.device_id;
}

void Session::Reset() {
  MutexLock lock(mutex_);
  token_.clear();
}

void Session::Invalidate(const std::string& stale) {
  MutexLock lock(mutex_);
  if (token_ == stale) token_.clear();
}

grpc::Status Session::Token(std::string* token) {
  std::promise<Login> promise;
  std::shared_future<Login> pending;
  pb::CreateSessionRequest request;
  {
    MutexLock lock(mutex_);
    if (!token_.empty() && std::chrono::system_clock::now() < renew_at_) {
      *token = token_;
      return grpc::Status::OK;
    }
    pending = login_;
    if (!pending.valid()) {
      login_ = promise.get_future().share();
      request.set_api_key(credentials_.api_key);
      request.set_user_id(credentials_.user_id);
      request.set_device_id(credentials_.device_id);
      request.set_auth_token(credentials_.auth_token);
    }
  }
  if (pending.valid()) {
    const Login& shared = pending.get();
    *token = shared.token;
    return shared.status;
  }
  const Login result = LogIn(request);
  {
    MutexLock lock(mutex_);
    login_ = {};
  }
  promise.set_value(result);
  *token = result.token;
  return result.status;
}

Session::Login Session::LogIn(const pb::CreateSessionRequest& request) {
  pb::CreateSessionResponse response;
  const auto sent_at = std::chrono::system_clock::now();
  Login login{upstream_.CreateSession(request, &response), {}};
  if (!login.status.ok()) return login;
  // Renew when 80% of the lifetime has passed, so a slow link or a clock
  // difference never lets a heartbeat go out with an expired token. The
  // lifetime comes from the server: kept within a day, so no value it sends
  // overflows the clock's arithmetic.
  const int64_t sent_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          sent_at.time_since_epoch())
          .count();
  const int64_t lifetime_ms = std::clamp<int64_t>(
      response.expires_at_ms() -
          std::min<int64_t>(response.expires_at_ms(), sent_at_ms),
      0, std::chrono::milliseconds(kMaxTokenLifetime).count());
  MutexLock lock(mutex_);
  token_ = login.token = response.access_token();
  renew_at_ = sent_at + std::chrono::milliseconds(lifetime_ms * 4 / 5);
  return login;
}

grpc::Status Session::Run(const Call& call) {
  std::string token;
  grpc::Status status = Token(&token);
  if (!status.ok()) return status;
  status = call(token);
  if (status.error_code() != grpc::StatusCode::UNAUTHENTICATED) return status;
  // The server restarted or revoked the token: one fresh login, one retry.
  Invalidate(token);
  status = Token(&token);
  if (!status.ok()) return status;
  return call(token);
}

}  // namespace presence::daemon
