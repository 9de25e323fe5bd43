// presencectl end to end: the real binary against the real presenced and
// presence-server (tests/client/e2e_fixture.h). Every command, its --json
// output checked against what the server itself reports, and every exit
// code: 0 success, 1 refused by the daemon, 2 usage, 3 daemon unreachable.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "e2e_fixture.h"

namespace presence::testing {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct CtlResult {
  int code = -1;
  std::string out, err;
  json Json() const {
    try {
      return json::parse(out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << "not JSON (" << e.what() << "): '" << out
                    << "', stderr: " << err;
      return json();
    }
  }
};

// A running presencectl whose stdout and stderr go to files.
struct CtlProcess {
  std::string out_path, err_path;
  std::unique_ptr<Subprocess> process;
  std::string out() const { return ReadAll(out_path); }
  std::string err() const { return ReadAll(err_path); }
};

// Kills a pid (the orphaned child of a killed presencectl) on scope exit.
struct KillOnExit {
  pid_t pid = 0;
  ~KillOnExit() {
    if (pid > 0) kill(pid, SIGKILL);
  }
};

class PresencectlE2eTest : public E2eTest {
 protected:
  // Starts presencectl with `args` against `socket` (default: alice's
  // daemon). $PRESENCED_SOCKET is cleared so only --socket counts.
  CtlProcess Spawn(std::vector<std::string> args, std::string socket = "") {
    if (socket.empty()) socket = daemon_->socket_path();
    args.insert(args.begin(), {PRESENCECTL_PATH, "--socket", socket});
    const std::string base = dir_.File("ctl" + std::to_string(++runs_));
    CtlProcess p{base + ".out", base + ".err", nullptr};
    p.process = std::make_unique<Subprocess>(
        args,
        SubprocessOptions{{{"PRESENCED_SOCKET", ""}}, p.out_path, p.err_path});
    return p;
  }

  CtlResult Ctl(std::vector<std::string> args, std::string socket = "") {
    CtlProcess p = Spawn(std::move(args), std::move(socket));
    CtlResult r;
    r.code = p.process->Wait(milliseconds(10000)).value_or(-1);
    r.out = p.out();
    r.err = p.err();
    return r;
  }

  json Status() {
    CtlResult r = Ctl({"--json", "status"});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.Json();
  }

  // The daemon has read the server's settings (before that it cannot know
  // whether the user enabled presence).
  void WaitForServerSettings() {
    ASSERT_TRUE(WaitUntil(
        [&] {
          return Status()["room_heartbeat_interval"]["source"] == "server";
        },
        milliseconds(5000)));
  }

  TempDir dir_;
  int runs_ = 0;
};

TEST_F(PresencectlE2eTest, StatusShowsTheSessionAndTheServersIntervals) {
  WaitForServerSettings();
  json status = Status();
  EXPECT_EQ(status["user_id"], "alice");
  EXPECT_EQ(status["device_id"], "device-of-alice");
  EXPECT_NE(status["upstream"].get<std::string>().find(server_->address()),
            std::string::npos)
      << status["upstream"];
  EXPECT_EQ(status["user_heartbeat_interval"],
            json({{"value_ms", 50}, {"source", "server"}}));
  EXPECT_EQ(status["room_heartbeat_interval"],
            json({{"value_ms", 50}, {"source", "server"}}));
  EXPECT_EQ(status["online_threshold"]["value_ms"], 3000);
  EXPECT_EQ(status["targets"], json::array());
  EXPECT_GT(status["started_at_ms"].get<int64_t>(), 0);

  CtlResult human = Ctl({"status"});
  EXPECT_EQ(human.code, 0);
  EXPECT_NE(human.out.find("alice (device device-of-alice)"), std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("room heartbeat    50ms (server)"),
            std::string::npos)
      << human.out;

  // Once something is held and acknowledged: online, with the target.
  ASSERT_EQ(Ctl({"room", "start", "lobby"}).code, 0);
  ASSERT_TRUE(WaitUntil(
      [&] {
        const json now = Status();
        return now["state"] == "online" && now["targets"].size() == 1 &&
               now["targets"][0]["last_acknowledged_ms"].get<int64_t>() > 0;
      },
      milliseconds(2000)));
  status = Status();
  ASSERT_EQ(status["targets"].size(), 1u);
  EXPECT_GT(status["targets"][0]["last_acknowledged_ms"].get<int64_t>(), 0);
  EXPECT_GT(status["heartbeat_calls"].get<uint64_t>(), 0u);
  human = Ctl({"status"});
  EXPECT_NE(human.out.find("State:       online"), std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("  room lobby\n"), std::string::npos) << human.out;
}

// An idle daemon that has logged in and read the server's settings is
// online, not "connecting" (which would read as "cannot reach the server").
TEST_F(PresencectlE2eTest, IdleDaemonIsOnlineOnceLoggedIn) {
  WaitForServerSettings();
  EXPECT_TRUE(WaitUntil([&] { return Status()["state"] == "online"; },
                        milliseconds(2000)))
      << Status()["state"];
}

TEST_F(PresencectlE2eTest, EnableDisableAndIsEnabledChangeTheServersSwitch) {
  WaitForServerSettings();
  CtlResult r = Ctl({"--json", "is-enabled"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.Json(), json({{"enabled", false}}));
  EXPECT_FALSE(truth_->UserEnabled("alice"));

  r = Ctl({"--json", "enable"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.Json(), json({{"enabled", true}}));
  EXPECT_TRUE(truth_->UserEnabled("alice"));
  r = Ctl({"is-enabled"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "enabled\n");

  r = Ctl({"--json", "disable"});
  if (geteuid() == 0) {
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.Json(), json({{"enabled", false}}));
    EXPECT_FALSE(truth_->UserEnabled("alice"));
    r = Ctl({"is-enabled"});
    EXPECT_EQ(r.out, "disabled\n");
    EXPECT_EQ(r.code, 0) << "is-enabled exits 0 either way";
  } else {
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("root or the admin group"), std::string::npos)
        << r.err;
    EXPECT_TRUE(truth_->UserEnabled("alice"));
  }
}

TEST_F(PresencectlE2eTest, UserStartStopAndTheUsersReads) {
  WaitForServerSettings();
  // Refused before enable: exit 1, the daemon's reason on stderr.
  CtlResult r = Ctl({"user", "start"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("presencectl: user presence is not enabled", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find("presencectl enable"), std::string::npos) << r.err;
  EXPECT_FALSE(truth_->User("alice").online());

  ASSERT_EQ(Ctl({"enable"}).code, 0);
  r = Ctl({"--json", "user", "start", "--ttl", "1h"});
  ASSERT_EQ(r.code, 0) << r.err;
  json started = r.Json();
  EXPECT_FALSE(started["hold_id"].get<std::string>().empty());
  EXPECT_EQ(started["ttl_ms"], 3600000);
  EXPECT_FALSE(started.contains("room_id"));
  ASSERT_TRUE(WaitUntil([&] { return truth_->User("alice").online(); },
                        milliseconds(2000)));

  // Bob is online through his own daemon, carol never was.
  auto bob = StartDaemon("bob");
  ASSERT_EQ(Ctl({"enable"}, bob->socket_path()).code, 0);
  ASSERT_EQ(Ctl({"user", "start"}, bob->socket_path()).code, 0);
  ASSERT_TRUE(WaitUntil([&] { return truth_->User("bob").online(); },
                        milliseconds(2000)));

  r = Ctl({"--json", "users", "get", "carol", "alice", "bob"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json presences = r.Json()["presences"];
  const auto server = truth_->Users({"carol", "alice", "bob"});
  ASSERT_EQ(presences.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(server[i].user_id());
    EXPECT_EQ(presences[i]["user_id"], server[i].user_id()) << "request order";
    EXPECT_EQ(presences[i]["online"], server[i].online());
    // Both read the same stored heartbeat, give or take one 50 ms beat.
    EXPECT_NEAR(presences[i]["last_heartbeat_ms"].get<int64_t>(),
                server[i].last_heartbeat_ms(), 500);
  }
  EXPECT_EQ(presences[0], json({{"user_id", "carol"},
                                {"last_heartbeat_ms", 0},
                                {"online", false}}));
  EXPECT_EQ(presences[1]["online"], true);
  EXPECT_EQ(presences[2]["online"], true);

  r = Ctl({"--json", "users", "online-count"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.Json(), json({{"count", truth_->OnlineCount()}}));
  EXPECT_EQ(r.Json()["count"], 2);

  // Page size 1: the CLI fetches every page.
  r = Ctl({"--json", "users", "online", "--page-size", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::set<std::string> listed, on_server;
  const json online = r.Json()["users"];
  for (const auto& u : online) {
    listed.insert(u["user_id"].get<std::string>());
    EXPECT_EQ(u["online"], true);
  }
  for (const auto& u : truth_->OnlineUsers()) on_server.insert(u.user_id());
  EXPECT_EQ(listed, on_server);
  EXPECT_EQ(listed, (std::set<std::string>{"alice", "bob"}));

  // Stop: the server drops alice at once (a leave; expiry would take 3 s).
  const auto stop_at = Clock::now();
  r = Ctl({"--json", "user", "stop"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.Json(), json({{"stopped", 1}}));
  ASSERT_TRUE(WaitUntil([&] { return !truth_->User("alice").online(); },
                        milliseconds(500)));
  EXPECT_LT(Clock::now() - stop_at, milliseconds(1000));
  EXPECT_TRUE(truth_->User("bob").online());
  r = Ctl({"--json", "users", "online-count"});
  EXPECT_EQ(r.Json()["count"], 1);

  // Nothing left to stop: refused.
  r = Ctl({"user", "stop"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.err.rfind("presencectl: ", 0), 0u) << r.err;
}

TEST_F(PresencectlE2eTest, RoomStartCountUsersStop) {
  CtlResult r = Ctl({"--json", "room", "start", "lobby", "--ttl", "30s"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json started = r.Json();
  EXPECT_EQ(started["room_id"], "lobby");
  EXPECT_EQ(started["ttl_ms"], 30000);
  const std::string hold_id = started["hold_id"];
  EXPECT_FALSE(hold_id.empty());
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("lobby") == 1; },
                        milliseconds(2000)));

  r = Ctl({"--json", "room", "count", "lobby"});
  ASSERT_EQ(r.code, 0) << r.err;
  json count = r.Json();
  EXPECT_EQ(count["room_id"], "lobby");
  EXPECT_EQ(count["count"], truth_->RoomCount("lobby"));
  EXPECT_NEAR(count["reference_time_ms"].get<int64_t>(), NowMs(), 5000);
  r = Ctl({"room", "count", "lobby"});
  EXPECT_EQ(r.out, "1\n");

  r = Ctl({"--json", "room", "users", "lobby"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json viewers = r.Json()["viewers"];
  const auto server = truth_->RoomViewers("lobby");
  ASSERT_EQ(viewers.size(), 1u);
  ASSERT_EQ(server.size(), 1u);
  EXPECT_EQ(viewers[0]["user_id"], "alice");
  EXPECT_EQ(viewers[0]["joined_at_ms"], server[0].joined_at_ms());
  EXPECT_NEAR(viewers[0]["last_heartbeat_ms"].get<int64_t>(),
              server[0].last_heartbeat_ms(), 500);

  // The hold as the daemon shows it: detached, ours, with its TTL.
  const json status = Status();
  ASSERT_EQ(status["targets"].size(), 1u);
  const json& target = status["targets"][0];
  EXPECT_EQ(target["target"], json({{"kind", "room"}, {"room_id", "lobby"}}));
  ASSERT_EQ(target["holders"].size(), 1u);
  const json& holder = target["holders"][0];
  EXPECT_EQ(holder["hold_id"], hold_id);
  EXPECT_EQ(holder["attached"], false);
  EXPECT_EQ(holder["uid"], getuid());
  EXPECT_EQ(holder["client_name"], "presencectl");
  EXPECT_NEAR(holder["expires_at_ms"].get<int64_t>(), NowMs() + 30000, 5000);

  // A second room start is a second hold on the same viewer.
  ASSERT_EQ(Ctl({"room", "start", "lobby"}).code, 0);
  EXPECT_EQ(truth_->RoomCount("lobby"), 1) << "users, not holds";

  // Stop: both holds go, and the server drops the viewer at once.
  const auto stop_at = Clock::now();
  r = Ctl({"--json", "room", "stop", "lobby"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.Json(), json({{"room_id", "lobby"}, {"stopped", 2}}));
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("lobby") == 0; },
                        milliseconds(300)));
  EXPECT_LT(Clock::now() - stop_at, milliseconds(500));
  EXPECT_TRUE(truth_->RoomViewers("lobby").empty());
  r = Ctl({"room", "users", "lobby"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "USER  JOINED  LAST HEARTBEAT\n");

  // Stopping a room that is not held: NOT_FOUND from the daemon, exit 1.
  r = Ctl({"room", "stop", "lobby"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("presencectl: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
  EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
}

TEST_F(PresencectlE2eTest, RoomStartTtlEndsTheHold) {
  CtlResult r = Ctl({"room", "start", "brief", "--ttl", "300ms"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("room brief: started, hold "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ttl 300ms"), std::string::npos) << r.out;
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("brief") == 1; },
                        milliseconds(2000)));
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("brief") == 0; },
                        milliseconds(1500)));
  EXPECT_EQ(Status()["targets"], json::array());
}

TEST_F(PresencectlE2eTest, WatchStreamsChangesUntilInterrupted) {
  auto bob = StartDaemon("bob");
  CtlProcess watch = Spawn({"--json", "watch", "bob", "carol"});
  // The current state of each user first.
  ASSERT_TRUE(WaitUntil([&] { return Lines(watch.out()).size() >= 2; },
                        milliseconds(3000)))
      << watch.err();
  std::vector<std::string> lines = Lines(watch.out());
  std::map<std::string, json> first;
  for (size_t i = 0; i < 2; ++i) {
    json j = json::parse(lines[i]);
    first[j["user_id"]] = j;
  }
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first["bob"]["online"], false);
  EXPECT_EQ(first["carol"]["online"], false);
  ASSERT_TRUE(WaitUntil([&] { return Status()["sync_watchers"] == 1; },
                        milliseconds(2000)));

  // A change: bob comes online.
  ASSERT_EQ(Ctl({"enable"}, bob->socket_path()).code, 0);
  ASSERT_EQ(Ctl({"user", "start"}, bob->socket_path()).code, 0);
  json update;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const auto all = Lines(watch.out());
        if (all.size() < 3) return false;
        update = json::parse(all[2]);
        return true;
      },
      milliseconds(3000)))
      << watch.err();
  EXPECT_EQ(update["user_id"], "bob");
  EXPECT_EQ(update["online"], true);
  EXPECT_NEAR(update["last_heartbeat_ms"].get<int64_t>(),
              truth_->User("bob").last_heartbeat_ms(), 1000);
  EXPECT_TRUE(watch.process->running()) << "watch streams until interrupted";

  // Ctrl-C ends it, and the daemon lets go of the watcher.
  watch.process->Signal(SIGINT);
  const auto code = watch.process->Wait(milliseconds(2000));
  ASSERT_TRUE(code.has_value()) << "watch ignored SIGINT";
  EXPECT_TRUE(*code == 128 + SIGINT || *code == 0) << *code;
  EXPECT_TRUE(WaitUntil([&] { return Status()["sync_watchers"] == 0; },
                        milliseconds(2000)));

  // Human output: one line per update.
  CtlProcess human = Spawn({"watch", "carol"});
  ASSERT_TRUE(WaitUntil([&] { return !Lines(human.out()).empty(); },
                        milliseconds(3000)));
  EXPECT_EQ(Lines(human.out())[0], "carol offline (last heartbeat never)");
  human.process->Signal(SIGINT);
  EXPECT_TRUE(human.process->Wait(milliseconds(2000)).has_value());
}

TEST_F(PresencectlE2eTest,
       HoldRoomCountedWhileTheChildRunsAndGoneAfterItExits) {
  // The child runs until the test lets it go, so "while it runs" does not
  // depend on how fast the first heartbeat is.
  const std::string go = dir_.File("go");
  CtlProcess hold =
      Spawn({"hold", "room", "R", "--", "sh", "-c",
             "while [ ! -e " + go + " ]; do sleep 0.01; done; echo child-out"});
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("R") == 1; },
                        milliseconds(2000)))
      << hold.err();
  const json status = Status();
  ASSERT_EQ(status["targets"].size(), 1u);
  const json& holder = status["targets"][0]["holders"][0];
  EXPECT_EQ(holder["attached"], true);
  EXPECT_EQ(holder["client_name"], "presencectl hold sh");
  EXPECT_EQ(holder["pid"], hold.process->pid());

  std::ofstream(go).flush();
  ASSERT_EQ(hold.process->Wait(milliseconds(2000)), 0) << hold.err();
  const auto exited_at = Clock::now();
  ASSERT_TRUE(
      WaitUntil([&] { return truth_->RoomCount("R") == 0; }, milliseconds(300)))
      << "still counted 300 ms after the child exited";
  RecordProperty("drop_after_exit_ms",
                 std::to_string(std::chrono::duration_cast<milliseconds>(
                                    Clock::now() - exited_at)
                                    .count()));
  EXPECT_EQ(hold.out(), "child-out\n") << "nothing added to stdout";

  // A short-lived child as in the issue: sleep 0.3, then gone.
  CtlProcess brief =
      Spawn({"hold", "room", "R2", "--", "sh", "-c", "sleep 0.3"});
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("R2") == 1; },
                        milliseconds(300)));
  ASSERT_EQ(brief.process->Wait(milliseconds(2000)), 0) << brief.err();
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("R2") == 0; },
                        milliseconds(300)));

  // The child's exit status is presencectl's.
  EXPECT_EQ(Ctl({"hold", "room", "R", "--", "sh", "-c", "exit 7"}).code, 7);
  EXPECT_EQ(Ctl({"hold", "room", "R", "--", "sh", "-c", "kill -KILL $$"}).code,
            128 + 9);
  CtlResult missing = Ctl({"hold", "room", "R", "--", "no-such-command-xyz"});
  EXPECT_EQ(missing.code, 127);
  EXPECT_NE(missing.err.find("command not found"), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("R") == 0; },
                        milliseconds(300)));
}

TEST_F(PresencectlE2eTest, HoldRoomGoneAfterPresencectlIsKilled) {
  const std::string pidfile = dir_.File("child.pid");
  CtlProcess hold = Spawn({"hold", "room", "R", "--", "sh", "-c",
                           "echo $$ > " + pidfile + ".tmp; mv " + pidfile +
                               ".tmp " + pidfile + "; exec sleep 30"});
  ASSERT_TRUE(WaitUntil([&] { return std::filesystem::exists(pidfile); },
                        milliseconds(3000)))
      << hold.err();
  KillOnExit child{std::stoi(ReadAll(pidfile))};
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("R") == 1; },
                        milliseconds(2000)));

  hold.process->Signal(SIGKILL);
  ASSERT_EQ(hold.process->Wait(milliseconds(2000)), 128 + SIGKILL);
  const auto killed_at = Clock::now();
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("R") == 0; },
                        milliseconds(1000)))
      << "the hold outlived presencectl";
  RecordProperty("drop_after_kill_ms",
                 std::to_string(std::chrono::duration_cast<milliseconds>(
                                    Clock::now() - killed_at)
                                    .count()));
  EXPECT_EQ(kill(child.pid, 0), 0) << "the orphaned child still runs";
  EXPECT_EQ(Status()["targets"], json::array());
}

// presencectl hold --help: "If presenced restarts meanwhile, the hold
// re-attaches by itself."
TEST_F(PresencectlE2eTest, HoldReattachesAfterADaemonRestart) {
  const std::string go = dir_.File("go");
  CtlProcess hold = Spawn({"-v", "hold", "room", "R", "--", "sh", "-c",
                           "while [ ! -e " + go + " ]; do sleep 0.01; done"});
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("R") == 1; },
                        milliseconds(2000)))
      << hold.err();
  daemon_->Restart();
  EXPECT_TRUE(WaitUntil(
      [&] {
        return hold.err().find("re-attached after") != std::string::npos &&
               truth_->RoomCount("R") == 1;
      },
      milliseconds(1000)))
      << hold.err();
  EXPECT_EQ(hold.err().find("hold ended"), std::string::npos) << hold.err();
  std::ofstream(go).flush();
  EXPECT_EQ(hold.process->Wait(milliseconds(2000)), 0);
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("R") == 0; },
                        milliseconds(300)));
}

TEST_F(PresencectlE2eTest, HoldUserNeedsEnableThenKeepsTheUserOnline) {
  WaitForServerSettings();
  const std::string ran = dir_.File("ran");
  CtlResult r = Ctl({"hold", "user", "--", "touch", ran});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not enabled"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(ran)) << "refused: the child never ran";

  ASSERT_EQ(Ctl({"enable"}).code, 0);
  const std::string go = dir_.File("go");
  CtlProcess hold = Spawn({"hold", "user", "--", "sh", "-c",
                           "while [ ! -e " + go + " ]; do sleep 0.01; done"});
  ASSERT_TRUE(WaitUntil([&] { return truth_->User("alice").online(); },
                        milliseconds(2000)))
      << hold.err();
  std::ofstream(go).flush();
  ASSERT_EQ(hold.process->Wait(milliseconds(2000)), 0) << hold.err();
  EXPECT_TRUE(WaitUntil([&] { return !truth_->User("alice").online(); },
                        milliseconds(500)))
      << "still online after the child exited";
}

TEST_F(PresencectlE2eTest, UsageErrorsExit2AndTouchNothing) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"room", "start"},
      {"room", "start", "r", "--ttl", "soon"},
      {"room", "start", std::string("bad\x01room")},
      {"room", "start", std::string(300, 'x')},
      {"--timeout", "x", "status"},
      {"users", "online", "--page-size", "500"},
      {"hold", "room", "r"},
      {"frobnicate"}};
  for (const auto& args : bad) {
    CtlResult r = Ctl(args);
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    EXPECT_EQ(r.code, 2) << shown << r.err;
    EXPECT_NE(r.err.find("Usage: presencectl"), std::string::npos)
        << shown << r.err;
    EXPECT_TRUE(r.out.empty()) << shown << r.out;
  }
  std::vector<std::string> too_many = {"users", "get"};
  for (int i = 0; i < 221; ++i) too_many.push_back("u" + std::to_string(i));
  EXPECT_EQ(Ctl(too_many).code, 2);
  EXPECT_EQ(Status()["targets"], json::array());
}

TEST_F(PresencectlE2eTest, UnreachableDaemonExits3) {
  const std::string ran = dir_.File("ran");
  const std::string missing = dir_.File("missing.sock");
  CtlResult r = Ctl({"status"}, missing);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("cannot reach presenced at " + missing),
            std::string::npos)
      << r.err;

  // The real daemon stops: every command exits 3, fast, and hold does not
  // run its command.
  ASSERT_EQ(daemon_->Stop(), 0);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status"},
           {"--json", "room", "start", "r"},
           {"room", "count", "r"},
           {"users", "online-count"},
           {"watch", "bob"},
           {"hold", "room", "r", "--", "touch", ran}}) {
    const auto start = Clock::now();
    CtlResult r = Ctl(args);
    EXPECT_EQ(r.code, 3) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("Is the daemon running"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_LT(Clock::now() - start, milliseconds(4000)) << args[0];
  }
  EXPECT_FALSE(std::filesystem::exists(ran));

  // $PRESENCED_SOCKET names the socket when --socket is not given.
  Subprocess env({PRESENCECTL_PATH, "status"},
                 SubprocessOptions{{{"PRESENCED_SOCKET", missing}},
                                   dir_.File("env.out"),
                                   dir_.File("env.err")});
  EXPECT_EQ(env.Wait(milliseconds(10000)), 3);
  EXPECT_NE(ReadAll(dir_.File("env.err")).find(missing), std::string::npos);
}

TEST_F(PresencectlE2eTest, DetachedRoomStartSurvivesADaemonRestart) {
  ASSERT_EQ(Ctl({"room", "start", "lasting"}).code, 0);
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("lasting") == 1; },
                        milliseconds(2000)));
  daemon_->Restart();
  ASSERT_TRUE(WaitUntil([&] { return truth_->RoomCount("lasting") == 1; },
                        milliseconds(2000)));
  CtlResult r = Ctl({"--json", "room", "count", "lasting"});
  EXPECT_EQ(r.Json()["count"], 1);
  r = Ctl({"--json", "room", "stop", "lasting"});
  EXPECT_EQ(r.Json()["stopped"], 1);
  EXPECT_TRUE(WaitUntil([&] { return truth_->RoomCount("lasting") == 0; },
                        milliseconds(300)));
}

}  // namespace
}  // namespace presence::testing
