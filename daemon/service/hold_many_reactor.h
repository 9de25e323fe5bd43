// The HoldMany call: many attached holds on one bidirectional stream. Reads
// one request at a time (add a hold, release one), answers on the shared
// event stream, and is the engine's event sink for all its holds; its end
// releases every hold still on it.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "contract/mutex.h"
#include "engine.h"
#include "presence/v1/control.grpc.pb.h"
#include "service/queued_writer.h"

namespace presence::daemon {

class HoldManyReactor final
    : public QueuedWriter<
          grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>>,
      public HoldEventSink {
 public:
  explicit HoldManyReactor(Engine& engine);

  // Starts reading the requests of `caller`, who owns every hold added here.
  void Begin(const Caller& caller);

  // HoldEventSink, for every hold of this call (under the engine's mutex).
  void Send(const pb::HoldEvent& event) override;
  // Logout ended one hold: its last event; the call stays open.
  void End(const pb::HoldEvent& event) override;

 private:
  void OnReadDone(bool ok) override;
  void OnRelease() override;

  void Add(const pb::HoldRequest& request, uint64_t request_id);
  void ReleaseOne(const std::string& hold_id, uint64_t request_id);
  void Refuse(uint64_t request_id, const grpc::Status& status,
              const std::string& hold_id = {});

  Engine& engine_;
  Caller caller_;
  grpc::ByteBuffer request_;  // the read in flight, parsed in OnReadDone
  // The request whose AddAttached is running: its HELD event is sent from
  // inside AddAttached, on the reading thread. Reads are serial, so no lock.
  uint64_t adding_request_id_ = 0;

  // Taken under the engine's mutex (from the sink calls): never call the
  // engine while holding it.
  Mutex holds_mutex_;
  // The ids of this call's holds.
  std::set<std::string> holds_ ABSL_GUARDED_BY(holds_mutex_);
  // The call is over: OnRelease ran.
  bool released_ ABSL_GUARDED_BY(holds_mutex_) = false;
};

}  // namespace presence::daemon
