#include "support/presence_server_process.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "support/wait.h"

namespace presence::testing {
PresenceServerProcess::PresenceServerProcess(PresenceServerOptions options)
    : env_(std::move(options.env)) {
  if (!options.demo) {
    api_key_ = "test-api-key";
    admin_token_ = "test-admin-token";
    flags_.push_back("--api-key-file=" +
                     dir_.Write("api-key", api_key_ + "\n"));
    flags_.push_back("--admin-token-file=" +
                     dir_.Write("admin-token", admin_token_ + "\n"));
  }
  flags_.insert(flags_.end(), options.flags.begin(), options.flags.end());
  Launch("127.0.0.1:0");
}

void PresenceServerProcess::Restart() {
  if (process_->running()) Stop();
  Launch(address_);
}

void PresenceServerProcess::Launch(const std::string& listen) {
  const std::string port_file = dir_.File("port");
  std::remove(port_file.c_str());
  std::vector<std::string> args = {PRESENCE_SERVER_BIN, "--listen=" + listen,
                                   "--port-file=" + port_file,
                                   "--log-level=debug"};
  args.insert(args.end(), flags_.begin(), flags_.end());
  process_ = std::make_unique<Subprocess>(
      args, SubprocessOptions{env_, "", dir_.File("stderr.log")});

  std::string address;
  const bool serving = WaitUntil(
      [&] {
        std::ifstream file(port_file);
        return std::getline(file, address) && !address.empty();
      },
      std::chrono::seconds(10));
  if (!serving) {
    throw std::runtime_error("presence-server did not start; log:\n" + log());
  }
  address_ = address;
}

PresenceServerProcess::~PresenceServerProcess() = default;

std::string PresenceServerProcess::admin_authorization() const {
  return "Bearer " + admin_token_;
}

int PresenceServerProcess::Stop() {
  process_->Signal(SIGTERM);
  return process_->Wait(std::chrono::seconds(10)).value_or(-1);
}

std::string PresenceServerProcess::log() const {
  return ReadFile(dir_.File("stderr.log"));
}

}  // namespace presence::testing
