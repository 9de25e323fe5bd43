#include "contract/request_parser.h"

#include <google/protobuf/io/coded_stream.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <map>

#include "contract/validate.h"

namespace presence {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::io::CodedInputStream;

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

bool SkipScalar(CodedInputStream& in, int wire_type) {
  std::uint64_t ignored;
  switch (wire_type) {
    case kVarint:
      return in.ReadVarint64(&ignored);
    case kFixed64:
      return in.Skip(8);
    case kFixed32:
      return in.Skip(4);
    default:  // groups are not proto3; anything else is not protobuf
      return false;
  }
}

// Walks one message's fields; nested messages recurse with a longer prefix.
// Unknown fields are skipped, as the parser would keep them unread.
std::string Walk(const Descriptor& type, std::string_view wire,
                 const std::string& prefix) {
  CodedInputStream in(reinterpret_cast<const std::uint8_t*>(wire.data()),
                      static_cast<int>(wire.size()));
  std::map<int, int> occurrences;  // of each repeated field so far
  while (const std::uint32_t tag = in.ReadTag()) {
    const int wire_type = static_cast<int>(tag & 7);
    if (wire_type != kLengthDelimited) {
      if (!SkipScalar(in, wire_type)) return {};
      continue;
    }
    std::uint32_t length;
    std::string value;
    if (!in.ReadVarint32(&length) ||
        !in.ReadString(&value, static_cast<int>(length))) {
      return {};
    }
    const int number = static_cast<int>(tag >> 3);
    const FieldDescriptor* field = type.FindFieldByNumber(number);
    if (field == nullptr) continue;
    std::string path = prefix + field->name();
    if (field->is_repeated()) {
      path += "[" + std::to_string(occurrences[number]++) + "]";
    }
    std::string error;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      error = CheckUtf8(path, value);
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      error = Walk(*field->message_type(), value, path + ".");
    }
    if (!error.empty()) return error;
  }
  return {};
}

}  // namespace

std::string DescribeInvalidUtf8(const Descriptor& type, std::string_view wire) {
  return Walk(type, wire, "");
}

grpc::Status ParseRequest(const grpc::ByteBuffer& wire,
                          google::protobuf::Message* request) {
  grpc::ByteBuffer shared(wire);  // takes a reference, copies no bytes
  grpc::ProtoBufferReader reader(&shared);
  if (reader.status().ok() && request->ParseFromZeroCopyStream(&reader)) {
    return grpc::Status::OK;
  }
  // Rare: flatten the bytes and find out which field was at fault.
  std::vector<grpc::Slice> slices;
  std::string flat;
  if (wire.Dump(&slices).ok()) {
    for (const auto& slice : slices) {
      flat.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  std::string error = DescribeInvalidUtf8(*request->GetDescriptor(), flat);
  if (error.empty()) {
    error = "the request is not a valid " +
            request->GetDescriptor()->full_name() + " message";
  }
  return {grpc::StatusCode::INVALID_ARGUMENT, std::move(error)};
}

grpc::Status SerializeResponse(const google::protobuf::Message& response,
                               grpc::ByteBuffer* wire) {
  wire->Clear();  // gRPC's writer appends only to an empty buffer
  bool own_buffer;
  return grpc::SerializationTraits<google::protobuf::Message>::Serialize(
      response, wire, &own_buffer);
}

}  // namespace presence
