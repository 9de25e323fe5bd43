// Bytes from a socket, as every raw method of both services reads them:
// the first byte picks a request type, the rest is the request. Parsing may
// fail, never crash, and a failure names a field or the message type.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "contract/request_parser.h"
#include "presence/v1/control.pb.h"
#include "presence/v1/upstream.pb.h"

namespace {

// Every method's request type, from the services of both proto files: a
// method added later is fuzzed with no change here.
std::vector<const google::protobuf::Message*> RequestTypes() {
  std::vector<const google::protobuf::Message*> types;
  for (const auto* file :
       {presence::v1::HoldRequest::descriptor()->file(),
        presence::v1::HeartbeatRequest::descriptor()->file()}) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        types.push_back(
            google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                service->method(m)->input_type()));
      }
    }
  }
  return types;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto types = RequestTypes();
  if (size == 0) return 0;
  const google::protobuf::Message& type = *types[data[0] % types.size()];
  const grpc::Slice slice(data + 1, size - 1);
  const grpc::ByteBuffer wire(&slice, 1);
  std::unique_ptr<google::protobuf::Message> request(type.New());
  const grpc::Status status = presence::ParseRequest(wire, request.get());
  if (!status.ok() && status.error_message().empty()) __builtin_trap();
  presence::DescribeInvalidUtf8(
      *type.GetDescriptor(),
      std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
