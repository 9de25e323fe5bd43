// presenced as a system service: readiness through NOTIFY_SOCKET, socket
// activation, SIGHUP reload, SIGTERM leave, detached holds across restarts,
// and config errors.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "daemon_fixture.h"
#include "support/control_calls.h"

namespace presence::testing {
namespace {

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    timeval timeout{0, 100 * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { close(fd_); }

  // Waits for a datagram containing `line`.
  bool WaitFor(const std::string& line, milliseconds timeout) {
    return WaitUntil(
        [&] {
          char buffer[4096];
          const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
          if (n > 0) received_ += std::string(buffer, n) + "\n";
          return received_.find(line) != std::string::npos;
        },
        timeout, milliseconds(0));
  }

 private:
  std::string path_;
  int fd_;
  std::string received_;
};

// A TCP port that accepts connections and never answers: a presence server
// that hangs.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bind(fd_, reinterpret_cast<sockaddr*>(&address), length);
    listen(fd_, 64);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { close(fd_); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_;
};

class ServiceTest : public DaemonTest {
 protected:
  void SetUp() override {
    server_ = std::make_unique<PresenceServerProcess>(
        PresenceServerOptions{kFastServerFlags});
  }

  void Use(std::unique_ptr<PresencedProcess> daemon) {
    daemon_ = std::move(daemon);
    control_ = Control(*daemon_);
  }

  PresencedOptions Options() const {
    PresencedOptions options;
    options.upstream = server_->address();
    options.api_key = server_->api_key();
    return options;
  }
};

TEST_F(ServiceTest, TellsSystemdWhenReadyAndWhenStopping) {
  TempDir dir;
  NotifySocket notify(dir.File("notify"));
  PresencedOptions options = Options();
  options.env["NOTIFY_SOCKET"] = dir.File("notify");
  Use(std::make_unique<PresencedProcess>(options));
  EXPECT_TRUE(notify.WaitFor("READY=1", milliseconds(5000)));
  EXPECT_EQ(daemon_->Stop(), 0);
  EXPECT_TRUE(notify.WaitFor("STOPPING=1", milliseconds(5000)));
}

TEST_F(ServiceTest, TakesAnInheritedSocketFromSocketActivation) {
  TempDir dir;
  const std::string socket = dir.File("activated.sock");
  Subprocess activator(
      {"/usr/bin/systemd-socket-activate", "-l", socket, PRESENCED_BIN,
       "--socket=" + socket, "--upstream=" + server_->address(),
       "--user-id=alice", "--state-dir=" + dir.File("state"),
       "--config=" + dir.Write("presenced.toml", ""),
       "--api-key-file=" + dir.Write("key", server_->api_key())},
      SubprocessOptions{{}, "", dir.File("log")});
  auto control = pb::ControlService::NewStub(grpc::CreateChannel(
      "unix:" + socket, grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(WaitUntil([&] { return access(socket.c_str(), F_OK) == 0; },
                        milliseconds(5000)));
  grpc::ClientContext context;
  context.set_wait_for_ready(true);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  pb::Status status;
  ASSERT_TRUE(
      control->GetStatus(&context, pb::GetStatusRequest(), &status).ok())
      << ReadFile(dir.File("log"));
  EXPECT_EQ(status.user_id(), "alice");
  EXPECT_NE(ReadFile(dir.File("log")).find("socket activated"),
            std::string::npos);
  activator.Signal(SIGTERM);
  EXPECT_EQ(activator.Wait(milliseconds(5000)), 0);
}

TEST_F(ServiceTest, SighupReloadsWithoutDroppingHolds) {
  auto second = std::make_unique<PresenceServerProcess>(
      PresenceServerOptions{kFastServerFlags});
  PresencedOptions options = Options();
  options.upstream.clear();
  options.config = "upstream = \"" + server_->address() + "\"\n";
  Use(std::make_unique<PresencedProcess>(options));
  HoldStream hold(daemon_->socket_path(), RoomTarget("kept"));
  ASSERT_TRUE(
      hold.WaitFor(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED, milliseconds(3000)));
  ASSERT_TRUE(StartRoom(*control_, "detached").ok());

  // Point it at the second server (same API key) and reload.
  std::ofstream(daemon_->config_path())
      << "upstream = \"" << second->address() << "\"\n";
  daemon_->process().Signal(SIGHUP);
  ASSERT_TRUE(
      WaitUntil([&] { return GetStatus().upstream() == second->address(); },
                milliseconds(3000)))
      << daemon_->log();
  EXPECT_EQ(HeldRooms(*control_),
            (std::vector<std::string>{"detached", "kept"}));
  EXPECT_EQ(hold.Finish(milliseconds(0)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);  // still open
  // Heartbeats now reach the second server.
  auto on_second = pb::ControlService::NewStub(grpc::CreateChannel(
      "unix:" + daemon_->socket_path(), grpc::InsecureChannelCredentials()));
  EXPECT_TRUE(
      WaitUntil([&] { return RoomCount("kept") == 1; }, milliseconds(3000)));

  // A broken file is reported and the running configuration kept.
  std::ofstream(daemon_->config_path()) << "bogus = 1\n";
  daemon_->process().Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil(
      [&] { return daemon_->log().find("reload failed") != std::string::npos; },
      milliseconds(3000)));
  EXPECT_EQ(GetStatus().upstream(), second->address());
}

// SIGTERM is not a leave at once: the server keeps this device's presence
// for restart_grace (so a restart is invisible), then drops it.
TEST_F(ServiceTest, SigtermLeavesAfterTheGraceRemovesTheSocketAndExitsZero) {
  PresencedOptions options = Options();
  options.config = "restart_grace = \"1s\"\n";
  Use(std::make_unique<PresencedProcess>(options));
  ASSERT_TRUE(StartRoom(*control_, "closing").ok());
  ASSERT_TRUE(
      WaitUntil([&] { return RoomCount("closing") == 1; }, milliseconds(3000)));
  auto observer = StartDaemon("observer");
  auto observer_control = Control(*observer);
  const auto count = [&] {
    grpc::ClientContext context;
    pb::GetRoomViewerCountRequest request;
    request.set_room_id("closing");
    pb::GetRoomViewerCountResponse response;
    observer_control->GetRoomViewerCount(&context, request, &response);
    return response.count();
  };
  const auto stopped_at = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon_->Stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, milliseconds(2500));
  EXPECT_NE(access(daemon_->socket_path().c_str(), F_OK), 0);
  EXPECT_EQ(count(), 1);  // within the grace
  // The threshold is 3 s: a drop this soon after the 1 s grace is the leave.
  EXPECT_TRUE(WaitUntil([&] { return count() == 0; }, milliseconds(2000)));
  EXPECT_GE(std::chrono::steady_clock::now() - stopped_at, milliseconds(900));
}

// Reads wait on the presence server in a small pool. With the server hung
// and more reads than threads, Enable still gets its answer within the
// upstream deadline (5 s), and so does SIGTERM: neither waits out every
// queued read.
TEST_F(ServiceTest, HungServerQueuesReadsButNotSwitchesOrShutdown) {
  SilentServer silent;
  PresencedOptions options = Options();
  options.upstream = silent.address();
  Use(std::make_unique<PresencedProcess>(options));
  std::vector<std::thread> readers;
  for (int i = 0; i < 12; ++i) {
    readers.emplace_back([&] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(30));
      pb::IsEnabledResponse response;
      control_->IsEnabled(&context, pb::IsEnabledRequest(), &response);
    });
  }
  std::this_thread::sleep_for(milliseconds(300));  // let them arrive

  // The switches have a lane of their own: Enable waits on the server, not
  // behind the reads (4 running and 8 queued would be 15 s in one pool).
  const auto enable_at = std::chrono::steady_clock::now();
  grpc::ClientContext enable_context;
  enable_context.set_deadline(std::chrono::system_clock::now() +
                              std::chrono::seconds(30));
  pb::IsEnabledResponse enabled;
  const grpc::Status enable =
      control_->Enable(&enable_context, pb::EnableRequest(), &enabled);
  EXPECT_NE(enable.error_message().find("is unreachable"), std::string::npos)
      << enable.error_code() << " " << enable.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - enable_at,
            std::chrono::seconds(8));

  const auto stopped_at = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon_->Stop(), 0) << daemon_->log();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at,
            std::chrono::seconds(8));
  for (auto& reader : readers) reader.join();
}

// Every stream ends with the status that tells clients to re-attach, also
// those the engine knows nothing of: a Sync, and a HoldMany holding nothing.
TEST_F(ServiceTest, SigtermEndsEveryStreamTellingClientsToReattach) {
  Use(std::make_unique<PresencedProcess>(Options()));
  grpc::ClientContext sync_context;
  pb::SyncRequest sync_request;
  sync_request.add_user_ids("bob");
  auto sync = control_->Sync(&sync_context, sync_request);
  ASSERT_TRUE(WaitUntil([&] { return GetStatus().sync_watchers() == 1; },
                        milliseconds(3000)));
  grpc::ClientContext many_context;
  auto many = control_->HoldMany(&many_context);
  pb::HoldManyRequest release;  // answered, so the call is surely open
  release.set_release_hold_id("0123456789abcdef");
  release.set_request_id(1);
  ASSERT_TRUE(many->Write(release));
  pb::HoldEvent event;
  ASSERT_TRUE(many->Read(&event));
  EXPECT_EQ(event.type(), pb::HOLD_EVENT_REFUSED);

  EXPECT_EQ(daemon_->Stop(), 0);
  pb::UserPresence update;
  while (sync->Read(&update)) {
  }
  while (many->Read(&event)) {
  }
  for (const grpc::Status& status : {sync->Finish(), many->Finish()}) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    // Usually "presenced is stopping; re-attach when it is back". The
    // daemon may exit before this client has read that far, and then gRPC
    // reports the closed connection instead ("Broken pipe"); never its own
    // shutdown's cancellation, which is what these streams got before.
    EXPECT_NE(status.error_message(), "Cancelling all calls");
  }
}

TEST_F(ServiceTest, RestartRestoresDetachedHoldsAndDropsExpiredOnes) {
  Use(std::make_unique<PresencedProcess>(Options()));
  ASSERT_TRUE(StartRoom(*control_, "lasting").ok());
  ASSERT_TRUE(StartRoom(*control_, "fleeting", 300).ok());
  ASSERT_EQ(HeldRooms(*control_),
            (std::vector<std::string>{"fleeting", "lasting"}));
  ASSERT_EQ(daemon_->Stop(), 0);
  // Let the short TTL pass while the daemon is down.
  std::this_thread::sleep_for(milliseconds(400));
  daemon_->Restart();
  control_ = Control(*daemon_);
  EXPECT_EQ(HeldRooms(*control_), std::vector<std::string>{"lasting"});
  EXPECT_TRUE(
      WaitUntil([&] { return RoomCount("lasting") == 1; }, milliseconds(3000)));
  EXPECT_NE(daemon_->log().find("TTL passed while presenced was down"),
            std::string::npos);
}

TEST_F(ServiceTest, CorruptStateFileIsMovedAsideAndTheDaemonStarts) {
  PresencedOptions options = Options();
  Use(std::make_unique<PresencedProcess>(options));
  ASSERT_EQ(daemon_->Stop(), 0);
  std::ofstream(daemon_->state_dir() + "/holds") << "not a hold file\n";
  daemon_->Restart();
  control_ = Control(*daemon_);
  EXPECT_TRUE(HeldRooms(*control_).empty());
  EXPECT_NE(daemon_->log().find("is corrupt"), std::string::npos);
  bool moved_aside = false;
  DIR* dir = opendir(daemon_->state_dir().c_str());
  while (dirent* entry = readdir(dir)) {
    moved_aside |= std::string(entry->d_name).rfind("holds.corrupt-", 0) == 0;
  }
  closedir(dir);
  EXPECT_TRUE(moved_aside);
}

struct ConfigCase {
  std::string name;
  std::string toml;
  std::string expected;  // in stderr, after the file name
};

// Test names (and ctest's) show the case's name, not its bytes.
void PrintTo(const ConfigCase& config_case, std::ostream* out) {
  *out << config_case.name;
}

class ConfigErrorTest : public ::testing::TestWithParam<ConfigCase> {};

TEST_P(ConfigErrorTest, RefusesToStartNamingFileLineAndKey) {
  TempDir dir;
  const std::string config = dir.Write("presenced.toml", GetParam().toml);
  Subprocess daemon(
      {PRESENCED_BIN, "--config=" + config, "--socket=" + dir.File("s.sock"),
       "--state-dir=" + dir.path()},
      SubprocessOptions{{}, "", dir.File("stderr")});
  EXPECT_EQ(daemon.Wait(milliseconds(5000)), 78);
  const std::string stderr_text = ReadFile(dir.File("stderr"));
  EXPECT_NE(stderr_text.find(GetParam().expected), std::string::npos)
      << stderr_text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigErrorTest,
    ::testing::Values(
        ConfigCase{"UnknownKey", "user_id = \"a\"\nbogus = 1\n",
                   "presenced.toml:2: key 'bogus': unknown key"},
        ConfigCase{"SocketModeNotOctal", "user_id = \"a\"\nsocket_mode = 660\n",
                   "presenced.toml:2: key 'socket_mode': must be an octal"},
        ConfigCase{"BadDuration", "user_id = \"a\"\n\nbackoff_cap = \"1ms\"\n",
                   "presenced.toml:3: key 'backoff_cap': must be a duration"},
        ConfigCase{"UserIdNotAString", "user_id = 5\n",
                   "presenced.toml:1: key 'user_id': must be "
                   "a string"},
        ConfigCase{"BadLogLevel", "log_level = \"loud\"\nuser_id = \"a\"\n",
                   "log_level must be"},
        ConfigCase{"NoUserId", "upstream = \"x:1\"\n", "user_id is not set"},
        ConfigCase{"TomlSyntax", "user_id = \"a\"\nupstream = [\n",
                   "presenced.toml:"}),
    [](const auto& info) { return info.param.name; });

// Under systemd stderr is the journal, which reads a leading "<N>" as the
// line's syslog priority: `journalctl -p err` must find the errors.
TEST_F(ServiceTest, UnderTheJournalEachLineCarriesItsSyslogPriority) {
  PresencedOptions options = Options();
  options.api_key = "not-the-network-key";
  options.env["JOURNAL_STREAM"] = "8:12345";
  Use(std::make_unique<PresencedProcess>(options));
  ASSERT_TRUE(StartRoom(*control_, "journal").ok());  // meets the rejection
  const auto line_with = [&](const std::string& text) {
    std::istringstream log(daemon_->log());
    for (std::string line; std::getline(log, line);) {
      if (line.find(text) != std::string::npos) return line;
    }
    return std::string();
  };
  ASSERT_TRUE(
      WaitUntil([&] { return !line_with("rejected the credentials").empty(); },
                milliseconds(5000)))
      << daemon_->log();
  EXPECT_EQ(line_with("rejected the credentials").rfind("<3>", 0), 0u)
      << daemon_->log();
  EXPECT_EQ(line_with(" serving ").rfind("<6>presenced ", 0), 0u)
      << daemon_->log();
}

}  // namespace
}  // namespace presence::testing
