#include "core/presence_core.h"

#include <gtest/gtest.h>

#include "fake_time.h"

namespace presence::daemon {
namespace {

using testing::kT0;
using namespace std::chrono_literals;

using testing::kUser;
using testing::Room;
using testing::Rooms;

NetworkView Network(Millis user, Millis room) {
  NetworkView network;
  network.intervals = {user, room};
  network.online_threshold = 3 * user;
  network.room_timeout = 2 * room;
  network.updated_at_ms = 1;
  return network;
}

class PresenceCoreTest : public ::testing::Test {
 protected:
  PresenceCoreTest() : core_(Options()) {}

  static CoreOptions Options() {
    CoreOptions options;
    options.leave_delay = 20ms;
    return options;
  }

  void Attach(const std::string& id, const Target& target) {
    ASSERT_TRUE(
        core_
            .AddHold(id, {target, Owner{1000, 7, "app"}, true, std::nullopt},
                     now_)
            .ok());
  }
  void Detach(const std::string& id, const Target& target) {
    ASSERT_TRUE(
        core_
            .AddHold(id, {target, Owner{1000, 7, "cli"}, false, std::nullopt},
                     now_)
            .ok());
  }
  // Sends whatever is due now and answers it with `result`; returns it.
  Work Send(CallResult result = CallResult::kOk) {
    Work work = core_.NextWork(now_);
    if (work.kind == Work::Kind::kHeartbeat) {
      core_.OnHeartbeatSent(work, result, "boom", now_, 0.0);
    } else if (work.kind == Work::Kind::kLeave) {
      core_.OnLeaveSent(work, result, "boom", now_, 0.0);
    }
    return work;
  }
  std::vector<HoldNews> News(const std::string& hold_id) {
    for (const Notice& notice : core_.TakeNotices()) notices_.push_back(notice);
    std::vector<HoldNews> news;
    for (const Notice& notice : notices_) {
      if (notice.hold_id == hold_id) news.push_back(notice.news);
    }
    return news;
  }

  PresenceCore core_;
  TimePoint now_ = kT0;
  std::vector<Notice> notices_;
};

TEST_F(PresenceCoreTest, FirstHeartbeatThenOnePerInterval) {
  core_.ApplySettings(Network(20s, 300s), now_);
  Attach("h1", kUser);
  Attach("h2", Room("lobby"));
  EXPECT_EQ(core_.NextWake(), now_ + 10ms);
  EXPECT_EQ(core_.NextWork(now_).kind, Work::Kind::kNone);
  now_ += 10ms;
  const Work first = Send();
  EXPECT_EQ(first.kind, Work::Kind::kHeartbeat);
  EXPECT_EQ(first.send, Rooms({"lobby"}, true));
  EXPECT_EQ(core_.state(), SessionState::kOnline);
  EXPECT_EQ(News("h1"),
            (std::vector<HoldNews>{HoldNews::kHeld, HoldNews::kAcknowledged}));
  now_ += 20s;
  EXPECT_EQ(Send().send, Rooms({}, true));
}

TEST_F(PresenceCoreTest, ReleasedAttachedHoldLeavesAfterTheDebounce) {
  Attach("h", Room("a"));
  now_ += 10ms;
  Send();
  core_.ReleaseAttached("h", now_);
  EXPECT_EQ(core_.NextWake(), now_ + 20ms);
  EXPECT_EQ(core_.NextWork(now_ + 19ms).kind, Work::Kind::kNone);
  now_ += 20ms;
  const Work leave = Send();
  EXPECT_EQ(leave.kind, Work::Kind::kLeave);
  EXPECT_EQ(leave.send, Rooms({"a"}));
  EXPECT_TRUE(core_.leaves().empty());
}

TEST_F(PresenceCoreTest, HeldAgainWithinTheDebounceCostsNothing) {
  Attach("h", Room("a"));
  now_ += 10ms;
  Send();
  core_.ReleaseAttached("h", now_);
  bool cancelled = false;
  ASSERT_TRUE(core_
                  .AddHold("h2", {Room("a"), Owner{}, true, std::nullopt},
                           now_ + 5ms, &cancelled)
                  .ok());
  EXPECT_TRUE(cancelled);
  EXPECT_TRUE(core_.leaves().empty());
  now_ += 1s;
  EXPECT_EQ(Send().kind, Work::Kind::kHeartbeat);  // a new first heartbeat
}

TEST_F(PresenceCoreTest, StopLeavesAtOnceAndSaysWhichTargetsLeave) {
  Detach("d1", Room("a"));
  Detach("d2", Room("a"));
  Detach("d3", Room("b"));
  EXPECT_TRUE(core_.TakeDetachedChanged());
  now_ += 10ms;
  Send();
  Stopped stopped;
  ASSERT_TRUE(
      core_.StopDetached(Room("a"), "", 1000, false, now_, &stopped).ok());
  EXPECT_EQ(stopped.count, 2);
  EXPECT_EQ(stopped.leaving, std::vector<Target>{Room("a")});
  EXPECT_TRUE(core_.TakeDetachedChanged());
  EXPECT_EQ(core_.NextWake(), now_);
  EXPECT_EQ(Send().send, Rooms({"a"}));
  // Another uid's hold: refused, nothing changes.
  Stopped none;
  const Outcome denied =
      core_.StopDetached(Room("b"), "", 1001, false, now_, &none);
  EXPECT_EQ(denied.code, Outcome::Code::kPermissionDenied);
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(core_.StopDetached(Room("zzz"), "", 0, true, now_, &none).code,
            Outcome::Code::kNotFound);
}

TEST_F(PresenceCoreTest, FailedLeaveIsRetriedUntilTheRoomWouldHaveExpired) {
  core_.ApplySettings(Network(20s, 300s), now_);  // room timeout 600 s
  Detach("d", Room("a"));
  now_ += 10ms;
  Send();
  const TimePoint acked = now_;
  Stopped stopped;
  core_.StopDetached(Room("a"), "", 1000, false, now_, &stopped);
  EXPECT_EQ(Send(CallResult::kUnreachable).kind, Work::Kind::kLeave);
  EXPECT_EQ(core_.state(), SessionState::kDegraded);
  ASSERT_FALSE(core_.leaves().empty());
  // Retried with backoff for as long as the server still counts the room.
  int attempts = 1;
  while (!core_.leaves().empty()) {
    now_ = *core_.NextWake();
    ASSERT_EQ(Send(CallResult::kUnreachable).send, Rooms({"a"}));
    ++attempts;
  }
  EXPECT_GE(now_, acked + 600s);
  EXPECT_LT(now_, acked + 600s + 60s);
  EXPECT_GT(attempts, 10);
  EXPECT_FALSE(core_.NextWake().has_value());
}

TEST_F(PresenceCoreTest, LinkBackSendsEveryTargetAndRetriesLeavesNow) {
  core_.ApplySettings(Network(20s, 300s), now_);
  Attach("u", kUser);
  Attach("r", Room("a"));
  Detach("gone", Room("b"));
  now_ += 10ms;
  Send();
  Stopped stopped;
  core_.StopDetached(Room("b"), "", 1000, false, now_, &stopped);
  Send(CallResult::kUnreachable);  // the leave fails
  core_.OnLinkDown("connection reset", now_);
  EXPECT_EQ(core_.state(), SessionState::kDegraded);
  EXPECT_NE(core_.last_error()->message.find("connection reset"),
            std::string::npos);
  // The server restarted empty and is back long before any tick is due.
  now_ += 2s;
  core_.OnLinkUp(now_);
  EXPECT_LE(core_.NextWake(), now_);
  EXPECT_EQ(Send().send, Rooms({"b"}));  // leaves first
  EXPECT_EQ(Send().send, Rooms({"a"}, true));
  EXPECT_EQ(core_.state(), SessionState::kOnline);
  EXPECT_EQ(News("r"),
            (std::vector<HoldNews>{HoldNews::kHeld, HoldNews::kAcknowledged,
                                   HoldNews::kDegraded, HoldNews::kRecovered}));
}

TEST_F(PresenceCoreTest, HoldsAreRefusedWhileTheSessionCannotHoldThem) {
  core_.Logout(now_);
  const Outcome out =
      core_.AddHold("h", {Room("a"), Owner{}, false, std::nullopt}, now_);
  EXPECT_EQ(out.code, Outcome::Code::kFailedPrecondition);
  EXPECT_TRUE(core_.holds().empty());
  core_.Login(now_);
  EXPECT_TRUE(
      core_.AddHold("h", {Room("a"), Owner{}, false, std::nullopt}, now_).ok());
  EXPECT_EQ(core_.AddHold("t", {Room("b"), Owner{}, false, 0ms}, now_).code,
            Outcome::Code::kInvalidArgument);
  EXPECT_EQ(core_.AddHold("t", {Room("b"), Owner{}, false, 24h * 8}, now_).code,
            Outcome::Code::kInvalidArgument);
  core_.SetUserEnabled(false, now_);
  EXPECT_EQ(
      core_.AddHold("u", {kUser, Owner{}, false, std::nullopt}, now_).code,
      Outcome::Code::kFailedPrecondition);
}

TEST_F(PresenceCoreTest, UserHeldBackWhileItsSwitchIsOff) {
  Attach("u", kUser);
  Attach("r", Room("a"));
  core_.SetUserEnabled(false, now_);
  now_ += 10ms;
  const Work work = Send();
  EXPECT_EQ(work.batch, Rooms({"a"}, true));
  EXPECT_EQ(work.send, Rooms({"a"}));
  EXPECT_EQ(News("u"), std::vector<HoldNews>{HoldNews::kHeld});  // no ack
  core_.SetUserEnabled(true, now_ + 1s);
  EXPECT_EQ(core_.NextWake(), now_ + 1s);
}

TEST_F(PresenceCoreTest, RefusedHeartbeatAsksForTheSettings) {
  Attach("u", kUser);
  now_ += 10ms;
  const Work work = core_.NextWork(now_);
  EXPECT_TRUE(core_.OnHeartbeatSent(work, CallResult::kRefused,
                                    "presence is disabled", now_, 0.0));
  NetworkView off = Network(20s, 300s);
  off.presence_enabled = false;
  core_.ApplySettings(off, now_);
  EXPECT_EQ(core_.state(), SessionState::kPresenceDisabled);
  EXPECT_FALSE(core_.NextWake().has_value());  // no retry loop
  EXPECT_EQ(News("u").back(), HoldNews::kPresenceDisabled);
}

TEST_F(PresenceCoreTest, IntervalChangeIsToldToTheHoldsItConcerns) {
  core_.ApplySettings(Network(20s, 300s), now_);
  Attach("u", kUser);
  Attach("r", Room("a"));
  NetworkView faster = Network(20s, 60s);
  faster.updated_at_ms = 2;
  core_.ApplySettings(faster, now_);
  EXPECT_EQ(News("u"), std::vector<HoldNews>{HoldNews::kHeld});
  EXPECT_EQ(News("r"), (std::vector<HoldNews>{HoldNews::kHeld,
                                              HoldNews::kIntervalChanged}));
  EXPECT_EQ(notices_.back().interval, 60s);
  // An older answer arriving late does not undo it.
  core_.ApplySettings(Network(20s, 300s), now_);
  EXPECT_EQ(core_.scheduler().intervals().room, 60s);
  EXPECT_EQ(core_.network().room_timeout, 120s);
}

TEST_F(PresenceCoreTest, ShutdownLeavesHeldTargetsWithGraceAndQueuedAtOnce) {
  Attach("u", kUser);
  Detach("r", Room("a"));
  Detach("b", Room("b"));
  now_ += 10ms;
  Send();
  Stopped stopped;
  core_.StopDetached(Room("b"), "", 1000, false, now_, &stopped);
  core_.TakeDetachedChanged();
  const auto final = core_.Shutdown();
  EXPECT_EQ(final.graceful, Rooms({"a"}, true));
  EXPECT_EQ(final.immediate, Rooms({"b"}));
  EXPECT_TRUE(core_.holds().empty());
  EXPECT_FALSE(core_.NextWake().has_value());
  // Quietly: the client re-attaches to the next daemon.
  EXPECT_EQ(News("u").back(), HoldNews::kAcknowledged);
}

TEST_F(PresenceCoreTest, LogoutEndsEveryHoldAndLeavesEverything) {
  Attach("u", kUser);
  Detach("r", Room("a"));
  now_ += 10ms;
  Send();
  EXPECT_EQ(core_.Logout(now_), Rooms({"a"}, true));
  EXPECT_EQ(core_.state(), SessionState::kLoggedOut);
  EXPECT_TRUE(core_.holds().empty());
  EXPECT_EQ(News("u").back(), HoldNews::kEndedByLogout);
  EXPECT_TRUE(core_.TakeDetachedChanged());
  EXPECT_FALSE(core_.NextWake().has_value());
}

TEST_F(PresenceCoreTest, TtlEndsADetachedHoldWithALeave) {
  ASSERT_TRUE(core_.AddHold("t", {Room("a"), Owner{}, false, 5s}, now_).ok());
  now_ += 10ms;
  Send();
  EXPECT_EQ(core_.NextWake(), kT0 + 5s);
  now_ = kT0 + 5s;
  EXPECT_EQ(Send().kind, Work::Kind::kLeave);
  EXPECT_TRUE(core_.holds().empty());
}

TEST_F(PresenceCoreTest, DroppedHoldIsAsIfNeverAdded) {
  Detach("d", Room("a"));
  core_.DropHold("d", now_);
  EXPECT_TRUE(core_.holds().empty());
  // It may have gone out already: a leave makes sure it is gone upstream.
  EXPECT_EQ(Send().send, Rooms({"a"}));
}

}  // namespace
}  // namespace presence::daemon
