// End-to-end fixture of tests/client: the real presence-server (50 ms
// heartbeats, 3 s online threshold) and the real presenced in front of it,
// plus an "observer" session straight on the server, so that what presencectl
// and libpresence-client report can be checked against the server's truth
// rather than against the daemon's own reading of it.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "presence/v1/upstream.grpc.pb.h"
#include "support/presence_server_process.h"
#include "support/presenced_process.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace presence::testing {

namespace pb = ::presence::v1;
using std::chrono::milliseconds;

// Heartbeats every 50 ms, but a 3 s online threshold and room timeout: a
// count that drops within a few hundred ms was dropped by a leave, not by
// expiry.
inline const std::vector<std::string> kE2eServerFlags = {
    "--user-heartbeat-interval=50ms", "--room-heartbeat-interval=50ms",
    "--online-threshold=3s", "--room-timeout=3s", "--sweep-interval=50ms"};

// A session of its own on the presence-server (user "observer", which never
// sends heartbeats): reads what the server itself believes.
class ServerView {
 public:
  ServerView(const std::string& address, const std::string& api_key);

  // -1 when the call fails (with a gtest failure).
  int64_t RoomCount(const std::string& room);
  std::vector<pb::RoomViewer> RoomViewers(const std::string& room);
  pb::UserPresence User(const std::string& user_id);
  std::vector<pb::UserPresence> Users(const std::vector<std::string>& ids);
  int64_t OnlineCount();
  // Every page of the online users.
  std::vector<pb::UserPresence> OnlineUsers();
  // The per-user presence switch of `user_id`, as stored by the server (read
  // through a session of that user on another device).
  bool UserEnabled(const std::string& user_id);

 private:
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const;
  std::string Login(const std::string& user_id, const std::string& device);

  std::string api_key_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::PresenceService::Stub> stub_;
  std::string token_;
};

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts another presenced for `user_id` against the same server.
  std::unique_ptr<PresencedProcess> StartDaemon(const std::string& user_id);

  std::unique_ptr<PresenceServerProcess> server_;
  std::unique_ptr<PresencedProcess> daemon_;  // user "alice"
  std::unique_ptr<ServerView> truth_;
};

}  // namespace presence::testing
