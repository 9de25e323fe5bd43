// The session's verbs: status, the current user's presence switch, login
// and logout.
#include "format.h"
#include "verbs.h"

namespace presence::ctl {
namespace {

using nlohmann::json;

int RunStatus(const Invocation& invocation, Output& output) {
  return output.Print(
      ClientFor(invocation).GetStatus(),
      [](const v1::Status& status) { return ToJson(status); },
      [&](const v1::Status& status) {
        return HumanStatus(status, output.now_ms());
      });
}

// A call on the current user's presence switch; prints the switch as it is
// after the call.
Action PrintsSwitch(client::Result<bool> (client::Client::*call)()) {
  return [call](const Invocation& invocation, Output& output) {
    client::Client& client = ClientFor(invocation);
    return output.Print(
        (client.*call)(),
        [](bool enabled) {
          return json{{"enabled", enabled}};
        },
        [](bool enabled) { return enabled ? "enabled\n" : "disabled\n"; });
  };
}

// Login or logout: prints `text`, with --json {json_key: true}.
Action PrintsDone(client::Result<client::Unit> (client::Client::*call)(),
                  std::string json_key, std::string text) {
  return [call, json_key, text](const Invocation& invocation, Output& output) {
    client::Client& client = ClientFor(invocation);
    return output.Print((client.*call)(),
                        [&](client::Unit) {
                          return json{{json_key, true}};
                        },
                        [&](client::Unit) { return text + "\n"; });
  };
}

}  // namespace

std::vector<Verb> SessionVerbs() {
  return {
      {"status",
       "",
       "Show the daemon's state",
       R"(DESCRIPTION
  Shows everything needed to debug presence on this machine: the
  session state, the upstream server, the heartbeat intervals and
  where they came from, every active target with its holders, and
  the last error.)",
       {},
       RunStatus},
      {"enable",
       "",
       "Turn presence on for the current user",
       R"(DESCRIPTION
  Sets the current user's presence switch on the server and prints
  the resulting state ("enabled" or "disabled").)",
       {},
       PrintsSwitch(&client::Client::Enable)},
      {"disable",
       "",
       "Turn presence off for the current user (root or admin group)",
       R"(DESCRIPTION
  Clears the current user's presence switch on the server. Needs
  root or the admin group.)",
       {},
       PrintsSwitch(&client::Client::Disable)},
      {"is-enabled",
       "",
       "Print whether presence is on for the current user",
       R"(DESCRIPTION
  Prints "enabled" or "disabled" (JSON: {"enabled":true}). The
  exit status is 0 either way.)",
       {},
       PrintsSwitch(&client::Client::IsEnabled)},
      {"login",
       "",
       "Resume the session (root or admin group)",
       R"(DESCRIPTION
  Logs in again with the configured credentials.)",
       {},
       PrintsDone(&client::Client::Login, "logged_in", "logged in")},
      {"logout",
       "",
       "Stop every heartbeat and leave (root or admin group)",
       R"(DESCRIPTION
  Stops every heartbeat, tells the server to drop this device's
  presence now, and ends every attached hold.)",
       {},
       PrintsDone(&client::Client::Logout, "logged_out", "logged out")},
  };
}

}  // namespace presence::ctl
