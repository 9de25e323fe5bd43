// Requests parsed by our own code rather than by gRPC's generated handlers.
//
// proto3 requires string fields to be UTF-8, so protobuf refuses to parse a
// request carrying one that is not, before any handler runs; gRPC's callback
// API then answers a bare UNIMPLEMENTED (the sync API a bare INTERNAL). A
// service whose methods take raw bytes and parse them here answers
// INVALID_ARGUMENT naming the field instead ("room_ids[2] is not valid
// UTF-8 (at byte 0)"), like every other bad input.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>

namespace presence {

// Parses `wire` into *request; INVALID_ARGUMENT naming the bad field (or
// the message type, when the bytes are not a message at all) on failure.
grpc::Status ParseRequest(const grpc::ByteBuffer& wire,
                          google::protobuf::Message* request);

// Serializes a response for a raw method, replacing what *wire held.
grpc::Status SerializeResponse(const google::protobuf::Message& response,
                               grpc::ByteBuffer* wire);

// Serves a unary call from raw bytes: parses the request, runs
// handle(request, &response) -> grpc::Status, and serializes the response
// when that status is OK.
template <typename Request, typename Response, typename Handler>
grpc::Status ServeParsed(const grpc::ByteBuffer& in, grpc::ByteBuffer* out,
                         Handler&& handle) {
  Request request;
  grpc::Status status = ParseRequest(in, &request);
  if (!status.ok()) return status;
  Response response;
  status = handle(static_cast<const Request&>(request), &response);
  if (!status.ok()) return status;
  return SerializeResponse(response, out);
}

// Stacks gRPC's generated method mixins on a service, one per line at the
// point of use instead of a nest of angle brackets:
//   WithMethods<S::Service, S::WithRawCallbackMethod_A,
//               S::WithRawCallbackMethod_B>
// is S::WithRawCallbackMethod_A<S::WithRawCallbackMethod_B<S::Service>>.
template <typename Service, template <typename> class... Mixins>
struct StackMethods {
  using type = Service;
};
template <typename Service, template <typename> class First,
          template <typename> class... Rest>
struct StackMethods<Service, First, Rest...> {
  using type = First<typename StackMethods<Service, Rest...>::type>;
};
template <typename Service, template <typename> class... Mixins>
using WithMethods = typename StackMethods<Service, Mixins...>::type;

// The CheckUtf8 message for the first string field of `wire` (a serialized
// `type`) that is not valid UTF-8, named by its path from the top message:
// "user_id", "room_ids[2]", "hold.target.room_id". Empty when there is none
// or when the bytes stop making sense before one is found.
std::string DescribeInvalidUtf8(const google::protobuf::Descriptor& type,
                                std::string_view wire);

}  // namespace presence
