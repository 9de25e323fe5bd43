// HoldSet::Add's refusal against a HoldMany that answers as the test says:
// the Error's code is the REFUSED event's code field, never read out of its
// message text.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "presence/client/client.h"
#include "presence/v1/control.grpc.pb.h"
#include "support/temp_dir.h"

namespace presence::client {
namespace {

using namespace std::chrono_literals;

struct Answer {
  bool held;
  grpc::StatusCode code;  // REFUSED's code field
  std::string message;
};

Answer Held() { return {true, grpc::StatusCode::OK, ""}; }
Answer Refused(grpc::StatusCode code, std::string message) {
  return {false, code, std::move(message)};
}

// HoldMany only: each hold request on a room is answered by the room's
// Answer; releases are not answered.
class ScriptedHoldMany final : public v1::ControlService::Service {
 public:
  ScriptedHoldMany(const std::string& socket_path,
                   std::map<std::string, Answer> answers)
      : answers_(std::move(answers)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_path,
                             grpc::InsecureServerCredentials());
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~ScriptedHoldMany() override {
    server_->Shutdown(std::chrono::system_clock::now() + 50ms);
  }

  grpc::Status HoldMany(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::HoldEvent, v1::HoldManyRequest>* stream)
      override {
    v1::HoldManyRequest request;
    while (stream->Read(&request)) {
      if (!request.has_hold()) continue;
      const Answer& answer = answers_.at(request.hold().target().room_id());
      v1::HoldEvent event;
      event.set_request_id(request.request_id());
      if (answer.held) {
        event.set_type(v1::HOLD_EVENT_HELD);
        event.set_hold_id("h-" + std::to_string(request.request_id()));
      } else {
        event.set_type(v1::HOLD_EVENT_REFUSED);
        event.set_code(answer.code);
        event.set_message(answer.message);
      }
      stream->Write(event);
    }
    return grpc::Status::OK;
  }

 private:
  const std::map<std::string, Answer> answers_;
  std::unique_ptr<grpc::Server> server_;
};

TEST(HoldSetRefusal, CarriesTheEventsCodeField) {
  testing::TempDir dir;
  const std::string socket = dir.File("d.sock");
  ScriptedHoldMany daemon(
      socket,
      {{"vip", Refused(grpc::StatusCode::PERMISSION_DENIED,
                       "PERMISSION_DENIED: room vip is invite-only")},
       // The text names no code, or another one: the field decides.
       {"full", Refused(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many")},
       {"odd", Refused(grpc::StatusCode::ABORTED, "NOT_FOUND: text is off")},
       // A daemon older than the field leaves it 0 (OK), which is no reason.
       {"old", Refused(grpc::StatusCode::OK, "NOT_FOUND: no room old")},
       {"lobby", Held()}});
  Client client({socket, 2s, "refusal-test"});
  auto set = client.OpenHoldSet();
  ASSERT_TRUE(set) << set.error().message;

  auto vip = set->AddRoom("vip");
  ASSERT_FALSE(vip);
  EXPECT_EQ(vip.error().code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(vip.error().message, "room vip is invite-only");
  EXPECT_FALSE(vip.error().unreachable);

  auto full = set->AddRoom("full");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(full.error().message, "too many");

  auto odd = set->AddRoom("odd");
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, grpc::StatusCode::ABORTED);
  EXPECT_EQ(odd.error().message, "NOT_FOUND: text is off");

  auto old = set->AddRoom("old");
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(old.error().message, "NOT_FOUND: no room old");

  // Refusals leave the set as it was: it still holds.
  auto lobby = set->AddRoom("lobby");
  ASSERT_TRUE(lobby) << lobby.error().message;
  EXPECT_TRUE(set->held(*lobby));
  EXPECT_EQ(set->size(), 1u);
}

}  // namespace
}  // namespace presence::client
