// What a child process costs, read from /proc: for tests and benchmarks that
// bound a daemon's CPU use, its log's growth and its open descriptors.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace presence::testing {

// How many file descriptors `pid` has open; -1 when it cannot be read.
int OpenFdCount(pid_t pid);

// The CPU `pid` uses (every thread, user and system) and how fast the file at
// `path` grows, over windows of time: the first window starts on
// construction, each Lap() ends one and starts the next.
class UsageMeter {
 public:
  UsageMeter(pid_t pid, std::string path);

  struct Rates {
    double cpu_percent = 0;  // of one core
    double file_bytes_per_second = 0;
  };
  Rates Lap();

 private:
  pid_t pid_;
  std::string path_;
  std::chrono::steady_clock::time_point start_;
  double cpu_seconds_;
  std::int64_t file_size_;
};

}  // namespace presence::testing
