#include "help_text.h"

#include "verbs.h"

namespace presence::ctl {
namespace {

constexpr char kExitStatus[] = R"(  0  success
  1  presenced refused the request (its message is printed on stderr)
  2  usage error (bad command line, bad duration or id)
  3  presenced could not be reached at the socket)";

constexpr char kEnvironmentAndExamples[] = R"(ENVIRONMENT
  PRESENCED_SOCKET  socket of presenced when --socket is not given
                    (default /run/presenced/presenced.sock)

EXAMPLES
  presencectl status
  presencectl room start lobby --ttl 30m
  presencectl --json room count lobby
  presencectl hold room lobby -- mpv stream.m3u8

Run 'presencectl COMMAND --help' for a command's manual.)";

}  // namespace

const char kAbout[] =
    "presencectl - control presenced, the presence daemon of this machine\n\n"
    "presencectl starts and stops user and room heartbeats, reads user and\n"
    "room presence, and holds presence while a command runs. It talks to\n"
    "presenced over its Unix socket.";

std::string TopFooter() { return Footer(kEnvironmentAndExamples); }

std::string Footer(const std::string& body,
                   const std::string& exit_status_intro) {
  std::string out = "\n" + body;
  if (!body.empty() && body.back() != '\n') out += "\n";
  return out + "\nEXIT STATUS\n" + exit_status_intro + kExitStatus + "\n";
}

std::string GroupFooter(const std::string& group) {
  std::string commands = "COMMANDS\n";
  for (const Verb& verb : AllVerbs()) {
    if (verb.path.rfind(group + " ", 0) == 0) {
      commands += "  " + verb.synopsis + "\n";
    }
  }
  return Footer(commands);
}

std::string UsageLine(const CLI::App& app) {
  const CLI::App* deepest = &app;
  std::string path = app.get_name();
  while (!deepest->get_subcommands().empty()) {
    deepest = deepest->get_subcommands().front();
    path += " " + deepest->get_name();
  }
  const std::string help = deepest->help();
  const std::string prefix = "Usage: " + deepest->get_name();
  const auto start = help.find(prefix);
  if (start == std::string::npos) return {};
  const auto end = help.find('\n', start);
  return "Usage: " + path +
         help.substr(
             start + prefix.size(),
             end == std::string::npos ? end : end - start - prefix.size() + 1);
}

}  // namespace presence::ctl
