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
inline std::string CheckClientName(const std::string& name) {
  return name.empty() ? std::string() : CheckId("client_name", name);
}

// Checks `request` and sets `target`; returns the INVALID_ARGUMENT message,
// naming the field, or an empty string.
inline std::string ParseHoldRequest(const pb::HoldRequest& request,
                                    Target* target) {
  if (std::string error = CheckClientName(request.client_name());
      !error.empty()) {
    return error;
  }
  switch (request.target().kind()) {
    case pb::TARGET_KIND_USER:
      *target = Target::User();
      return {};
    case pb::TARGET_KIND_ROOM:
      if (std::string error =
              CheckId("target.room_id", request.target().room_id());
          !error.empty()) {
        return error;
      }
      *target = Target::Room(request.target().room_id());
      return {};
    default:
      return "target.kind must be TARGET_KIND_USER or TARGET_KIND_ROOM";
  }
}

}  // namespace presence::daemon
