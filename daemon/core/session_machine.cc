#include "core/session_machine.h"

namespace presence::daemon {
namespace {

SessionEffects Broadcast(HoldNews news, std::string message) {
  SessionEffects effects;
  effects.broadcast = news;
  effects.message = std::move(message);
  return effects;
}

}  // namespace

bool SessionMachine::SessionWanted() const {
  return state_ != SessionState::kLoggedOut &&
         state_ != SessionState::kUnauthenticated;
}

std::optional<std::string> SessionMachine::RefusesHolds() const {
  switch (state_) {
    case SessionState::kPresenceDisabled:
      return "presence is disabled for this network: hide online-state UI; "
             "held targets resume by themselves if an admin re-enables it";
    case SessionState::kLoggedOut:
      return "presenced is logged out: run 'presencectl login' first";
    case SessionState::kUnauthenticated:
      return "the presence server rejected the daemon's credentials: fix "
             "api_key_file/user_id in the config and reload presenced";
    default:
      return std::nullopt;
  }
}

SessionEffects SessionMachine::OnHeartbeat(CallResult result,
                                           const std::string& reason) {
  switch (result) {
    case CallResult::kOk: {
      const bool was_degraded = state_ == SessionState::kDegraded;
      if (state_ == SessionState::kConnecting || was_degraded) {
        state_ = SessionState::kOnline;
      }
      if (!was_degraded) return {};
      return Broadcast(HoldNews::kRecovered,
                       "the presence server is reachable");
    }
    case CallResult::kUnreachable:
      return OnLinkDown(reason);
    case CallResult::kRejected: {
      state_ = SessionState::kUnauthenticated;
      SessionEffects effects =
          Broadcast(HoldNews::kDegraded, "credentials rejected: " + reason);
      effects.pause = true;
      return effects;
    }
    case CallResult::kRefused:
      break;
  }
  return {};
}

SessionEffects SessionMachine::OnSettings(bool presence_enabled,
                                          bool anything_held) {
  if (!presence_enabled) {
    if (state_ == SessionState::kPresenceDisabled || !SessionWanted()) {
      return {};
    }
    state_ = SessionState::kPresenceDisabled;
    SessionEffects effects = Broadcast(
        HoldNews::kPresenceDisabled,
        "presence is disabled for this network: hide online-state UI");
    effects.pause = true;
    return effects;
  }
  if (state_ == SessionState::kPresenceDisabled) {
    state_ = SessionState::kConnecting;
    SessionEffects effects =
        Broadcast(HoldNews::kRecovered, "presence re-enabled for this network");
    effects.resume = true;
    return effects;
  }
  // Reading the settings proves the session works; with targets held, their
  // heartbeat's answer decides.
  if (state_ == SessionState::kConnecting ||
      (state_ == SessionState::kDegraded && !anything_held)) {
    state_ = SessionState::kOnline;
  }
  return {};
}

SessionEffects SessionMachine::OnLinkDown(const std::string& reason) {
  if (state_ != SessionState::kOnline && state_ != SessionState::kConnecting) {
    return {};
  }
  state_ = SessionState::kDegraded;
  return Broadcast(HoldNews::kDegraded,
                   "the presence server is unreachable: " + reason);
}

SessionEffects SessionMachine::OnLinkUp(bool anything_held) {
  SessionEffects effects;
  if (!SessionWanted()) return effects;
  // The server may have restarted empty: whatever is held goes again now,
  // not at its next tick.
  effects.send_all_now = true;
  if (state_ == SessionState::kDegraded && !anything_held) {
    state_ = SessionState::kOnline;
  }
  return effects;
}

SessionEffects SessionMachine::OnLogout() {
  state_ = SessionState::kLoggedOut;
  SessionEffects effects;
  effects.pause = true;
  return effects;
}

SessionEffects SessionMachine::OnLogin() {
  if (SessionWanted()) return {};
  state_ = SessionState::kConnecting;
  SessionEffects effects;
  effects.resume = true;
  return effects;
}

SessionEffects SessionMachine::OnCredentialsChanged() {
  if (state_ != SessionState::kUnauthenticated) return {};
  return OnLogin();
}

}  // namespace presence::daemon
