// A thin test client for the upstream contract: stubs plus contexts that
// carry a bearer token and a deadline.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "presence/v1/upstream.grpc.pb.h"

namespace presence::testing {

class UpstreamClient {
 public:
  explicit UpstreamClient(const std::string& address);

  // A context with a 5 s deadline and, when `token` is not empty,
  // "authorization: Bearer <token>".
  static std::unique_ptr<grpc::ClientContext> Context(
      const std::string& token = "");

  // Creates a session and returns its access token ("" on failure, with
  // *status saying why when given).
  std::string Login(const std::string& api_key, const std::string& user_id,
                    const std::string& device_id,
                    grpc::Status* status = nullptr);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  v1::PresenceService::Stub& presence() { return *presence_; }
  v1::AdminService::Stub& admin() { return *admin_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::PresenceService::Stub> presence_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

}  // namespace presence::testing
