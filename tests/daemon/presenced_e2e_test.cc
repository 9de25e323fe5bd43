// presenced end to end: the real daemon against the real presence-server on
// loopback, with 50 ms heartbeats and a 3 s online threshold (so a quick drop
// in a count proves a leave, not an expiry).
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <map>

#include "daemon_fixture.h"
#include "support/control_calls.h"
#include "support/raw_call.h"

namespace presence::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<grpc::Channel> UnixChannel(const std::string& socket) {
  return grpc::CreateChannel("unix:" + socket,
                             grpc::InsecureChannelCredentials());
}

// Runs control_call and returns its first output line.
std::string RunControlCall(const PresencedProcess& daemon, uid_t uid,
                           const std::string& op, const std::string& room,
                           const TempDir& dir) {
  const std::string out = dir.File("control_call.out");
  Subprocess call(
      {CONTROL_CALL_BIN, daemon.socket_path(), std::to_string(uid), op, room},
      SubprocessOptions{{}, out, ""});
  call.Wait(milliseconds(10000));
  std::ifstream file(out);
  std::string line;
  std::getline(file, line);
  return line;
}

// One HoldMany call carries many attached holds: each is answered by HELD
// with its request id, released alone by a leave, refused without ending the
// call, and released with the call.
TEST_F(DaemonTest, HoldManyCarriesManyAttachedHoldsOnOneCall) {
  HoldManyStream call(daemon_->socket_path());
  const std::vector<std::string> rooms = {"many-a", "many-b", "many-c"};
  std::map<std::string, std::string> hold_ids;  // room -> hold id
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    ASSERT_TRUE(call.Hold(RoomTarget(rooms[i]), 10 + i));
  }
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    pb::HoldEvent held;
    ASSERT_TRUE(call.WaitForAnswer(10 + i, milliseconds(2000), &held))
        << daemon_->log();
    EXPECT_EQ(held.type(), pb::HOLD_EVENT_HELD) << held.message();
    EXPECT_FALSE(held.hold_id().empty());
    hold_ids[rooms[i]] = held.hold_id();
  }
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const auto& room : rooms) {
          if (RoomCount(room) != 1) return false;
        }
        return true;
      },
      milliseconds(2000)));

  // Status shows them as attached holds, one per target.
  pb::Status status = GetStatus();
  ASSERT_EQ(status.targets_size(), 3);
  for (const auto& target : status.targets()) {
    ASSERT_EQ(target.holders_size(), 1);
    EXPECT_TRUE(target.holders(0).attached());
    EXPECT_EQ(target.holders(0).client_name(), "e2e-test");
    EXPECT_EQ(target.holders(0).hold_id(), hold_ids[target.target().room_id()]);
  }

  // Releasing one is a leave (threshold 3 s); the others stay.
  ASSERT_TRUE(call.Release(hold_ids["many-a"], 20));
  EXPECT_TRUE(
      WaitUntil([&] { return RoomCount("many-a") == 0; }, milliseconds(300)));
  EXPECT_EQ(RoomCount("many-b"), 1);
  EXPECT_EQ(RoomCount("many-c"), 1);

  // A bad room id: refused, naming the field; the call goes on.
  pb::HoldEvent refused;
  ASSERT_TRUE(call.Hold(RoomTarget(""), 30));
  ASSERT_TRUE(call.WaitForAnswer(30, milliseconds(2000), &refused));
  EXPECT_EQ(refused.type(), pb::HOLD_EVENT_REFUSED);
  EXPECT_EQ(refused.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.message().rfind("INVALID_ARGUMENT: ", 0), 0u)
      << refused.message();
  EXPECT_NE(refused.message().find("target.room_id"), std::string::npos)
      << refused.message();

  // Releasing a hold this call no longer has, or another call's: NOT_FOUND,
  // and the other call's hold stays.
  HoldStream other(daemon_->socket_path(), RoomTarget("other"));
  pb::HoldEvent other_held;
  ASSERT_TRUE(
      other.WaitFor(pb::HOLD_EVENT_HELD, milliseconds(2000), &other_held));
  ASSERT_TRUE(call.Release(hold_ids["many-a"], 31));
  ASSERT_TRUE(call.Release(other_held.hold_id(), 32));
  for (uint64_t request_id : {31, 32}) {
    ASSERT_TRUE(call.WaitForAnswer(request_id, milliseconds(2000), &refused));
    EXPECT_EQ(refused.type(), pb::HOLD_EVENT_REFUSED);
    EXPECT_EQ(refused.code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(refused.message().rfind("NOT_FOUND: ", 0), 0u)
        << refused.message();
  }
  EXPECT_EQ(refused.hold_id(), other_held.hold_id());

  // Still usable after the refusals.
  pb::HoldEvent held;
  ASSERT_TRUE(call.Hold(RoomTarget("many-d"), 40));
  ASSERT_TRUE(call.WaitForAnswer(40, milliseconds(2000), &held));
  EXPECT_EQ(held.type(), pb::HOLD_EVENT_HELD) << held.message();
  ASSERT_TRUE(WaitUntil(
      [&] { return RoomCount("many-d") == 1 && RoomCount("other") == 1; },
      milliseconds(2000)));

  // Cancelling the call releases every hold still on it: leaves.
  call.Cancel();
  EXPECT_TRUE(WaitUntil(
      [&] {
        return RoomCount("many-b") == 0 && RoomCount("many-c") == 0 &&
               RoomCount("many-d") == 0;
      },
      milliseconds(1000)));
  EXPECT_EQ(call.Finish(milliseconds(1000)).error_code(),
            grpc::StatusCode::CANCELLED);
  EXPECT_EQ(RoomCount("other"), 1);
  status = GetStatus();
  ASSERT_EQ(status.targets_size(), 1);
  EXPECT_EQ(status.targets(0).target().room_id(), "other");
}

TEST_F(DaemonTest, TwoClientsInOneRoomAreOneViewerAndOneHeartbeatPerTick) {
  HoldStream first(daemon_->socket_path(), RoomTarget("lobby"));
  HoldStream second(daemon_->socket_path(), RoomTarget("lobby"));
  ASSERT_TRUE(
      first.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(2000)))
      << daemon_->log();
  ASSERT_TRUE(second.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED,
                             milliseconds(2000)));
  EXPECT_EQ(RoomCount("lobby"), 1);
  const pb::Status status = GetStatus();
  ASSERT_EQ(status.targets_size(), 1);
  EXPECT_EQ(status.targets(0).holders_size(), 2);
  EXPECT_EQ(status.targets(0).target().room_id(), "lobby");

  // Over ~10 intervals of 50 ms: about one upstream call per interval for
  // both holders together (two would mean no sharing).
  const uint64_t calls_before = GetStatus().heartbeat_calls();
  std::this_thread::sleep_for(milliseconds(500));
  const uint64_t calls = GetStatus().heartbeat_calls() - calls_before;
  EXPECT_GE(calls, 5u);
  EXPECT_LE(calls, 12u);

  // One stops: the other still holds the room.
  first.Cancel();
  ASSERT_TRUE(
      WaitUntil([&] { return GetStatus().targets(0).holders_size() == 1; },
                milliseconds(1000)));
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(RoomCount("lobby"), 1);
}

TEST_F(DaemonTest, KilledClientIsReleasedWithinOneSecond) {
  TempDir dir;
  const std::string out = dir.File("hold.out");
  Subprocess client({CONTROL_CALL_BIN, daemon_->socket_path(),
                     std::to_string(getuid()), "hold-room", "stage"},
                    SubprocessOptions{{}, out, ""});
  ASSERT_TRUE(
      WaitUntil([&] { return RoomCount("stage") == 1; }, milliseconds(3000)))
      << daemon_->log();
  const auto killed_at = Clock::now();
  client.Signal(SIGKILL);
  ASSERT_TRUE(
      WaitUntil([&] { return RoomCount("stage") == 0; }, milliseconds(1000)))
      << "viewer count still " << RoomCount("stage");
  const auto took = Clock::now() - killed_at;
  RecordProperty(
      "release_ms",
      std::to_string(std::chrono::duration_cast<milliseconds>(took).count()));
}

TEST_F(DaemonTest, StopSendsLeaveAtOnce) {
  grpc::Status status;
  status = StartRoom(*control_, "quick", 0);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(
      WaitUntil([&] { return RoomCount("quick") == 1; }, milliseconds(2000)));
  const auto stopped_at = Clock::now();
  ASSERT_TRUE(StopRoom(*control_, "quick").ok());
  ASSERT_TRUE(
      WaitUntil([&] { return RoomCount("quick") == 0; }, milliseconds(300)));
  EXPECT_LT(Clock::now() - stopped_at, milliseconds(300));
  EXPECT_EQ(StopRoom(*control_, "quick").error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(DaemonTest, DetachedHoldEndsWithItsTtl) {
  grpc::Status status;
  status = StartRoom(*control_, "brief", 300);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(
      WaitUntil([&] { return RoomCount("brief") == 1; }, milliseconds(2000)));
  ASSERT_TRUE(
      WaitUntil([&] { return RoomCount("brief") == 0; }, milliseconds(1000)));
  EXPECT_EQ(GetStatus().targets_size(), 0);
}

TEST_F(DaemonTest, OneUserAndHundredRoomsIsOneCallPerInterval) {
  grpc::ClientContext enable_context;
  pb::IsEnabledResponse enabled;
  ASSERT_TRUE(
      control_->Enable(&enable_context, pb::EnableRequest(), &enabled).ok());
  std::vector<std::unique_ptr<HoldStream>> holds;
  holds.push_back(
      std::make_unique<HoldStream>(daemon_->socket_path(), UserTarget()));
  for (int i = 0; i < 100; ++i) {
    holds.push_back(std::make_unique<HoldStream>(
        daemon_->socket_path(), RoomTarget("room-" + std::to_string(i))));
  }
  for (auto& hold : holds) {
    ASSERT_TRUE(hold->WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED,
                              milliseconds(3000)));
  }
  // 20 calls, however slow the machine: they must have taken at least 19
  // intervals of 50 ms (one call per interval carries the user and every
  // room), and the engine woke at most twice per call.
  const pb::Status before = GetStatus();
  const auto started = Clock::now();
  pb::Status after;
  ASSERT_TRUE(WaitUntil(
      [&] {
        after = GetStatus();
        return after.heartbeat_calls() >= before.heartbeat_calls() + 20;
      },
      milliseconds(10'000)));
  const auto took = Clock::now() - started;
  const uint64_t calls = after.heartbeat_calls() - before.heartbeat_calls();
  const uint64_t wakeups = after.engine_wakeups() - before.engine_wakeups();
  EXPECT_GE(took, (calls - 1) * milliseconds(50) - milliseconds(20));
  EXPECT_LE(wakeups, 2 * calls + 2);
  EXPECT_EQ(RoomCount("room-99"), 1);
}

TEST_F(DaemonTest, DisabledPresenceRefusesAndResumesByItself) {
  WaitForServerSettings();
  HoldStream hold(daemon_->socket_path(), RoomTarget("concert"));
  ASSERT_TRUE(
      hold.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(2000)));
  pb::UpdateNetworkSettingsRequest disable;
  disable.set_presence_enabled(false);
  UpdateNetwork(disable);
  ASSERT_TRUE(
      hold.WaitFor(pb::HOLD_EVENT_PRESENCE_DISABLED, milliseconds(2000)))
      << daemon_->log();
  EXPECT_EQ(GetStatus().state(), pb::SESSION_STATE_PRESENCE_DISABLED);

  grpc::Status status;
  status = StartRoom(*control_, "other", 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("hide"), std::string::npos)
      << status.error_message();
  // Nothing retries in a loop while disabled.
  const uint64_t calls = GetStatus().heartbeat_calls();
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_LE(GetStatus().heartbeat_calls() - calls, 1u);

  pb::UpdateNetworkSettingsRequest enable;
  enable.set_presence_enabled(true);
  UpdateNetwork(enable);
  ASSERT_TRUE(hold.WaitFor(pb::HOLD_EVENT_RECOVERED, milliseconds(2000)));
  ASSERT_TRUE(
      WaitUntil([&] { return GetStatus().state() == pb::SESSION_STATE_ONLINE; },
                milliseconds(2000)));
  EXPECT_EQ(RoomCount("concert"), 1);
}

TEST_F(DaemonTest, UserHeartbeatNeedsEnableFirst) {
  WaitForServerSettings();
  grpc::ClientContext start_context;
  pb::StartUserHeartbeatRequest start;
  pb::StartResponse started;
  grpc::Status status =
      control_->StartUserHeartbeat(&start_context, start, &started);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("enable"), std::string::npos)
      << status.error_message();

  grpc::ClientContext enable_context;
  pb::IsEnabledResponse enabled;
  ASSERT_TRUE(
      control_->Enable(&enable_context, pb::EnableRequest(), &enabled).ok());
  EXPECT_TRUE(enabled.enabled());
  grpc::ClientContext retry_context;
  ASSERT_TRUE(
      control_->StartUserHeartbeat(&retry_context, start, &started).ok());
  ASSERT_TRUE(WaitUntil(
      [&] {
        grpc::ClientContext context;
        pb::GetUserPresenceRequest request;
        request.add_user_ids("alice");
        pb::GetUserPresenceResponse response;
        return control_->GetUserPresence(&context, request, &response).ok() &&
               response.presences_size() == 1 && response.presences(0).online();
      },
      milliseconds(2000)));
}

TEST_F(DaemonTest, IntervalChangeAppliesFromTheNextTick) {
  WaitForServerSettings();
  HoldStream hold(daemon_->socket_path(), RoomTarget("hall"));
  ASSERT_TRUE(hold.WaitFor(pb::HOLD_EVENT_HELD, milliseconds(2000)));
  pb::UpdateNetworkSettingsRequest update;
  update.set_room_heartbeat_interval_ms(400);
  UpdateNetwork(update);
  pb::HoldEvent changed;
  ASSERT_TRUE(hold.WaitFor(pb::HOLD_EVENT_INTERVAL_CHANGED, milliseconds(2000),
                           &changed));
  EXPECT_EQ(changed.interval_ms(), 400);
  const pb::Status status = GetStatus();
  EXPECT_EQ(status.room_heartbeat_interval().value_ms(), 400);
  EXPECT_EQ(status.room_heartbeat_interval().source(), "server");
  // At 400 ms, one second holds at most 3 heartbeats, not 20.
  const uint64_t calls = status.heartbeat_calls();
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_LE(GetStatus().heartbeat_calls() - calls, 4u);
}

TEST_F(DaemonTest, ServerRestartDegradesThenRecovers) {
  HoldStream hold(daemon_->socket_path(), RoomTarget("resilient"));
  ASSERT_TRUE(
      hold.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(2000)));
  server_->Stop();
  ASSERT_TRUE(hold.WaitFor(pb::HOLD_EVENT_DEGRADED, milliseconds(3000)))
      << daemon_->log();
  EXPECT_EQ(GetStatus().state(), pb::SESSION_STATE_DEGRADED);
  EXPECT_EQ(GetStatus().targets_size(), 1);  // the hold is kept
  // The new server has no sessions: the daemon logs in again unnoticed.
  server_->Restart();
  ASSERT_TRUE(hold.WaitFor(pb::HOLD_EVENT_RECOVERED, milliseconds(5000)))
      << daemon_->log();
  EXPECT_TRUE(WaitUntil([&] { return RoomCount("resilient") == 1; },
                        milliseconds(2000)));
  EXPECT_EQ(GetStatus().state(), pb::SESSION_STATE_ONLINE);
}

TEST_F(DaemonTest, LogoutEndsHoldsAndLoginResumes) {
  HoldStream hold(daemon_->socket_path(), RoomTarget("night"));
  ASSERT_TRUE(
      hold.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(2000)));
  grpc::ClientContext logout_context;
  pb::LogoutResponse logged_out;
  ASSERT_TRUE(
      control_->Logout(&logout_context, pb::LogoutRequest(), &logged_out).ok());
  EXPECT_TRUE(hold.WaitFor(pb::HOLD_EVENT_ENDED_BY_LOGOUT, milliseconds(1000)));
  EXPECT_TRUE(hold.Finish(milliseconds(1000)).ok());
  EXPECT_EQ(GetStatus().state(), pb::SESSION_STATE_LOGGED_OUT);
  grpc::Status status;
  status = StartRoom(*control_, "night", 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  grpc::ClientContext login_context;
  pb::LoginResponse logged_in;
  ASSERT_TRUE(
      control_->Login(&login_context, pb::LoginRequest(), &logged_in).ok());
  status = StartRoom(*control_, "night", 0);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(
      WaitUntil([&] { return RoomCount("night") == 1; }, milliseconds(2000)));
}

// On a HoldMany call, logout ends each hold but not the call; a stopping
// daemon fails the call with UNAVAILABLE.
TEST_F(DaemonTest, HoldManyOutlivesLogoutAndFailsOnShutdown) {
  HoldManyStream call(daemon_->socket_path());
  std::vector<std::string> hold_ids;
  for (uint64_t request_id : {1, 2}) {
    pb::HoldEvent held;
    ASSERT_TRUE(call.Hold(RoomTarget("night-" + std::to_string(request_id)),
                          request_id));
    ASSERT_TRUE(call.WaitForAnswer(request_id, milliseconds(2000), &held));
    ASSERT_EQ(held.type(), pb::HOLD_EVENT_HELD) << held.message();
    hold_ids.push_back(held.hold_id());
  }
  grpc::ClientContext logout_context;
  pb::LogoutResponse logged_out;
  ASSERT_TRUE(
      control_->Logout(&logout_context, pb::LogoutRequest(), &logged_out).ok());
  for (const auto& hold_id : hold_ids) {
    EXPECT_TRUE(call.WaitFor(pb::HOLD_EVENT_ENDED_BY_LOGOUT, hold_id,
                             milliseconds(1000)));
  }
  // Logged out: refused, the call stays open.
  pb::HoldEvent refused;
  ASSERT_TRUE(call.Hold(RoomTarget("night-3"), 3));
  ASSERT_TRUE(call.WaitForAnswer(3, milliseconds(2000), &refused));
  EXPECT_EQ(refused.type(), pb::HOLD_EVENT_REFUSED);
  EXPECT_EQ(refused.message().rfind("FAILED_PRECONDITION: ", 0), 0u)
      << refused.message();
  EXPECT_EQ(GetStatus().targets_size(), 0);

  grpc::ClientContext login_context;
  pb::LoginResponse logged_in;
  ASSERT_TRUE(
      control_->Login(&login_context, pb::LoginRequest(), &logged_in).ok());
  pb::HoldEvent held;
  ASSERT_TRUE(call.Hold(RoomTarget("night-4"), 4));
  ASSERT_TRUE(call.WaitForAnswer(4, milliseconds(2000), &held));
  EXPECT_EQ(held.type(), pb::HOLD_EVENT_HELD) << held.message();
  EXPECT_TRUE(
      WaitUntil([&] { return RoomCount("night-4") == 1; }, milliseconds(2000)));

  EXPECT_EQ(daemon_->Stop(), 0) << daemon_->log();
  EXPECT_EQ(call.Finish(milliseconds(2000)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(DaemonTest, OtherUsersMayStopOnlyTheirOwnHolds) {
  daemon_ = StartDaemon("alice", "socket_mode = \"0666\"\n");
  control_ = Control(*daemon_);
  // Let other users reach the socket inside the test's private temp dir.
  const std::string socket_dir =
      daemon_->socket_path().substr(0, daemon_->socket_path().rfind('/'));
  ASSERT_EQ(chmod(socket_dir.c_str(), 0755), 0);
  grpc::Status status;
  status = StartRoom(*control_, "roots-room", 0);
  ASSERT_TRUE(status.ok());
  TempDir dir;
  const uid_t nobody = 65534;
  EXPECT_EQ(RunControlCall(*daemon_, nobody, "stop-room", "roots-room", dir)
                .rfind("7 ", 0),
            0u);  // PERMISSION_DENIED
  EXPECT_EQ(RunControlCall(*daemon_, nobody, "logout", "", dir).rfind("7 ", 0),
            0u);
  EXPECT_EQ(RunControlCall(*daemon_, nobody, "start-room", "own-room", dir)
                .rfind("OK", 0),
            0u);
  const pb::Status after_start = GetStatus();
  bool found = false;
  for (const auto& target : after_start.targets()) {
    if (target.target().room_id() == "own-room") {
      ASSERT_EQ(target.holders_size(), 1);
      EXPECT_EQ(target.holders(0).uid(), nobody);
      EXPECT_FALSE(target.holders(0).attached());
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(RunControlCall(*daemon_, nobody, "stop-room", "own-room", dir),
            "OK 1");
  EXPECT_EQ(GetStatus().targets_size(), 1);  // roots-room is still held
}

TEST_F(DaemonTest, BadInputIsInvalidArgumentNamingTheField) {
  grpc::Status status;
  status = StartRoom(*control_, "", 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "room_id must not be empty");
  status = StartRoom(*control_, std::string(300, 'x'), 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = StartRoom(*control_, "bad\x01room", 0);
  EXPECT_NE(status.error_message().find("control character"),
            std::string::npos);
  status = StartRoom(*control_, "r", -5);
  EXPECT_NE(status.error_message().find("ttl_ms"), std::string::npos);
  status = StartRoom(*control_, "r", 365LL * 24 * 3600 * 1000);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  grpc::ClientContext context;
  pb::GetUserPresenceRequest read;
  for (int i = 0; i < 221; ++i) read.add_user_ids("u" + std::to_string(i));
  pb::GetUserPresenceResponse presences;
  status = control_->GetUserPresence(&context, read, &presences);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("user_ids has 221 entries"),
            std::string::npos);

  pb::Target unspecified;
  HoldStream hold(daemon_->socket_path(), unspecified);
  status = hold.Finish(milliseconds(2000));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("target.kind"), std::string::npos);

  grpc::ClientContext stop_context;
  pb::StopRoomHeartbeatRequest stop;
  stop.set_room_id("r");
  stop.set_hold_id("0123456789abcdef");
  pb::StopResponse stopped;
  EXPECT_EQ(
      control_->StopRoomHeartbeat(&stop_context, stop, &stopped).error_code(),
      grpc::StatusCode::NOT_FOUND);
  // Still serving after all of it.
  grpc::ClientContext status_context;
  pb::Status status_reply;
  EXPECT_TRUE(
      control_
          ->GetStatus(&status_context, pb::GetStatusRequest(), &status_reply)
          .ok());
}

// proto3 strings must be UTF-8 and protobuf refuses to parse any that is
// not, so the daemon parses requests itself to name the field.
TEST_F(DaemonTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  grpc::Status status;
  status = StartRoom(*control_, "caf\xc3", 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "room_id is not valid UTF-8 (at byte 3)");

  // A read, which is answered from the blocking pool.
  grpc::ClientContext read_context;
  pb::GetUserPresenceRequest read;
  read.add_user_ids("bob");
  read.add_user_ids("\xff");
  pb::GetUserPresenceResponse presences;
  status = control_->GetUserPresence(&read_context, read, &presences);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "user_ids[1] is not valid UTF-8 (at byte 0)");

  const pb::Target bad_room = RoomTarget("\xed\xa0\x80");
  HoldStream hold(daemon_->socket_path(), bad_room);
  status = hold.Finish(milliseconds(2000));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "target.room_id is not valid UTF-8 (at byte 0)");

  // On HoldMany the unreadable request is refused and the call goes on.
  HoldManyStream many(daemon_->socket_path());
  ASSERT_TRUE(many.Hold(bad_room, 7));
  pb::HoldEvent answer;
  ASSERT_TRUE(many.WaitForAnswer(0, milliseconds(2000), &answer));
  EXPECT_EQ(answer.type(), pb::HOLD_EVENT_REFUSED);
  EXPECT_EQ(answer.message(),
            "INVALID_ARGUMENT: hold.target.room_id is not valid UTF-8 (at "
            "byte 0)");
  ASSERT_TRUE(many.Hold(RoomTarget("fine"), 8));
  ASSERT_TRUE(many.WaitForAnswer(8, milliseconds(2000), &answer));
  EXPECT_EQ(answer.type(), pb::HOLD_EVENT_HELD);

  // Field 1 (room_id) announces 9 bytes and carries 5.
  grpc::ClientContext raw_context;
  status = CallWithBytes(UnixChannel(daemon_->socket_path()), &raw_context,
                         "/presence.v1.ControlService/StartRoomHeartbeat",
                         {"\x0a\x09short"})
               .status;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "the request is not a valid presence.v1.StartRoomHeartbeatRequest "
            "message");
}

// Random requests to every control method: each call ends with a
// deliberate answer (never INTERNAL, UNKNOWN, UNIMPLEMENTED or a dropped
// connection), and the daemon keeps serving.
TEST_F(DaemonTest, RandomRequestsToEveryMethodGetADeliberateAnswer) {
  const auto methods = Methods("presence.v1.ControlService");
  ASSERT_FALSE(methods.empty());
  const auto channel = UnixChannel(daemon_->socket_path());
  for (const auto* method : methods) {
    const auto requests = RandomRequests(*method->input_type(), 12, /*seed=*/7);
    // A client-streaming method (HoldMany) takes them all on one call.
    const bool many = method->client_streaming();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           CallBudget(*method));
      const auto result = CallWithBytes(
          channel, &context, MethodPath(*method),
          many ? requests : std::vector<std::string>{requests[i]});
      EXPECT_TRUE(IsCleanAnswer(*method, result.status.error_code()))
          << MethodPath(*method) << ": " << result.status.error_code() << " "
          << result.status.error_message();
      if (many) {
        EXPECT_GE(result.responses, static_cast<int>(requests.size()))
            << "HoldMany answers every request";
        break;
      }
    }
  }
  grpc::ClientContext status_context;
  pb::Status status;
  EXPECT_TRUE(
      control_->GetStatus(&status_context, pb::GetStatusRequest(), &status)
          .ok())
      << "still serving";
}

TEST_F(DaemonTest, SyncSharesOneUpstreamWatchAcrossClients) {
  grpc::ClientContext first_context, second_context;
  pb::SyncRequest request;
  request.add_user_ids("bob");
  auto first = control_->Sync(&first_context, request);
  auto second = control_->Sync(&second_context, request);
  pb::UserPresence update;
  ASSERT_TRUE(first->Read(&update));
  EXPECT_EQ(update.user_id(), "bob");
  EXPECT_FALSE(update.online());
  ASSERT_TRUE(second->Read(&update));
  EXPECT_FALSE(update.online());
  const pb::Status status = GetStatus();
  EXPECT_EQ(status.sync_watchers(), 2);
  EXPECT_EQ(status.synced_users(), 1);

  // Bob comes online through his own daemon.
  auto bob = StartDaemon("bob");
  auto bob_control = Control(*bob);
  grpc::ClientContext enable_context;
  pb::IsEnabledResponse enabled;
  ASSERT_TRUE(
      bob_control->Enable(&enable_context, pb::EnableRequest(), &enabled).ok());
  grpc::ClientContext start_context;
  pb::StartResponse started;
  ASSERT_TRUE(bob_control
                  ->StartUserHeartbeat(
                      &start_context, pb::StartUserHeartbeatRequest(), &started)
                  .ok());
  ASSERT_TRUE(first->Read(&update));
  EXPECT_TRUE(update.online());
  ASSERT_TRUE(second->Read(&update));
  EXPECT_TRUE(update.online());
  first_context.TryCancel();
  second_context.TryCancel();
}

}  // namespace
}  // namespace presence::testing
