#include "core_messages.h"

#include <map>

namespace presence::daemon {

CallResult Classify(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return CallResult::kOk;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return CallResult::kRejected;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return CallResult::kRefused;
    default:
      return CallResult::kUnreachable;
  }
}

grpc::Status ToStatus(const Outcome& outcome) {
  using Code = Outcome::Code;
  static const std::map<Code, grpc::StatusCode> kCodes = {
      {Code::kOk, grpc::StatusCode::OK},
      {Code::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {Code::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {Code::kNotFound, grpc::StatusCode::NOT_FOUND},
      {Code::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {Code::kUnavailable, grpc::StatusCode::UNAVAILABLE}};
  return {kCodes.at(outcome.code), outcome.message};
}

NetworkView ToNetworkView(const pb::NetworkSettings& network) {
  NetworkView view;
  view.presence_enabled = network.presence_enabled();
  view.intervals.user = Millis(network.user_heartbeat_interval_ms());
  view.intervals.room = Millis(network.room_heartbeat_interval_ms());
  view.online_threshold = Millis(network.online_threshold_ms());
  // A server older than room timeouts expired rooms with the threshold.
  view.room_timeout =
      Millis(network.room_timeout_ms() > 0 ? network.room_timeout_ms()
                                           : network.online_threshold_ms());
  view.sync_interval = Millis(network.sync_interval_ms());
  view.updated_at_ms = network.updated_at_ms();
  return view;
}

pb::SessionState ToProto(SessionState state) {
  switch (state) {
    case SessionState::kLoggedOut:
      return pb::SESSION_STATE_LOGGED_OUT;
    case SessionState::kConnecting:
      return pb::SESSION_STATE_CONNECTING;
    case SessionState::kOnline:
      return pb::SESSION_STATE_ONLINE;
    case SessionState::kDegraded:
      return pb::SESSION_STATE_DEGRADED;
    case SessionState::kUnauthenticated:
      return pb::SESSION_STATE_UNAUTHENTICATED;
    case SessionState::kPresenceDisabled:
      return pb::SESSION_STATE_PRESENCE_DISABLED;
  }
  return pb::SESSION_STATE_UNSPECIFIED;
}

pb::Target ToProto(const Target& target) {
  pb::Target out;
  if (target.is_user()) {
    out.set_kind(pb::TARGET_KIND_USER);
  } else {
    out.set_kind(pb::TARGET_KIND_ROOM);
    out.set_room_id(target.room_id);
  }
  return out;
}

pb::HoldEvent ToHoldEvent(const Notice& notice) {
  pb::HoldEvent event;
  switch (notice.news) {
    case HoldNews::kHeld:
      event.set_type(pb::HOLD_EVENT_HELD);
      break;
    case HoldNews::kAcknowledged:
      event.set_type(pb::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED);
      break;
    case HoldNews::kDegraded:
      event.set_type(pb::HOLD_EVENT_DEGRADED);
      break;
    case HoldNews::kRecovered:
      event.set_type(pb::HOLD_EVENT_RECOVERED);
      break;
    case HoldNews::kPresenceDisabled:
      event.set_type(pb::HOLD_EVENT_PRESENCE_DISABLED);
      break;
    case HoldNews::kIntervalChanged:
      event.set_type(pb::HOLD_EVENT_INTERVAL_CHANGED);
      break;
    case HoldNews::kEndedByLogout:
      event.set_type(pb::HOLD_EVENT_ENDED_BY_LOGOUT);
      break;
  }
  event.set_hold_id(notice.hold_id);
  event.set_message(notice.message);
  event.set_interval_ms(notice.interval.count());
  event.set_at_ms(WallNowMs());
  return event;
}

namespace {

void SetInterval(pb::Interval* out, Millis value, bool from_server) {
  out->set_value_ms(value.count());
  out->set_source(from_server ? "server" : "built-in default");
}

}  // namespace

pb::Status DescribeCore(const PresenceCore& core, const WallClock& clock) {
  pb::Status status;
  status.set_state(ToProto(core.state()));
  const NetworkView& network = core.network();
  const bool from_server = core.network_from_server();
  const Intervals intervals = core.scheduler().intervals();
  SetInterval(status.mutable_user_heartbeat_interval(), intervals.user,
              from_server);
  SetInterval(status.mutable_room_heartbeat_interval(), intervals.room,
              from_server);
  SetInterval(status.mutable_online_threshold(), network.online_threshold,
              from_server);
  SetInterval(status.mutable_room_timeout(), network.room_timeout, from_server);
  SetInterval(status.mutable_sync_interval(), network.sync_interval,
              from_server);
  const HoldTable& holds = core.holds();
  for (const Target& target : holds.ActiveTargets()) {
    pb::TargetStatus* out = status.add_targets();
    *out->mutable_target() = ToProto(target);
    for (const Hold* hold : holds.HoldsOn(target)) {
      pb::Holder* holder = out->add_holders();
      holder->set_hold_id(hold->id);
      holder->set_uid(hold->owner.uid);
      holder->set_pid(hold->owner.pid);
      holder->set_client_name(hold->owner.client_name);
      holder->set_attached(hold->attached);
      holder->set_since_ms(clock.Ms(hold->since));
      holder->set_expires_at_ms(clock.Ms(hold->expires_at));
    }
    const Scheduler::Timing timing = core.scheduler().TimingOf(target);
    out->set_last_sent_ms(clock.Ms(timing.last_sent));
    out->set_last_acknowledged_ms(clock.Ms(timing.last_acknowledged));
    out->set_next_due_ms(clock.Ms(timing.next_due));
  }
  for (const Target& target : core.leaves().Pending()) {
    *status.add_leaving() = ToProto(target);
  }
  if (const auto& error = core.last_error()) {
    status.set_last_error(error->message);
    status.set_last_error_ms(clock.Ms(error->at));
  }
  return status;
}

}  // namespace presence::daemon
