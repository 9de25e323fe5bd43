// How a core operation ended, for the edge to turn into a gRPC status: the
// cores return values, never throw, and know nothing of gRPC.
#pragma once

#include <string>

namespace presence::daemon {

struct Outcome {
  enum class Code {
    kOk,
    kInvalidArgument,
    kFailedPrecondition,
    kNotFound,
    kPermissionDenied,
    kUnavailable,
  };

  Code code = Code::kOk;
  std::string message;

  bool ok() const { return code == Code::kOk; }
  static Outcome Ok() { return {}; }
};

}  // namespace presence::daemon
