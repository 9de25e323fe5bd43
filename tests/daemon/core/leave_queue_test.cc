#include "core/leave_queue.h"

#include <gtest/gtest.h>

#include "fake_time.h"

namespace presence::daemon {
namespace {

using testing::kT0;
using namespace std::chrono_literals;

using testing::kUser;
using testing::Room;
using testing::Rooms;

class LeaveQueueTest : public ::testing::Test {
 protected:
  // Equal jitter: a retry waits between half and all of 500 ms, 1 s, 2 s...
  LeaveQueue queue_{500ms, 60s};
};

TEST_F(LeaveQueueTest, DueAtItsTimeAndInFlightUntilSent) {
  EXPECT_TRUE(queue_.empty());
  EXPECT_FALSE(queue_.NextWake().has_value());
  queue_.Add(Room("a"), kT0 + 20ms, kT0 + 10min);
  queue_.Add(kUser, kT0, kT0 + 1min);
  EXPECT_EQ(queue_.NextWake(), kT0);
  EXPECT_EQ(queue_.TakeDue(kT0), Rooms({}, true));
  // The user's leave is in flight: not offered again, not a reason to wake.
  EXPECT_EQ(queue_.NextWake(), kT0 + 20ms);
  EXPECT_TRUE(queue_.TakeDue(kT0 + 19ms).empty());
  EXPECT_EQ(queue_.TakeDue(kT0 + 20ms), Rooms({"a"}));
  EXPECT_FALSE(queue_.NextWake().has_value());
  EXPECT_EQ(queue_.Pending(), (std::vector<Target>{kUser, Room("a")}));
  EXPECT_TRUE(queue_.OnSent(Rooms({"a"}, true), kT0 + 30ms, true, 0).empty());
  EXPECT_TRUE(queue_.empty());
}

TEST_F(LeaveQueueTest, FailedLeaveIsRetriedWithGrowingBackoff) {
  queue_.Add(Room("a"), kT0, kT0 + 10min);
  TimePoint now = kT0;
  for (Millis expected : {250ms, 500ms, 1000ms, 2000ms}) {
    ASSERT_EQ(queue_.TakeDue(now), Rooms({"a"}));
    EXPECT_TRUE(queue_.OnSent(Rooms({"a"}), now, false, 0.0).empty());
    EXPECT_EQ(queue_.NextWake(), now + expected);
    EXPECT_TRUE(queue_.TakeDue(now + expected - 1ms).empty());
    now += expected;
  }
  // A success starts the backoff over.
  ASSERT_EQ(queue_.TakeDue(now), Rooms({"a"}));
  queue_.OnSent(Rooms({"a"}), now, true, 0.0);
  queue_.Add(Room("b"), now, now + 10min);
  ASSERT_EQ(queue_.TakeDue(now), Rooms({"b"}));
  queue_.OnSent(Rooms({"b"}), now, false, 0.0);
  EXPECT_EQ(queue_.NextWake(), now + 250ms);
}

TEST_F(LeaveQueueTest, AbandonedOnceTheServerWouldHaveExpiredIt) {
  queue_.Add(Room("a"), kT0, kT0 + 1s);
  queue_.Add(Room("b"), kT0, kT0 + 10min);
  ASSERT_EQ(queue_.TakeDue(kT0), Rooms({"a", "b"}));
  EXPECT_TRUE(queue_.OnSent(Rooms({"a", "b"}), kT0 + 999ms, false, 0).empty());
  ASSERT_EQ(queue_.TakeDue(kT0 + 2s), Rooms({"a", "b"}));
  EXPECT_EQ(queue_.OnSent(Rooms({"a", "b"}), kT0 + 2s, false, 0),
            std::vector<Target>{Room("a")});
  EXPECT_EQ(queue_.Pending(), std::vector<Target>{Room("b")});
}

TEST_F(LeaveQueueTest, CancelDropsEvenALeaveInFlight) {
  queue_.Add(Room("a"), kT0, kT0 + 10min);
  EXPECT_FALSE(queue_.Cancel(Room("zzz")));
  ASSERT_EQ(queue_.TakeDue(kT0), Rooms({"a"}));
  EXPECT_TRUE(queue_.Cancel(Room("a")));
  // Queued again while the cancelled one is still in flight: the old
  // call's result must not touch the new leave.
  queue_.Add(Room("a"), kT0 + 5ms, kT0 + 10min);
  queue_.OnSent(Rooms({"a"}), kT0 + 10ms, true, 0);
  EXPECT_EQ(queue_.Pending(), std::vector<Target>{Room("a")});
  EXPECT_EQ(queue_.TakeDue(kT0 + 10ms), Rooms({"a"}));
}

TEST_F(LeaveQueueTest, RetryNowForgetsTheBackoff) {
  queue_.Add(Room("a"), kT0, kT0 + 10min);
  for (int i = 0; i < 5; ++i) {
    queue_.TakeDue(kT0 + 1h);
    queue_.OnSent(Rooms({"a"}), kT0, false, 0.9);
  }
  ASSERT_GT(*queue_.NextWake(), kT0 + 4s);
  queue_.RetryNow(kT0 + 1s);
  EXPECT_EQ(queue_.NextWake(), kT0 + 1s);
  ASSERT_EQ(queue_.TakeDue(kT0 + 1s), Rooms({"a"}));
  queue_.OnSent(Rooms({"a"}), kT0 + 1s, false, 0.0);
  EXPECT_EQ(queue_.NextWake(), kT0 + 1s + 250ms);
}

TEST_F(LeaveQueueTest, TakeAllEmptiesTheQueue) {
  queue_.Add(Room("b"), kT0 + 1h, kT0 + 2h);
  queue_.Add(kUser, kT0, kT0 + 2h);
  queue_.TakeDue(kT0);  // the user's in flight
  EXPECT_EQ(queue_.TakeAll(), Rooms({"b"}, true));
  EXPECT_TRUE(queue_.empty());
  EXPECT_FALSE(queue_.NextWake().has_value());
}

}  // namespace
}  // namespace presence::daemon
