// The engine in process, against a scripted upstream (fake_upstream.h) and
// a hand-moved clock: no sockets, no threads of its own (RunDueWork does
// what the engine thread would), no waiting on real time.
#include "engine.h"

#include <gtest/gtest.h>

#include <future>

#include "fake_upstream.h"
#include "support/temp_dir.h"

namespace presence::daemon {
namespace {

using namespace std::chrono_literals;
using testing::FakeUpstream;

const Owner kOwner{1000, 42, "test"};
const Caller kCaller{1000, 42, false};

class RecordingSink : public HoldEventSink {
 public:
  void Send(const pb::HoldEvent& event) override { events.push_back(event); }
  void End(const pb::HoldEvent& event) override {
    events.push_back(event);
    ended = true;
  }
  bool Saw(pb::HoldEventType type) const {
    for (const auto& event : events) {
      if (event.type() == type) return true;
    }
    return false;
  }
  std::vector<pb::HoldEvent> events;
  bool ended = false;
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() { Make(nullptr); }

  void Make(HoldFile* hold_file) {
    engine_.reset();
    EngineOptions options;
    options.core.leave_delay = 20ms;
    options.restart_grace = 5s;
    options.hold_file = hold_file;
    options.now = [this] { return now_; };
    engine_ = std::make_unique<Engine>(upstream_, session_, options);
  }

  // Runs the due work at now_ + `by`.
  void Advance(Millis by) {
    now_ += by;
    engine_->RunDueWork();
  }

  std::string StartRoom(const std::string& room) {
    std::promise<std::string> id;
    engine_->StartDetached(
        Target::Room(room), kOwner, std::nullopt,
        [&](const grpc::Status& status, const std::string& hold_id) {
          EXPECT_TRUE(status.ok()) << status.error_message();
          id.set_value(hold_id);
        });
    return id.get_future().get();
  }

  // Stops the caller's holds on `room`; the answer, once there is one.
  std::shared_future<grpc::Status> StopRoom(const std::string& room) {
    auto answer = std::make_shared<std::promise<grpc::Status>>();
    engine_->StopDetached(Target::Room(room), "", kCaller,
                          [answer](const grpc::Status& status, int) {
                            answer->set_value(status);
                          });
    return answer->get_future().share();
  }

  static bool Ready(const std::shared_future<grpc::Status>& answer) {
    return answer.wait_for(0s) == std::future_status::ready;
  }

  FakeUpstream upstream_;
  Session session_{upstream_, Credentials{"key", "alice", "dev", ""}};
  TimePoint now_ = TimePoint{} + 1000h;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, HeldTargetsTravelInOneHeartbeat) {
  RecordingSink sink;
  std::string id;
  ASSERT_TRUE(engine_->AddAttached(Target::User(), kOwner, &sink, &id).ok());
  // HELD before AddAttached returns: HoldMany relies on it.
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].type(), pb::HOLD_EVENT_HELD);
  EXPECT_EQ(sink.events[0].hold_id(), id);
  StartRoom("a");
  StartRoom("b");
  Advance(10ms);
  const auto beats = upstream_.heartbeats();
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_TRUE(beats[0].user());
  EXPECT_EQ(beats[0].room_ids_size(), 2);
  EXPECT_TRUE(sink.Saw(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED));
  EXPECT_EQ(engine_->GetStatus().state(), pb::SESSION_STATE_ONLINE);
  // Nothing more until the user's interval (20 s) has passed.
  Advance(19s);
  EXPECT_EQ(upstream_.heartbeats().size(), 1u);
  Advance(1s);
  EXPECT_EQ(upstream_.heartbeats().size(), 2u);
}

TEST_F(EngineTest, StopIsAnsweredOnceTheServerTookTheLeave) {
  StartRoom("a");
  Advance(10ms);
  const auto answer = StopRoom("a");
  EXPECT_FALSE(Ready(answer));  // no leave sent yet
  Advance(0ms);
  ASSERT_TRUE(Ready(answer));
  EXPECT_TRUE(answer.get().ok()) << answer.get().error_message();
  const auto leaves = upstream_.leaves();
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].room_ids(0), "a");
  EXPECT_EQ(leaves[0].grace_ms(), 0);
}

TEST_F(EngineTest, FailedLeaveIsAnsweredWithTheErrorAndRetried) {
  StartRoom("a");
  Advance(10ms);
  upstream_.Answer({grpc::StatusCode::UNAVAILABLE, "Connection refused"});
  const auto answer = StopRoom("a");
  Advance(0ms);
  ASSERT_TRUE(Ready(answer));
  EXPECT_EQ(answer.get().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(answer.get().error_message().find("the hold is stopped"),
            std::string::npos);
  pb::Status status = engine_->GetStatus();
  EXPECT_EQ(status.state(), pb::SESSION_STATE_DEGRADED);
  ASSERT_EQ(status.leaving_size(), 1);
  EXPECT_EQ(status.leaving(0).room_id(), "a");
  EXPECT_NE(status.last_error().find("Connection refused"), std::string::npos);
  // The server is back: the leave goes with the backoff's retry.
  upstream_.Answer(grpc::Status::OK);
  Advance(60s);
  EXPECT_EQ(upstream_.leaves().size(), 1u);
  EXPECT_EQ(engine_->GetStatus().leaving_size(), 0);
}

TEST_F(EngineTest, RestartedServerMeansOneLoginAndEverythingSentAtOnce) {
  StartRoom("a");
  Advance(10ms);
  ASSERT_EQ(upstream_.logins(), 1);
  Advance(1s);
  // The server restarts empty; its settings watch (the link) comes back.
  upstream_.Restart();
  engine_->OnLinkDown("Socket closed");
  EXPECT_EQ(engine_->GetStatus().state(), pb::SESSION_STATE_DEGRADED);
  engine_->OnLinkUp();
  Advance(0ms);
  // Sent now, not at the room's next tick in 5 minutes; the old token was
  // refused once and replaced by one login.
  ASSERT_EQ(upstream_.heartbeats().size(), 2u);
  EXPECT_EQ(upstream_.logins(), 2);
  EXPECT_EQ(engine_->GetStatus().state(), pb::SESSION_STATE_ONLINE);
}

TEST_F(EngineTest, OutageBacksOffAndRecoveryIsToldToTheHolds) {
  RecordingSink sink;
  std::string id;
  ASSERT_TRUE(engine_->AddAttached(Target::Room("a"), kOwner, &sink, &id).ok());
  upstream_.Answer({grpc::StatusCode::UNAVAILABLE, "Connection refused"});
  Advance(10ms);
  EXPECT_TRUE(sink.Saw(pb::HOLD_EVENT_DEGRADED));
  EXPECT_EQ(engine_->GetStatus().state(), pb::SESSION_STATE_DEGRADED);
  // Backing off: no retry for the first 250 ms (half of 500 ms).
  Advance(200ms);
  EXPECT_TRUE(upstream_.heartbeats().empty());
  upstream_.Answer(grpc::Status::OK);
  Advance(1s);
  EXPECT_EQ(upstream_.heartbeats().size(), 1u);
  EXPECT_TRUE(sink.Saw(pb::HOLD_EVENT_RECOVERED));
  EXPECT_EQ(engine_->GetStatus().state(), pb::SESSION_STATE_ONLINE);
}

TEST_F(EngineTest, RejectedCredentialsStopHeartbeatsUntilReloaded) {
  StartRoom("a");
  upstream_.Answer({grpc::StatusCode::PERMISSION_DENIED, "wrong API key"});
  Advance(10ms);
  EXPECT_EQ(engine_->GetStatus().state(), pb::SESSION_STATE_UNAUTHENTICATED);
  EXPECT_FALSE(engine_->SessionWanted());
  upstream_.Answer(grpc::Status::OK);
  Advance(1h);
  EXPECT_TRUE(upstream_.heartbeats().empty());  // no retry loop
  engine_->CredentialsChanged();
  Advance(0ms);
  EXPECT_EQ(upstream_.heartbeats().size(), 1u);
}

TEST_F(EngineTest, SettingsChangeMovesTheCadence) {
  RecordingSink sink;
  std::string id;
  ASSERT_TRUE(engine_->AddAttached(Target::Room("a"), kOwner, &sink, &id).ok());
  Advance(10ms);
  pb::GetSettingsResponse settings;
  pb::NetworkSettings* network = settings.mutable_network();
  network->set_presence_enabled(true);
  network->set_user_heartbeat_interval_ms(20000);
  network->set_room_heartbeat_interval_ms(60000);
  network->set_online_threshold_ms(60000);
  network->set_room_timeout_ms(120000);
  network->set_updated_at_ms(2);
  settings.mutable_user()->set_enabled(true);
  upstream_.SetNetwork(*network);
  engine_->ApplySettings(settings);
  EXPECT_TRUE(sink.Saw(pb::HOLD_EVENT_INTERVAL_CHANGED));
  const pb::Status status = engine_->GetStatus();
  EXPECT_EQ(status.room_heartbeat_interval().value_ms(), 60000);
  EXPECT_EQ(status.room_timeout().value_ms(), 120000);
  EXPECT_EQ(status.room_timeout().source(), "server");
  Advance(60s);
  EXPECT_EQ(upstream_.heartbeats().size(), 2u);
}

TEST_F(EngineTest, ShutdownLeavesWithTheRestartGrace) {
  StartRoom("a");
  RecordingSink sink;
  std::string id;
  ASSERT_TRUE(engine_->AddAttached(Target::User(), kOwner, &sink, &id).ok());
  Advance(10ms);
  engine_->Shutdown();
  const auto leaves = upstream_.leaves();
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_TRUE(leaves[0].user());
  EXPECT_EQ(leaves[0].room_ids_size(), 1);
  EXPECT_EQ(leaves[0].grace_ms(), 5000);
}

TEST_F(EngineTest, DetachedHoldThatCannotBeSavedIsRefusedAndGone) {
  presence::testing::TempDir dir;
  HoldFile file(dir.File("missing-dir/holds"));
  Make(&file);
  std::promise<grpc::Status> answer;
  engine_->StartDetached(Target::Room("a"), kOwner, std::nullopt,
                         [&](const grpc::Status& status, const std::string&) {
                           answer.set_value(status);
                         });
  const grpc::Status status = answer.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find(dir.File("missing-dir/holds")),
            std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("No such file or directory"),
            std::string::npos);
  const pb::Status after = engine_->GetStatus();
  EXPECT_EQ(after.targets_size(), 0);
  EXPECT_NE(after.last_error().find("missing-dir/holds"), std::string::npos);
  // Whatever may have gone out is taken back.
  Advance(10ms);
  EXPECT_TRUE(upstream_.heartbeats().empty());
  ASSERT_EQ(upstream_.leaves().size(), 1u);
  engine_.reset();  // before the file it writes to
}

}  // namespace
}  // namespace presence::daemon
