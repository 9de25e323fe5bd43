// The gRPC status code names, for messages people read ("NOT_FOUND: ...").
// Header-only so the client library needs no extra link dependency.
#pragma once

#include <array>
#include <string>

namespace presence {

inline std::string StatusCodeName(int code) {
  static constexpr std::array<const char*, 17> kNames = {"OK",
                                                         "CANCELLED",
                                                         "UNKNOWN",
                                                         "INVALID_ARGUMENT",
                                                         "DEADLINE_EXCEEDED",
                                                         "NOT_FOUND",
                                                         "ALREADY_EXISTS",
                                                         "PERMISSION_DENIED",
                                                         "RESOURCE_EXHAUSTED",
                                                         "FAILED_PRECONDITION",
                                                         "ABORTED",
                                                         "OUT_OF_RANGE",
                                                         "UNIMPLEMENTED",
                                                         "INTERNAL",
                                                         "UNAVAILABLE",
                                                         "DATA_LOSS",
                                                         "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(kNames.size())) {
    return "CODE_" + std::to_string(code);
  }
  return kNames[code];
}

}  // namespace presence
