#include "support/upstream_client.h"

namespace presence::testing {

namespace {

// Its own connection, as another machine's client would have: gRPC
// otherwise shares one (and its reconnect backoff) between channels to the
// same address in a process.
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

}  // namespace

UpstreamClient::UpstreamClient(const std::string& address)
    : channel_(OwnChannel(address)),
      presence_(v1::PresenceService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> UpstreamClient::Context(
    const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(5));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

std::string UpstreamClient::Login(const std::string& api_key,
                                  const std::string& user_id,
                                  const std::string& device_id,
                                  grpc::Status* status) {
  v1::CreateSessionRequest request;
  request.set_api_key(api_key);
  request.set_user_id(user_id);
  request.set_device_id(device_id);
  v1::CreateSessionResponse response;
  const grpc::Status result =
      presence_->CreateSession(Context().get(), request, &response);
  if (status != nullptr) *status = result;
  return result.ok() ? response.access_token() : "";
}

}  // namespace presence::testing
