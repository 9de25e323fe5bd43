// Store types -> upstream proto messages.
#pragma once

#include "presence/v1/upstream.pb.h"
#include "store/presence_store.h"

namespace presence::server {

inline std::int64_t ToUnixMillis(Time time) {
  return time.time_since_epoch().count();
}

void ToProto(const NetworkSettings& in, v1::NetworkSettings* out);
void ToProto(const UserSettings& in, v1::UserPresenceSettings* out);
void ToProto(const UserPresence& in, v1::UserPresence* out);
void ToProto(const RoomViewer& in, v1::RoomViewer* out);

}  // namespace presence::server
