#include "grpc_load.h"

#include <atomic>
#include <thread>

namespace presence::bench {

LoadRound RunLoad(const std::vector<Call>& workers,
                  const std::vector<Call>& probes,
                  std::chrono::milliseconds duration) {
  std::atomic<bool> stop{false};
  std::atomic<long> successes{0};
  std::atomic<long> failures{0};
  LoadRound round;
  round.probe_micros.resize(probes.size());

  std::vector<std::thread> threads;
  for (const Call& call : workers) {
    threads.emplace_back([&] {
      long ok = 0, failed = 0;
      while (!stop.load(std::memory_order_relaxed)) (call() ? ok : failed)++;
      successes += ok;
      failures += failed;
    });
  }
  if (!probes.empty()) {
    threads.emplace_back([&] {
      for (std::size_t i = 0; !stop.load(); i = (i + 1) % probes.size()) {
        const auto start = std::chrono::steady_clock::now();
        const bool ok = probes[i]();
        const std::chrono::duration<double, std::micro> took =
            std::chrono::steady_clock::now() - start;
        if (ok) round.probe_micros[i].push_back(took.count());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(duration);
  stop = true;
  for (auto& thread : threads) thread.join();
  const std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  round.calls_per_second = successes / elapsed.count();
  round.failures = failures;
  return round;
}

}  // namespace presence::bench
