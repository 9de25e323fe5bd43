// A child process for integration tests: spawned with posix_spawn, killed
// (SIGKILL) and reaped on destruction if still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace presence::testing {

struct SubprocessOptions {
  std::map<std::string, std::string> env;  // added to (or replacing) ours
  std::string stdout_path;                 // empty: inherit
  std::string stderr_path;                 // empty: inherit
};

class Subprocess {
 public:
  // args[0] is the program path. Throws std::runtime_error when spawning
  // fails.
  explicit Subprocess(const std::vector<std::string>& args,
                      const SubprocessOptions& options = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signal) const;

  // The exit code (128 + n when killed by signal n), or nothing when the
  // process is still running after `timeout`.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  bool running() const { return !exit_code_.has_value(); }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace presence::testing
