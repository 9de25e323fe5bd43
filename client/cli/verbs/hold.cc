// hold user|room -- COMMAND: an attached hold exactly while COMMAND runs.
#include "contract/duration.h"
#include "format.h"
#include "verbs.h"

namespace presence::ctl {
namespace {

constexpr char kHoldDetails[] =
    "  Runs COMMAND and keeps presence exactly while it runs, like\n"
    "  systemd-inhibit. presencectl waits until presenced confirms the\n"
    "  hold before it starts COMMAND, forwards SIGINT, SIGTERM and SIGHUP\n"
    "  to it, and exits with its exit status (128+N if it was killed by\n"
    "  signal N, 127 if it was not found, 126 if it could not run). The\n"
    "  hold lives on presencectl's connection: if presencectl itself is\n"
    "  killed, presenced drops the hold at once. Nothing is added to\n"
    "  stdout; --verbose reports hold events on stderr. If presenced\n"
    "  restarts meanwhile, the hold re-attaches by itself.\n";

constexpr char kHoldExitIntro[] =
    "  COMMAND's exit status once it ran (128+N if killed by signal N,\n"
    "  127 not found, 126 not executable); before it runs:\n";

std::string Basename(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// --verbose tells every event; the end of the hold is told always.
client::HoldOptions Reporting(const Invocation& invocation, std::ostream& err) {
  client::HoldOptions options;
  if (invocation.verbose) {
    options.on_event = [&err](const v1::HoldEvent& e) {
      err << "presencectl: hold " << HumanHoldEvent(e) << std::flush;
    };
    options.on_detached = [&err](const client::Error& e) {
      err << "presencectl: hold detached (" << e.message << "); re-attaching\n"
          << std::flush;
    };
    options.on_gap = [&err](const client::Gap& g) {
      err << "presencectl: hold re-attached after "
          << FormatDuration(g.duration()) << "\n"
          << std::flush;
    };
  }
  options.on_ended = [&err](const client::Error& e) {
    err << "presencectl: hold ended: " << e.message << "\n" << std::flush;
  };
  return options;
}

// Holds first, and runs the command only once presenced confirmed it.
Action Holds(v1::TargetKind kind) {
  return [kind](const Invocation& invocation, Output& output) {
    RememberInheritedFds();  // before the client opens its own
    client::Client& client = ClientFor(
        invocation, "presencectl hold " + Basename(invocation.child.front()));
    client::HoldOptions options = Reporting(invocation, output.err());
    auto hold = kind == v1::TARGET_KIND_ROOM
                    ? client.HoldRoom(invocation.room_id, std::move(options))
                    : client.HoldUser(std::move(options));
    if (!hold) return output.Fail(hold.error());
    const int code = SpawnAndWait(invocation.child, output.err());
    hold->Release();
    return code;
  };
}

std::string Details(const std::string& example) {
  return "DESCRIPTION\n" + std::string(kHoldDetails) + "\nEXAMPLES\n  " +
         example;
}

}  // namespace

std::vector<Verb> HoldVerbs() {
  return {
      {"hold user",
       "hold user -- COMMAND [ARGS...]",
       "Keep the user online while COMMAND runs",
       Details("presencectl hold user -- ./kiosk-session"),
       {ChildCommand()},
       Holds(v1::TARGET_KIND_USER),
       kHoldExitIntro},
      {"hold room",
       "hold room ROOM -- COMMAND [ARGS...]",
       "Be a viewer of ROOM while COMMAND runs",
       Details("presencectl hold room lobby -- mpv stream.m3u8"),
       {RoomAndChildCommand()},
       Holds(v1::TARGET_KIND_ROOM),
       kHoldExitIntro},
  };
}

}  // namespace presence::ctl
