#include "core/session_machine.h"

#include <gtest/gtest.h>

namespace presence::daemon {
namespace {

TEST(SessionMachineTest, ConnectsOnFirstSettingsOrHeartbeat) {
  SessionMachine by_settings;
  EXPECT_EQ(by_settings.state(), SessionState::kConnecting);
  EXPECT_TRUE(by_settings.SessionWanted());
  EXPECT_FALSE(by_settings.RefusesHolds());
  by_settings.OnSettings(true, false);
  EXPECT_EQ(by_settings.state(), SessionState::kOnline);

  SessionMachine by_heartbeat;
  const SessionEffects effects = by_heartbeat.OnHeartbeat(CallResult::kOk, "");
  EXPECT_EQ(by_heartbeat.state(), SessionState::kOnline);
  EXPECT_FALSE(effects.broadcast);  // nothing had gone wrong
}

TEST(SessionMachineTest, OutageIsDegradedOnceAndRecoveryIsToldOnce) {
  SessionMachine machine;
  machine.OnSettings(true, true);
  SessionEffects down = machine.OnLinkDown("connection refused");
  EXPECT_EQ(machine.state(), SessionState::kDegraded);
  ASSERT_EQ(down.broadcast, HoldNews::kDegraded);
  EXPECT_NE(down.message.find("connection refused"), std::string::npos);
  // Every further failure in the outage changes nothing.
  EXPECT_FALSE(machine.OnHeartbeat(CallResult::kUnreachable, "x").broadcast);
  EXPECT_FALSE(machine.OnLinkDown("again").broadcast);
  // The link is back: everything goes now; the state waits for the answer.
  SessionEffects up = machine.OnLinkUp(true);
  EXPECT_TRUE(up.send_all_now);
  EXPECT_EQ(machine.state(), SessionState::kDegraded);
  // Settings alone do not prove held targets are counted again.
  machine.OnSettings(true, true);
  EXPECT_EQ(machine.state(), SessionState::kDegraded);
  SessionEffects ok = machine.OnHeartbeat(CallResult::kOk, "");
  EXPECT_EQ(machine.state(), SessionState::kOnline);
  EXPECT_EQ(ok.broadcast, HoldNews::kRecovered);
}

TEST(SessionMachineTest, LinkBackWithNothingHeldIsOnline) {
  SessionMachine machine;
  machine.OnLinkDown("refused");
  EXPECT_EQ(machine.state(), SessionState::kDegraded);
  machine.OnLinkUp(false);
  EXPECT_EQ(machine.state(), SessionState::kOnline);
}

TEST(SessionMachineTest, RejectedCredentialsPauseUntilChanged) {
  SessionMachine machine;
  machine.OnSettings(true, true);
  SessionEffects rejected =
      machine.OnHeartbeat(CallResult::kRejected, "wrong api key");
  EXPECT_EQ(machine.state(), SessionState::kUnauthenticated);
  EXPECT_TRUE(rejected.pause);
  EXPECT_EQ(rejected.broadcast, HoldNews::kDegraded);
  EXPECT_FALSE(machine.SessionWanted());
  EXPECT_TRUE(machine.RefusesHolds());
  // A link coming and going does not bring back a rejected session.
  EXPECT_FALSE(machine.OnLinkUp(true).send_all_now);
  machine.OnLinkDown("x");
  EXPECT_EQ(machine.state(), SessionState::kUnauthenticated);
  SessionEffects fixed = machine.OnCredentialsChanged();
  EXPECT_TRUE(fixed.resume);
  EXPECT_EQ(machine.state(), SessionState::kConnecting);
}

TEST(SessionMachineTest, DisabledPresencePausesAndResumes) {
  SessionMachine machine;
  machine.OnSettings(true, true);
  SessionEffects off = machine.OnSettings(false, true);
  EXPECT_EQ(machine.state(), SessionState::kPresenceDisabled);
  EXPECT_TRUE(off.pause);
  EXPECT_EQ(off.broadcast, HoldNews::kPresenceDisabled);
  EXPECT_TRUE(machine.RefusesHolds());
  EXPECT_FALSE(machine.OnSettings(false, true).pause);  // told once
  SessionEffects on = machine.OnSettings(true, true);
  EXPECT_TRUE(on.resume);
  EXPECT_EQ(on.broadcast, HoldNews::kRecovered);
  EXPECT_EQ(machine.state(), SessionState::kConnecting);
}

TEST(SessionMachineTest, RefusedHeartbeatChangesNothing) {
  SessionMachine machine;
  machine.OnSettings(true, true);
  const SessionEffects effects =
      machine.OnHeartbeat(CallResult::kRefused, "not enabled");
  EXPECT_EQ(machine.state(), SessionState::kOnline);
  EXPECT_FALSE(effects.pause || effects.resume || effects.broadcast);
}

TEST(SessionMachineTest, LogoutAndLogin) {
  SessionMachine machine;
  machine.OnSettings(true, false);
  EXPECT_TRUE(machine.OnLogout().pause);
  EXPECT_EQ(machine.state(), SessionState::kLoggedOut);
  EXPECT_FALSE(machine.SessionWanted());
  EXPECT_NE(machine.RefusesHolds()->find("presencectl login"),
            std::string::npos);
  // A disabled network seen while logged out is not a state of its own.
  machine.OnSettings(false, false);
  EXPECT_EQ(machine.state(), SessionState::kLoggedOut);
  EXPECT_FALSE(machine.OnCredentialsChanged().resume);
  EXPECT_TRUE(machine.OnLogin().resume);
  EXPECT_EQ(machine.state(), SessionState::kConnecting);
  EXPECT_FALSE(machine.OnLogin().resume);  // already in
}

}  // namespace
}  // namespace presence::daemon
