// Detached heartbeats: user start|stop, room start|stop.
#include "contract/duration.h"
#include "format.h"
#include "verbs.h"

namespace presence::ctl {
namespace {

using nlohmann::json;

bool IsRoom(v1::TargetKind kind) { return kind == v1::TARGET_KIND_ROOM; }

// "room lobby" or "user": what a start or stop was about.
std::string Subject(v1::TargetKind kind, const Invocation& invocation) {
  return IsRoom(kind) ? "room " + invocation.room_id : "user";
}

json WithRoom(json object, v1::TargetKind kind, const Invocation& invocation) {
  if (IsRoom(kind)) object["room_id"] = invocation.room_id;
  return object;
}

client::Result<std::string> StartHeartbeat(v1::TargetKind kind,
                                           const Invocation& invocation) {
  client::Client& client = ClientFor(invocation);
  if (IsRoom(kind)) {
    return client.StartRoomHeartbeat(invocation.room_id, invocation.ttl);
  }
  return client.StartUserHeartbeat(invocation.ttl);
}

// The caller's detached holds on the target, or only --hold.
client::Result<int> StopHeartbeats(v1::TargetKind kind,
                                   const Invocation& invocation) {
  client::Client& client = ClientFor(invocation);
  if (IsRoom(kind)) {
    return client.StopRoomHeartbeat(invocation.room_id, invocation.hold_id);
  }
  return client.StopUserHeartbeat(invocation.hold_id);
}

// Starts a detached heartbeat; prints the hold id.
Action Starts(v1::TargetKind kind) {
  return [kind](const Invocation& invocation, Output& output) {
    const auto ttl = invocation.ttl;
    return output.Print(
        StartHeartbeat(kind, invocation),
        [&](const std::string& hold_id) {
          return WithRoom({{"hold_id", hold_id}, {"ttl_ms", ttl.count()}}, kind,
                          invocation);
        },
        [&](const std::string& hold_id) {
          std::string text =
              Subject(kind, invocation) + ": started, hold " + hold_id;
          if (ttl.count() > 0) text += ", ttl " + FormatDuration(ttl);
          return text + "\n";
        });
  };
}

// Stops detached heartbeats; prints how many holds went.
Action Stops(v1::TargetKind kind) {
  return [kind](const Invocation& invocation, Output& output) {
    return output.Print(
        StopHeartbeats(kind, invocation),
        [&](int count) {
          return WithRoom({{"stopped", count}}, kind, invocation);
        },
        [&](int count) {
          return Subject(kind, invocation) + ": stopped " +
                 std::to_string(count) + (count == 1 ? " hold" : " holds") +
                 "\n";
        });
  };
}

}  // namespace

std::vector<Verb> HeartbeatVerbs() {
  return {
      {"user start",
       "user start [--ttl DURATION]",
       "Start a detached current-user heartbeat",
       R"(DESCRIPTION
  Marks the user online until 'presencectl user stop' or until
  the TTL passes. The hold survives presencectl's exit and a
  daemon restart. Prints the hold id.

EXAMPLES
  presencectl user start --ttl 8h)",
       {TtlOption()},
       Starts(v1::TARGET_KIND_USER)},
      {"user stop",
       "user stop [--hold ID]",
       "Stop your detached current-user heartbeats",
       R"(DESCRIPTION
  Stops the detached current-user holds owned by your uid (all of
  them for root and the admin group), or only --hold ID. Prints how
  many holds went.)",
       {HoldOption()},
       Stops(v1::TARGET_KIND_USER)},
      {"room start",
       "room start ROOM [--ttl DURATION]",
       "Start a detached heartbeat for ROOM",
       R"(DESCRIPTION
  Makes the current user a viewer of ROOM until 'presencectl
  room stop ROOM' or until the TTL passes. The hold survives
  presencectl's exit and a daemon restart. Prints the hold id.

EXAMPLES
  presencectl room start lobby --ttl 30m)",
       {TtlOption(), RoomArgument()},
       Starts(v1::TARGET_KIND_ROOM)},
      {"room stop",
       "room stop ROOM [--hold ID]",
       "Stop your detached heartbeats for ROOM",
       R"(DESCRIPTION
  Stops the detached holds on ROOM owned by your uid (all of them
  for root and the admin group), or only --hold ID. Prints how many
  holds went.)",
       {RoomArgument(), HoldOption()},
       Stops(v1::TARGET_KIND_ROOM)},
  };
}

}  // namespace presence::ctl
