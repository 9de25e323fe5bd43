#include "support/control_targets.h"

namespace presence::testing {

namespace pb = ::presence::v1;

pb::Target RoomTarget(const std::string& room) {
  pb::Target target;
  target.set_kind(pb::TARGET_KIND_ROOM);
  target.set_room_id(room);
  return target;
}

pb::Target UserTarget() {
  pb::Target target;
  target.set_kind(pb::TARGET_KIND_USER);
  return target;
}

}  // namespace presence::testing
