#include "support/upstream_watcher.h"

#include <stdexcept>

namespace presence::testing {

UpstreamWatcher::UpstreamWatcher(const std::string& address,
                                 const std::string& api_key,
                                 const std::vector<std::string>& users,
                                 const std::vector<std::string>& rooms)
    : client_(address) {
  const std::string token = client_.Login(api_key, "watcher", "watcher-box");
  if (token.empty()) throw std::runtime_error("watcher cannot log in");
  context_.AddMetadata("authorization", "Bearer " + token);
  v1::WatchRequest request;
  for (const auto& user : users) request.add_user_ids(user);
  for (const auto& room : rooms) request.add_room_ids(room);
  reader_ = std::thread([this, request] {
    auto reader = client_.presence().Watch(&context_, request);
    v1::WatchEvent event;
    while (reader->Read(&event)) {
      std::lock_guard lock(mutex_);
      events_.push_back({std::chrono::steady_clock::now(), event});
      changed_.notify_all();
    }
    reader->Finish();
  });
}

UpstreamWatcher::~UpstreamWatcher() {
  context_.TryCancel();
  reader_.join();
}

bool UpstreamWatcher::WaitFor(
    const std::function<bool(const v1::WatchEvent&)>& match,
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    for (const Event& event : events_) {
      if (match(event.event)) return true;
    }
    return false;
  });
}

bool UpstreamWatcher::WaitForOnline(const std::string& user, bool online,
                                    std::chrono::milliseconds timeout) {
  return WaitFor(
      [&](const v1::WatchEvent& e) {
        return e.has_user() && e.user().user_id() == user &&
               e.user().online() == online;
      },
      timeout);
}

bool UpstreamWatcher::WaitForCount(const std::string& room, int64_t count,
                                   std::chrono::milliseconds timeout) {
  return WaitFor(
      [&](const v1::WatchEvent& e) {
        return e.has_room() && e.room().room_id() == room &&
               e.room().count() == count;
      },
      timeout);
}

std::vector<UpstreamWatcher::Event> UpstreamWatcher::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace presence::testing
