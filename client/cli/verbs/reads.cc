// Reads of presence: room count|users, users get|online-count|online.
#include "format.h"
#include "verbs.h"

namespace presence::ctl {
namespace {

using nlohmann::json;

template <class Item>
json JsonArray(const std::vector<Item>& items) {
  json array = json::array();
  for (const auto& item : items) array.push_back(ToJson(item));
  return array;
}

int RunRoomCount(const Invocation& invocation, Output& output) {
  return output.Print(
      ClientFor(invocation).GetRoomViewerCount(invocation.room_id),
      [&](const v1::GetRoomViewerCountResponse& count) {
        return json{{"room_id", invocation.room_id},
                    {"count", count.count()},
                    {"reference_time_ms", count.reference_time_ms()}};
      },
      [](const v1::GetRoomViewerCountResponse& count) {
        return std::to_string(count.count()) + "\n";
      });
}

int RunRoomUsers(const Invocation& invocation, Output& output) {
  return output.Print(
      ClientFor(invocation)
          .ListAllRoomViewers(invocation.room_id, invocation.page_size),
      [&](const std::vector<v1::RoomViewer>& viewers) {
        return json{{"room_id", invocation.room_id},
                    {"viewers", JsonArray(viewers)}};
      },
      [&](const std::vector<v1::RoomViewer>& viewers) {
        return HumanViewers(viewers, output.now_ms());
      });
}

// Users' presence: a table, or with --json {json_key: [...]}.
int PrintPresences(
    Output& output,
    const client::Result<std::vector<v1::UserPresence>>& presences,
    const char* json_key) {
  return output.Print(
      presences,
      [&](const std::vector<v1::UserPresence>& all) {
        return json{{json_key, JsonArray(all)}};
      },
      [&](const std::vector<v1::UserPresence>& all) {
        return HumanPresences(all, output.now_ms());
      });
}

int RunUsersGet(const Invocation& invocation, Output& output) {
  return PrintPresences(output,
                        ClientFor(invocation).GetUserPresence(invocation.ids),
                        "presences");
}

int RunUsersOnlineCount(const Invocation& invocation, Output& output) {
  return output.Print(
      ClientFor(invocation).GetOnlineUserCount(),
      [](std::int64_t count) {
        return json{{"count", count}};
      },
      [](std::int64_t count) { return std::to_string(count) + "\n"; });
}

int RunUsersOnline(const Invocation& invocation, Output& output) {
  return PrintPresences(
      output, ClientFor(invocation).ListAllOnlineUsers(invocation.page_size),
      "users");
}

}  // namespace

std::vector<Verb> ReadVerbs() {
  return {
      {"room count",
       "room count ROOM",
       "Print the viewer count of ROOM",
       R"(DESCRIPTION
  Prints the number of users viewing ROOM (users, not devices).)",
       {RoomArgument()},
       RunRoomCount},
      {"room users",
       "room users ROOM",
       "List the viewers of ROOM",
       R"(DESCRIPTION
  Lists every viewer of ROOM with the time they joined and their last
  heartbeat, fetching all pages.)",
       {RoomArgument(), PageSizeOption("Viewers")},
       RunRoomUsers},
      {"users get",
       "users get ID...",
       "Show the presence of users",
       R"(DESCRIPTION
  Shows, for each ID (at most 220), whether the user is online and
  when their last heartbeat was.)",
       {UserIdsArgument("User ids")},
       RunUsersGet},
      {"users online-count",
       "users online-count",
       "Print how many users are online",
       R"(DESCRIPTION
  Prints the network-wide number of online users.)",
       {},
       RunUsersOnlineCount},
      {"users online",
       "users online",
       "List the online users",
       R"(DESCRIPTION
  Lists every online user of the network, fetching all pages.)",
       {PageSizeOption("Users")},
       RunUsersOnline},
  };
}

}  // namespace presence::ctl
