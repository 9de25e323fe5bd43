// The real presenced binary with its socket and state in a temp dir, pointed
// at a presence-server, for the daemon's and the CLI's integration tests.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace presence::testing {

struct PresencedOptions {
  std::string upstream;  // HOST:PORT of a presence-server
  std::string api_key;   // written to a key file when non-empty
  std::string user_id = "alice";
  std::string device_id = "test-device";
  std::string config;  // TOML written to a config file when set
  std::vector<std::string> flags;
  std::map<std::string, std::string> env;
  // > 0: the daemon may open this many files (prlimit --nofile=N:N).
  int open_file_limit = 0;
};

class PresencedProcess {
 public:
  // Starts presenced and waits until its socket accepts connections; throws
  // std::runtime_error with the daemon's log when it does not come up.
  explicit PresencedProcess(PresencedOptions options);
  ~PresencedProcess();

  const std::string& socket_path() const { return socket_; }
  const std::string& state_dir() const { return state_dir_; }
  std::string config_path() const { return dir_.File("presenced.toml"); }
  pid_t pid() const { return process_->pid(); }
  Subprocess& process() { return *process_; }

  // SIGTERM, then the exit code (-1 if it did not exit within 10 s).
  int Stop();
  // Starts it again with the same options, socket and state dir.
  void Restart();
  std::string log() const;
  // The file the daemon's stderr goes to.
  std::string log_path() const { return dir_.File("presenced.log"); }

 private:
  void Launch();

  TempDir dir_;
  PresencedOptions options_;
  std::string socket_;
  std::string state_dir_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace presence::testing
