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

enum WireType {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// protobuf's own limit on how deep messages (and groups) may nest.
constexpr int kMaxDepth = 100;

// Reads a length-delimited value; false when its length runs past the end.
bool ReadBytes(CodedInputStream& in, std::size_t size, std::string* value) {
  std::uint64_t length;
  if (!in.ReadVarint64(&length)) return false;
  const auto left = size - static_cast<std::size_t>(in.CurrentPosition());
  return length <= left && in.ReadString(value, static_cast<int>(length));
}

// Skips the value of a field whose tag was just read; a group (which
// protobuf still accepts as an unknown field) up to its end tag.
bool SkipValue(CodedInputStream& in, std::uint32_t tag, std::size_t size,
               int depth) {
  std::uint64_t ignored;
  std::string bytes;
  switch (tag & 7) {
    case kVarint:
      return in.ReadVarint64(&ignored);
    case kFixed64:
      return in.Skip(8);
    case kFixed32:
      return in.Skip(4);
    case kLengthDelimited:
      return ReadBytes(in, size, &bytes);
    case kStartGroup:
      if (depth >= kMaxDepth) return false;
      while (const std::uint32_t inner = in.ReadTag()) {
        if ((inner & 7) == kEndGroup) return inner >> 3 == tag >> 3;
        if (!SkipValue(in, inner, size, depth + 1)) return false;
      }
      return false;
    default:
      return false;
  }
}

// Walks one message's fields; nested messages recurse with a longer prefix.
// Unknown fields are skipped, as the parser would keep them unread.
std::string Walk(const Descriptor& type, std::string_view wire,
                 const std::string& prefix, int depth) {
  if (depth >= kMaxDepth) return {};
  CodedInputStream in(reinterpret_cast<const std::uint8_t*>(wire.data()),
                      static_cast<int>(wire.size()));
  std::map<int, int> occurrences;  // of each repeated field so far
  while (const std::uint32_t tag = in.ReadTag()) {
    if ((tag & 7) != kLengthDelimited) {
      if (!SkipValue(in, tag, wire.size(), depth)) return {};
      continue;
    }
    std::string value;
    if (!ReadBytes(in, wire.size(), &value)) return {};
    const int number = static_cast<int>(tag >> 3);
    const FieldDescriptor* field = type.FindFieldByNumber(number);
    if (field == nullptr) continue;
    std::string path = prefix + field->name();
    if (field->is_repeated()) {
      path += "[" + std::to_string(occurrences[number]++) + "]";
    }
    std::string error;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      error = CheckUtf8(path, value).value_or("");
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      error = Walk(*field->message_type(), value, path + ".", depth + 1);
    }
    if (!error.empty()) return error;
  }
  return {};
}

}  // namespace

std::string DescribeInvalidUtf8(const Descriptor& type, std::string_view wire) {
  return Walk(type, wire, "", 0);
}

grpc::Status ParseRequest(const grpc::ByteBuffer& wire,
                          google::protobuf::Message* request) {
  if (!wire.Valid()) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "the call carries no " + request->GetDescriptor()->full_name() +
                " message"};
  }
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
