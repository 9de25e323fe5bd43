// Where presenced's memory goes (daemon_bench --only memory, heaptrack):
// an attached Hold stream costs ~16 KB inside gRPC (call arena ~11 KB, its
// extra zones, batch controls, the callback request and server context) and
// ~1.5 KB of our own (reactor, hold table and scheduler entries). None of
// gRPC's HTTP/2 knobs (lookahead, BDP probe, write buffer, HPACK table,
// poller counts, resource quota) changes that figure, so they are left at
// their defaults. What does help: fewer malloc arenas, and handing freed
// heap back after a mass release (glibc keeps it otherwise: 214 MiB stayed
// resident after 10,000 holds were released; with the trim, 32 MiB).
#include "memory.h"

#include <grpcpp/server_builder.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace presence::daemon {
namespace {

// Trims from one thread that sleeps on a condition variable: no periodic
// wakeup, and no thread at all until the first batch of streams has ended.
class Trimmer {
 public:
  void Ended() {
    if (ended_.fetch_add(1, std::memory_order_relaxed) + 1 < kBatch) return;
    std::lock_guard lock(mutex_);
    ended_ = 0;
    pending_ = true;
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
    wake_.notify_one();
  }

 private:
  // ~16 KB of gRPC call state per stream: a trim is worth it after ~8 MB.
  static constexpr int kBatch = 512;
  // A mass release comes in a burst: trim once it has been quiet this long.
  static constexpr std::chrono::milliseconds kQuiet{200};

  void Loop() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return pending_; });
      do {
        pending_ = false;
        wake_.wait_for(lock, kQuiet);
      } while (pending_);
      lock.unlock();
      const auto start = std::chrono::steady_clock::now();
      malloc_trim(0);
      spdlog::debug("returned freed heap to the kernel in {} us",
                    std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count());
      lock.lock();
    }
  }

  std::atomic<int> ended_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  std::thread thread_;
};

Trimmer& TheTrimmer() {
  static auto* trimmer = new Trimmer;  // never destroyed: its thread runs on
  return *trimmer;
}

}  // namespace

void TuneAllocator() {
  // glibc's default is 8 arenas per core, one per thread that allocates;
  // each keeps its own free memory. Two suffice for this daemon's load
  // (10,000 holds: 206 -> 204 MiB; idle: -0.1 MiB).
  mallopt(M_ARENA_MAX, 2);
}

void ConfigureServerMemory(grpc::ServerBuilder&) {
  // Deliberately nothing (see the top of this file). GRPC_ARG_MINIMAL_STACK
  // would save ~1 KB a stream (206 -> 196 MiB at 10,000 holds) but drops the
  // server's deadline and message-size filters: a local client could then
  // send a message of any size.
}

void StreamEnded() { TheTrimmer().Ended(); }

}  // namespace presence::daemon
