// WatchSettings: the caller's settings at once, then after every change of
// the network settings or of the caller's own presence switch.
#pragma once

#include <optional>

#include "presence/v1/upstream.pb.h"
#include "service/clock.h"
#include "service/stream_reactor.h"
#include "service/watch_hub.h"

namespace presence::server {

class SettingsWatch final : public StreamReactor<v1::GetSettingsResponse>,
                            public SettingsWatcher {
 public:
  // Deletes itself when the stream is done.
  SettingsWatch(WatchHub& hub, PresenceStore& store, const Clock& clock,
                std::string user_id);

  const std::string& user_id() const override { return user_id_; }
  void OnNetworkSettings(const NetworkSettings& settings) override;
  void OnUserSettings(const UserSettings& settings) override;
  void OnShutdown() override;

 private:
  bool NextMessageLocked(v1::GetSettingsResponse* message) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Detach() override;

  WatchHub& hub_;
  const std::string user_id_;
  // Latest known state; a change event always wins over the initial read,
  // which may be older.
  std::optional<NetworkSettings> network_ ABSL_GUARDED_BY(mu_);
  std::optional<UserSettings> user_ ABSL_GUARDED_BY(mu_);
  bool changed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace presence::server
