#include "support/presence_server_process.h"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/wait.h"

namespace presence::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

}  // namespace

PresenceServerProcess::PresenceServerProcess(PresenceServerOptions options) {
  const std::string port_file = dir_.File("port");
  std::vector<std::string> args = {PRESENCE_SERVER_BIN, "--listen=127.0.0.1:0",
                                   "--port-file=" + port_file,
                                   "--log-level=debug"};
  if (!options.demo) {
    api_key_ = "test-api-key";
    admin_token_ = "test-admin-token";
    args.push_back("--api-key-file=" + dir_.Write("api-key", api_key_ + "\n"));
    args.push_back("--admin-token-file=" +
                   dir_.Write("admin-token", admin_token_ + "\n"));
  }
  args.insert(args.end(), options.flags.begin(), options.flags.end());
  process_ = std::make_unique<Subprocess>(
      args, SubprocessOptions{{}, "", dir_.File("stderr.log")});

  const bool serving = WaitUntil(
      [&] {
        std::ifstream file(port_file);
        return std::getline(file, address_) && !address_.empty();
      },
      std::chrono::seconds(10));
  if (!serving) {
    throw std::runtime_error("presence-server did not start; log:\n" + log());
  }
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
