// Hold: one attached hold on a Hold call, re-attached by ReattachingCall.
#include <mutex>
#include <utility>

#include "call_errors.h"
#include "presence/client/client.h"
#include "presence/v1/control.grpc.pb.h"
#include "reattaching_call.h"

namespace presence::client {

struct Hold::State final : detail::ReattachingCall {
  State(std::shared_ptr<grpc::Channel> channel, const Options& client,
        v1::HoldRequest request, HoldOptions options)
      : ReattachingCall(
            channel, client, "the hold",
            {options.on_detached, options.on_gap, options.retry_interval}),
        stub(v1::ControlService::NewStub(channel)),
        request(std::move(request)),
        on_event(std::move(options.on_event)),
        on_ended(std::move(options.on_ended)) {}

  CallEnd Call(grpc::ClientContext& context) override;
  void Ended(const Error& error) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      active = false;
    }
    if (on_ended) on_ended(error);
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu);
      active = false;
    }
    Stop();
  }

  const std::unique_ptr<v1::ControlService::Stub> stub;
  const v1::HoldRequest request;
  const std::function<void(const v1::HoldEvent&)> on_event;
  const std::function<void(const Error&)> on_ended;

  mutable std::mutex mu;
  bool held = false;
  bool active = true;
  std::string hold_id;
};

Hold::State::CallEnd Hold::State::Call(grpc::ClientContext& context) {
  CallEnd end;
  auto reader = stub->Hold(&context, request);
  v1::HoldEvent event;
  while (reader->Read(&event)) {
    if (event.type() == v1::HOLD_EVENT_HELD) {
      end.held = true;
      {
        std::lock_guard<std::mutex> lock(mu);
        hold_id = event.hold_id();
        held = true;
      }
      Answered();
      AllHeld();
    } else if (event.type() == v1::HOLD_EVENT_ENDED_BY_LOGOUT) {
      end.over = Error{grpc::StatusCode::FAILED_PRECONDITION,
                       "the hold was ended by logout", false};
    }
    if (on_event) on_event(event);
  }
  end.status = reader->Finish();
  std::lock_guard<std::mutex> lock(mu);
  held = false;
  return end;
}

Hold::Hold(std::shared_ptr<State> state) : state_(std::move(state)) {}
Hold::Hold(Hold&&) noexcept = default;
Hold& Hold::operator=(Hold&& other) noexcept {
  if (this != &other) {
    Release();
    state_ = std::move(other.state_);
  }
  return *this;
}
Hold::~Hold() { Release(); }

void Hold::Release() {
  if (state_) state_->Release();
}

std::string Hold::id() const {
  if (!state_) return {};
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->hold_id;
}

bool Hold::held() const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->held;
}

bool Hold::active() const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->active;
}

const v1::Target& Hold::target() const {
  return state_ ? state_->request.target() : v1::Target::default_instance();
}

Result<Hold> Client::HoldUser(HoldOptions options) {
  v1::Target target;
  target.set_kind(v1::TARGET_KIND_USER);
  return HoldTarget(target, std::move(options));
}

Result<Hold> Client::HoldRoom(const std::string& room_id, HoldOptions options) {
  v1::Target target;
  target.set_kind(v1::TARGET_KIND_ROOM);
  target.set_room_id(room_id);
  return HoldTarget(target, std::move(options));
}

Result<Hold> Client::HoldTarget(const v1::Target& target, HoldOptions options) {
  v1::HoldRequest request;
  *request.mutable_target() = target;
  request.set_client_name(this->options().client_name);
  auto state =
      std::make_shared<Hold::State>(detail::ChannelOf(*impl_), this->options(),
                                    std::move(request), std::move(options));
  state->Start(state);
  if (auto error = state->AwaitFirstAnswer()) return *error;
  return Hold(std::move(state));
}

}  // namespace presence::client
