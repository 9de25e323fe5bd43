// Closed-loop load: worker threads each repeat one call as fast as it
// returns, while a probe thread times other calls under that load.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

namespace presence::bench {

// One call; returns whether it succeeded.
using Call = std::function<bool()>;

struct LoadRound {
  double calls_per_second = 0;  // successful worker calls
  long failures = 0;
  // Per probe, the latency of each probe call, in microseconds.
  std::vector<std::vector<double>> probe_micros;
};

// Runs every worker on its own thread for `duration`; meanwhile one thread
// runs the probes in turn, 1 ms apart.
LoadRound RunLoad(const std::vector<Call>& workers,
                  const std::vector<Call>& probes,
                  std::chrono::milliseconds duration);

}  // namespace presence::bench
