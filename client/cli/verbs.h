// Every verb of presencectl, in the order --help lists them, and the groups
// that gather the two-word ones ("room start" is in group "room").
#pragma once

#include <string>
#include <vector>

#include "verb.h"

namespace presence::ctl {

struct VerbGroup {
  std::string name;
  std::string summary;  // its line in presencectl's list of subcommands
};

const std::vector<Verb>& AllVerbs();
const std::vector<VerbGroup>& VerbGroups();

// verbs/*.cc, one file a kind of verb.
std::vector<Verb> SessionVerbs();    // status, enable, login, ...
std::vector<Verb> HeartbeatVerbs();  // user|room start|stop
std::vector<Verb> ReadVerbs();       // room count|users, users ...
std::vector<Verb> WatchVerbs();      // watch
std::vector<Verb> HoldVerbs();       // hold user|room -- COMMAND

}  // namespace presence::ctl
