// presencectl's pure parts: argument parsing and validation (exit 2),
// output formatting, the child-exit-code logic of hold.
#include <gtest/gtest.h>

#include <sstream>

#include "cli.h"
#include "format.h"

namespace presence::ctl {
namespace {

ParseResult P(std::vector<std::string> args, const char* env = nullptr) {
  return Parse(args, env);
}

TEST(Parse, EveryCommandName) {
  const std::vector<std::vector<std::string>> lines = {
      {"status"},
      {"enable"},
      {"disable"},
      {"is-enabled"},
      {"login"},
      {"logout"},
      {"user", "start"},
      {"user", "stop"},
      {"room", "start", "r"},
      {"room", "stop", "r"},
      {"room", "count", "r"},
      {"room", "users", "r"},
      {"users", "get", "a", "b"},
      {"users", "online-count"},
      {"users", "online"},
      {"watch", "a"},
      {"hold", "user", "--", "true"},
      {"hold", "room", "r", "--", "true"}};
  for (const auto& line : lines) {
    auto r = P(line);
    ASSERT_TRUE(r.invocation) << line[0] << ": " << r.err;
    std::string joined;
    for (const auto& word : line) {
      if (word == "r" || word == "a" || word == "--") break;
      joined += (joined.empty() ? "" : " ") + word;
    }
    EXPECT_EQ(r.invocation->command, joined);
  }
}

TEST(Parse, SocketPrecedence) {
  EXPECT_EQ(P({"status"}).invocation->socket_path,
            "/run/presenced/presenced.sock");
  EXPECT_EQ(P({"status"}, "/e.sock").invocation->socket_path, "/e.sock");
  EXPECT_EQ(
      P({"--socket", "/o.sock", "status"}, "/e.sock").invocation->socket_path,
      "/o.sock");
  EXPECT_EQ(
      P({"status", "--socket", "/o.sock"}, "/e.sock").invocation->socket_path,
      "/o.sock");
}

TEST(Parse, GlobalOptionsBeforeOrAfterCommand) {
  auto r = P({"room", "count", "r", "--json", "--timeout", "150ms"});
  ASSERT_TRUE(r.invocation) << r.err;
  EXPECT_TRUE(r.invocation->json);
  EXPECT_EQ(r.invocation->timeout.count(), 150);
  EXPECT_EQ(r.invocation->room_id, "r");
  r = P({"--json", "--timeout", "2s", "status"});
  ASSERT_TRUE(r.invocation);
  EXPECT_TRUE(r.invocation->json);
  EXPECT_EQ(r.invocation->timeout.count(), 2000);
}

TEST(Parse, Durations) {
  auto r = P({"room", "start", "r", "--ttl", "1m30s"});
  ASSERT_TRUE(r.invocation);
  EXPECT_EQ(r.invocation->ttl.count(), 90000);
  EXPECT_EQ(P({"user", "start", "--ttl", "5m"}).invocation->ttl.count(),
            300000);
  for (const char* bad : {"5", "5x", "-1s", "", "s"}) {
    auto e = P({"room", "start", "r", "--ttl", bad});
    EXPECT_EQ(e.exit_code, kExitUsage) << bad;
    EXPECT_FALSE(e.invocation);
    EXPECT_NE(e.err.find("duration"), std::string::npos) << e.err;
  }
  EXPECT_EQ(P({"--timeout", "0s", "status"}).exit_code, kExitUsage);
  EXPECT_EQ(P({"--timeout", "soon", "status"}).exit_code, kExitUsage);
}

TEST(Parse, UsageErrorsExit2WithUsage) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"bogus"},
      {"room"},
      {"room", "start"},
      {"room", "count", "a", "b"},
      {"users", "get"},
      {"watch"},
      {"hold", "user"},
      {"hold", "room", "r"},
      {"status", "--no-such-flag"},
      {"room", "start", ""},
      {"room", "start", std::string(257, 'x')},
      {"room", "count", "a\nb"},
      {"users", "get", "ok", "bad\x01"},
      {"users", "online", "--page-size", "101"},
      {"room", "stop", "r", "--hold", ""},
  };
  for (const auto& line : bad) {
    auto r = P(line);
    std::string joined;
    for (const auto& w : line) joined += w + " ";
    EXPECT_FALSE(r.invocation) << joined;
    EXPECT_EQ(r.exit_code, kExitUsage) << joined;
    EXPECT_NE(r.err.find("presencectl: "), std::string::npos) << joined;
    EXPECT_NE(r.err.find("Usage: presencectl"), std::string::npos)
        << joined << r.err;
  }
}

TEST(Parse, AtMost220Ids) {
  std::vector<std::string> args = {"users", "get"};
  for (int i = 0; i < 220; ++i) args.push_back("u" + std::to_string(i));
  EXPECT_TRUE(P(args).invocation);
  args.push_back("one-too-many");
  auto r = P(args);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("at most 220"), std::string::npos) << r.err;
  args[0] = "watch";
  args.erase(args.begin() + 1);
  EXPECT_EQ(P(args).exit_code, kExitUsage);
}

TEST(Parse, HoldTakesTheCommandVerbatim) {
  auto r = P({"--json", "hold", "room", "lobby", "--", "sh", "-c", "exit 3",
              "--json", "--help"});
  ASSERT_TRUE(r.invocation) << r.err;
  EXPECT_EQ(r.invocation->command, "hold room");
  EXPECT_EQ(r.invocation->room_id, "lobby");
  EXPECT_EQ(
      r.invocation->child,
      (std::vector<std::string>{"sh", "-c", "exit 3", "--json", "--help"}));
  r = P({"hold", "user", "-v", "--", "sleep", "1"});
  ASSERT_TRUE(r.invocation) << r.err;
  EXPECT_TRUE(r.invocation->verbose);
  EXPECT_EQ(r.invocation->child, (std::vector<std::string>{"sleep", "1"}));
}

TEST(Parse, HelpForEveryCommandExitsZero) {
  const std::vector<std::vector<std::string>> lines = {
      {"--help"},
      {"status", "--help"},
      {"room", "--help"},
      {"room", "start", "--help"},
      {"users", "get", "--help"},
      {"hold", "room", "--help"},
      {"watch", "--help"},
      {"user", "stop", "--help"}};
  for (const auto& line : lines) {
    auto r = P(line);
    EXPECT_EQ(r.exit_code, 0) << line[0];
    EXPECT_FALSE(r.invocation);
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("EXIT STATUS"), std::string::npos) << r.out;
  }
  auto hold = P({"hold", "room", "--help"});
  EXPECT_NE(hold.out.find("DESCRIPTION"), std::string::npos);
  EXPECT_NE(hold.out.find("128+N"), std::string::npos);
}

TEST(Errors, ExitCodesAndMessages) {
  client::Error refused{grpc::StatusCode::FAILED_PRECONDITION,
                        "presence is disabled", false};
  EXPECT_EQ(ExitCodeFor(refused), kExitRefused);
  EXPECT_EQ(ErrorLine(refused), "presencectl: presence is disabled");
  client::Error gone{grpc::StatusCode::UNAVAILABLE,
                     "cannot reach presenced at /x.sock: nope", true};
  EXPECT_EQ(ExitCodeFor(gone), kExitUnreachable);
  EXPECT_NE(ErrorLine(gone).find("/x.sock"), std::string::npos);
  EXPECT_NE(ErrorLine(gone).find("systemctl status presenced"),
            std::string::npos);
  EXPECT_EQ(client::CodeName(grpc::StatusCode::INVALID_ARGUMENT),
            "INVALID_ARGUMENT");
  EXPECT_EQ(refused.CodeName(), "FAILED_PRECONDITION");
}

// ---- formatting

TEST(Format, Json) {
  v1::UserPresence p;
  p.set_user_id("u");
  p.set_last_heartbeat_ms(5);
  p.set_online(true);
  EXPECT_EQ(ToJson(p).dump(),
            R"({"last_heartbeat_ms":5,"online":true,"user_id":"u"})");
  v1::RoomViewer v;
  v.set_user_id("u");
  v.set_joined_at_ms(1);
  v.set_last_heartbeat_ms(2);
  EXPECT_EQ(ToJson(v).dump(),
            R"({"joined_at_ms":1,"last_heartbeat_ms":2,"user_id":"u"})");
  v1::Target t;
  t.set_kind(v1::TARGET_KIND_ROOM);
  t.set_room_id("r");
  EXPECT_EQ(ToJson(t).dump(), R"({"kind":"room","room_id":"r"})");
  t.set_kind(v1::TARGET_KIND_USER);
  EXPECT_EQ(ToJson(t).dump(), R"({"kind":"user"})");
  v1::HoldEvent e;
  e.set_type(v1::HOLD_EVENT_INTERVAL_CHANGED);
  e.set_interval_ms(20000);
  EXPECT_EQ(ToJson(e)["type"], "interval-changed");
  EXPECT_EQ(ToJson(e)["interval_ms"], 20000);
}

v1::Status SampleStatus() {
  v1::Status s;
  s.set_state(v1::SESSION_STATE_DEGRADED);
  s.set_upstream("10.0.0.1:7000");
  s.set_user_id("alice");
  s.mutable_user_heartbeat_interval()->set_value_ms(20000);
  s.mutable_user_heartbeat_interval()->set_source("server");
  s.mutable_room_heartbeat_interval()->set_value_ms(300000);
  s.mutable_room_heartbeat_interval()->set_source("built-in default");
  s.set_last_error("upstream: connection refused");
  s.set_last_error_ms(1000);
  auto* t = s.add_targets();
  t->mutable_target()->set_kind(v1::TARGET_KIND_ROOM);
  t->mutable_target()->set_room_id("lobby");
  auto* h = t->add_holders();
  h->set_hold_id("h1");
  h->set_uid(1000);
  h->set_client_name("player");
  h->set_attached(true);
  s.set_heartbeat_calls(7);
  return s;
}

TEST(Format, StatusJson) {
  const auto j = ToJson(SampleStatus());
  EXPECT_EQ(j["state"], "degraded");
  EXPECT_EQ(j["upstream"], "10.0.0.1:7000");
  EXPECT_EQ(j["user_heartbeat_interval"]["value_ms"], 20000);
  EXPECT_EQ(j["room_heartbeat_interval"]["source"], "built-in default");
  EXPECT_EQ(j["targets"][0]["target"]["room_id"], "lobby");
  EXPECT_EQ(j["targets"][0]["holders"][0]["client_name"], "player");
  EXPECT_EQ(j["targets"][0]["holders"][0]["attached"], true);
  EXPECT_EQ(j["last_error"], "upstream: connection refused");
  EXPECT_EQ(j["heartbeat_calls"], 7);
}

TEST(Format, StatusHuman) {
  const std::string text = HumanStatus(SampleStatus(), 61000);
  EXPECT_NE(text.find("State:       degraded"), std::string::npos) << text;
  EXPECT_NE(text.find("user heartbeat    20s (server)"), std::string::npos);
  EXPECT_NE(text.find("room heartbeat    5m (built-in default)"),
            std::string::npos);
  EXPECT_NE(text.find("upstream: connection refused"), std::string::npos);
  EXPECT_NE(text.find("(1m ago)"), std::string::npos) << text;
  EXPECT_NE(text.find("  room lobby\n"), std::string::npos);
  EXPECT_NE(text.find("h1  attached  uid 1000"), std::string::npos) << text;
  EXPECT_EQ(text.find(" \n"), std::string::npos) << "trailing blanks";
}

TEST(Format, Tables) {
  v1::UserPresence a, b;
  a.set_user_id("alice");
  a.set_online(true);
  a.set_last_heartbeat_ms(9000);
  b.set_user_id("bo");
  const std::string text = HumanPresences({a, b}, 10000);
  EXPECT_NE(text.find("USER   ONLINE  LAST HEARTBEAT\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("alice  yes     "), std::string::npos) << text;
  EXPECT_NE(text.find("(1s ago)"), std::string::npos);
  EXPECT_NE(text.find("bo     no      never\n"), std::string::npos) << text;
  EXPECT_EQ(HumanViewers({}, 0), "USER  JOINED  LAST HEARTBEAT\n");
}

TEST(Format, Times) {
  EXPECT_EQ(FormatTime(0, 5), "never");
  EXPECT_NE(FormatTime(1000, 1500).find("(just now)"), std::string::npos);
  EXPECT_NE(FormatTime(1000, 91500).find("(1m30s ago)"), std::string::npos);
  EXPECT_NE(FormatTime(61000, 1000).find("(in 1m)"), std::string::npos);
}

// ---- hold's child handling (no daemon needed)

TEST(Spawn, ExitCodesLikeAShell) {
  std::ostringstream err;
  EXPECT_EQ(SpawnAndWait({"true"}, err), 0);
  EXPECT_EQ(SpawnAndWait({"sh", "-c", "exit 7"}, err), 7);
  EXPECT_EQ(SpawnAndWait({"sh", "-c", "kill -TERM $$"}, err), 128 + 15);
  EXPECT_EQ(SpawnAndWait({"no-such-command-xyz"}, err), 127);
  EXPECT_NE(err.str().find("no-such-command-xyz: command not found"),
            std::string::npos);
  EXPECT_EQ(SpawnAndWait({"/etc/hostname"}, err), 126);
  EXPECT_EQ(SpawnAndWait({"/"}, err), 126);
}

}  // namespace
}  // namespace presence::ctl
