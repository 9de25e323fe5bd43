// One-line calls of the control API for the daemon's tests and benches:
// start, stop and list detached holds, enable the user.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "presence/v1/control.grpc.pb.h"

namespace presence::testing {

using ControlStub = ::presence::v1::ControlService::Stub;

// A client of the daemon listening on the Unix socket `path`.
std::unique_ptr<ControlStub> ConnectControl(const std::string& path);

// StartRoomHeartbeat; *hold_id (if given) gets the new hold's id.
grpc::Status StartRoom(ControlStub& control, const std::string& room,
                       int64_t ttl_ms = 0, std::string* hold_id = nullptr);
grpc::Status StopRoom(ControlStub& control, const std::string& room);
grpc::Status StartUser(ControlStub& control);
grpc::Status EnableUser(ControlStub& control);
// The room ids of the held targets in the daemon's status.
std::vector<std::string> HeldRooms(ControlStub& control);

}  // namespace presence::testing
