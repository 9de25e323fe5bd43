// Long runs of the scheduler on a fake clock, driven the way the engine
// drives it: sleep until NextWake (or the next scripted event), take leaves
// and due heartbeats, "send" them with some latency, report the result.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/scheduler.h"
#include "fake_time.h"

namespace presence::daemon {
namespace {

using testing::kT0;
using namespace std::chrono_literals;

struct Call {
  TimePoint at;  // when TakeDue handed it out
  Batch batch;
};

class Simulation {
 public:
  Simulation(Intervals intervals, Millis latency,
             SchedulerOptions options = SchedulerOptions{})
      : scheduler_(intervals, options),
        intervals_(intervals),
        latency_(latency) {}

  // Runs `event` at `at` (outside the scheduler's wake-ups).
  void At(TimePoint at, std::function<void(Scheduler&, TimePoint)> event) {
    events_.emplace(at, std::move(event));
  }

  void RunUntil(TimePoint end) {
    while (true) {
      std::optional<TimePoint> wake = scheduler_.NextWake();
      const bool event_first =
          !events_.empty() && (!wake || events_.begin()->first <= *wake);
      const TimePoint next = event_first ? events_.begin()->first : *wake;
      if (!event_first && !wake) break;
      if (next > end) break;
      now_ = std::max(now_, next);
      if (event_first) {
        auto event = std::move(events_.begin()->second);
        events_.erase(events_.begin());
        event(scheduler_, now_);
        continue;
      }
      wakes_.push_back(now_);
      Batch due = scheduler_.TakeDue(now_);
      if (due.empty()) continue;
      const TimePoint sent = now_;
      for (const Target& t : due.Targets()) {
        // Never late: handed out no later than one interval after the
        // previous acknowledgement of the same target.
        if (auto it = acked_.find(t); check_late_ && it != acked_.end()) {
          const Millis interval =
              t.is_user() ? intervals_.user : intervals_.room;
          EXPECT_LE((sent - it->second).count(),
                    Clock::duration(interval).count())
              << t.ToString() << " late at " << Seconds(sent);
        }
        sent_[t].push_back(sent);
      }
      calls_.push_back({sent, due});
      now_ += latency_;
      scheduler_.OnSent(due, now_, ok_, 0.5);
      if (ok_) {
        for (const Target& t : due.Targets()) acked_[t] = now_;
      }
    }
    now_ = std::max(now_, end);
  }

  static double Seconds(TimePoint t) {
    return std::chrono::duration<double>(t - kT0).count();
  }

  // Calls / wakes with kT0 + from <= at < kT0 + to.
  template <typename T, typename F>
  static int CountIn(const std::vector<T>& items, F at, TimePoint from,
                     TimePoint to) {
    int n = 0;
    for (const auto& item : items) n += (at(item) >= from && at(item) < to);
    return n;
  }
  int CallsIn(TimePoint from, TimePoint to) const {
    return CountIn(
        calls_, [](const Call& c) { return c.at; }, from, to);
  }
  int WakesIn(TimePoint from, TimePoint to) const {
    return CountIn(
        wakes_, [](TimePoint t) { return t; }, from, to);
  }

  Scheduler scheduler_;
  Intervals intervals_;
  Millis latency_;
  bool ok_ = true;
  bool check_late_ = true;  // off where an outage makes lateness expected
  TimePoint now_ = kT0;
  std::multimap<TimePoint, std::function<void(Scheduler&, TimePoint)>> events_;
  std::vector<Call> calls_;
  std::vector<TimePoint> wakes_;
  std::map<Target, std::vector<TimePoint>> sent_;
  std::map<Target, TimePoint> acked_;
};

std::string RoomId(int i) { return "room-" + std::to_string(i); }

TEST(SchedulerSimulationTest, UserAndHundredRoomsOneCallPerUserInterval) {
  const Intervals intervals{20s, 300s};
  Simulation sim(intervals, 0ms);
  sim.At(kT0, [](Scheduler& s, TimePoint now) {
    s.Activate(Target::User(), now);
    for (int i = 0; i < 100; ++i) s.Activate(Target::Room(RoomId(i)), now);
  });
  constexpr int kIntervals = 30;
  const TimePoint end = kT0 + kIntervals * 20s + 1s;
  sim.RunUntil(end);

  // The first call carries everything, 10 ms after the burst.
  ASSERT_FALSE(sim.calls_.empty());
  EXPECT_EQ(sim.calls_[0].at, kT0 + 10ms);
  EXPECT_EQ(sim.calls_[0].batch.size(), 101u);
  // Exactly one call per user interval, and every call carries the user.
  EXPECT_EQ(sim.calls_.size(), kIntervals + 1u);
  for (int k = 0; k <= kIntervals; ++k) {
    const TimePoint from = kT0 + k * 20s;
    EXPECT_EQ(sim.CallsIn(from, from + 20s), 1) << "interval " << k;
    EXPECT_LE(sim.WakesIn(from, from + 20s), 2) << "interval " << k;
  }
  for (const Call& call : sim.calls_) EXPECT_TRUE(call.batch.user);
  // Every room at least once per room interval, never late.
  for (int i = 0; i < 100; ++i) {
    const auto& sent = sim.sent_[Target::Room(RoomId(i))];
    ASSERT_GE(sent.size(), 2u);
    for (std::size_t j = 1; j < sent.size(); ++j) {
      EXPECT_LE(sent[j] - sent[j - 1], intervals.room) << RoomId(i);
      // Early by at most one user interval.
      EXPECT_GE(sent[j] - sent[j - 1], intervals.room - intervals.user);
    }
    EXPECT_LE(end - sent.back(), intervals.room);
  }
}

TEST(SchedulerSimulationTest, StaggeredRoomsWithLatencyJoinTheUserTick) {
  // Rooms come and go at random moments over the first 40 s; every call
  // takes 50 ms. After one room interval, the daemon is back to one call
  // per user interval.
  const Intervals intervals{20s, 300s};
  Simulation sim(intervals, 50ms);
  std::mt19937 random(7);
  std::uniform_int_distribution<int> ms(0, 40000);
  sim.At(kT0,
         [](Scheduler& s, TimePoint now) { s.Activate(Target::User(), now); });
  for (int i = 0; i < 100; ++i) {
    sim.At(kT0 + Millis(ms(random)), [i](Scheduler& s, TimePoint now) {
      s.Activate(Target::Room(RoomId(i)), now);
    });
  }
  const TimePoint end = kT0 + 40 * 20s;
  sim.RunUntil(end);

  const TimePoint settled = kT0 + 40s + 300s + 20s;
  for (const Call& call : sim.calls_) {
    if (call.at >= settled) {
      EXPECT_TRUE(call.batch.user)
          << "extra call at " << Simulation::Seconds(call.at);
    }
  }
  // One call per user tick: consecutive calls one interval (+latency) apart.
  std::vector<TimePoint> late;
  for (const Call& call : sim.calls_) {
    if (call.at >= settled) late.push_back(call.at);
  }
  ASSERT_GT(late.size(), 10u);
  for (std::size_t j = 1; j < late.size(); ++j) {
    EXPECT_EQ(late[j] - late[j - 1], intervals.user + 50ms);
  }
  EXPECT_LE(sim.WakesIn(settled, end),
            static_cast<int>(2 * (end - settled) / intervals.user));
  for (TimePoint from = settled; from + 20s <= end; from += 20s) {
    EXPECT_LE(sim.WakesIn(from, from + 20s), 2);
    EXPECT_LE(sim.CallsIn(from, from + 20s), 1);
  }
  // Every room heartbeated within every room interval (lateness is
  // checked on every send by the simulation).
  for (int i = 0; i < 100; ++i) {
    const auto& sent = sim.sent_[Target::Room(RoomId(i))];
    ASSERT_GE(sent.size(), 2u) << RoomId(i);
    EXPECT_LE(end - sent.back(), intervals.room);
  }
}

TEST(SchedulerSimulationTest, RoomsOnlyStaggeredActivationAligns) {
  const Intervals intervals{20s, 300s};
  Simulation sim(intervals, 0ms);
  for (int i = 0; i < 20; ++i) {
    sim.At(kT0 + i * 1s, [i](Scheduler& s, TimePoint now) {
      s.Activate(Target::Room(RoomId(i)), now);
    });
  }
  const TimePoint end = kT0 + 3 * 300s + 30s;
  sim.RunUntil(end);
  // 20 first heartbeats (first heartbeat at once, 1 s apart), then one call
  // per room interval carrying all 20.
  ASSERT_EQ(sim.calls_.size(), 20u + 3u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(sim.calls_[i].at, kT0 + i * 1s + 10ms);
    EXPECT_EQ(sim.calls_[i].batch.size(), 1u);
  }
  for (int j = 20; j < 23; ++j) {
    EXPECT_EQ(sim.calls_[j].batch.size(), 20u);
    EXPECT_FALSE(sim.calls_[j].batch.user);
  }
  EXPECT_EQ(sim.calls_[20].at, kT0 + 10ms + 300s);
  EXPECT_EQ(sim.calls_[21].at, kT0 + 10ms + 600s);
  // Idle between calls: one wake per call.
  EXPECT_EQ(sim.wakes_.size(), sim.calls_.size());
}

TEST(SchedulerSimulationTest, OutageRetriesWithBackoffThenRecoversAll) {
  const Intervals intervals{20s, 300s};
  Simulation sim(intervals, 0ms);
  sim.At(kT0, [](Scheduler& s, TimePoint now) {
    s.Activate(Target::User(), now);
    for (int i = 0; i < 5; ++i) s.Activate(Target::Room(RoomId(i)), now);
  });
  sim.RunUntil(kT0 + 100s);
  const std::size_t before = sim.calls_.size();
  sim.check_late_ = false;
  sim.ok_ = false;  // the server goes away for two minutes
  sim.RunUntil(kT0 + 220s);
  const std::size_t failed = sim.calls_.size() - before;
  // Backoff 500 ms doubling to the 60 s cap (jitter 0.5: 3/4 of base):
  // 120 s of outage take a handful of attempts, not hundreds.
  EXPECT_GE(failed, 6u);
  EXPECT_LE(failed, 12u);
  EXPECT_TRUE(sim.scheduler_.degraded());
  // All attempts after the first carry every target.
  for (std::size_t j = before + 1; j < sim.calls_.size(); ++j) {
    EXPECT_EQ(sim.calls_[j].batch.size(), 6u);
  }
  sim.ok_ = true;
  sim.RunUntil(kT0 + 400s);
  EXPECT_FALSE(sim.scheduler_.degraded());
  // The first call after the outage carries everything; then user ticks.
  const Call& recovery = sim.calls_[before + failed];
  EXPECT_EQ(recovery.batch.size(), 6u);
  EXPECT_GT(recovery.at, kT0 + 220s);
  EXPECT_LE(recovery.at, kT0 + 220s + 60s);
  const Call& next = sim.calls_[before + failed + 1];
  EXPECT_EQ(next.at - recovery.at, intervals.user);
}

TEST(SchedulerSimulationTest, IdleDaemonSleepsIndefinitely) {
  Simulation sim(Intervals{20s, 300s}, 0ms);
  sim.At(kT0, [](Scheduler& s, TimePoint now) {
    s.Activate(Target::Room("a"), now);
  });
  sim.At(kT0 + 30s,
         [](Scheduler& s, TimePoint) { s.Deactivate(Target::Room("a")); });
  sim.RunUntil(kT0 + 24h);
  EXPECT_EQ(sim.calls_.size(), 1u);
  EXPECT_EQ(sim.wakes_.size(), 1u);  // the heartbeat
  EXPECT_FALSE(sim.scheduler_.NextWake().has_value());
}

}  // namespace
}  // namespace presence::daemon
