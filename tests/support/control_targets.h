// Hold targets of the control API (presence/v1/control.proto), shared by the
// daemon's tests and daemon_bench.
#pragma once

#include <string>

#include "presence/v1/control.pb.h"

namespace presence::testing {

// A room target for `room`.
::presence::v1::Target RoomTarget(const std::string& room);
// The user's own target.
::presence::v1::Target UserTarget();

}  // namespace presence::testing
