// Calls a method with bytes of the test's choosing, as a buggy or hostile
// peer would: generated stubs only send well-formed messages.
#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace presence::testing {

struct RawCallResult {
  grpc::Status status;
  int responses = 0;  // messages the server sent back
};

// Sends `messages` on a call to `method` (its full path, e.g.
// "/presence.v1.PresenceService/Heartbeat"), half-closes, and reads every
// response until the call ends. Works for unary and streaming methods alike
// (a unary method wants exactly one message).
RawCallResult CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                            grpc::ClientContext* context,
                            const std::string& method,
                            const std::vector<std::string>& messages);

// Every method of `service` ("presence.v1.AdminService"), from the
// generated descriptors.
std::vector<const google::protobuf::MethodDescriptor*> Methods(
    const std::string& service);
// "/presence.v1.AdminService/UpdateNetworkSettings".
std::string MethodPath(const google::protobuf::MethodDescriptor& method);

// `count` bad requests for messages of `type`, the same for a given seed:
// random bytes, and messages of `type` with every field set at random
// (strings of random bytes, often not UTF-8; any number, any enum value).
std::vector<std::string> RandomRequests(
    const google::protobuf::Descriptor& type, std::size_t count,
    std::uint32_t seed);

// How long a test lets a call to `method` run: an accepted stream stays
// open, so it is cut after 200 ms; a unary call gets 5 s to be answered.
std::chrono::milliseconds CallBudget(
    const google::protobuf::MethodDescriptor& method);

// Whether a call to `method` ended the way a healthy service answers bad
// input: not with the codes of a crash, a missing handler or an internal
// fault, and for a unary call not at the deadline (a handler that never
// answered).
bool IsCleanAnswer(const google::protobuf::MethodDescriptor& method,
                   grpc::StatusCode code);

}  // namespace presence::testing
