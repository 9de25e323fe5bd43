// A presencectl verb: its name, help, arguments and action in one entry of
// a table (verbs/*.cc, listed in verbs.cc), like the commands of
// containerd's ctr. Parse builds the command line from the table; Execute
// runs the verb that Parse chose.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "arguments.h"
#include "cli.h"
#include "output.h"

namespace presence::ctl {

using Action = std::function<int(const Invocation& invocation, Output& output)>;

struct Verb {
  // Its words on the command line: "status", "room start". A two-word verb
  // is a subcommand of its group (verbs.h).
  std::string path;
  // Its line in its group's COMMANDS, e.g. "room start ROOM [--ttl DURATION]"
  // (empty for a verb without a group).
  std::string synopsis;
  // Its line in its parent's list of subcommands.
  std::string summary;
  // Its --help below the options: DESCRIPTION, EXAMPLES.
  std::string details;
  // Its positionals and options, in the order they are checked.
  std::vector<Argument> arguments;
  // What it does; returns the exit code.
  Action run;
  // Its --help's EXIT STATUS, before the codes presencectl itself exits with.
  std::string exit_status_intro = {};
};

// The client a verb calls presenced with, one a process (the first call
// makes it, named client_name): --help and usage errors never start gRPC.
// It is never destroyed: presencectl ends right after its verb with
// std::_Exit (main.cc), as closing the channel -- gRPC joins its threads --
// took longer than the whole call; the kernel closes the connection.
client::Client& ClientFor(const Invocation& invocation,
                          const std::string& client_name = "presencectl");

}  // namespace presence::ctl
