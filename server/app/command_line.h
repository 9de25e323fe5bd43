// The presence-server command line: flags from the option table, plus
// --config FILE. Flags override the file.
#pragma once

#include <optional>

#include "app/config.h"

namespace presence::server {

inline constexpr int kExitUsage = 2;  // bad flags (kExitConfig: a bad file)

struct CommandLine {
  std::optional<ServerConfig> config;  // set when the server should run
  int exit_code = 0;                   // else exit with this
};

// Prints help, usage errors and config errors itself.
CommandLine ParseCommandLine(int argc, char** argv);

}  // namespace presence::server
