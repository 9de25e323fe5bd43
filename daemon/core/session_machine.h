// The session's state machine, pure: what state the daemon's one upstream
// session is in, and what each thing that happens to it means for the
// heartbeats and for the clients holding presence. It owns no clock, no
// scheduler and no holds; every transition returns what to do
// (SessionEffects), and the core (presence_core.h) does it.
//
//   connecting --heartbeat ok / settings read--> online
//   online|connecting --server unreachable--> degraded --heartbeat ok--> online
//   any --credentials rejected--> unauthenticated --credentials changed-->
//       connecting
//   any --network disables presence--> presence disabled --re-enabled-->
//       connecting
//   any --logout--> logged out --login--> connecting
//
// Heartbeats pause in logged out, unauthenticated and presence disabled: a
// configuration error is surfaced, not retried in a loop.
#pragma once

#include <optional>
#include <string>

namespace presence::daemon {

enum class SessionState {
  kLoggedOut,
  kConnecting,
  kOnline,
  kDegraded,
  kUnauthenticated,
  kPresenceDisabled,
};

// What an attached hold is told about its heartbeat (a HoldEvent type).
enum class HoldNews {
  kHeld,
  kAcknowledged,
  kDegraded,
  kRecovered,
  kPresenceDisabled,
  kIntervalChanged,
  kEndedByLogout,
};

struct SessionEffects {
  bool pause = false;         // heartbeats stop (leaves still go)
  bool resume = false;        // heartbeats restart: everything due now
  bool send_all_now = false;  // every held target due now, leaves retried
  // Every attached hold is told this.
  std::optional<HoldNews> broadcast;
  std::string message;
};

// How an upstream heartbeat ended.
enum class CallResult {
  kOk,
  kUnreachable,  // network, deadline, server unavailable: retry with backoff
  kRejected,     // credentials refused even after a fresh login
  kRefused,      // presence disabled, or the user's switch is off
};

class SessionMachine {
 public:
  SessionState state() const { return state_; }
  // Whether the daemon should hold a session open (not logged out, not
  // rejected).
  bool SessionWanted() const;
  // Why a new hold cannot be taken now; nullopt when it can.
  std::optional<std::string> RefusesHolds() const;

  // `reason` is the server's message. kRefused changes nothing: the caller
  // reads the settings, which say what is off.
  SessionEffects OnHeartbeat(CallResult result, const std::string& reason);
  // The network settings were read (watch, heartbeat answer or a read);
  // `anything_held`: whether a target is held.
  SessionEffects OnSettings(bool presence_enabled, bool anything_held);
  // The settings watch ended or could not start: the server is unreachable.
  SessionEffects OnLinkDown(const std::string& reason);
  // The settings watch delivers again after being down.
  SessionEffects OnLinkUp(bool anything_held);
  SessionEffects OnLogout();
  SessionEffects OnLogin();
  SessionEffects OnCredentialsChanged();

 private:
  SessionState state_ = SessionState::kConnecting;
};

}  // namespace presence::daemon
