// The real presencectl binary: exit codes, JSON output, hold -- COMMAND,
// against no daemon (exit 3) and against a fake presenced.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fake_daemon.h"
#include "test_util.h"

namespace presence::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct CtlRun {
  int code;
  std::string out, err;
};

CtlRun Ctl(const TempDir& dir, std::vector<std::string> args,
           std::vector<std::string> env = {}) {
  args.insert(args.begin(), PRESENCECTL_PATH);
  Process p = Start(args, dir.path(), env);
  const int code = p.Wait();
  return {code, p.out(), p.err()};
}

class WithDaemon : public ::testing::Test {
 protected:
  TempDir dir;
  std::string socket = dir.File("presenced.sock");
  FakeDaemon daemon{socket};
  CtlRun Do(std::vector<std::string> args) {
    args.insert(args.begin(), {"--socket", socket});
    return Ctl(dir, args);
  }
};

TEST(Presencectl, Exit3WhenTheSocketDoesNotExist) {
  TempDir dir;
  const std::string socket = dir.File("missing.sock");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status"},
           {"room", "start", "r"},
           {"watch", "u"},
           {"hold", "room", "r", "--", "touch", dir.File("ran")}}) {
    auto cmd = args;
    cmd.insert(cmd.begin(), {"--socket", socket});
    CtlRun r = Ctl(dir, cmd);
    EXPECT_EQ(r.code, 3) << args[0] << r.err;
    EXPECT_NE(r.err.find("cannot reach presenced at " + socket),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Is the daemon running"), std::string::npos);
    EXPECT_TRUE(r.out.empty());
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("ran")));
  // The environment variable names the socket too.
  CtlRun env = Ctl(dir, {"status"}, {"PRESENCED_SOCKET=" + socket});
  EXPECT_EQ(env.code, 3);
  EXPECT_NE(env.err.find(socket), std::string::npos);
}

TEST(Presencectl, Exit2OnUsageErrors) {
  TempDir dir;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"room", "start"},
           {"room", "start", "r", "--ttl", "soon"},
           {"--timeout", "x", "status"},
           {"frobnicate"}}) {
    CtlRun r = Ctl(dir, args);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("Usage: presencectl"), std::string::npos) << r.err;
  }
  CtlRun help = Ctl(dir, {"room", "start", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("DESCRIPTION"), std::string::npos);
}

TEST_F(WithDaemon, JsonResults) {
  CtlRun r = Do({"--json", "room", "start", "lobby", "--ttl", "30s"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json({{"room_id", "lobby"},
                                      {"hold_id", "d-lobby-30000"},
                                      {"ttl_ms", 30000}}));
  EXPECT_EQ(daemon.LastClientName(), "presencectl");

  r = Do({"--json", "room", "count", "lobby"});
  ASSERT_EQ(r.code, 0);
  auto j = json::parse(r.out);
  EXPECT_EQ(j["room_id"], "lobby");
  EXPECT_EQ(j["count"], 1);

  r = Do({"--json", "room", "users", "lobby"});
  EXPECT_EQ(json::parse(r.out)["viewers"][0]["user_id"], "me");

  r = Do({"--json", "room", "stop", "lobby"});
  EXPECT_EQ(json::parse(r.out), json({{"room_id", "lobby"}, {"stopped", 1}}));

  r = Do({"--json", "users", "get", "on1", "off2"});
  j = json::parse(r.out);
  ASSERT_EQ(j["presences"].size(), 2u);
  EXPECT_EQ(j["presences"][0]["online"], true);
  EXPECT_EQ(j["presences"][1]["user_id"], "off2");
  EXPECT_EQ(j["presences"][1]["last_heartbeat_ms"], 0);

  r = Do({"--json", "users", "online-count"});
  EXPECT_EQ(json::parse(r.out), json({{"count", 3}}));
  r = Do({"--json", "users", "online"});
  EXPECT_EQ(json::parse(r.out)["users"].size(), 3u) << "all pages";

  r = Do({"--json", "is-enabled"});
  EXPECT_EQ(json::parse(r.out), json({{"enabled", false}}));
  r = Do({"--json", "enable"});
  EXPECT_EQ(json::parse(r.out), json({{"enabled", true}}));

  r = Do({"--json", "status"});
  j = json::parse(r.out);
  EXPECT_EQ(j["state"], "online");
  EXPECT_EQ(j["targets"][0]["holders"][0]["client_name"], "player");

  r = Do({"--json", "user", "start"});
  EXPECT_EQ(json::parse(r.out)["hold_id"], "d-user-0");
  r = Do({"--json", "user", "stop"});
  EXPECT_EQ(json::parse(r.out), json({{"stopped", 1}}));

  r = Do({"--json", "watch", "on1", "x"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<json> updates;
  while (std::getline(lines, line)) updates.push_back(json::parse(line));
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0]["user_id"], "on1");
  EXPECT_EQ(updates[1]["online"], false);
}

TEST_F(WithDaemon, HumanResults) {
  CtlRun r = Do({"room", "count", "nobody"});
  EXPECT_EQ(r.out, "0\n");
  r = Do({"status"});
  EXPECT_NE(r.out.find("State:       online"), std::string::npos) << r.out;
  r = Do({"is-enabled"});
  EXPECT_EQ(r.out, "disabled\n");
}

TEST_F(WithDaemon, Exit1WhenTheDaemonRefuses) {
  CtlRun r = Do({"disable"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "presencectl: disable needs root or the admin group\n");
  EXPECT_TRUE(r.out.empty());
}

TEST_F(WithDaemon, HoldRefusedDoesNotStartTheCommand) {
  daemon.refuse_holds = true;
  CtlRun r = Do({"hold", "room", "r", "--", "touch", dir.File("ran")});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("presence is disabled"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.File("ran")));
}

TEST_F(WithDaemon, HoldPassesTheChildsExitCode) {
  EXPECT_EQ(Do({"hold", "user", "--", "sh", "-c", "exit 7"}).code, 7);
  EXPECT_EQ(Do({"hold", "user", "--", "sh", "-c", "kill -KILL $$"}).code,
            128 + 9);
  CtlRun r = Do({"hold", "user", "--", "no-such-command-xyz"});
  EXPECT_EQ(r.code, 127);
  EXPECT_NE(r.err.find("command not found"), std::string::npos);
  // The child's output is untouched, even with --json.
  r = Do({"--json", "hold", "room", "r", "--", "echo", "hi"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_EQ(daemon.LastClientName(), "presencectl hold echo");
}

TEST_F(WithDaemon, HoldRoomCountedWhileTheChildRunsAndGoneAfter) {
  Process p = Start({PRESENCECTL_PATH, "--socket", socket, "hold", "room", "R",
                     "--", "sh", "-c", "sleep 0.5"},
                    dir.path());
  ASSERT_TRUE(Eventually([&] { return daemon.Holds("R") == 1; }));
  EXPECT_EQ(p.Wait(), 0);
  EXPECT_TRUE(Eventually([&] { return daemon.Holds("R") == 0; }));
}

TEST_F(WithDaemon, HoldForwardsSigterm) {
  const std::string ready = dir.File("ready");
  Process p = Start({PRESENCECTL_PATH, "--socket", socket, "hold", "room", "R",
                     "--", "sh", "-c",
                     "trap 'exit 42' TERM; touch " + ready +
                         "; while :; do sleep 0.02; done"},
                    dir.path());
  ASSERT_TRUE(Eventually([&] { return std::filesystem::exists(ready); }));
  kill(p.pid, SIGTERM);
  EXPECT_EQ(p.Wait(), 42);
  EXPECT_TRUE(Eventually([&] { return daemon.Holds("R") == 0; }));
}

bool HasSocketFd(pid_t pid) {
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (!ec && target.string().rfind("socket:", 0) == 0) return true;
  }
  return false;
}

TEST_F(WithDaemon, HoldGoneAfterPresencectlIsKilled) {
  const std::string pidfile = dir.File("child.pid");
  Process p = Start({PRESENCECTL_PATH, "--socket", socket, "hold", "room", "R",
                     "--", "sh", "-c",
                     "echo $$ > " + pidfile + ".tmp; mv " + pidfile + ".tmp " +
                         pidfile + "; exec sleep 30"},
                    dir.path());
  ASSERT_TRUE(Eventually([&] { return std::filesystem::exists(pidfile); }));
  ASSERT_TRUE(Eventually([&] { return daemon.Holds("R") == 1; }));
  const pid_t child = std::stoi(ReadFile(pidfile));
  std::this_thread::sleep_for(50ms);  // let sh exec sleep
  EXPECT_FALSE(HasSocketFd(child)) << "the child holds a socket";

  kill(p.pid, SIGKILL);
  EXPECT_EQ(p.Wait(), 128 + 9);
  EXPECT_TRUE(Eventually([&] { return daemon.Holds("R") == 0; }, 2s))
      << "the hold outlived presencectl";
  EXPECT_EQ(kill(child, 0), 0) << "the orphaned child still runs";
  kill(child, SIGKILL);
}

}  // namespace
}  // namespace presence::testing
