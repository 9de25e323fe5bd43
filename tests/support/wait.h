// Polling with a deadline, instead of sleeping a guessed amount.
#pragma once

#include <chrono>
#include <thread>

namespace presence::testing {

// Calls condition() every `poll` until it returns true (-> true) or
// `timeout` passes (-> false).
template <typename Condition>
bool WaitUntil(Condition condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds poll = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace presence::testing
