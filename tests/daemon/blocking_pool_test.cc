#include "service/blocking_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace presence::daemon {
namespace {

TEST(BlockingPool, RunsWorkOffThePostingThread) {
  BlockingPool pool(2, 10);
  std::promise<std::thread::id> ran_on;
  EXPECT_TRUE(
      pool.TryPost([&] { ran_on.set_value(std::this_thread::get_id()); }));
  auto ran = ran_on.get_future();
  ASSERT_EQ(ran.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_NE(ran.get(), std::this_thread::get_id());
}

TEST(BlockingPool, BlockedWorkDoesNotHoldUpTheOtherThreads) {
  constexpr int kThreads = 4;
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  std::atomic<int> saw_all{0};
  {
    BlockingPool pool(kThreads, 10);
    for (int i = 0; i < kThreads; ++i) {
      EXPECT_TRUE(pool.TryPost([&] {
        std::unique_lock lock(mutex);
        ++started;
        changed.notify_all();
        // Each waits for all the others: they must be running at once.
        if (changed.wait_for(lock, std::chrono::seconds(5),
                             [&] { return started == kThreads; })) {
          ++saw_all;
        }
      }));
    }
  }  // joins
  EXPECT_EQ(saw_all.load(), kThreads);
}

TEST(BlockingPool, DestructionRunsEverythingPosted) {
  std::atomic<int> done{0};
  {
    BlockingPool pool(1, 100);
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(pool.TryPost([&] { ++done; }));
  }
  EXPECT_EQ(done.load(), 100);
}

TEST(BlockingPool, RefusesWorkBeyondWhatMayWait) {
  std::promise<void> started, release;
  auto released = release.get_future().share();
  std::atomic<int> done{0};
  {
    BlockingPool pool(1, 2);
    ASSERT_TRUE(pool.TryPost([&, released] {
      started.set_value();
      released.wait();
    }));
    started.get_future().wait();  // the one thread is busy, nothing waits
    EXPECT_TRUE(pool.TryPost([&] { ++done; }));
    EXPECT_TRUE(pool.TryPost([&] { ++done; }));
    EXPECT_FALSE(pool.TryPost([&] { ++done; })) << "a third may not wait";
    release.set_value();
  }
  EXPECT_EQ(done.load(), 2);
}

}  // namespace
}  // namespace presence::daemon
