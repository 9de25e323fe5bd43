#include "support/control_calls.h"

#include <grpcpp/grpcpp.h>

namespace presence::testing {

namespace pb = ::presence::v1;

std::unique_ptr<ControlStub> ConnectControl(const std::string& path) {
  return pb::ControlService::NewStub(
      grpc::CreateChannel("unix:" + path, grpc::InsecureChannelCredentials()));
}

grpc::Status StartRoom(ControlStub& control, const std::string& room,
                       int64_t ttl_ms, std::string* hold_id) {
  grpc::ClientContext context;
  pb::StartRoomHeartbeatRequest request;
  request.set_room_id(room);
  request.set_ttl_ms(ttl_ms);
  request.set_client_name("e2e-test");
  pb::StartResponse response;
  const grpc::Status status =
      control.StartRoomHeartbeat(&context, request, &response);
  if (hold_id != nullptr) *hold_id = response.hold_id();
  return status;
}

grpc::Status StopRoom(ControlStub& control, const std::string& room) {
  grpc::ClientContext context;
  pb::StopRoomHeartbeatRequest request;
  request.set_room_id(room);
  pb::StopResponse response;
  return control.StopRoomHeartbeat(&context, request, &response);
}

grpc::Status StartUser(ControlStub& control) {
  grpc::ClientContext context;
  pb::StartUserHeartbeatRequest request;
  request.set_client_name("e2e-test");
  pb::StartResponse response;
  return control.StartUserHeartbeat(&context, request, &response);
}

grpc::Status EnableUser(ControlStub& control) {
  grpc::ClientContext context;
  pb::IsEnabledResponse response;
  return control.Enable(&context, pb::EnableRequest(), &response);
}

std::vector<std::string> HeldRooms(ControlStub& control) {
  grpc::ClientContext context;
  pb::Status status;
  control.GetStatus(&context, pb::GetStatusRequest(), &status);
  std::vector<std::string> rooms;
  for (const auto& target : status.targets()) {
    if (target.target().kind() == pb::TARGET_KIND_ROOM) {
      rooms.push_back(target.target().room_id());
    }
  }
  return rooms;
}

}  // namespace presence::testing
