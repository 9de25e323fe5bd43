// Sends protobuf's own log lines through spdlog.
#pragma once

namespace presence {

// protobuf logs at ERROR, on stderr, every string it parses or serializes
// that is not UTF-8: a peer could fill the journal with them. The peer is
// already answered INVALID_ARGUMENT naming the field (request_parser.h), so
// those lines go to the debug level; the rest keep their level.
void RouteProtobufLogsToSpdlog();

}  // namespace presence
