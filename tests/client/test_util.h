// Small helpers for tests/client: running presencectl, and polling.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"
#include "support/wait.h"

extern char** environ;

namespace presence::testing {

// A started process whose stdout/stderr go to files.
struct Process {
  pid_t pid = -1;
  std::string out_path, err_path;
  int status = 0;

  // Exit code, 128+signal when killed, -1 on timeout (then it is killed).
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string out() const { return ReadFile(out_path); }
  std::string err() const { return ReadFile(err_path); }
};

inline Process Start(const std::vector<std::string>& argv,
                     const std::string& dir,
                     const std::vector<std::string>& env_extra = {}) {
  static int counter = 0;
  Process p;
  const std::string base = dir + "/proc" + std::to_string(++counter);
  p.out_path = base + ".out";
  p.err_path = base + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, p.out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, p.err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("PRESENCED_SOCKET=", 0) != 0) {
      env_strings.push_back(*e);
    }
  }
  for (const auto& e : env_extra) env_strings.push_back(e);
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  posix_spawn(&p.pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  return p;
}

// WaitUntil with the 5 s these tests allow by default.
inline bool Eventually(
    const std::function<bool()>& pred,
    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  return WaitUntil(pred, timeout);
}

}  // namespace presence::testing
