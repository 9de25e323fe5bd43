// The baseline: a callback-API unary service that returns its request.
#pragma once

#include "echo.grpc.pb.h"

namespace presence::bench {

class EchoServiceImpl final : public Echo::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const EchoMessage* request,
                                 EchoMessage* response) override;
};

}  // namespace presence::bench
