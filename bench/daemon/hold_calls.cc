#include "hold_calls.h"

#include "support/wait.h"

namespace presence::bench {

class HoldCall final : public grpc::ClientReadReactor<pb::HoldEvent> {
 public:
  HoldCall(pb::ControlService::Stub& stub, const pb::Target& target,
           HoldCounters& counters)
      : counters_(counters) {
    *request_.mutable_target() = target;
    request_.set_client_name("daemon-bench");
    stub.async()->Hold(&context_, &request_, this);
    StartRead(&event_);
    StartCall();
  }

  void Cancel() { context_.TryCancel(); }
  bool finished() const { return finished_.load(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    switch (event_.type()) {
      case pb::HOLD_EVENT_HELD:
        ++counters_.held;
        break;
      case pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED:
        ++counters_.acked;
        break;
      case pb::HOLD_EVENT_DEGRADED:
        ++counters_.degraded;
        break;
      default:
        ++counters_.other;
        break;
    }
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override {
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      ++counters_.failed;
      std::lock_guard lock(counters_.mutex);
      if (counters_.first_error.empty()) {
        counters_.first_error =
            std::to_string(status.error_code()) + ": " + status.error_message();
      }
    }
    ++counters_.done;
    finished_ = true;  // last: the owner may free this reactor from here on
  }

 private:
  HoldCounters& counters_;
  grpc::ClientContext context_;
  pb::HoldRequest request_;
  pb::HoldEvent event_;
  std::atomic<bool> finished_{false};
};

HoldSet::HoldSet(HoldCounters& counters) : counters_(counters) {}

void HoldSet::Open(pb::ControlService::Stub& stub, const pb::Target& target) {
  calls_.push_back(std::make_unique<HoldCall>(stub, target, counters_));
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
