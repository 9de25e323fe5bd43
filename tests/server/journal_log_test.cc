// presence-server under systemd: stderr is the journal, which reads a
// leading "<N>" as the line's syslog priority, so that `journalctl -p err`
// finds the errors.
#include <gtest/gtest.h>

#include <sstream>

#include "support/presence_server_process.h"
#include "support/redis_server_process.h"
#include "support/wait.h"

namespace presence::testing {
namespace {

using std::chrono::milliseconds;

// The first line of `log` that contains `text`, or "".
std::string LineWith(const std::string& log, const std::string& text) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(text) != std::string::npos) return line;
  }
  return "";
}

TEST(ServerJournalLog, EachLineStartsWithItsSyslogPriority) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "no redis-server";
  // Its sweep fails, at error, once Redis is gone.
  RedisServerProcess redis;
  PresenceServerOptions options;
  options.demo = true;  // warns that any API key is accepted
  options.flags = {"--store=redis", "--redis-address=" + redis.address(),
                   "--redis-timeout=200ms", "--sweep-interval=50ms"};
  options.env["JOURNAL_STREAM"] = "8:12345";
  PresenceServerProcess server(options);
  redis.Kill();
  ASSERT_TRUE(
      WaitUntil([&] { return !LineWith(server.log(), "sweep failed").empty(); },
                milliseconds(5000)))
      << server.log();

  const std::string log = server.log();
  EXPECT_EQ(LineWith(log, "sweep failed").rfind("<3>", 0), 0u) << log;
  EXPECT_EQ(LineWith(log, "no api_key_file").rfind("<4>", 0), 0u) << log;
  EXPECT_EQ(LineWith(log, "listening on").rfind("<6>presence-server ", 0), 0u)
      << log;
}

}  // namespace
}  // namespace presence::testing
