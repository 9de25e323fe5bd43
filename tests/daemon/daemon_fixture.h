// A presence-server with millisecond intervals and a presenced in front of
// it, plus the stubs and waits the daemon's end-to-end tests share.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "presence/v1/control.grpc.pb.h"
#include "presence/v1/upstream.grpc.pb.h"
#include "support/control_targets.h"
#include "support/presence_server_process.h"
#include "support/presenced_process.h"
#include "support/wait.h"

namespace presence::testing {

namespace pb = ::presence::v1;
using std::chrono::milliseconds;

// Heartbeats every 50 ms, but the online threshold and the room timeout are
// long (3 s): a count that drops within a few hundred ms was dropped by a
// leave, not by expiry.
inline const std::vector<std::string> kFastServerFlags = {
    "--user-heartbeat-interval=50ms", "--room-heartbeat-interval=50ms",
    "--online-threshold=3s", "--room-timeout=3s", "--sweep-interval=50ms"};

// The server's shipped settings (every interval and timeout, and its sweep)
// divided by `factor`: tests run in milliseconds with the real ratios, so a
// default that contradicts another shows up as it would for a user.
std::vector<std::string> ShippedRatioFlags(int factor);

// An open Hold stream with its events collected on a thread.
class HoldStream {
 public:
  HoldStream(const std::string& socket, const pb::Target& target);
  ~HoldStream();

  // Waits for an event of `type`; false after `timeout`.
  bool WaitFor(pb::HoldEventType type, milliseconds timeout,
               pb::HoldEvent* out = nullptr);
  // Waits for the stream to end and returns its status.
  grpc::Status Finish(milliseconds timeout);
  void Cancel();

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::ControlService::Stub> stub_;
  grpc::ClientContext context_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<pb::HoldEvent> events_;
  std::optional<grpc::Status> status_;
  std::thread reader_;
};

// An open HoldMany call: requests written from the test's thread, events
// collected on a thread.
class HoldManyStream {
 public:
  explicit HoldManyStream(const std::string& socket);
  ~HoldManyStream();

  // Write a request; false when the call is broken.
  bool Hold(const pb::Target& target, uint64_t request_id);
  bool Release(const std::string& hold_id, uint64_t request_id);
  // Waits for the event that answers `request_id` (HELD or REFUSED); false
  // after `timeout`.
  bool WaitForAnswer(uint64_t request_id, milliseconds timeout,
                     pb::HoldEvent* out);
  // Waits for an event of `type` about `hold_id`.
  bool WaitFor(pb::HoldEventType type, const std::string& hold_id,
               milliseconds timeout);
  grpc::Status Finish(milliseconds timeout);
  void Cancel();

 private:
  bool Write(const pb::HoldManyRequest& request);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::ControlService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<pb::HoldManyRequest, pb::HoldEvent>>
      stream_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<pb::HoldEvent> events_;
  std::optional<grpc::Status> status_;
  std::thread reader_;
};

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // The flags SetUp starts the server with; a fixture overrides this to add
  // some (e.g. a Redis store) to kFastServerFlags.
  virtual std::vector<std::string> ServerFlags() const {
    return kFastServerFlags;
  }

  // Starts (another) presenced for `user_id` against the server.
  std::unique_ptr<PresencedProcess> StartDaemon(const std::string& user_id,
                                                const std::string& config = "");

  std::unique_ptr<pb::ControlService::Stub> Control(
      const PresencedProcess& daemon) const;

  pb::Status GetStatus();
  int64_t RoomCount(const std::string& room);
  // Admin update of the network settings on the server.
  void UpdateNetwork(const pb::UpdateNetworkSettingsRequest& update);
  // Waits until the daemon has read the server's settings.
  void WaitForServerSettings();

  std::unique_ptr<PresenceServerProcess> server_;
  std::unique_ptr<PresencedProcess> daemon_;
  std::unique_ptr<pb::ControlService::Stub> control_;
};

}  // namespace presence::testing
