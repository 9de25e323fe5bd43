#include "service/settings_watch.h"

#include "service/convert.h"
#include "service/store_errors.h"

namespace presence::server {

SettingsWatch::SettingsWatch(WatchHub& hub, PresenceStore& store,
                             const Clock& clock, std::string user_id)
    : hub_(hub), user_id_(std::move(user_id)) {
  if (!hub_.Add(this)) {
    Close({grpc::StatusCode::UNAVAILABLE, "server is shutting down"});
    return;
  }
  // Read after subscribing, so no change can fall between the two.
  const Time now = clock();
  NetworkSettings network;
  UserSettings user;
  if (grpc::Status status = GuardStore([&] {
        network = store.GetNetworkSettings(now);
        user = store.GetUserSettings(user_id_, now);
        return grpc::Status::OK;
      });
      !status.ok()) {
    Close(std::move(status));
    return;
  }
  {
    MutexLock lock(mu_);
    if (!network_) network_ = network;
    if (!user_) user_ = user;
    changed_ = true;
  }
  Pump();
}

void SettingsWatch::OnNetworkSettings(const NetworkSettings& settings) {
  {
    MutexLock lock(mu_);
    network_ = settings;
    changed_ = true;
  }
  Pump();
}

void SettingsWatch::OnUserSettings(const UserSettings& settings) {
  {
    MutexLock lock(mu_);
    user_ = settings;
    changed_ = true;
  }
  Pump();
}

void SettingsWatch::OnShutdown() {
  Close({grpc::StatusCode::UNAVAILABLE, "server is shutting down"});
}

bool SettingsWatch::NextMessageLocked(v1::GetSettingsResponse* message) {
  if (!changed_ || !network_ || !user_) return false;
  changed_ = false;
  ToProto(*network_, message->mutable_network());
  ToProto(*user_, message->mutable_user());
  return true;
}

void SettingsWatch::Detach() {
  hub_.Remove(static_cast<SettingsWatcher*>(this));
}

}  // namespace presence::server
