// UnixListener in this process, in front of a gRPC server with one method:
// a client's connection reaches gRPC once it has sent its HTTP/2 preface;
// bytes that are not HTTP/2 and silence past the deadline are closed before
// gRPC sees them (gRPC would first write its own SETTINGS, so "closed
// without a byte written" means "closed by the listener"); Stop() closes the
// connections still waiting.
#include "socket/unix_listener.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "presence/v1/control.grpc.pb.h"
#include "support/temp_dir.h"
#include "support/unix_socket.h"
#include "support/wait.h"

namespace presence::daemon {
namespace {

namespace pb = ::presence::v1;
using std::chrono::milliseconds;
using testing::ConnectUnixSocket;
using testing::kHttp2Magic;
using testing::ReadUntilClosed;
using testing::SilentConnections;

// An empty SETTINGS frame: what completes a client's preface after the magic.
const std::string kEmptySettings("\0\0\0\x04\0\0\0\0\0", 9);

// GetStatus answers "UID:PID" of the caller, as the listener read them.
class WhoAmI final : public pb::ControlService::Service {
 public:
  explicit WhoAmI(const UnixListener& listener) : listener_(listener) {}

  grpc::Status GetStatus(grpc::ServerContext* context,
                         const pb::GetStatusRequest*,
                         pb::Status* status) override {
    const auto peer = listener_.Lookup(context->peer());
    if (!peer) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "unknown peer " + context->peer());
    }
    status->set_user_id(std::to_string(peer->uid) + ":" +
                        std::to_string(peer->pid));
    return grpc::Status::OK;
  }

 private:
  const UnixListener& listener_;
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

class UnixListenerTest : public ::testing::Test {
 protected:
  void Start(milliseconds preface_timeout) {
    ListenerOptions options;
    options.path = dir_.File("control.sock");
    options.preface_timeout = preface_timeout;
    std::string error;
    listener_ = UnixListener::Open(options, &error);
    ASSERT_TRUE(listener_) << error;
    service_ = std::make_unique<WhoAmI>(*listener_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    listener_->Serve(server_.get());
  }

  void TearDown() override {
    if (listener_) listener_->Stop();
    if (server_) server_->Shutdown();
  }

  std::string path() const { return listener_->path(); }

  // A GetStatus call over a new channel: its answer, or the error.
  std::string WhoAmICall() {
    auto stub = pb::ControlService::NewStub(grpc::CreateChannel(
        "unix:" + path(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    pb::Status status;
    const grpc::Status result =
        stub->GetStatus(&context, pb::GetStatusRequest(), &status);
    return result.ok() ? status.user_id() : "error: " + result.error_message();
  }

  testing::TempDir dir_;
  std::unique_ptr<UnixListener> listener_;
  std::unique_ptr<WhoAmI> service_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(UnixListenerTest, AGrpcClientIsServedAndKnownByItsCredentials) {
  Start(milliseconds(5000));
  EXPECT_EQ(WhoAmICall(),
            std::to_string(getuid()) + ":" + std::to_string(getpid()));
}

TEST_F(UnixListenerTest, BytesThatAreNotHttp2AreClosedAtOnceUnanswered) {
  Start(milliseconds(60000));
  for (const std::string& garbage :
       {std::string("GET / HTTP/1.1\r\nHost: presenced\r\n\r\n"),
        std::string(kHttp2Magic) +
            std::string("\0\0\0\x01\x04\0\0\0\x01", 9)}) {
    const int fd = ConnectUnixSocket(path());
    ASSERT_GE(fd, 0);
    ASSERT_EQ(send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(garbage.size()));
    const testing::ReadToEnd end = ReadUntilClosed(fd, 2000);
    close(fd);
    EXPECT_TRUE(end.closed) << garbage;
    EXPECT_EQ(end.bytes.size(), 0u) << "gRPC saw it: " << garbage;
  }
  EXPECT_EQ(listener_->preface_timeouts(), 0u);
}

TEST_F(UnixListenerTest, NoWholePrefaceByTheDeadlineIsClosedWithoutSpinning) {
  const milliseconds deadline(300);
  Start(deadline);
  const double cpu_before = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  // Silence, half the magic (the socket stays readable: a level-triggered
  // loop would spin on it), the magic without its SETTINGS frame.
  const std::string magic = kHttp2Magic;
  SilentConnections silent(path(), 1, "");
  SilentConnections half(path(), 1, magic.substr(0, 12));
  SilentConnections magic_only(path(), 1, magic);

  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        return silent.ClosedByServer() + half.ClosedByServer() +
                   magic_only.ClosedByServer() ==
               3;
      },
      deadline + milliseconds(3000)));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, deadline);
  EXPECT_EQ(listener_->preface_timeouts(), 3u);
  const double wall = std::chrono::duration<double>(waited).count();
  EXPECT_LT(CpuSeconds() - cpu_before, wall / 2)
      << "this process was busy while the connections waited";
}

TEST_F(UnixListenerTest, APrefaceSentInPiecesReachesGrpc) {
  Start(milliseconds(5000));
  const int fd = ConnectUnixSocket(path());
  ASSERT_GE(fd, 0);
  const std::string magic = kHttp2Magic;
  ASSERT_EQ(send(fd, magic.data(), 10, MSG_NOSIGNAL), 10);
  // Apart, so that the listener sees the first piece alone.
  std::this_thread::sleep_for(milliseconds(50));
  const std::string rest = magic.substr(10) + kEmptySettings;
  ASSERT_EQ(send(fd, rest.data(), rest.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(rest.size()));
  // gRPC answers with its own SETTINGS frame (type 4, on stream 0).
  std::string answer;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        char buffer[64];
        const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) answer.append(buffer, n);
        return answer.size() >= 9;
      },
      milliseconds(3000)));
  close(fd);
  EXPECT_EQ(answer[3], '\x04') << "not a SETTINGS frame";
}

TEST_F(UnixListenerTest, StopClosesTheConnectionsStillWaiting) {
  Start(milliseconds(60000));
  SilentConnections waiting(path(), 3, "PRI * HTTP");
  // Connections are accepted in the order they came: once a later client
  // is served, the three are waiting in the listener.
  ASSERT_EQ(WhoAmICall().rfind("error", 0), std::string::npos);
  EXPECT_EQ(waiting.ClosedByServer(), 0);
  listener_->Stop();
  EXPECT_TRUE(testing::WaitUntil([&] { return waiting.ClosedByServer() == 3; },
                                 milliseconds(2000)));
  EXPECT_EQ(listener_->preface_timeouts(), 0u);
}

}  // namespace
}  // namespace presence::daemon
