#include "support/presenced_process.h"

#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <stdexcept>

#include "support/unix_socket.h"
#include "support/wait.h"

namespace presence::testing {

PresencedProcess::PresencedProcess(PresencedOptions options)
    : options_(std::move(options)),
      socket_(dir_.File("presenced.sock")),
      state_dir_(dir_.File("state")) {
  mkdir(state_dir_.c_str(), 0700);
  Launch();
}

PresencedProcess::~PresencedProcess() = default;

void PresencedProcess::Launch() {
  std::vector<std::string> args = {
      PRESENCED_BIN, "--socket=" + socket_, "--state-dir=" + state_dir_,
      "--user-id=" + options_.user_id, "--device-id=" + options_.device_id};
  if (!options_.upstream.empty()) {
    args.push_back("--upstream=" + options_.upstream);
  }
  // An explicit config keeps a machine's /etc/presenced out of the test.
  args.push_back("--config=" + dir_.Write("presenced.toml", options_.config));
  if (!options_.api_key.empty()) {
    args.push_back("--api-key-file=" +
                   dir_.Write("api-key", options_.api_key + "\n"));
  }
  args.insert(args.end(), options_.flags.begin(), options_.flags.end());
  const bool level_given = std::any_of(
      args.begin(), args.end(),
      [](const std::string& arg) { return arg.rfind("--log-level", 0) == 0; });
  if (!level_given) args.push_back("--log-level=debug");
  if (options_.open_file_limit > 0) {
    // prlimit sets the limit on itself and execs the daemon: same pid.
    const std::string limit = std::to_string(options_.open_file_limit);
    args.insert(args.begin(),
                {"/usr/bin/prlimit", "--nofile=" + limit + ":" + limit, "--"});
  }
  process_ = std::make_unique<Subprocess>(
      args, SubprocessOptions{options_.env, "", log_path()});
  const bool up = WaitUntil(
      [&] {
        return process_->Wait(std::chrono::milliseconds(0)).has_value() ||
               UnixSocketAccepts(socket_);
      },
      std::chrono::seconds(10));
  if (!up || !process_->running()) {
    throw std::runtime_error("presenced did not start; log:\n" + log());
  }
}

int PresencedProcess::Stop() {
  process_->Signal(SIGTERM);
  return process_->Wait(std::chrono::seconds(10)).value_or(-1);
}

void PresencedProcess::Restart() {
  if (process_->running()) Stop();
  Launch();
}

std::string PresencedProcess::log() const { return ReadFile(log_path()); }

}  // namespace presence::testing
