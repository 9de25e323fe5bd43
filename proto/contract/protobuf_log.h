// Sends protobuf's own log lines through spdlog.
#pragma once

namespace presence {

// protobuf logs at ERROR, on stderr, every string it parses or serializes
// that is not UTF-8: a peer could fill the journal with them. The peer is
// already answered INVALID_ARGUMENT naming the field (request_parser.h), so
// such lines go to the debug level; a FATAL one stays critical.
void RouteProtobufLogsToSpdlog();

}  // namespace presence
