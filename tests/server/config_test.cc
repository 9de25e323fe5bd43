// presence-server's command line and config file: the room timeout derived
// from the room interval when not given, and timeouts not longer than their
// intervals refused, naming the file line or the flag at fault.
#include <gtest/gtest.h>

#include "app/command_line.h"
#include "support/temp_dir.h"

namespace presence::server {
namespace {

using std::chrono::minutes;

struct Parsed {
  CommandLine result;
  std::string errors;  // what it printed to stderr
};

Parsed Parse(std::vector<std::string> args) {
  args.insert(args.begin(), {"presence-server", "--listen=127.0.0.1:0"});
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  ::testing::internal::CaptureStderr();
  CommandLine result =
      ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  return {std::move(result), ::testing::internal::GetCapturedStderr()};
}

class ConfigTest : public ::testing::Test {
 protected:
  // A config file holding these lines.
  std::string File(const std::string& lines) {
    return dir_.Write("server.toml", lines);
  }

  testing::TempDir dir_;
};

TEST_F(ConfigTest, RoomTimeoutDefaultsToTwiceTheFinalRoomInterval) {
  Parsed parsed = Parse({});
  ASSERT_TRUE(parsed.result.config) << parsed.errors;
  EXPECT_EQ(parsed.result.config->network.room_timeout, minutes(10));

  parsed = Parse({"--room-heartbeat-interval=2m"});
  ASSERT_TRUE(parsed.result.config) << parsed.errors;
  EXPECT_EQ(parsed.result.config->network.room_timeout, minutes(4));

  const std::string file = File("room_heartbeat_interval = \"1m\"\n");
  parsed = Parse({"--config=" + file});
  ASSERT_TRUE(parsed.result.config) << parsed.errors;
  EXPECT_EQ(parsed.result.config->network.room_timeout, minutes(2));

  parsed = Parse({"--config=" + file, "--room-heartbeat-interval=3m"});
  ASSERT_TRUE(parsed.result.config) << parsed.errors;
  EXPECT_EQ(parsed.result.config->network.room_timeout, minutes(6))
      << "from the interval the flag overrode";
}

TEST_F(ConfigTest, GivenRoomTimeoutIsKept) {
  const Parsed parsed = Parse({"--room-timeout=7m"});
  ASSERT_TRUE(parsed.result.config) << parsed.errors;
  EXPECT_EQ(parsed.result.config->network.room_timeout, minutes(7));
}

TEST_F(ConfigTest, BadCombinationInTheFileNamesTheLineOfTheKeyAtFault) {
  std::string file = File(
      "room_heartbeat_interval = \"5m\"\n"
      "room_timeout = \"1m\"\n");
  Parsed parsed = Parse({"--config=" + file});
  EXPECT_FALSE(parsed.result.config);
  EXPECT_EQ(parsed.result.exit_code, kExitConfig);
  EXPECT_EQ(parsed.errors, "presence-server: " + file +
                               ":2: key 'room_timeout': room_timeout (1m) "
                               "must be longer than room_heartbeat_interval "
                               "(5m)\n");

  file = File("# comment\nuser_heartbeat_interval = \"90s\"\n");
  parsed = Parse({"--config=" + file});
  EXPECT_EQ(parsed.result.exit_code, kExitConfig);
  EXPECT_EQ(parsed.errors,
            "presence-server: " + file +
                ":2: key 'user_heartbeat_interval': user_heartbeat_interval "
                "(1m30s) must be shorter than online_threshold (1m); set "
                "online_threshold as well\n");
}

TEST_F(ConfigTest, BadCombinationFromFlagsIsAUsageErrorNamingTheFlag) {
  Parsed parsed = Parse({"--online-threshold=20s"});  // the user interval
  EXPECT_FALSE(parsed.result.config);
  EXPECT_EQ(parsed.result.exit_code, kExitUsage);
  EXPECT_EQ(parsed.errors,
            "presence-server: --online-threshold (20s) must be longer than "
            "--user-heartbeat-interval (20s)\n");

  // The flag overrides a file whose own keys were fine.
  const std::string file = File("room_timeout = \"10m\"\n");
  parsed = Parse({"--config=" + file, "--room-heartbeat-interval=15m"});
  EXPECT_EQ(parsed.result.exit_code, kExitUsage);
  EXPECT_EQ(parsed.errors,
            "presence-server: --room-heartbeat-interval (15m) must be shorter "
            "than --room-timeout (10m)\n");
}

}  // namespace
}  // namespace presence::server
