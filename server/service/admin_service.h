// AdminService: read and change the network settings at run time. Watchers
// hear about changes through the store's listener. Its methods parse their
// own requests, like PresenceServiceImpl's.
#pragma once

#include "contract/request_parser.h"
#include "presence/v1/upstream.grpc.pb.h"
#include "service/auth.h"
#include "service/clock.h"

namespace presence::server {

class AdminServiceImpl final
    : public WithMethods<
          v1::AdminService::Service,
          v1::AdminService::WithRawCallbackMethod_GetNetworkSettings,
          v1::AdminService::WithRawCallbackMethod_UpdateNetworkSettings> {
 public:
  AdminServiceImpl(PresenceStore& store, Auth& auth, Clock clock);

  grpc::ServerUnaryReactor* GetNetworkSettings(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpdateNetworkSettings(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;

 private:
  PresenceStore& store_;
  Auth& auth_;
  const Clock clock_;
};

// One line for the log: "presence enabled, user heartbeat 20s, ...".
std::string Describe(const NetworkSettings& settings);

}  // namespace presence::server
