#include "store_bench.h"

#include <string>
#include <vector>

#include "store/memory_store.h"

namespace presence::bench {

using namespace presence::server;

double StoreHeartbeatTargetsPerSecond(std::chrono::milliseconds duration) {
  constexpr int kUsers = 10'000;
  constexpr int kRooms = 1'000;
  MemoryStore store{NetworkSettings{}};
  Time now{std::chrono::milliseconds(1'700'000'000'000)};

  std::vector<std::string> users;
  for (int i = 0; i < kUsers; ++i) {
    users.push_back("user-" + std::to_string(i));
    store.SetUserPresenceEnabled(users.back(), true, now);
  }
  // Batches are prepared up front so only the store is measured.
  std::vector<std::vector<std::string>> room_batches;
  for (int i = 0; i < kRooms; ++i) {
    room_batches.push_back({"room-" + std::to_string(i),
                            "room-" + std::to_string((i + 1) % kRooms),
                            "room-" + std::to_string((i + 2) % kRooms)});
  }
  const std::string device = "device";

  const auto start = std::chrono::steady_clock::now();
  const auto stop = start + duration;
  long batches = 0;
  for (auto clock = start; clock < stop;
       clock = std::chrono::steady_clock::now()) {
    for (int i = 0; i < 1000; ++i, ++batches) {
      now += std::chrono::milliseconds(1);
      store.Heartbeat(users[batches % kUsers], device, true,
                      room_batches[batches % kRooms], now);
    }
  }
  const std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  return batches * 4 / elapsed.count();
}

}  // namespace presence::bench
