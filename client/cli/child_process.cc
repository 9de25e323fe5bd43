#include "child_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <set>

#include "cli.h"

extern char** environ;

namespace presence::ctl {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kCommandNotFound = 127;
constexpr int kCommandNotExecutable = 126;

std::atomic<pid_t> g_child{0};
std::atomic<int> g_pending{0};  // a signal that came before the child

void Forward(int sig, siginfo_t* info, void*) {
  // A terminal's Ctrl-C already reaches the child (same process group);
  // forward only what was sent to presencectl by itself.
  if (info != nullptr && info->si_code == SI_KERNEL) return;
  const pid_t child = g_child.load();
  if (child > 0) {
    kill(child, sig);
  } else {
    g_pending.store(sig);
  }
}

std::set<int> OpenFds() {
  std::set<int> fds;
  if (DIR* dir = opendir("/proc/self/fd")) {
    const int own = dirfd(dir);
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      const int fd = std::atoi(entry->d_name);
      if (fd != own) fds.insert(fd);
    }
    closedir(dir);
  }
  return fds;
}

const std::set<int>& InheritedFds() {
  static const std::set<int> fds = OpenFds();
  return fds;
}

// So that the child cannot keep the hold's connection open after
// presencectl is gone.
void CloseOwnFdsOnExec() {
  for (int fd : OpenFds()) {
    if (InheritedFds().count(fd) != 0) continue;
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC) == 0) {
      fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
  }
}

// While it lives, kForwarded go to the child (or wait for it in g_pending).
class ForwardedSignals {
 public:
  ForwardedSignals() {
    struct sigaction action {};
    action.sa_sigaction = Forward;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    g_child.store(0);
    g_pending.store(0);
    for (int i = 0; i < kCount; ++i) {
      sigaction(kForwarded[i], &action, &saved_[i]);
    }
  }
  ~ForwardedSignals() {
    g_child.store(0);
    for (int i = 0; i < kCount; ++i) {
      sigaction(kForwarded[i], &saved_[i], nullptr);
    }
  }
  ForwardedSignals(const ForwardedSignals&) = delete;
  ForwardedSignals& operator=(const ForwardedSignals&) = delete;

  void To(pid_t child) {
    g_child.store(child);
    if (const int sig = g_pending.exchange(0)) kill(child, sig);
  }

 private:
  static constexpr int kCount = sizeof kForwarded / sizeof kForwarded[0];
  struct sigaction saved_[kCount];
};

// The child starts with the forwarded signals (and SIGPIPE) at their
// defaults and none blocked, whatever presencectl's handlers are.
int Spawn(const std::vector<std::string>& argv, pid_t* pid) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  for (int sig : kForwarded) sigaddset(&defaults, sig);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const int rc =
      posix_spawnp(pid, cargv[0], nullptr, &attr, cargv.data(), environ);
  posix_spawnattr_destroy(&attr);
  return rc;
}

int ExitCodeOf(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

void RememberInheritedFds() { InheritedFds(); }

int SpawnAndWait(const std::vector<std::string>& argv, std::ostream& err) {
  if (argv.empty()) return kExitUsage;
  CloseOwnFdsOnExec();
  ForwardedSignals forwarded;
  pid_t pid = 0;
  if (const int rc = Spawn(argv, &pid); rc != 0) {
    err << "presencectl: " << argv[0] << ": "
        << (rc == ENOENT ? "command not found" : std::strerror(rc)) << "\n";
    return rc == ENOENT ? kCommandNotFound : kCommandNotExecutable;
  }
  forwarded.To(pid);
  return ExitCodeOf(pid);
}

}  // namespace presence::ctl
