#include "support/raw_call.h"

#include <grpcpp/generic/generic_stub.h>

#include <future>

namespace presence::testing {

grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                           grpc::ClientContext* context,
                           const std::string& method,
                           const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(
      context, method, grpc::StubOptions(), &request, &response,
      [&](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

}  // namespace presence::testing
