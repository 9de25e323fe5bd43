#include "hold_calls.h"

#include <string>

#include "support/wait.h"

namespace presence::bench {

// One call (Hold or HoldMany) counting the events it reads.
class HoldCall {
 public:
  explicit HoldCall(HoldCounters& counters) : counters_(counters) {}
  virtual ~HoldCall() = default;

  void Cancel() { context_.TryCancel(); }
  bool finished() const { return finished_.load(); }

 protected:
  void Count(const pb::HoldEvent& event) {
    switch (event.type()) {
      case pb::HOLD_EVENT_HELD:
        ++counters_.held;
        break;
      case pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED:
        ++counters_.acked;
        break;
      case pb::HOLD_EVENT_DEGRADED:
        ++counters_.degraded;
        break;
      case pb::HOLD_EVENT_REFUSED:
        ++counters_.refused;
        NoteError("refused: " + event.message());
        break;
      default:
        ++counters_.other;
        break;
    }
  }

  void Ended(const grpc::Status& status) {
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      ++counters_.failed;
      NoteError(std::to_string(status.error_code()) + ": " +
                status.error_message());
    }
    ++counters_.done;
    finished_ = true;  // last: the owner may free this call from here on
  }

  grpc::ClientContext context_;

 private:
  void NoteError(const std::string& error) {
    std::lock_guard lock(counters_.mutex);
    if (counters_.first_error.empty()) counters_.first_error = error;
  }

  HoldCounters& counters_;
  std::atomic<bool> finished_{false};
};

namespace {

// A HoldCall that is the gRPC reactor `Reactor` (Hold's or HoldMany's) and
// reads, and counts, events until the call ends.
template <typename Reactor>
class ReadingCall : public HoldCall, public Reactor {
 public:
  using HoldCall::HoldCall;

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    Count(event_);
    this->StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override { Ended(status); }

 protected:
  pb::HoldEvent event_;
};

class OneHoldCall final
    : public ReadingCall<grpc::ClientReadReactor<pb::HoldEvent>> {
 public:
  OneHoldCall(pb::ControlService::Stub& stub, const pb::Target& target,
              HoldCounters& counters)
      : ReadingCall(counters) {
    *request_.mutable_target() = target;
    request_.set_client_name("daemon-bench");
    stub.async()->Hold(&context_, &request_, this);
    StartRead(&event_);
    StartCall();
  }

 private:
  pb::HoldRequest request_;
};

// Writes its hold requests one after the other, then only reads.
class HoldManyCall final
    : public ReadingCall<
          grpc::ClientBidiReactor<pb::HoldManyRequest, pb::HoldEvent>> {
 public:
  HoldManyCall(pb::ControlService::Stub& stub,
               const std::vector<pb::Target>& targets, HoldCounters& counters)
      : ReadingCall(counters) {
    for (const auto& target : targets) {
      pb::HoldManyRequest& request = requests_.emplace_back();
      *request.mutable_hold()->mutable_target() = target;
      request.mutable_hold()->set_client_name("daemon-bench");
      request.set_request_id(requests_.size());
    }
    stub.async()->HoldMany(&context_, this);
    StartRead(&event_);
    if (!requests_.empty()) StartWrite(&requests_[next_++]);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    if (ok && next_ < requests_.size()) StartWrite(&requests_[next_++]);
  }

 private:
  std::vector<pb::HoldManyRequest> requests_;
  std::size_t next_ = 0;  // the next request to write (writes are serial)
};

}  // namespace

HoldSet::HoldSet(HoldCounters& counters) : counters_(counters) {}

void HoldSet::Open(pb::ControlService::Stub& stub, const pb::Target& target) {
  calls_.push_back(std::make_unique<OneHoldCall>(stub, target, counters_));
}

void HoldSet::OpenMany(pb::ControlService::Stub& stub,
                       const std::vector<pb::Target>& targets) {
  calls_.push_back(std::make_unique<HoldManyCall>(stub, targets, counters_));
}

void HoldSet::CancelAll() {
  for (auto& call : calls_) call->Cancel();
}

bool HoldSet::WaitAllDone(std::chrono::milliseconds timeout) {
  return testing::WaitUntil(
      [&] {
        for (const auto& call : calls_) {
          if (!call->finished()) return false;
        }
        return true;
      },
      timeout, std::chrono::milliseconds(10));
}

HoldSet::~HoldSet() {
  CancelAll();
  if (!WaitAllDone(std::chrono::milliseconds(10000))) {
    // A reactor must outlive its call: leak rather than free it under gRPC.
    for (auto& call : calls_) call.release();
  }
}

}  // namespace presence::bench
