#include "service/blocking_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace presence::daemon {
namespace {

TEST(BlockingPool, RunsWorkOffThePostingThread) {
  BlockingPool pool(2);
  std::promise<std::thread::id> ran_on;
  pool.Post([&] { ran_on.set_value(std::this_thread::get_id()); });
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
    BlockingPool pool(kThreads);
    for (int i = 0; i < kThreads; ++i) {
      pool.Post([&] {
        std::unique_lock lock(mutex);
        ++started;
        changed.notify_all();
        // Each waits for all the others: they must be running at once.
        if (changed.wait_for(lock, std::chrono::seconds(5),
                             [&] { return started == kThreads; })) {
          ++saw_all;
        }
      });
    }
  }  // joins
  EXPECT_EQ(saw_all.load(), kThreads);
}

TEST(BlockingPool, DestructionRunsEverythingPosted) {
  std::atomic<int> done{0};
  {
    BlockingPool pool(1);
    for (int i = 0; i < 100; ++i) pool.Post([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 100);
}

}  // namespace
}  // namespace presence::daemon
