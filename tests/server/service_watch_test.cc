// The two server streams: settings and presence transitions, and how they
// end (client cancel, server shutdown).
#include <map>

#include "service_fixture.h"

namespace presence::testing {
namespace {

using grpc::StatusCode;
using std::chrono::milliseconds;

// Reads watch events into the latest state per user and room until
// `done(state)` holds; false when the stream ends first.
struct WatchState {
  std::map<std::string, bool> online;
  std::map<std::string, std::int64_t> viewers;
};

template <typename Done>
bool ReadUntil(grpc::ClientReader<v1::WatchEvent>& reader, WatchState& state,
               Done done) {
  v1::WatchEvent event;
  while (!done(state)) {
    if (!reader.Read(&event)) return false;
    if (event.has_user())
      state.online[event.user().user_id()] = event.user().online();
    if (event.has_room())
      state.viewers[event.room().room_id()] = event.room().count();
  }
  return true;
}

TEST_F(ServiceTest, SettingsWatchPushesAdminAndUserChanges) {
  const std::string token = Login("alice");
  auto context = UpstreamClient::Context(token);
  auto reader = client_.presence().WatchSettings(context.get(), {});
  v1::GetSettingsResponse settings;
  ASSERT_TRUE(reader->Read(&settings));
  EXPECT_EQ(settings.network().user_heartbeat_interval_ms(), 100);
  EXPECT_FALSE(settings.user().enabled());

  v1::UpdateNetworkSettingsRequest update;
  update.set_sync_interval_ms(1234);
  ASSERT_TRUE(UpdateSettings(update).ok());
  ASSERT_TRUE(reader->Read(&settings));
  EXPECT_EQ(settings.network().sync_interval_ms(), 1234);
  EXPECT_GT(settings.network().updated_at_ms(), 0);

  ASSERT_TRUE(Enable(token).ok());
  ASSERT_TRUE(reader->Read(&settings));
  EXPECT_TRUE(settings.user().enabled());
  EXPECT_GT(settings.user().enabled_at_ms(), 0);

  context->TryCancel();
  EXPECT_FALSE(reader->Read(&settings));
  EXPECT_EQ(reader->Finish().error_code(), StatusCode::CANCELLED);
  EXPECT_TRUE(Heartbeat(token, true, {}).ok()) << "server still serves";
}

TEST_F(ServiceTest, WatchReportsCurrentStateThenTransitions) {
  const std::string watcher = Login("watcher");
  const std::string alice = Login("alice");
  ASSERT_TRUE(Enable(alice).ok());

  v1::WatchRequest request;
  request.add_user_ids("alice");
  request.add_room_ids("r1");
  auto context = UpstreamClient::Context(watcher);
  auto reader = client_.presence().Watch(context.get(), request);
  WatchState state;
  ASSERT_TRUE(ReadUntil(*reader, state, [](const WatchState& s) {
    return s.online.count("alice") && s.viewers.count("r1");
  }));
  EXPECT_FALSE(state.online["alice"]);
  EXPECT_EQ(state.viewers["r1"], 0);

  ASSERT_TRUE(Heartbeat(alice, true, {"r1"}).ok());
  ASSERT_TRUE(ReadUntil(*reader, state, [](const WatchState& s) {
    return s.online.at("alice") && s.viewers.at("r1") == 1;
  }));

  // Alice goes silent: offline within threshold (300ms) + sweep (50ms).
  const auto silent_since = std::chrono::steady_clock::now();
  ASSERT_TRUE(ReadUntil(*reader, state, [](const WatchState& s) {
    return !s.online.at("alice") && s.viewers.at("r1") == 0;
  }));
  const auto took = std::chrono::steady_clock::now() - silent_since;
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(1000));
}

TEST_F(ServiceTest, WatchSeesLeaveOnlyWhenTheLastDeviceLeaves) {
  const std::string watcher = Login("watcher");
  const std::string phone = Login("bob", "phone");
  const std::string tv = Login("bob", "tv");
  v1::WatchRequest request;
  request.add_room_ids("r1");
  auto context = UpstreamClient::Context(watcher);
  auto reader = client_.presence().Watch(context.get(), request);
  WatchState state;
  ASSERT_TRUE(ReadUntil(*reader, state, [](const WatchState& s) {
    return s.viewers.count("r1");
  }));

  ASSERT_TRUE(Heartbeat(phone, false, {"r1"}).ok());
  ASSERT_TRUE(Heartbeat(tv, false, {"r1"}).ok());
  ASSERT_TRUE(Leave(phone, false, {"r1"}).ok());
  ASSERT_TRUE(ReadUntil(*reader, state, [](const WatchState& s) {
    return s.viewers.at("r1") == 1;
  }));
  ASSERT_TRUE(Leave(tv, false, {"r1"}).ok());
  v1::WatchEvent event;
  ASSERT_TRUE(reader->Read(&event));
  ASSERT_TRUE(event.has_room()) << "no event for a count that did not change";
  EXPECT_EQ(event.room().count(), 0);
}

TEST_F(ServiceTest, ShutdownEndsOpenStreamsAndExitsZero) {
  const std::string token = Login("alice");
  auto settings_context = UpstreamClient::Context(token);
  auto settings_reader =
      client_.presence().WatchSettings(settings_context.get(), {});
  v1::GetSettingsResponse settings;
  ASSERT_TRUE(settings_reader->Read(&settings));

  v1::WatchRequest request;
  request.add_user_ids("bob");
  auto watch_context = UpstreamClient::Context(token);
  auto watch_reader = client_.presence().Watch(watch_context.get(), request);
  v1::WatchEvent event;
  ASSERT_TRUE(watch_reader->Read(&event));

  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_.Stop(), 0);
  // Idle client connections may hold the server for its 2 s grace (see
  // GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS in CMakeLists.txt).
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(3000))
      << server_.log();
  EXPECT_FALSE(settings_reader->Read(&settings));
  const grpc::Status settings_status = settings_reader->Finish();
  EXPECT_EQ(settings_status.error_code(), StatusCode::UNAVAILABLE);
  EXPECT_EQ(settings_status.error_message(), "server is shutting down");
  EXPECT_FALSE(watch_reader->Read(&event));
  EXPECT_EQ(watch_reader->Finish().error_code(), StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace presence::testing
