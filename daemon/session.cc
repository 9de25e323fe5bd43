#include "session.h"

namespace presence::daemon {

Session::Session(Upstream& upstream, Credentials credentials)
    : upstream_(upstream), credentials_(std::move(credentials)) {}

void Session::SetCredentials(Credentials credentials) {
  std::lock_guard lock(mutex_);
  credentials_ = std::move(credentials);
  token_.clear();
}

void Session::Reset() {
  std::lock_guard lock(mutex_);
  token_.clear();
}

std::string Session::CurrentToken() {
  std::lock_guard lock(mutex_);
  if (std::chrono::system_clock::now() >= renew_at_) token_.clear();
  return token_;
}

grpc::Status Session::Login(std::string* token) {
  pb::CreateSessionRequest request;
  {
    std::lock_guard lock(mutex_);
    request.set_api_key(credentials_.api_key);
    request.set_user_id(credentials_.user_id);
    request.set_device_id(credentials_.device_id);
    request.set_auth_token(credentials_.auth_token);
  }
  pb::CreateSessionResponse response;
  const auto sent_at = std::chrono::system_clock::now();
  grpc::Status status = upstream_.CreateSession(request, &response);
  if (!status.ok()) return status;
  // Renew when 80% of the lifetime has passed, so a slow link or a clock
  // difference never lets a heartbeat go out with an expired token.
  const auto expires_at = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(response.expires_at_ms()));
  std::lock_guard lock(mutex_);
  token_ = response.access_token();
  renew_at_ = sent_at + (expires_at - sent_at) * 4 / 5;
  *token = token_;
  return status;
}

grpc::Status Session::Run(const Call& call) {
  std::string token = CurrentToken();
  if (token.empty()) {
    grpc::Status status = Login(&token);
    if (!status.ok()) return status;
  }
  grpc::Status status = call(token);
  if (status.error_code() != grpc::StatusCode::UNAUTHENTICATED) return status;
  // The server restarted or revoked the token: one fresh login, one retry.
  status = Login(&token);
  if (!status.ok()) return status;
  return call(token);
}

}  // namespace presence::daemon
