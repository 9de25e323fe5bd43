// presencectl: parsing (pure, testable) and running one invocation.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"  // IWYU pragma: export (SpawnAndWait)
#include "presence/client/client.h"

namespace presence::ctl {

enum ExitCode {
  kExitOk = 0,
  kExitRefused = 1,      // the daemon answered with an error
  kExitUsage = 2,        // bad command line
  kExitUnreachable = 3,  // no daemon at the socket
};

struct Verb;  // verb.h

// One parsed command line. `command` is the verb's canonical path, e.g.
// "status", "room start", "users get", "hold room".
struct Invocation {
  const Verb* verb = nullptr;  // what runs it
  std::string command;
  std::string socket_path;  // --socket, else $PRESENCED_SOCKET, else default
  bool json = false;
  bool verbose = false;
  std::chrono::milliseconds timeout{5000};

  std::string room_id;
  std::chrono::milliseconds ttl{0};
  std::string hold_id;
  std::vector<std::string> ids;    // users get, watch
  std::string view_id;             // watch
  int page_size = 0;               // room users, users online
  std::vector<std::string> child;  // hold ... -- COMMAND ARGS
};

struct ParseResult {
  std::optional<Invocation> invocation;  // set when there is work to do
  int exit_code = kExitOk;               // else: exit with this
  std::string out;                       // --help text
  std::string err;                       // usage error + usage
};

// env_socket: the value of $PRESENCED_SOCKET (nullptr when unset).
ParseResult Parse(const std::vector<std::string>& args, const char* env_socket);

// The exit code and the one line for stderr of a failed call.
int ExitCodeFor(const client::Error& error);
std::string ErrorLine(const client::Error& error);

// Runs a parsed invocation against the daemon; returns the exit code.
int Execute(const Invocation& invocation, std::ostream& out, std::ostream& err);

}  // namespace presence::ctl
