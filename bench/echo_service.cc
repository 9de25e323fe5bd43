#include "echo_service.h"

namespace presence::bench {

grpc::ServerUnaryReactor* EchoServiceImpl::Echo(
    grpc::CallbackServerContext* context, const EchoMessage* request,
    EchoMessage* response) {
  *response = *request;
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace presence::bench
