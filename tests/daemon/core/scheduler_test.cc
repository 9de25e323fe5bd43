#include "core/scheduler.h"

#include <gtest/gtest.h>

#include <string>

#include "fake_time.h"

namespace presence::daemon {

namespace {

using testing::kT0;
using namespace std::chrono_literals;

using testing::kUser;
using testing::Room;
using testing::Rooms;

class SchedulerTest : public ::testing::Test {
 protected:
  Scheduler scheduler_{Intervals{20s, 300s}, SchedulerOptions{}};
};

TEST(BatchTest, Basics) {
  Batch batch;
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.size(), 0u);
  batch = Rooms({"a", "c"}, true);
  EXPECT_FALSE(batch.empty());
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_TRUE(batch.Contains(kUser));
  EXPECT_TRUE(batch.Contains(Room("a")));
  EXPECT_FALSE(batch.Contains(Room("b")));
  EXPECT_EQ(batch.Targets(),
            (std::vector<Target>{kUser, Room("a"), Room("c")}));
  EXPECT_FALSE(Rooms({"a"}).Contains(kUser));
}

TEST_F(SchedulerTest, IdleHasNoWake) {
  EXPECT_FALSE(scheduler_.NextWake().has_value());
  EXPECT_TRUE(scheduler_.TakeDue(kT0).empty());
  EXPECT_FALSE(scheduler_.degraded());
  EXPECT_TRUE(scheduler_.Active().empty());
}

TEST_F(SchedulerTest, FirstHeartbeatWithinFirstDelay) {
  scheduler_.Activate(kUser, kT0);
  EXPECT_TRUE(scheduler_.IsActive(kUser));
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 10ms);
  EXPECT_EQ(scheduler_.TimingOf(kUser).next_due, kT0 + 10ms);
  EXPECT_FALSE(scheduler_.TimingOf(kUser).last_sent.has_value());
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 9ms).empty());
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  EXPECT_EQ(batch, Rooms({}, true));
  // In flight: not offered again, nothing to wake for.
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 11ms).empty());
  EXPECT_FALSE(scheduler_.NextWake().has_value());
  scheduler_.OnSent(batch, kT0 + 30ms, true, 0.5);
  const auto timing = scheduler_.TimingOf(kUser);
  EXPECT_EQ(timing.last_sent, kT0 + 30ms);
  EXPECT_EQ(timing.last_acknowledged, kT0 + 30ms);
  EXPECT_EQ(timing.next_due, kT0 + 30ms + 20s);
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 30ms + 20s);
}

TEST_F(SchedulerTest, ActivateTwiceIsNoOp) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(kUser, kT0 + 5ms);
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 10ms);
  EXPECT_EQ(scheduler_.Active(), std::vector<Target>{kUser});
}

TEST_F(SchedulerTest, BurstOfActivationsTravelsInOneBatch) {
  scheduler_.Activate(Room("m"), kT0);
  scheduler_.Activate(kUser, kT0 + 2ms);
  for (int i = 0; i < 50; ++i) {
    scheduler_.Activate(Room("r" + std::to_string(i)), kT0 + 9ms);
  }
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 10ms);
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  EXPECT_EQ(batch.size(), 52u);
  EXPECT_TRUE(batch.user);
  EXPECT_TRUE(std::is_sorted(batch.room_ids.begin(), batch.room_ids.end()));
  EXPECT_TRUE(batch.Contains(Room("r49")));
  EXPECT_TRUE(batch.Contains(Room("m")));
}

TEST_F(SchedulerTest, RoomsRideOnUserTickBeforeTheyFallDue) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  ASSERT_EQ(scheduler_.TakeDue(kT0 + 10ms).size(), 2u);
  scheduler_.OnSent(Rooms({"a"}, true), kT0 + 10ms, true, 0);
  // Room a is due at 300.01 s; user ticks at 20.01, 40.01, ... 280.01 s.
  for (int k = 1; k <= 13; ++k) {
    const TimePoint tick = kT0 + 10ms + k * 20s;
    ASSERT_EQ(scheduler_.NextWake(), tick);
    const Batch batch = scheduler_.TakeDue(tick);
    ASSERT_EQ(batch, Rooms({}, true)) << "tick " << k;
    scheduler_.OnSent(batch, tick, true, 0);
  }
  // Tick 14 (280.01 s): the room is due within 20 s: it rides along.
  const TimePoint tick = kT0 + 10ms + 14 * 20s;
  const Batch batch = scheduler_.TakeDue(tick);
  EXPECT_EQ(batch, Rooms({"a"}, true));
  scheduler_.OnSent(batch, tick, true, 0);
  EXPECT_EQ(scheduler_.TimingOf(Room("a")).next_due, tick + 300s);
}

TEST_F(SchedulerTest, NewTargetJoinsTheCadenceOfItsInterval) {
  Scheduler scheduler(Intervals{20s, 20s}, SchedulerOptions{});
  scheduler.Activate(Room("a"), kT0);
  Batch first = scheduler.TakeDue(kT0 + 10ms);
  scheduler.OnSent(first, kT0 + 10ms, true, 0.0);
  // Far outside the pull-forward window (5 s) of room a's tick at 20.01 s.
  scheduler.Activate(Room("b"), kT0 + 8s);
  Batch second = scheduler.TakeDue(kT0 + 8s + 10ms);
  EXPECT_EQ(second, Rooms({"b"}));
  scheduler.OnSent(second, kT0 + 8s + 10ms, true, 0.0);
  EXPECT_EQ(scheduler.TimingOf(Room("b")).next_due, kT0 + 20s + 10ms);
  EXPECT_EQ(scheduler.TakeDue(kT0 + 20s + 10ms), Rooms({"a", "b"}));
}

TEST_F(SchedulerTest, PullForwardWindowIsCappedByShortestInterval) {
  // User 20 s, rooms 300 s: a room's window is min(0.25 * 300 s, 20 s) =
  // 20 s, so a room due at 300 s rides the user tick at 280 s, and one due
  // 1 ms later waits for the tick at 300 s.
  for (const auto& [ack_offset, pulled_at_280] :
       {std::pair{0ms, true}, std::pair{1ms, false}}) {
    Scheduler scheduler(Intervals{20s, 300s}, SchedulerOptions{});
    scheduler.Activate(kUser, kT0);
    scheduler.OnSent(scheduler.TakeDue(kT0 + 10ms), kT0, true, 0);
    scheduler.Activate(Room("a"), kT0 + 1s);
    const Batch room = scheduler.TakeDue(kT0 + 1s + 10ms);
    ASSERT_EQ(room, Rooms({"a"}));
    scheduler.OnSent(room, kT0 + ack_offset, true, 0);
    for (int tick = 1; tick <= 14; ++tick) {
      const TimePoint at = kT0 + tick * 20s;
      const Batch due = scheduler.TakeDue(at);
      EXPECT_TRUE(due.user) << tick;
      EXPECT_EQ(due.Contains(Room("a")), tick == 14 && pulled_at_280) << tick;
      scheduler.OnSent(due, at, true, 0);
    }
  }
}

TEST_F(SchedulerTest, NothingPulledForwardWhenNothingIsDue) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0, true, 0);
  // Due at 20 s: 1 ms before, nothing goes even though it is "within window".
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 20s - 1ms).empty());
  EXPECT_FALSE(scheduler_.TakeDue(kT0 + 20s).empty());
}

TEST_F(SchedulerTest, DeactivateForgetsTheTarget) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  scheduler_.Activate(Room("b"), kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, true, 0);
  EXPECT_TRUE(scheduler_.Deactivate(Room("b")));
  EXPECT_TRUE(scheduler_.Deactivate(kUser));
  EXPECT_FALSE(scheduler_.Deactivate(kUser));           // already gone
  EXPECT_FALSE(scheduler_.Deactivate(Room("zzz")));     // never active
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 10ms + 300s);  // only room a left
  EXPECT_EQ(scheduler_.Active(), std::vector<Target>{Room("a")});
  EXPECT_FALSE(scheduler_.TimingOf(kUser).next_due.has_value());
}
TEST_F(SchedulerTest, DeactivateDuringFlightDoesNotComeBack) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  ASSERT_EQ(batch, Rooms({"a"}, true));
  scheduler_.Deactivate(Room("a"));
  scheduler_.OnSent(batch, kT0 + 50ms, true, 0);
  EXPECT_FALSE(scheduler_.IsActive(Room("a")));
  EXPECT_EQ(scheduler_.Active(), std::vector<Target>{kUser});
  EXPECT_FALSE(scheduler_.TimingOf(Room("a")).last_sent.has_value());
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 50ms + 20s);
}

TEST_F(SchedulerTest, DeactivateAndReactivateDuringFlight) {
  scheduler_.Activate(Room("a"), kT0);
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  scheduler_.Deactivate(Room("a"));
  scheduler_.Activate(Room("a"), kT0 + 20ms);
  scheduler_.OnSent(batch, kT0 + 50ms, true, 0);
  // The new activation is not the one that was sent: its first heartbeat is
  // still due.
  const auto timing = scheduler_.TimingOf(Room("a"));
  EXPECT_FALSE(timing.last_acknowledged.has_value());
  EXPECT_EQ(timing.next_due, kT0 + 30ms);
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 50ms), Rooms({"a"}));
}

TEST_F(SchedulerTest, ActivationDuringFlightIsDueAsUsual) {
  scheduler_.Activate(kUser, kT0);
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  scheduler_.Activate(Room("a"), kT0 + 15ms);
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 25ms);
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 25ms), Rooms({"a"}));
  scheduler_.OnSent(batch, kT0 + 40ms, true, 0);
  scheduler_.OnSent(Rooms({"a"}), kT0 + 45ms, true, 0);
  EXPECT_EQ(scheduler_.TimingOf(kUser).next_due, kT0 + 40ms + 20s);
  EXPECT_EQ(scheduler_.TimingOf(Room("a")).next_due, kT0 + 45ms + 300s);
}

TEST_F(SchedulerTest, FailureBacksOffThenRetriesEveryActiveTarget) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  scheduler_.Activate(Room("b"), kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, true, 0);
  // The user tick fails (rooms not due for minutes).
  TimePoint now = kT0 + 10ms + 20s;
  Batch batch = scheduler_.TakeDue(now);
  ASSERT_EQ(batch, Rooms({}, true));
  scheduler_.OnSent(batch, now, false, 0.0);
  EXPECT_TRUE(scheduler_.degraded());
  EXPECT_EQ(scheduler_.consecutive_failures(), 1);
  // Equal jitter, base 500 ms, jitter 0: 250 ms.
  EXPECT_EQ(scheduler_.retry_at(), now + 250ms);
  EXPECT_EQ(scheduler_.NextWake(), now + 250ms);
  EXPECT_EQ(scheduler_.TimingOf(Room("a")).next_due, now + 250ms);
  EXPECT_EQ(scheduler_.TimingOf(kUser).last_sent, now);
  EXPECT_EQ(scheduler_.TimingOf(kUser).last_acknowledged, kT0 + 10ms);
  EXPECT_TRUE(scheduler_.TakeDue(now + 249ms).empty());
  // The retry sends everything.
  now += 250ms;
  batch = scheduler_.TakeDue(now);
  EXPECT_EQ(batch, Rooms({"a", "b"}, true));
  // Fails again: base 1000 ms, jitter 0.5 -> 750 ms.
  scheduler_.OnSent(batch, now, false, 0.5);
  EXPECT_EQ(scheduler_.consecutive_failures(), 2);
  EXPECT_EQ(scheduler_.NextWake(), now + 750ms);
  EXPECT_TRUE(scheduler_.TakeDue(now + 749ms).empty());
  now += 750ms;
  batch = scheduler_.TakeDue(now);
  EXPECT_EQ(batch, Rooms({"a", "b"}, true));
  // Recovery.
  scheduler_.OnSent(batch, now, true, 0.5);
  EXPECT_FALSE(scheduler_.degraded());
  EXPECT_EQ(scheduler_.consecutive_failures(), 0);
  EXPECT_FALSE(scheduler_.retry_at().has_value());
  EXPECT_EQ(scheduler_.TimingOf(kUser).next_due, now + 20s);
  EXPECT_EQ(scheduler_.TimingOf(Room("a")).next_due, now + 300s);
  EXPECT_EQ(scheduler_.TimingOf(Room("b")).last_acknowledged, now);
  EXPECT_EQ(scheduler_.NextWake(), now + 20s);
}

TEST_F(SchedulerTest, BackoffGrowsToCapAndRecoveryResetsIt) {
  Scheduler scheduler(Intervals{20s, 300s},
                      SchedulerOptions{10ms, 0.25, 500ms, 4000ms});
  scheduler.Activate(kUser, kT0);
  TimePoint now = kT0 + 10ms;
  std::vector<Millis> delays;
  for (int i = 0; i < 6; ++i) {
    const Batch batch = scheduler.TakeDue(now);
    ASSERT_EQ(batch, Rooms({}, true)) << "attempt " << i;
    scheduler.OnSent(batch, now, false, 0.0);
    delays.push_back(
        std::chrono::duration_cast<Millis>(*scheduler.NextWake() - now));
    now = *scheduler.NextWake();
  }
  EXPECT_EQ(delays, (std::vector<Millis>{250ms, 500ms, 1000ms, 2000ms, 2000ms,
                                         2000ms}));
  scheduler.OnSent(scheduler.TakeDue(now), now, true, 0.0);
  EXPECT_FALSE(scheduler.degraded());
  // The next failure starts from the initial delay again.
  now += 20s;
  scheduler.OnSent(scheduler.TakeDue(now), now, false, 0.0);
  EXPECT_EQ(scheduler.NextWake(), now + 250ms);
  EXPECT_EQ(scheduler.consecutive_failures(), 1);
}

TEST_F(SchedulerTest, ActivationDuringBackoffWaitsForRetry) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, false, 0.0);
  const TimePoint retry = kT0 + 10ms + 250ms;
  scheduler_.Activate(Room("a"), kT0 + 20ms);
  EXPECT_EQ(scheduler_.NextWake(), retry);
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 30ms).empty());
  EXPECT_EQ(scheduler_.TakeDue(retry), Rooms({"a"}, true));
}

TEST_F(SchedulerTest, DeactivatedTargetsLeaveTheRetry) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, false, 0.0);
  scheduler_.Deactivate(Room("a"));
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 260ms), Rooms({}, true));
}

TEST_F(SchedulerTest, FailureWithNothingActiveDoesNotSpin) {
  scheduler_.Activate(Room("a"), kT0);
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  scheduler_.Deactivate(Room("a"));
  scheduler_.OnSent(batch, kT0 + 20ms, false, 0.0);
  EXPECT_FALSE(scheduler_.NextWake().has_value());
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 1h).empty());
  EXPECT_FALSE(scheduler_.NextWake().has_value());
}

TEST_F(SchedulerTest, SetIntervalsShorterAppliesFromLastAck) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0, true, 0);
  scheduler_.SetIntervals(Intervals{10s, 60s}, kT0 + 5s);
  EXPECT_EQ(scheduler_.intervals().user, 10s);
  EXPECT_EQ(scheduler_.intervals().room, 60s);
  EXPECT_EQ(scheduler_.TimingOf(kUser).next_due, kT0 + 10s);
  EXPECT_EQ(scheduler_.TimingOf(Room("a")).next_due, kT0 + 60s);
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 10s);
  const Batch batch = scheduler_.TakeDue(kT0 + 10s);
  EXPECT_EQ(batch, Rooms({}, true));
  scheduler_.OnSent(batch, kT0 + 10s, true, 0);
  EXPECT_EQ(scheduler_.TimingOf(kUser).next_due, kT0 + 20s);
}

TEST_F(SchedulerTest, SetIntervalsShorterThanElapsedIsDueNow) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0, true, 0);
  scheduler_.SetIntervals(Intervals{4s, 300s}, kT0 + 5s);
  EXPECT_EQ(scheduler_.TimingOf(kUser).next_due, kT0 + 5s);
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 5s);
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 5s), Rooms({}, true));
}

TEST_F(SchedulerTest, SetIntervalsLonger) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0, true, 0);
  scheduler_.SetIntervals(Intervals{30s, 600s}, kT0 + 5s);
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 20s).empty());
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 30s);
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 30s), Rooms({}, true));
}

TEST_F(SchedulerTest, SetIntervalsDuringFlightUsesNewIntervalOnAck) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0 + 1s);  // first heartbeat still pending
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  ASSERT_EQ(batch, Rooms({"a"}, true));  // a rides along (within window)
  scheduler_.SetIntervals(Intervals{5s, 50s}, kT0 + 20ms);
  scheduler_.OnSent(batch, kT0 + 30ms, true, 0);
  EXPECT_EQ(scheduler_.TimingOf(kUser).next_due, kT0 + 30ms + 5s);
  EXPECT_EQ(scheduler_.TimingOf(Room("a")).next_due, kT0 + 30ms + 50s);
}

TEST_F(SchedulerTest, SetIntervalsKeepsPendingFirstHeartbeat) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.SetIntervals(Intervals{1s, 2s}, kT0 + 1ms);
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 10ms);
}

TEST_F(SchedulerTest, PauseStopsHeartbeats) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  scheduler_.Activate(Room("b"), kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, true, 0);
  scheduler_.Pause();
  EXPECT_TRUE(scheduler_.paused());
  EXPECT_FALSE(scheduler_.NextWake().has_value());
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 1h).empty());
  EXPECT_FALSE(scheduler_.TimingOf(kUser).next_due.has_value());
  EXPECT_EQ(scheduler_.TimingOf(kUser).last_acknowledged, kT0 + 10ms);
  scheduler_.Deactivate(Room("b"));
  EXPECT_FALSE(scheduler_.NextWake().has_value());
  // Activations are remembered while paused.
  scheduler_.Activate(Room("c"), kT0 + 1h);
  EXPECT_FALSE(scheduler_.NextWake().has_value());
  // Resume: every active target at once, whatever its schedule was.
  const TimePoint now = kT0 + 1h + 1s;
  scheduler_.Resume(now);
  EXPECT_FALSE(scheduler_.paused());
  EXPECT_EQ(scheduler_.NextWake(), now);
  EXPECT_EQ(scheduler_.TakeDue(now), Rooms({"a", "c"}, true));
}

TEST_F(SchedulerTest, SendAllNowSendsEverythingButNotWhilePaused) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, false, 0.9);
  ASSERT_TRUE(scheduler_.retry_at().has_value());
  // The link is back: no waiting for the retry or the next tick.
  scheduler_.SendAllNow(kT0 + 100ms);
  EXPECT_FALSE(scheduler_.degraded());
  EXPECT_EQ(scheduler_.NextWake(), kT0 + 100ms);
  const Batch all = scheduler_.TakeDue(kT0 + 100ms);
  EXPECT_EQ(all, Rooms({"a"}, true));
  scheduler_.OnSent(all, kT0 + 110ms, true, 0);
  scheduler_.SendAllNow(kT0 + 5s);
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 5s), Rooms({"a"}, true));
  scheduler_.Pause();
  scheduler_.SendAllNow(kT0 + 6s);
  EXPECT_TRUE(scheduler_.paused());
  EXPECT_TRUE(scheduler_.TakeDue(kT0 + 6s).empty());
}

TEST_F(SchedulerTest, ResumeSoonAfterSendStillSendsEverything) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.Activate(Room("a"), kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, true, 0);
  scheduler_.Pause();
  scheduler_.Resume(kT0 + 1s);
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 1s), Rooms({"a"}, true));
}

TEST_F(SchedulerTest, ResumeForgetsBackoff) {
  scheduler_.Activate(kUser, kT0);
  scheduler_.OnSent(scheduler_.TakeDue(kT0 + 10ms), kT0 + 10ms, false, 0.9);
  ASSERT_TRUE(scheduler_.degraded());
  scheduler_.Pause();
  EXPECT_FALSE(scheduler_.NextWake().has_value());  // no retry while paused
  scheduler_.Resume(kT0 + 20ms);
  EXPECT_FALSE(scheduler_.degraded());
  EXPECT_FALSE(scheduler_.retry_at().has_value());
  EXPECT_EQ(scheduler_.TakeDue(kT0 + 20ms), Rooms({}, true));
}

TEST_F(SchedulerTest, InFlightBatchCompletesAcrossPause) {
  scheduler_.Activate(kUser, kT0);
  const Batch batch = scheduler_.TakeDue(kT0 + 10ms);
  scheduler_.Pause();
  scheduler_.OnSent(batch, kT0 + 20ms, true, 0);
  EXPECT_EQ(scheduler_.TimingOf(kUser).last_acknowledged, kT0 + 20ms);
  EXPECT_FALSE(scheduler_.NextWake().has_value());
}

TEST_F(SchedulerTest, TimingOfInactiveIsEmpty) {
  const auto timing = scheduler_.TimingOf(Room("nope"));
  EXPECT_FALSE(timing.last_sent || timing.last_acknowledged || timing.next_due);
}

TEST_F(SchedulerTest, ZeroIntervalsAreRaised) {
  Scheduler scheduler(Intervals{0ms, Millis(-5)}, SchedulerOptions{});
  EXPECT_EQ(scheduler.intervals().user, 1ms);
  EXPECT_EQ(scheduler.intervals().room, 1ms);
}

}  // namespace
}  // namespace presence::daemon
