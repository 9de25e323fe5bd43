#include "support/raw_call.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>
#include <random>

namespace presence::testing {
namespace {

bool IsStreaming(const google::protobuf::MethodDescriptor& method) {
  return method.client_streaming() || method.server_streaming();
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Writes the messages one by one, then half-closes; reads all along.
class RawStream final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit RawStream(const std::vector<std::string>& messages)
      : messages_(messages) {}

  std::future<RawCallResult> Start() {
    StartRead(&response_);
    WriteNext();
    StartCall();
    return done_.get_future();
  }

  void OnWriteDone(bool ok) override {
    if (ok) WriteNext();  // else the call is over; OnDone follows
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    ++result_.responses;
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    result_.status = status;
    done_.set_value(result_);
  }

 private:
  void WriteNext() {
    if (next_ == messages_.size()) return StartWritesDone();
    request_ = Buffer(messages_[next_++]);
    StartWrite(&request_);
  }

  const std::vector<std::string>& messages_;
  std::size_t next_ = 0;
  grpc::ByteBuffer request_, response_;
  RawCallResult result_;
  std::promise<RawCallResult> done_;
};

std::string RandomBytes(std::mt19937& random, int max_length) {
  std::string bytes(std::uniform_int_distribution<int>(0, max_length)(random),
                    '\0');
  for (auto& c : bytes) {
    c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
  }
  return bytes;
}

// Sets every field of *message at random; repeated ones get 0 to 3 values.
void Randomize(std::mt19937& random, google::protobuf::Message* message,
               int depth) {
  using google::protobuf::FieldDescriptor;
  const auto* reflection = message->GetReflection();
  // Half small (like page sizes and TTLs), half any 64-bit pattern.
  const auto number = [&] {
    if (random() % 2) return static_cast<std::int64_t>(random() % 203) - 2;
    return static_cast<std::int64_t>((std::uint64_t{random()} << 32) |
                                     random());
  };
  for (int i = 0; i < message->GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* field = message->GetDescriptor()->field(i);
    const int values =
        field->is_repeated() ? static_cast<int>(random() % 4) : 1;
    for (int v = 0; v < values; ++v) {
      const bool add = field->is_repeated();
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string bytes = RandomBytes(random, 300);
          if (random() % 2) {  // printable ASCII, so it passes as UTF-8
            for (auto& c : bytes) {
              c = static_cast<char>(' ' + static_cast<unsigned char>(c) % 95);
            }
          }
          add ? reflection->AddString(message, field, bytes)
              : reflection->SetString(message, field, bytes);
          break;
        }
        case FieldDescriptor::CPPTYPE_INT32:
          add ? reflection->AddInt32(message, field, number())
              : reflection->SetInt32(message, field, number());
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          add ? reflection->AddInt64(message, field, number())
              : reflection->SetInt64(message, field, number());
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          add ? reflection->AddUInt32(message, field, number())
              : reflection->SetUInt32(message, field, number());
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          add ? reflection->AddUInt64(message, field, number())
              : reflection->SetUInt64(message, field, number());
          break;
        case FieldDescriptor::CPPTYPE_ENUM:  // every value, and one unknown
          add ? reflection->AddEnumValue(message, field, random() % 4)
              : reflection->SetEnumValue(message, field, random() % 4);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          add ? reflection->AddBool(message, field, random() % 2)
              : reflection->SetBool(message, field, random() % 2);
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 3) {
            Randomize(random,
                      add ? reflection->AddMessage(message, field)
                          : reflection->MutableMessage(message, field),
                      depth + 1);
          }
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace

RawCallResult CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                            grpc::ClientContext* context,
                            const std::string& method,
                            const std::vector<std::string>& messages) {
  grpc::GenericStub stub(channel);
  RawStream stream(messages);
  stub.PrepareBidiStreamingCall(context, method, grpc::StubOptions(), &stream);
  return stream.Start().get();
}

std::vector<const google::protobuf::MethodDescriptor*> Methods(
    const std::string& service) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          service);
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (int i = 0; descriptor != nullptr && i < descriptor->method_count();
       ++i) {
    methods.push_back(descriptor->method(i));
  }
  return methods;
}

std::string MethodPath(const google::protobuf::MethodDescriptor& method) {
  return "/" + method.service()->full_name() + "/" + method.name();
}

std::vector<std::string> RandomRequests(
    const google::protobuf::Descriptor& type, std::size_t count,
    std::uint32_t seed) {
  std::mt19937 random(seed);
  const auto* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          &type);
  std::vector<std::string> requests(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 2 == 0) {
      requests[i] = RandomBytes(random, 64);
    } else {
      std::unique_ptr<google::protobuf::Message> message(prototype->New());
      Randomize(random, message.get(), /*depth=*/0);
      requests[i] = message->SerializeAsString();
    }
  }
  return requests;
}

std::chrono::milliseconds CallBudget(
    const google::protobuf::MethodDescriptor& method) {
  return std::chrono::milliseconds(IsStreaming(method) ? 200 : 5000);
}

bool IsCleanAnswer(const google::protobuf::MethodDescriptor& method,
                   grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return false;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return IsStreaming(method);
    default:
      return true;
  }
}

}  // namespace presence::testing
