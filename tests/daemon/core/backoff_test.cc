#include "core/backoff.h"

#include <gtest/gtest.h>

#include <random>

namespace presence::daemon {
namespace {

TEST(BackoffTest, GrowsExponentiallyFromInitial) {
  Backoff backoff(Millis(500), Millis(60000));
  EXPECT_EQ(backoff.failures(), 0);
  // jitter 0: exactly half the base.
  EXPECT_EQ(backoff.Next(0.0), Millis(250));
  EXPECT_EQ(backoff.Next(0.0), Millis(500));
  EXPECT_EQ(backoff.Next(0.0), Millis(1000));
  EXPECT_EQ(backoff.Next(0.0), Millis(2000));
  EXPECT_EQ(backoff.failures(), 4);
}

TEST(BackoffTest, EqualJitter) {
  Backoff backoff(Millis(1000), Millis(60000));
  EXPECT_EQ(backoff.Next(0.5), Millis(750));    // base 1000: 500 + 250
  EXPECT_EQ(backoff.Next(0.25), Millis(1250));  // base 2000: 1000 + 250
}

TEST(BackoffTest, CapsAndNeverOverflows) {
  Backoff backoff(Millis(500), Millis(60000));
  Millis last{0};
  for (int i = 0; i < 1000; ++i) last = backoff.Next(0.0);
  EXPECT_EQ(last, Millis(30000));
  EXPECT_EQ(backoff.Next(0.999999), Millis(59999));
  EXPECT_EQ(backoff.failures(), 1001);
  // 500 * 2^7 = 64000 > cap: the 8th failure is the first capped one.
  Backoff fresh(Millis(500), Millis(60000));
  for (int i = 0; i < 7; ++i) fresh.Next(0.0);
  EXPECT_EQ(fresh.Next(0.0), Millis(30000));
}

TEST(BackoffTest, JitterStaysWithinBounds) {
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  Backoff backoff(Millis(100), Millis(5000));
  for (int n = 1; n <= 40; ++n) {
    const long base = std::min(100L << std::min(n - 1, 20), 5000L);
    const Millis delay = backoff.Next(jitter(random));
    EXPECT_GE(delay.count(), base / 2) << "failure " << n;
    EXPECT_LE(delay.count(), base) << "failure " << n;
  }
}

TEST(BackoffTest, OutOfRangeJitterIsClamped) {
  Backoff backoff(Millis(1000), Millis(1000));
  EXPECT_EQ(backoff.Next(-3.0), Millis(500));
  EXPECT_EQ(backoff.Next(7.0), Millis(1000));
}

TEST(BackoffTest, ResetStartsOver) {
  Backoff backoff(Millis(500), Millis(60000));
  backoff.Next(0.0);
  backoff.Next(0.0);
  backoff.Next(0.0);
  backoff.Reset();
  EXPECT_EQ(backoff.failures(), 0);
  EXPECT_EQ(backoff.Next(0.0), Millis(250));
  EXPECT_EQ(backoff.failures(), 1);
}

TEST(BackoffTest, DegenerateParametersAreSane) {
  Backoff zero(Millis(0), Millis(0));
  EXPECT_GE(zero.Next(0.0), Millis(0));
  EXPECT_LE(zero.Next(1.0), Millis(1));
  Backoff inverted(Millis(1000), Millis(10));  // cap below initial
  EXPECT_EQ(inverted.Next(1.0), Millis(1000));
  EXPECT_EQ(inverted.Next(1.0), Millis(1000));
}

}  // namespace
}  // namespace presence::daemon
