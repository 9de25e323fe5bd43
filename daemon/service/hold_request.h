// The checks an attached hold's request passes, shared by Hold (one hold per
// call) and HoldMany (many per call) so that both refuse exactly the same.
#pragma once

#include <string>

#include "contract/validate.h"
#include "core/target.h"
#include "presence/v1/control.pb.h"

namespace presence::daemon {

namespace pb = ::presence::v1;

// An optional client_name: empty, or a valid id.
inline Problem CheckClientName(const std::string& name) {
  if (name.empty()) return std::nullopt;
  return CheckId("client_name", name);
}

// Checks `request` and sets `target`; the Problem names the field.
inline Problem ParseHoldRequest(const pb::HoldRequest& request,
                                Target* target) {
  if (Problem problem = CheckClientName(request.client_name())) {
    return problem;
  }
  switch (request.target().kind()) {
    case pb::TARGET_KIND_USER:
      *target = Target::User();
      return std::nullopt;
    case pb::TARGET_KIND_ROOM:
      if (Problem problem =
              CheckId("target.room_id", request.target().room_id())) {
        return problem;
      }
      *target = Target::Room(request.target().room_id());
      return std::nullopt;
    default:
      return "target.kind must be TARGET_KIND_USER or TARGET_KIND_ROOM";
  }
}

}  // namespace presence::daemon
