#include "service/convert.h"

namespace presence::server {

void ToProto(const NetworkSettings& in, v1::NetworkSettings* out) {
  out->set_presence_enabled(in.presence_enabled);
  out->set_user_heartbeat_interval_ms(in.user_heartbeat_interval.count());
  out->set_room_heartbeat_interval_ms(in.room_heartbeat_interval.count());
  out->set_online_threshold_ms(in.online_threshold.count());
  out->set_sync_interval_ms(in.sync_interval.count());
  out->set_updated_at_ms(ToUnixMillis(in.updated_at));
  out->set_room_timeout_ms(in.room_timeout.count());
}

void ToProto(const UserSettings& in, v1::UserPresenceSettings* out) {
  out->set_enabled(in.enabled);
  out->set_enabled_at_ms(ToUnixMillis(in.enabled_at));
}

void ToProto(const UserPresence& in, v1::UserPresence* out) {
  out->set_user_id(in.user_id);
  out->set_last_heartbeat_ms(ToUnixMillis(in.last_heartbeat));
  out->set_online(in.online);
}

void ToProto(const RoomViewer& in, v1::RoomViewer* out) {
  out->set_user_id(in.user_id);
  out->set_joined_at_ms(ToUnixMillis(in.joined_at));
  out->set_last_heartbeat_ms(ToUnixMillis(in.last_heartbeat));
}

}  // namespace presence::server
