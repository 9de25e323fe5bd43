#include "contract/request_parser.h"

#include <gtest/gtest.h>

#include "presence/v1/control.pb.h"
#include "presence/v1/upstream.pb.h"

namespace presence {
namespace {

// C++ protobuf serializes a proto3 string that is not UTF-8 (and logs an
// error), which is how a buggy or hostile peer's bytes look on the wire.
template <typename Message>
std::string Wire(const Message& message) {
  return message.SerializeAsString();
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

TEST(DescribeInvalidUtf8, NamesATopLevelField) {
  v1::CreateSessionRequest request;
  request.set_user_id("alice");
  request.set_device_id("\xFF");
  EXPECT_EQ(DescribeInvalidUtf8(*request.GetDescriptor(), Wire(request)),
            "device_id is not valid UTF-8 (at byte 0)");
}

TEST(DescribeInvalidUtf8, NamesTheElementOfARepeatedField) {
  v1::HeartbeatRequest request;
  request.add_room_ids("ok");
  request.add_room_ids("a\xC3");
  EXPECT_EQ(DescribeInvalidUtf8(*request.GetDescriptor(), Wire(request)),
            "room_ids[1] is not valid UTF-8 (at byte 1)");
}

TEST(DescribeInvalidUtf8, NamesAFieldInsideNestedMessages) {
  v1::HoldManyRequest request;
  request.set_request_id(7);
  request.mutable_hold()->set_client_name("app");
  request.mutable_hold()->mutable_target()->set_room_id("\xED\xA0\x80");
  EXPECT_EQ(DescribeInvalidUtf8(*request.GetDescriptor(), Wire(request)),
            "hold.target.room_id is not valid UTF-8 (at byte 0)");
}

TEST(DescribeInvalidUtf8, IsEmptyForValidOrUnreadableBytes) {
  v1::SyncRequest request;
  request.add_user_ids("caf\xC3\xA9");
  request.set_view_id("v");
  const std::string wire = Wire(request);
  EXPECT_EQ(DescribeInvalidUtf8(*request.GetDescriptor(), wire), "");
  EXPECT_EQ(DescribeInvalidUtf8(*request.GetDescriptor(), wire.substr(0, 3)),
            "");
  EXPECT_EQ(DescribeInvalidUtf8(*request.GetDescriptor(), "\xFF\xFF\xFF"), "");
}

TEST(DescribeInvalidUtf8, SkipsUnknownGroupsAsTheParserDoes) {
  // Field 15 as a group holding a varint, then room_ids = "\xff".
  const std::string wire = std::string("\x7B\x08\x05\x7C") + "\x12\x01\xFF";
  EXPECT_EQ(DescribeInvalidUtf8(*v1::HeartbeatRequest::descriptor(), wire),
            "room_ids[0] is not valid UTF-8 (at byte 0)");
}

TEST(DescribeInvalidUtf8, GivesUpOnALengthPastTheEnd) {
  // room_ids with a length of 2^32 + 1: not to be read as 1.
  const std::string wire =
      std::string("\x12\x81\x80\x80\x80\x10") + "\x12\x01\xFF";
  EXPECT_EQ(DescribeInvalidUtf8(*v1::HeartbeatRequest::descriptor(), wire), "");
}

TEST(DescribeInvalidUtf8, StopsAtProtobufsNestingLimit) {
  std::string wire;
  for (int i = 0; i < 100000; ++i) wire += "\x7B";  // groups in groups
  EXPECT_EQ(DescribeInvalidUtf8(*v1::HeartbeatRequest::descriptor(), wire), "");
}

TEST(ParseRequest, ParsesAValidRequest) {
  v1::HeartbeatRequest sent;
  sent.set_user(true);
  sent.add_room_ids("r1");
  v1::HeartbeatRequest parsed;
  ASSERT_TRUE(ParseRequest(Buffer(Wire(sent)), &parsed).ok());
  EXPECT_TRUE(parsed.user());
  ASSERT_EQ(parsed.room_ids_size(), 1);
  EXPECT_EQ(parsed.room_ids(0), "r1");
}

TEST(ParseRequest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  v1::GetUserPresenceRequest sent;
  sent.add_user_ids("a");
  sent.add_user_ids("b");
  sent.add_user_ids("\xC0\x80");
  v1::GetUserPresenceRequest parsed;
  const grpc::Status status = ParseRequest(Buffer(Wire(sent)), &parsed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "user_ids[2] is not valid UTF-8 (at byte 0)");
}

TEST(ParseRequest, BytesThatAreNoMessageAreInvalidArgument) {
  v1::GetRoomViewerCountRequest parsed;
  const grpc::Status status = ParseRequest(Buffer("\x0A\x09short"), &parsed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "the request is not a valid presence.v1.GetRoomViewerCountRequest "
            "message");
}

TEST(ParseRequest, NoMessageAtAllIsInvalidArgument) {
  v1::GetStatusRequest parsed;
  const grpc::Status status = ParseRequest(grpc::ByteBuffer(), &parsed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "the call carries no presence.v1.GetStatusRequest message");
}

TEST(SerializeResponse, ReplacesWhatTheBufferHeld) {
  // Longer than a slice's inline bytes, so gRPC's stream writer is used,
  // which appends only to an empty buffer.
  grpc::ByteBuffer wire;
  v1::GetUserPresenceRequest first, second;
  first.add_user_ids(std::string(100, 'a'));
  second.add_user_ids(std::string(200, 'b'));
  ASSERT_TRUE(SerializeResponse(first, &wire).ok());
  ASSERT_TRUE(SerializeResponse(second, &wire).ok());
  v1::GetUserPresenceRequest parsed;
  ASSERT_TRUE(ParseRequest(wire, &parsed).ok());
  ASSERT_EQ(parsed.user_ids_size(), 1);
  EXPECT_EQ(parsed.user_ids(0), second.user_ids(0));
}

TEST(ServeParsed, RunsTheHandlerAndSerializesItsResponse) {
  v1::GetRoomViewerCountRequest sent;
  sent.set_room_id("r1");
  grpc::ByteBuffer out;
  const grpc::Status status = ServeParsed<v1::GetRoomViewerCountRequest,
                                          v1::GetRoomViewerCountResponse>(
      Buffer(Wire(sent)), &out,
      [](const v1::GetRoomViewerCountRequest& request,
         v1::GetRoomViewerCountResponse* response) {
        response->set_count(static_cast<int64_t>(request.room_id().size()));
        return grpc::Status::OK;
      });
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::GetRoomViewerCountResponse response;
  ASSERT_TRUE(ParseRequest(out, &response).ok());
  EXPECT_EQ(response.count(), 2);
}

TEST(ServeParsed, ABadRequestNeverReachesTheHandler) {
  v1::GetRoomViewerCountRequest sent;
  sent.set_room_id("\xFF");
  grpc::ByteBuffer out;
  bool ran = false;
  const grpc::Status status = ServeParsed<v1::GetRoomViewerCountRequest,
                                          v1::GetRoomViewerCountResponse>(
      Buffer(Wire(sent)), &out, [&](const auto&, auto*) {
        ran = true;
        return grpc::Status::OK;
      });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace presence
