#include "cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>

#include "contract/duration.h"
#include "contract/limits.h"
#include "contract/validate.h"
#include "format.h"

extern char** environ;

namespace presence::ctl {
namespace {

using nlohmann::json;

constexpr char kExitStatus[] = R"(  0  success
  1  presenced refused the request (its message is printed on stderr)
  2  usage error (bad command line, bad duration or id)
  3  presenced could not be reached at the socket)";

constexpr char kHoldExitIntro[] =
    "  COMMAND's exit status once it ran (128+N if killed by signal N,\n"
    "  127 not found, 126 not executable); before it runs:\n";

constexpr char kEnvironment[] = R"(ENVIRONMENT
  PRESENCED_SOCKET  socket of presenced when --socket is not given
                    (default /run/presenced/presenced.sock))";

std::string Footer(const std::string& body,
                   const std::string& exit_status_intro = "") {
  std::string out = "\n" + body;
  if (!body.empty() && body.back() != '\n') out += "\n";
  return out + "\nEXIT STATUS\n" + exit_status_intro + kExitStatus + "\n";
}

struct UsageError {
  std::string message;
};

void Check(const std::string& problem) {
  if (!problem.empty()) throw UsageError{problem};
}

std::chrono::milliseconds DurationArg(const std::string& option,
                                      const std::string& text) {
  auto value = ParseDuration(text);
  if (!value) {
    throw UsageError{option + ": '" + text +
                     "' is not a duration (use e.g. 150ms, 30s, 5m, 1h, "
                     "1m30s)"};
  }
  return *value;
}

// "Usage: presencectl room start [OPTIONS] ROOM\n" of the deepest command
// given on the command line.
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

}  // namespace

ParseResult Parse(const std::vector<std::string>& args,
                  const char* env_socket) {
  ParseResult result;
  Invocation inv;
  std::string socket, timeout_text = "5s", ttl_text;

  CLI::App app{
      "presencectl - control presenced, the presence daemon of this machine\n\n"
      "presencectl starts and stops user and room heartbeats, reads user and\n"
      "room presence, and holds presence while a command runs. It talks to\n"
      "presenced over its Unix socket."};
  app.name("presencectl");
  app.fallthrough();
  app.require_subcommand(1);
  app.footer(
      Footer(std::string(kEnvironment) +
             "\n\nEXAMPLES\n"
             "  presencectl status\n"
             "  presencectl room start lobby --ttl 30m\n"
             "  presencectl --json room count lobby\n"
             "  presencectl hold room lobby -- mpv stream.m3u8\n\n"
             "Run 'presencectl COMMAND --help' for a command's manual."));
  app.add_option("--socket", socket,
                 "Socket of presenced (default: $PRESENCED_SOCKET, else "
                 "/run/presenced/presenced.sock)")
      ->type_name("PATH");
  app.add_flag("--json", inv.json,
               "Print one JSON object per result (one per line for streams)");
  app.add_option("--timeout", timeout_text,
                 "How long to wait for presenced, e.g. 500ms, 5s (default 5s)")
      ->type_name("DURATION");
  app.add_flag("-v,--verbose", inv.verbose,
               "hold: report hold events on stderr");

  auto command = [&](CLI::App* parent, const std::string& name,
                     const std::string& path, const std::string& description,
                     const std::string& details,
                     const std::string& exit_status_intro = "") {
    CLI::App* sub = parent->add_subcommand(name, description);
    sub->footer(Footer(details, exit_status_intro));
    sub->callback([&inv, path] { inv.command = path; });
    return sub;
  };

  command(&app, "status", "status", "Show the daemon's state",
          "DESCRIPTION\n"
          "  Shows everything needed to debug presence on this machine: the\n"
          "  session state, the upstream server, the heartbeat intervals and\n"
          "  where they came from, every active target with its holders, and\n"
          "  the last error.");
  command(&app, "enable", "enable", "Turn presence on for the current user",
          "DESCRIPTION\n"
          "  Sets the current user's presence switch on the server and prints\n"
          "  the resulting state (\"enabled\" or \"disabled\").");
  command(&app, "disable", "disable",
          "Turn presence off for the current user (root or admin group)",
          "DESCRIPTION\n"
          "  Clears the current user's presence switch on the server. Needs\n"
          "  root or the admin group.");
  command(
      &app, "is-enabled", "is-enabled",
      "Print whether presence is on for the current user",
      "DESCRIPTION\n"
      "  Prints \"enabled\" or \"disabled\" (JSON: {\"enabled\":true}). The\n"
      "  exit status is 0 either way.");
  command(&app, "login", "login", "Resume the session (root or admin group)",
          "DESCRIPTION\n  Logs in again with the configured credentials.");
  command(&app, "logout", "logout",
          "Stop every heartbeat and leave (root or admin group)",
          "DESCRIPTION\n"
          "  Stops every heartbeat, tells the server to drop this device's\n"
          "  presence now, and ends every attached hold.");

  // user start|stop
  CLI::App* user = app.add_subcommand("user", "Current-user heartbeat");
  user->require_subcommand(1);
  user->footer(Footer(
      "COMMANDS\n  user start [--ttl DURATION]\n  user stop [--hold ID]"));
  CLI::App* user_start = command(
      user, "start", "user start", "Start a detached current-user heartbeat",
      "DESCRIPTION\n"
      "  Marks the user online until 'presencectl user stop' or until\n"
      "  the TTL passes. The hold survives presencectl's exit and a\n"
      "  daemon restart. Prints the hold id.\n\n"
      "EXAMPLES\n  presencectl user start --ttl 8h");
  CLI::Option* user_ttl =
      user_start->add_option("--ttl", ttl_text, "Stop by itself after DURATION")
          ->type_name("DURATION");
  CLI::App* user_stop = command(
      user, "stop", "user stop", "Stop your detached current-user heartbeats",
      "DESCRIPTION\n"
      "  Stops the detached current-user holds owned by your uid (all of\n"
      "  them for root and the admin group), or only --hold ID. Prints how\n"
      "  many holds went.");
  CLI::Option* user_hold =
      user_stop->add_option("--hold", inv.hold_id, "Only this hold")
          ->type_name("ID");

  // room start|stop|count|users
  CLI::App* room = app.add_subcommand("room", "Room heartbeats and viewers");
  room->require_subcommand(1);
  room->footer(Footer(
      "COMMANDS\n  room start ROOM [--ttl DURATION]\n  room stop ROOM [--hold "
      "ID]\n  room count ROOM\n  room users ROOM"));
  CLI::App* room_start = command(
      room, "start", "room start", "Start a detached heartbeat for ROOM",
      "DESCRIPTION\n"
      "  Makes the current user a viewer of ROOM until 'presencectl\n"
      "  room stop ROOM' or until the TTL passes. The hold survives\n"
      "  presencectl's exit and a daemon restart. Prints the hold id.\n\n"
      "EXAMPLES\n  presencectl room start lobby --ttl 30m");
  room_start->add_option("ROOM", inv.room_id, "Room id")->required();
  CLI::Option* room_ttl =
      room_start->add_option("--ttl", ttl_text, "Stop by itself after DURATION")
          ->type_name("DURATION");
  CLI::App* room_stop = command(
      room, "stop", "room stop", "Stop your detached heartbeats for ROOM",
      "DESCRIPTION\n"
      "  Stops the detached holds on ROOM owned by your uid (all of them\n"
      "  for root and the admin group), or only --hold ID. Prints how many\n"
      "  holds went.");
  room_stop->add_option("ROOM", inv.room_id, "Room id")->required();
  CLI::Option* room_hold =
      room_stop->add_option("--hold", inv.hold_id, "Only this hold")
          ->type_name("ID");
  CLI::App* room_count = command(
      room, "count", "room count", "Print the viewer count of ROOM",
      "DESCRIPTION\n"
      "  Prints the number of users viewing ROOM (users, not devices).");
  room_count->add_option("ROOM", inv.room_id, "Room id")->required();
  CLI::App* room_users = command(
      room, "users", "room users", "List the viewers of ROOM",
      "DESCRIPTION\n"
      "  Lists every viewer of ROOM with the time they joined and their last\n"
      "  heartbeat, fetching all pages.");
  room_users->add_option("ROOM", inv.room_id, "Room id")->required();
  room_users->add_option("--page-size", inv.page_size,
                         "Viewers per request (1-100, default 20)");

  // users get|online-count|online
  CLI::App* users = app.add_subcommand("users", "Read user presence");
  users->require_subcommand(1);
  users->footer(Footer(
      "COMMANDS\n  users get ID...\n  users online-count\n  users online"));
  CLI::App* users_get = command(
      users, "get", "users get", "Show the presence of users",
      "DESCRIPTION\n"
      "  Shows, for each ID (at most 220), whether the user is online and\n"
      "  when their last heartbeat was.");
  users_get->add_option("ID", inv.ids, "User ids")->required();
  command(users, "online-count", "users online-count",
          "Print how many users are online",
          "DESCRIPTION\n  Prints the network-wide number of online users.");
  CLI::App* users_online =
      command(users, "online", "users online", "List the online users",
              "DESCRIPTION\n"
              "  Lists every online user of the network, fetching all pages.");
  users_online->add_option("--page-size", inv.page_size,
                           "Users per request (1-100, default 20)");

  CLI::App* watch = command(
      &app, "watch", "watch", "Stream presence updates of users",
      "DESCRIPTION\n"
      "  Prints the current presence of each ID, then every change, until\n"
      "  interrupted (Ctrl-C). With --json, one object per line.");
  watch->add_option("ID", inv.ids, "User ids (at most 220)")->required();
  watch->add_option("--view", inv.view_id, "View id (default \"global\")");

  // hold user|room -- COMMAND
  const std::string hold_details =
      "  Runs COMMAND and keeps presence exactly while it runs, like\n"
      "  systemd-inhibit. presencectl waits until presenced confirms the\n"
      "  hold before it starts COMMAND, forwards SIGINT, SIGTERM and SIGHUP\n"
      "  to it, and exits with its exit status (128+N if it was killed by\n"
      "  signal N, 127 if it was not found, 126 if it could not run). The\n"
      "  hold lives on presencectl's connection: if presencectl itself is\n"
      "  killed, presenced drops the hold at once. Nothing is added to\n"
      "  stdout; --verbose reports hold events on stderr. If presenced\n"
      "  restarts meanwhile, the hold re-attaches by itself.\n";
  CLI::App* hold =
      app.add_subcommand("hold", "Hold presence while a command runs");
  hold->require_subcommand(1);
  hold->footer(
      Footer("COMMANDS\n  hold user -- COMMAND [ARGS...]\n"
             "  hold room ROOM -- COMMAND [ARGS...]"));
  CLI::App* hold_user = command(
      hold, "user", "hold user", "Keep the user online while COMMAND runs",
      "DESCRIPTION\n" + hold_details +
          "\nEXAMPLES\n  presencectl hold user -- ./kiosk-session",
      kHoldExitIntro);
  hold_user->add_option("COMMAND", inv.child, "Command and its arguments")
      ->required();
  CLI::App* hold_room = command(
      hold, "room", "hold room", "Be a viewer of ROOM while COMMAND runs",
      "DESCRIPTION\n" + hold_details +
          "\nEXAMPLES\n  presencectl hold room lobby -- mpv stream.m3u8",
      kHoldExitIntro);
  hold_room->add_option("ROOM", inv.room_id, "Room id")->required();
  hold_room->add_option("COMMAND", inv.child, "Command and its arguments")
      ->required();
  for (CLI::App* h : {hold_user, hold_room}) h->positionals_at_end();

  std::vector<const char*> argv = {"presencectl"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    inv.timeout = DurationArg("--timeout", timeout_text);
    if (inv.timeout.count() <= 0) throw UsageError{"--timeout must be > 0"};
    if (user_ttl->count() + room_ttl->count() > 0) {
      inv.ttl = DurationArg("--ttl", ttl_text);
    }
    // CLI11 keeps the "--" that ends presencectl's own options.
    if (!inv.child.empty() && inv.child.front() == "--") {
      inv.child.erase(inv.child.begin());
      if (inv.child.empty()) throw UsageError{"COMMAND is required"};
    }
    if (!inv.room_id.empty() || inv.command.rfind("room", 0) == 0 ||
        inv.command == "hold room") {
      Check(CheckId("room_id", inv.room_id));
    }
    if (inv.command == "users get" || inv.command == "watch") {
      Check(CheckIdList("user_ids", inv.ids, kMaxUserIdsPerRead));
    }
    if (!inv.view_id.empty()) Check(CheckId("view_id", inv.view_id));
    if (user_hold->count() + room_hold->count() > 0) {
      Check(CheckId("--hold", inv.hold_id));
    }
    Check(CheckPageSize("--page-size", inv.page_size));
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    const bool help = code == 0;
    result.exit_code = help ? kExitOk : kExitUsage;
    if (help) {
      result.out = out.str();
    } else {
      result.err = "presencectl: " + std::string(e.what()) + "\n" +
                   UsageLine(app) +
                   "Run 'presencectl --help' (or COMMAND --help) for usage.\n";
    }
    return result;
  } catch (const UsageError& e) {
    result.exit_code = kExitUsage;
    result.err = "presencectl: " + e.message + "\n" + UsageLine(app) +
                 "Run 'presencectl " + inv.command + " --help' for usage.\n";
    return result;
  }
  if (!socket.empty()) {
    inv.socket_path = socket;
  } else if (env_socket != nullptr && *env_socket != '\0') {
    inv.socket_path = env_socket;
  } else {
    inv.socket_path = client::kDefaultSocketPath;
  }
  result.invocation = std::move(inv);
  return result;
}

int ExitCodeFor(const client::Error& error) {
  return error.unreachable ? kExitUnreachable : kExitRefused;
}

std::string ErrorLine(const client::Error& error) {
  if (error.unreachable) {
    return "presencectl: " + error.message +
           ". Is the daemon running (systemctl status presenced) and may you "
           "access the socket (group presence)?";
  }
  return "presencectl: " + error.message;
}

namespace {

std::atomic<pid_t> g_child{0};
std::atomic<int> g_pending{0};

void Forward(int sig, siginfo_t* info, void*) {
  // A terminal's Ctrl-C already reaches the child (same process group);
  // forward only what was sent to presencectl by itself.
  if (info != nullptr && info->si_code == SI_KERNEL) return;
  const pid_t child = g_child.load();
  if (child > 0) {
    kill(child, sig);
  } else {
    g_pending.store(sig);
  }
}

// Keeps descriptors presencectl opened itself (the gRPC socket, epoll,
// eventfds) out of the child, so the child cannot keep the hold's connection
// open after presencectl is gone. Descriptors presencectl inherited are
// passed on untouched.
std::set<int> OpenFds() {
  std::set<int> fds;
  if (DIR* dir = opendir("/proc/self/fd")) {
    const int own = dirfd(dir);
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      const int fd = std::atoi(entry->d_name);
      if (fd != own) fds.insert(fd);
    }
    closedir(dir);
  }
  return fds;
}

const std::set<int>& InheritedFds() {
  static const std::set<int> fds = OpenFds();
  return fds;
}

void CloseOwnFdsOnExec() {
  for (int fd : OpenFds()) {
    if (InheritedFds().count(fd) != 0) continue;
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC) == 0) {
      fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
  }
}

std::string Basename(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

int RunHold(const Invocation& inv, std::ostream& err) {
  client::Client c({inv.socket_path, inv.timeout,
                    "presencectl hold " + Basename(inv.child.front())});
  client::HoldOptions options;
  if (inv.verbose) {
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
  auto hold = inv.command == "hold user"
                  ? c.HoldUser(std::move(options))
                  : c.HoldRoom(inv.room_id, std::move(options));
  if (!hold) {
    err << ErrorLine(hold.error()) << "\n";
    return ExitCodeFor(hold.error());
  }
  const int code = SpawnAndWait(inv.child, err);
  hold->Release();
  return code;
}

void PrintJson(std::ostream& out, const json& j) {
  out << j.dump() << "\n" << std::flush;
}

}  // namespace

int SpawnAndWait(const std::vector<std::string>& argv, std::ostream& err) {
  if (argv.empty()) return kExitUsage;
  CloseOwnFdsOnExec();
  const int signals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction action {
  }, saved[3];
  action.sa_sigaction = Forward;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  g_child.store(0);
  g_pending.store(0);
  for (int i = 0; i < 3; ++i) sigaction(signals[i], &action, &saved[i]);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  for (int s : signals) sigaddset(&defaults, s);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = 0;
  const int rc =
      posix_spawnp(&pid, cargv[0], nullptr, &attr, cargv.data(), environ);
  posix_spawnattr_destroy(&attr);
  int code;
  if (rc != 0) {
    err << "presencectl: " << argv[0] << ": "
        << (rc == ENOENT ? "command not found" : std::strerror(rc)) << "\n";
    code = rc == ENOENT ? 127 : 126;
  } else {
    g_child.store(pid);
    if (const int sig = g_pending.exchange(0)) kill(pid, sig);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    code = WIFEXITED(status)     ? WEXITSTATUS(status)
           : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                 : 1;
  }
  g_child.store(0);
  for (int i = 0; i < 3; ++i) sigaction(signals[i], &saved[i], nullptr);
  return code;
}

int Execute(const Invocation& inv, std::ostream& out, std::ostream& err) {
  InheritedFds();  // remember what was open before gRPC starts
  if (inv.command == "hold user" || inv.command == "hold room") {
    return RunHold(inv, err);
  }
  client::Client c({inv.socket_path, inv.timeout, "presencectl"});
  const std::int64_t now = NowMs();
  auto fail = [&err](const client::Error& e) {
    err << ErrorLine(e) << "\n";
    return ExitCodeFor(e);
  };
  auto enabled = [&](const client::Result<bool>& r) {
    if (!r) return fail(r.error());
    if (inv.json) {
      PrintJson(out, {{"enabled", *r}});
    } else {
      out << (*r ? "enabled" : "disabled") << "\n";
    }
    return 0;
  };
  const std::string& cmd = inv.command;
  if (cmd == "status") {
    auto r = c.GetStatus();
    if (!r) return fail(r.error());
    if (inv.json) {
      PrintJson(out, ToJson(*r));
    } else {
      out << HumanStatus(*r, now);
    }
    return 0;
  }
  if (cmd == "enable") return enabled(c.Enable());
  if (cmd == "disable") return enabled(c.Disable());
  if (cmd == "is-enabled") return enabled(c.IsEnabled());
  if (cmd == "login" || cmd == "logout") {
    auto r = cmd == "login" ? c.Login() : c.Logout();
    if (!r) return fail(r.error());
    if (inv.json) {
      PrintJson(out, {{cmd == "login" ? "logged_in" : "logged_out", true}});
    } else {
      out << (cmd == "login" ? "logged in" : "logged out") << "\n";
    }
    return 0;
  }
  if (cmd == "user start" || cmd == "room start") {
    const bool room = cmd == "room start";
    auto r = room ? c.StartRoomHeartbeat(inv.room_id, inv.ttl)
                  : c.StartUserHeartbeat(inv.ttl);
    if (!r) return fail(r.error());
    if (inv.json) {
      json j = {{"hold_id", *r}, {"ttl_ms", inv.ttl.count()}};
      if (room) j["room_id"] = inv.room_id;
      PrintJson(out, j);
    } else {
      out << (room ? "room " + inv.room_id : std::string("user"))
          << ": started, hold " << *r;
      if (inv.ttl.count() > 0) out << ", ttl " << FormatDuration(inv.ttl);
      out << "\n";
    }
    return 0;
  }
  if (cmd == "user stop" || cmd == "room stop") {
    const bool room = cmd == "room stop";
    auto r = room ? c.StopRoomHeartbeat(inv.room_id, inv.hold_id)
                  : c.StopUserHeartbeat(inv.hold_id);
    if (!r) return fail(r.error());
    if (inv.json) {
      json j = {{"stopped", *r}};
      if (room) j["room_id"] = inv.room_id;
      PrintJson(out, j);
    } else {
      out << (room ? "room " + inv.room_id : std::string("user"))
          << ": stopped " << *r << (*r == 1 ? " hold" : " holds") << "\n";
    }
    return 0;
  }
  if (cmd == "room count") {
    auto r = c.GetRoomViewerCount(inv.room_id);
    if (!r) return fail(r.error());
    if (inv.json) {
      PrintJson(out, {{"room_id", inv.room_id},
                      {"count", r->count()},
                      {"reference_time_ms", r->reference_time_ms()}});
    } else {
      out << r->count() << "\n";
    }
    return 0;
  }
  if (cmd == "room users") {
    auto r = c.ListAllRoomViewers(inv.room_id, inv.page_size);
    if (!r) return fail(r.error());
    if (inv.json) {
      json viewers = json::array();
      for (const auto& v : *r) viewers.push_back(ToJson(v));
      PrintJson(out, {{"room_id", inv.room_id}, {"viewers", viewers}});
    } else {
      out << HumanViewers(*r, now);
    }
    return 0;
  }
  if (cmd == "users get") {
    auto r = c.GetUserPresence(inv.ids);
    if (!r) return fail(r.error());
    if (inv.json) {
      json presences = json::array();
      for (const auto& p : *r) presences.push_back(ToJson(p));
      PrintJson(out, {{"presences", presences}});
    } else {
      out << HumanPresences(*r, now);
    }
    return 0;
  }
  if (cmd == "users online-count") {
    auto r = c.GetOnlineUserCount();
    if (!r) return fail(r.error());
    if (inv.json) {
      PrintJson(out, {{"count", *r}});
    } else {
      out << *r << "\n";
    }
    return 0;
  }
  if (cmd == "users online") {
    auto r = c.ListAllOnlineUsers(inv.page_size);
    if (!r) return fail(r.error());
    if (inv.json) {
      json users = json::array();
      for (const auto& p : *r) users.push_back(ToJson(p));
      PrintJson(out, {{"users", users}});
    } else {
      out << HumanPresences(*r, now);
    }
    return 0;
  }
  if (cmd == "watch") {
    client::Watch w = c.Sync(inv.ids, inv.view_id);
    v1::UserPresence p;
    while (w.Next(&p)) {
      if (inv.json) {
        PrintJson(out, ToJson(p));
      } else {
        out << HumanPresenceUpdate(p, NowMs()) << std::flush;
      }
    }
    if (auto e = w.Finish()) return fail(*e);
    return 0;
  }
  err << "presencectl: unknown command '" << cmd << "'\n";
  return kExitUsage;
}

}  // namespace presence::ctl
