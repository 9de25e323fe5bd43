// The real presence-server binary on 127.0.0.1 with a free port, for
// integration tests of the server, the daemon and the CLI.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace presence::testing {

struct PresenceServerOptions {
  // Extra flags, e.g. {"--online-threshold=300ms", "--sweep-interval=50ms"}.
  std::vector<std::string> flags;
  // Without key files: a demo network (any API key; admin from loopback).
  bool demo = false;
  // Added to (or replacing) the test's environment.
  std::map<std::string, std::string> env = {};
};

class PresenceServerProcess {
 public:
  // Starts the server and waits until it serves; throws std::runtime_error
  // (with the server's log) when it does not come up.
  explicit PresenceServerProcess(PresenceServerOptions options = {});
  ~PresenceServerProcess();

  const std::string& address() const { return address_; }
  // The keys the server was given ("" in demo mode, where any key works).
  const std::string& api_key() const { return api_key_; }
  const std::string& admin_token() const { return admin_token_; }
  // "Bearer <admin token>", ready for an "authorization" metadata value.
  std::string admin_authorization() const;

  // Sends SIGTERM and returns the exit code (-1 when it did not exit in 10s).
  int Stop();
  // Starts a fresh server (empty state, same keys) on the same address.
  void Restart();
  // Everything the server wrote to stderr so far.
  std::string log() const;

 private:
  TempDir dir_;
  std::string api_key_;
  std::string admin_token_;
  void Launch(const std::string& listen);

  std::vector<std::string> flags_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<Subprocess> process_;
  std::string address_;
};

}  // namespace presence::testing
