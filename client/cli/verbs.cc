#include "verbs.h"

namespace presence::ctl {

const std::vector<Verb>& AllVerbs() {
  static const std::vector<Verb> verbs = [] {
    std::vector<Verb> all;
    for (auto kind :
         {SessionVerbs, HeartbeatVerbs, ReadVerbs, WatchVerbs, HoldVerbs}) {
      for (Verb& verb : kind()) all.push_back(std::move(verb));
    }
    return all;
  }();
  return verbs;
}

const std::vector<VerbGroup>& VerbGroups() {
  static const std::vector<VerbGroup> groups = {
      {"user", "Current-user heartbeat"},
      {"room", "Room heartbeats and viewers"},
      {"users", "Read user presence"},
      {"hold", "Hold presence while a command runs"}};
  return groups;
}

}  // namespace presence::ctl
