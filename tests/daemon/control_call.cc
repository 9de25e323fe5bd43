// Test helper: makes one control call to presenced as another uid (or holds a
// room until killed), so the integration tests can check peer credentials
// and crash release with a real separate process.
//
//   control_call SOCKET UID OP [ROOM]
//   OP: hold-room | start-room | stop-room | logout
//
// Prints "OK ..." or "<grpc code number> <message>" on stdout.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include "presence/v1/control.grpc.pb.h"

namespace pb = presence::v1;

int Report(const grpc::Status& status, const std::string& detail = "") {
  if (status.ok()) {
    std::printf("OK %s\n", detail.c_str());
  } else {
    std::printf("%d %s\n", status.error_code(), status.error_message().c_str());
  }
  std::fflush(stdout);
  return status.ok() ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: control_call SOCKET UID OP [ROOM]\n");
    return 2;
  }
  const std::string socket = argv[1];
  const uid_t uid = static_cast<uid_t>(std::stoul(argv[2]));
  const std::string op = argv[3];
  const std::string room = argc > 4 ? argv[4] : "";
  if (uid != getuid() && (setgid(uid) != 0 || setuid(uid) != 0)) {
    std::perror("setuid");
    return 2;
  }
  auto stub = pb::ControlService::NewStub(grpc::CreateChannel(
      "unix:" + socket, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  if (op == "hold-room") {
    pb::HoldRequest request;
    request.mutable_target()->set_kind(pb::TARGET_KIND_ROOM);
    request.mutable_target()->set_room_id(room);
    request.set_client_name("control_call");
    auto reader = stub->Hold(&context, request);
    pb::HoldEvent event;
    while (reader->Read(&event)) {
      if (event.type() == pb::HOLD_EVENT_HELD) {
        std::printf("HELD %s\n", event.hold_id().c_str());
        std::fflush(stdout);
      }
    }
    return Report(reader->Finish());
  }
  if (op == "start-room") {
    pb::StartRoomHeartbeatRequest request;
    request.set_room_id(room);
    pb::StartResponse response;
    const grpc::Status status =
        stub->StartRoomHeartbeat(&context, request, &response);
    return Report(status, response.hold_id());
  }
  if (op == "stop-room") {
    pb::StopRoomHeartbeatRequest request;
    request.set_room_id(room);
    pb::StopResponse response;
    const grpc::Status status =
        stub->StopRoomHeartbeat(&context, request, &response);
    return Report(status, std::to_string(response.stopped()));
  }
  if (op == "logout") {
    pb::LogoutResponse response;
    return Report(stub->Logout(&context, pb::LogoutRequest(), &response));
  }
  std::fprintf(stderr, "control_call: unknown op %s\n", op.c_str());
  return 2;
}
