// Many attached holds driven by the gRPC callback client API (no thread per
// call), with shared counters of what the daemon sent back: one Hold call per
// hold, or many holds on one HoldMany call.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "presence/v1/control.grpc.pb.h"
#include "support/control_targets.h"

namespace presence::bench {

namespace pb = ::presence::v1;

struct HoldCounters {
  std::atomic<int> held{0};      // HOLD_EVENT_HELD
  std::atomic<int> acked{0};     // HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED
  std::atomic<int> degraded{0};  // HOLD_EVENT_DEGRADED
  std::atomic<int> refused{0};   // HOLD_EVENT_REFUSED (HoldMany)
  std::atomic<int> other{0};     // any other event
  std::atomic<int> done{0};      // calls ended (OnDone)
  std::atomic<int> failed{0};    // ended with a status other than CANCELLED
  std::mutex mutex;
  std::string first_error;  // guarded by mutex: a failed call or refusal
};

class HoldCall;

// Owns the calls; cancels them and waits for their end on destruction.
class HoldSet {
 public:
  explicit HoldSet(HoldCounters& counters);
  ~HoldSet();

  // One Hold call holding `target`.
  void Open(pb::ControlService::Stub& stub, const pb::Target& target);
  // One HoldMany call holding every target (request ids 1..n).
  void OpenMany(pb::ControlService::Stub& stub,
                const std::vector<pb::Target>& targets);
  std::size_t size() const { return calls_.size(); }
  // TryCancel on every call (the client going away).
  void CancelAll();
  // Waits until every call has ended; false after `timeout`.
  bool WaitAllDone(std::chrono::milliseconds timeout);

 private:
  HoldCounters& counters_;
  std::vector<std::unique_ptr<HoldCall>> calls_;
};

using testing::RoomTarget;
using testing::UserTarget;

}  // namespace presence::bench
