// watch: a Sync stream of presence updates, printed as they come.
#include "format.h"
#include "verbs.h"

namespace presence::ctl {
namespace {

int RunWatch(const Invocation& invocation, Output& output) {
  client::Client& client = ClientFor(invocation);
  client::Watch watch = client.Sync(invocation.ids, invocation.view_id);
  v1::UserPresence presence;
  while (watch.Next(&presence)) {
    if (output.json()) {
      output.Json(ToJson(presence));
    } else {
      output.out() << HumanPresenceUpdate(presence, NowMs()) << std::flush;
    }
  }
  if (auto error = watch.Finish()) return output.Fail(*error);
  return kExitOk;
}

}  // namespace

std::vector<Verb> WatchVerbs() {
  return {
      {"watch",
       "",
       "Stream presence updates of users",
       R"(DESCRIPTION
  Prints the current presence of each ID, then every change, until
  interrupted (Ctrl-C). With --json, one object per line.)",
       {UserIdsArgument("User ids (at most 220)"), ViewOption()},
       RunWatch},
  };
}

}  // namespace presence::ctl
