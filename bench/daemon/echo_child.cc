#include "echo_child.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "echo.grpc.pb.h"
#include "support/unix_socket.h"
#include "support/wait.h"

namespace presence::bench {
namespace {

// Sync API, like the daemon's unary control calls.
class SyncEcho final : public Echo::Service {
  grpc::Status Echo(grpc::ServerContext*, const EchoMessage* request,
                    EchoMessage* response) override {
    *response = *request;
    return grpc::Status::OK;
  }
};

[[noreturn]] void Serve(const std::string& path, int keepalive_fd) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  SyncEcho service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + path, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) _exit(1);
  char byte;
  while (read(keepalive_fd, &byte, 1) != 0) {
  }
  server->Shutdown(std::chrono::system_clock::now());
  _exit(0);
}

}  // namespace

EchoChild::EchoChild(const std::string& socket_path) : path_(socket_path) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    close(fds[1]);
    Serve(path_, fds[0]);
  }
  close(fds[0]);
  keepalive_fd_ = fds[1];
}

EchoChild::~EchoChild() {
  close(keepalive_fd_);
  int status = 0;
  const bool exited = testing::WaitUntil(
      [&] { return waitpid(pid_, &status, WNOHANG) == pid_; },
      std::chrono::milliseconds(3000));
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
}

bool EchoChild::WaitReady() const {
  return testing::WaitUntil([&] { return testing::UnixSocketAccepts(path_); },
                            std::chrono::milliseconds(10000));
}

}  // namespace presence::bench
