#include "call_errors.h"

namespace presence::client::detail {

Error MakeError(const grpc::Status& status, grpc::Channel& channel,
                const std::string& socket_path) {
  Error error{status.error_code(), status.error_message(), false};
  if (error.code == grpc::StatusCode::UNAVAILABLE ||
      error.code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    if (channel.GetState(false) != GRPC_CHANNEL_READY) {
      error.unreachable = true;
      error.message = "cannot reach presenced at " + socket_path + ": " +
                      (status.error_message().empty() ? error.CodeName()
                                                      : status.error_message());
    }
  }
  if (error.message.empty()) error.message = error.CodeName();
  return error;
}

bool IsPermanent(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return true;
    default:
      return false;
  }
}

Error NoAnswerError(grpc::Channel& channel, const Options& options,
                    const std::string& what) {
  const bool connected = channel.GetState(false) == GRPC_CHANNEL_READY;
  const std::string ms = std::to_string(options.timeout.count()) + " ms";
  return Error{grpc::StatusCode::DEADLINE_EXCEEDED,
               connected ? "presenced did not confirm " + what + " within " + ms
                         : "cannot reach presenced at " + options.socket_path +
                               ": no connection within " + ms,
               !connected};
}

}  // namespace presence::client::detail
