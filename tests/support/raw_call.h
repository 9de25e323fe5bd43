// Calls a unary method with bytes of the test's choosing, as a buggy or
// hostile peer would: generated stubs only send well-formed messages.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace presence::testing {

// `method` is the full path, e.g. "/presence.v1.PresenceService/Heartbeat".
grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                           grpc::ClientContext* context,
                           const std::string& method, const std::string& bytes);

}  // namespace presence::testing
