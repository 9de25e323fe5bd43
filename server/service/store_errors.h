// Store failures as gRPC statuses: a store that cannot reach its backend
// (Redis down) answers UNAVAILABLE, so clients back off and retry; any other
// store failure is INTERNAL. Nothing escapes into gRPC's threads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <exception>
#include <string>

#include "store/presence_store.h"

namespace presence::server {

// Runs handle() -> grpc::Status, turning store exceptions into statuses.
template <typename Handler>
grpc::Status GuardStore(Handler&& handle) {
  try {
    return handle();
  } catch (const StoreUnavailable& e) {
    return {grpc::StatusCode::UNAVAILABLE, e.what()};
  } catch (const std::exception& e) {
    return {grpc::StatusCode::INTERNAL, std::string("store: ") + e.what()};
  }
}

}  // namespace presence::server
