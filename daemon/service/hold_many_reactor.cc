#include "service/hold_many_reactor.h"

#include "contract/request_parser.h"
#include "contract/status_name.h"
#include "contract/validate.h"
#include "service/hold_request.h"
#include "wall_clock.h"

namespace presence::daemon {

HoldManyReactor::HoldManyReactor(Engine& engine) : engine_(engine) {}

void HoldManyReactor::Begin(const Caller& caller) {
  caller_ = caller;
  StartRead(&request_);
}

void HoldManyReactor::OnReadDone(bool ok) {
  if (!ok) {
    // The client half-closed (its holds go once the call is done), or the
    // call is over already.
    FinishWhenWritten();
    return;
  }
  pb::HoldManyRequest request;
  if (grpc::Status status = ParseRequest(request_, &request); !status.ok()) {
    // Unreadable, so its request_id is unknown: 0.
    Refuse(0, status);
  } else if (request.has_hold()) {
    Add(request.hold(), request.request_id());
  } else if (request.has_release_hold_id()) {
    ReleaseOne(request.release_hold_id(), request.request_id());
  } else {
    Refuse(request.request_id(), {grpc::StatusCode::INVALID_ARGUMENT,
                                  "action must be hold or release_hold_id"});
  }
  if (!Finishing()) StartRead(&request_);
}

void HoldManyReactor::Add(const pb::HoldRequest& request, uint64_t request_id) {
  Target target;
  if (Problem problem = ParseHoldRequest(request, &target)) {
    return Refuse(request_id, {grpc::StatusCode::INVALID_ARGUMENT, *problem});
  }
  adding_request_id_ = request_id;
  std::string hold_id;
  const grpc::Status status = engine_.AddAttached(
      target, Owner{caller_.uid, caller_.pid, request.client_name()}, this,
      &hold_id);
  if (!status.ok()) return Refuse(request_id, status);
  bool released;
  {
    MutexLock lock(holds_mutex_);
    released = released_;
  }
  // The call ended while the hold was being added: OnRelease may have missed
  // it (releasing twice is harmless).
  if (released) engine_.ReleaseAttached(hold_id);
}

void HoldManyReactor::ReleaseOne(const std::string& hold_id,
                                 uint64_t request_id) {
  if (Problem problem = CheckId("release_hold_id", hold_id)) {
    return Refuse(request_id, {grpc::StatusCode::INVALID_ARGUMENT, *problem});
  }
  bool found;
  {
    MutexLock lock(holds_mutex_);
    found = holds_.erase(hold_id) > 0;
  }
  if (!found) {
    return Refuse(request_id,
                  {grpc::StatusCode::NOT_FOUND,
                   "no hold " + hold_id + " on this HoldMany call"},
                  hold_id);
  }
  engine_.ReleaseAttached(hold_id);
}

void HoldManyReactor::Refuse(uint64_t request_id, const grpc::Status& status,
                             const std::string& hold_id) {
  pb::HoldEvent event;
  event.set_type(pb::HOLD_EVENT_REFUSED);
  event.set_request_id(request_id);
  event.set_hold_id(hold_id);
  event.set_code(status.error_code());
  event.set_message(StatusCodeName(status.error_code()) + ": " +
                    status.error_message());
  event.set_at_ms(WallNowMs());
  Enqueue(event);
}

void HoldManyReactor::Send(const pb::HoldEvent& event) {
  if (event.type() != pb::HOLD_EVENT_HELD) return Enqueue(event);
  // Only AddAttached sends HELD, from Add on the reading thread.
  {
    MutexLock lock(holds_mutex_);
    holds_.insert(event.hold_id());
  }
  pb::HoldEvent held = event;
  held.set_request_id(adding_request_id_);
  Enqueue(held);
}

void HoldManyReactor::End(const pb::HoldEvent& event) {
  {
    MutexLock lock(holds_mutex_);
    holds_.erase(event.hold_id());  // the engine removed it
  }
  Enqueue(event);
}

void HoldManyReactor::OnRelease() {
  std::set<std::string> holds;
  {
    MutexLock lock(holds_mutex_);
    released_ = true;
    holds.swap(holds_);
  }
  for (const auto& hold_id : holds) engine_.ReleaseAttached(hold_id);
}

}  // namespace presence::daemon
