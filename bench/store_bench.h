// The store alone: heartbeat targets per second on one thread.
#pragma once

#include <chrono>

namespace presence::bench {

// Runs batches of 1 user + 3 rooms for about `duration` against a fresh
// MemoryStore (10k users, 1k rooms, time advancing 1 ms per batch) and
// returns heartbeat targets per second.
double StoreHeartbeatTargetsPerSecond(std::chrono::milliseconds duration);

}  // namespace presence::bench
