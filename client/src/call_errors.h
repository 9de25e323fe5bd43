// libpresence-client's private helpers: how a failed call becomes an Error.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "presence/client/client.h"

namespace presence::client::detail {

// UNAVAILABLE / DEADLINE_EXCEEDED while the channel has no connection means
// the daemon was not reached; the same codes on a connected channel come from
// the daemon itself.
Error MakeError(const grpc::Status& status, grpc::Channel& channel,
                const std::string& socket_path);

// A refusal that re-trying will not change.
bool IsPermanent(grpc::StatusCode code);

// HELD (or a refusal) did not come within the timeout: the daemon is slow to
// answer, or was never reached.
Error NoAnswerError(grpc::Channel& channel, const Options& options,
                    const std::string& what);

std::shared_ptr<grpc::Channel> ChannelOf(const Client::Impl& impl);

}  // namespace presence::client::detail
