// The PresenceStore contract, with injected time. Every implementation runs
// this suite: add an INSTANTIATE_TEST_SUITE_P with its factory. The Redis
// store runs it against a real redis-server (one per test binary, a fresh
// key prefix per test).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>

#include "store/memory_store.h"
#include "store/redis_store.h"
#include "support/redis_server_process.h"

namespace presence::server {
namespace {

using std::chrono::milliseconds;
// A named way to make a fresh store; the name shows in test names.
struct Factory {
  std::string name;
  std::function<std::unique_ptr<PresenceStore>(NetworkSettings)> make;
  // Waits until the listener got every change made so far (stores that
  // report asynchronously); may be empty.
  std::function<void(PresenceStore&)> settle;
  friend void PrintTo(const Factory& factory, std::ostream* out) {
    *out << factory.name;
  }
};

// Rooms time out with users unless a test says otherwise
// (LongerRoomTimeout), so most tests need not tell the two apart.
constexpr Millis kThreshold{1000};
constexpr Millis kRoomTimeout{3000};  // with LongerRoomTimeout()
constexpr Millis kNoGrace{0};
const Time kStart{milliseconds(1'700'000'000'000)};

// Records everything the store reports.
class RecordingListener : public StoreListener {
 public:
  void OnNetworkSettings(const NetworkSettings& settings) override {
    settings_.push_back(settings);
  }
  void OnUserSettings(const std::string& user_id,
                      const UserSettings& settings) override {
    user_settings_.push_back({user_id, settings});
  }
  void OnPresenceChanges(const PresenceChanges& changes) override {
    users_.insert(users_.end(), changes.users.begin(), changes.users.end());
    rooms_.insert(rooms_.end(), changes.rooms.begin(), changes.rooms.end());
  }

  std::vector<NetworkSettings> settings_;
  std::vector<std::pair<std::string, UserSettings>> user_settings_;
  std::vector<UserPresence> users_;
  std::vector<RoomViewerCount> rooms_;
};

class StoreContractTest : public ::testing::TestWithParam<Factory> {
 protected:
  void SetUp() override {
    NetworkSettings settings;
    settings.user_heartbeat_interval = Millis(100);
    settings.online_threshold = kThreshold;
    settings.room_heartbeat_interval = Millis(500);
    settings.room_timeout = kThreshold;
    store_ = GetParam().make(settings);
    if (!store_) GTEST_SKIP() << GetParam().name << " needs redis-server";
    store_->SetListener(&listener_);
  }
  void TearDown() override {
    if (store_) store_->SetListener(nullptr);
  }

  // Call before looking at what the listener got.
  void Settle() {
    if (GetParam().settle) GetParam().settle(*store_);
  }

  Time At(int ms) const { return kStart + milliseconds(ms); }

  void Enable(const std::string& user) {
    store_->SetUserPresenceEnabled(user, true, At(0));
  }
  HeartbeatOutcome Beat(const std::string& user, const std::string& device,
                        bool user_beat, std::vector<std::string> rooms,
                        int at) {
    return store_->Heartbeat(user, device, user_beat, rooms, At(at)).outcome;
  }
  bool Online(const std::string& user, int at) {
    return store_->GetUserPresence({user}, At(at)).at(0).online;
  }
  std::int64_t Viewers(const std::string& room, int at) {
    return store_->RoomViewerCount(room, At(at));
  }
  std::vector<std::string> ViewerIds(const std::string& room, int at) {
    std::vector<std::string> ids;
    for (const auto& viewer :
         store_->ListRoomViewers(room, "", 10, At(at)).items) {
      ids.push_back(viewer.user_id);
    }
    return ids;
  }
  // Graceful leaves end at the latest at the first sweep from their
  // deadline on (the in-memory store ends them exactly), so tests sweep
  // before they read.
  void SweepAt(int at) { store_->Sweep(At(at)); }

  // Rooms outlive users: the room timeout becomes kRoomTimeout.
  void LongerRoomTimeout() {
    NetworkSettingsUpdate update;
    update.room_timeout = kRoomTimeout;
    ASSERT_FALSE(store_->UpdateNetworkSettings(update, At(0)).refused);
  }

  RecordingListener listener_;
  std::unique_ptr<PresenceStore> store_;
};

TEST_P(StoreContractTest, UserIsOnlineExactlyUntilTheThreshold) {
  Enable("alice");
  ASSERT_EQ(Beat("alice", "phone", true, {}, 0), HeartbeatOutcome::kAccepted);
  EXPECT_TRUE(Online("alice", 999));
  EXPECT_FALSE(Online("alice", 1000));
}

TEST_P(StoreContractTest, OfflineUserKeepsLastHeartbeatUnknownHasNone) {
  Enable("alice");
  Beat("alice", "phone", true, {}, 10);
  const auto presences = store_->GetUserPresence({"ghost", "alice"}, At(5000));
  ASSERT_EQ(presences.size(), 2u);
  EXPECT_EQ(presences[0].user_id, "ghost");
  EXPECT_FALSE(presences[0].online);
  EXPECT_EQ(presences[0].last_heartbeat, Time{});
  EXPECT_EQ(presences[1].user_id, "alice");
  EXPECT_FALSE(presences[1].online);
  EXPECT_EQ(presences[1].last_heartbeat, At(10));
}

TEST_P(StoreContractTest, UserHeartbeatNeedsEnableRoomHeartbeatDoesNot) {
  EXPECT_EQ(Beat("bob", "tv", true, {"r1"}, 0),
            HeartbeatOutcome::kUserNotEnabled);
  EXPECT_EQ(Viewers("r1", 0), 0) << "a rejected batch records nothing";
  EXPECT_EQ(Beat("bob", "tv", false, {"r1"}, 0), HeartbeatOutcome::kAccepted);
  EXPECT_EQ(Viewers("r1", 0), 1);
  EXPECT_FALSE(Online("bob", 0));
}

TEST_P(StoreContractTest, DisabledNetworkRejectsEveryHeartbeat) {
  Enable("alice");
  NetworkSettingsUpdate disable;
  disable.presence_enabled = false;
  store_->UpdateNetworkSettings(disable, At(0));
  EXPECT_EQ(Beat("alice", "phone", true, {"r1"}, 1),
            HeartbeatOutcome::kPresenceDisabled);
  EXPECT_EQ(Beat("alice", "phone", false, {"r1"}, 1),
            HeartbeatOutcome::kPresenceDisabled);
  EXPECT_FALSE(Online("alice", 1));
  EXPECT_EQ(Viewers("r1", 1), 0);
}

TEST_P(StoreContractTest, RoomCountsUsersNotDevices) {
  Beat("alice", "phone", false, {"r1"}, 0);
  Beat("alice", "tv", false, {"r1"}, 0);
  Beat("bob", "tv", false, {"r1"}, 0);
  EXPECT_EQ(Viewers("r1", 1), 2);
  const auto page = store_->ListRoomViewers("r1", "", 10, At(1));
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].user_id, "alice");
  EXPECT_EQ(page.items[1].user_id, "bob");
}

TEST_P(StoreContractTest, OneDeviceLeavingKeepsTheViewerWhileAnotherBeats) {
  Beat("alice", "phone", false, {"r1"}, 0);
  Beat("alice", "tv", false, {"r1"}, 0);
  store_->Leave("alice", "phone", false, {"r1"}, kNoGrace, At(100));
  EXPECT_EQ(Viewers("r1", 100), 1);
  store_->Leave("alice", "tv", false, {"r1"}, kNoGrace, At(200));
  EXPECT_EQ(Viewers("r1", 200), 0);
}

TEST_P(StoreContractTest, DeviceThatStoppedDoesNotKeepTheUserAfterLeave) {
  Enable("alice");
  Beat("alice", "phone", true, {"r1"}, 0);  // the phone then goes silent
  Beat("alice", "tv", true, {"r1"}, 900);
  Beat("alice", "tv", true, {"r1"}, 1500);
  EXPECT_TRUE(Online("alice", 1500));
  store_->Leave("alice", "tv", true, {"r1"}, kNoGrace, At(1600));
  EXPECT_FALSE(Online("alice", 1600));
  EXPECT_EQ(Viewers("r1", 1600), 0);
}

TEST_P(StoreContractTest, UserLeaveKeepsUserOnlineFromOtherDevice) {
  Enable("alice");
  Beat("alice", "phone", true, {}, 0);
  Beat("alice", "tv", true, {}, 0);
  store_->Leave("alice", "phone", true, {}, kNoGrace, At(10));
  EXPECT_TRUE(Online("alice", 10));
  EXPECT_EQ(store_->OnlineUserCount(At(10)), 1);
  store_->Leave("alice", "tv", true, {}, kNoGrace, At(20));
  EXPECT_FALSE(Online("alice", 20));
  EXPECT_EQ(store_->OnlineUserCount(At(20)), 0);
}

TEST_P(StoreContractTest, JoinedAtKeepsContinuousPresenceAndResetsAfterGap) {
  Beat("alice", "phone", false, {"r1"}, 0);
  Beat("alice", "tv", false, {"r1"}, 600);
  Beat("alice", "phone", false, {"r1"}, 1200);
  auto viewer = store_->ListRoomViewers("r1", "", 10, At(1200)).items.at(0);
  EXPECT_EQ(viewer.joined_at, At(0));
  EXPECT_EQ(viewer.last_heartbeat, At(1200));

  Beat("alice", "phone", false, {"r1"}, 2200);  // gone past the threshold
  viewer = store_->ListRoomViewers("r1", "", 10, At(2200)).items.at(0);
  EXPECT_EQ(viewer.joined_at, At(2200));
}

TEST_P(StoreContractTest, OnlineUsersPageWithoutDuplicatesOrGaps) {
  std::set<std::string> expected;
  for (int i = 0; i < 45; ++i) {
    const std::string user = "user" + std::to_string(100 + i);
    Enable(user);
    Beat(user, "d", true, {}, 0);
    expected.insert(user);
  }
  std::vector<std::string> seen;
  std::string after;
  std::vector<std::size_t> page_sizes;
  for (int round = 0; round < 10; ++round) {
    if (round == 1) {  // churn between pages: a new user sorts first
      Enable("aaa");
      Beat("aaa", "d", true, {}, 1);
    }
    const auto page = store_->ListOnlineUsers(after, 20, At(1));
    page_sizes.push_back(page.items.size());
    for (const auto& user : page.items) seen.push_back(user.user_id);
    if (!page.more) break;
    after = page.items.back().user_id;
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{20, 20, 5}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size());
}

TEST_P(StoreContractTest, RoomViewersPage) {
  for (int i = 0; i < 25; ++i) {
    Beat("u" + std::to_string(10 + i), "d", false, {"r1"}, 0);
  }
  const auto first = store_->ListRoomViewers("r1", "", 20, At(1));
  ASSERT_EQ(first.items.size(), 20u);
  EXPECT_TRUE(first.more);
  const auto second =
      store_->ListRoomViewers("r1", first.items.back().user_id, 20, At(1));
  ASSERT_EQ(second.items.size(), 5u);
  EXPECT_FALSE(second.more);
  EXPECT_EQ(second.items.front().user_id, "u30");
  EXPECT_TRUE(store_->ListRoomViewers("nowhere", "", 20, At(1)).items.empty());
}

TEST_P(StoreContractTest, CountsFollowHeartbeatsLeavesAndExpiry) {
  for (const char* user : {"a", "b", "c"}) Enable(user);
  Beat("a", "d", true, {"r1", "r2"}, 0);
  Beat("b", "d", true, {"r1"}, 500);
  Beat("c", "d", true, {}, 500);
  EXPECT_EQ(store_->OnlineUserCount(At(500)), 3);
  EXPECT_EQ(store_->RoomViewerCounts({"r1", "r2", "r3"}, At(500)),
            (std::vector<std::int64_t>{2, 1, 0}));
  store_->Leave("c", "d", true, {}, kNoGrace, At(600));
  EXPECT_EQ(store_->OnlineUserCount(At(600)), 2);
  EXPECT_EQ(store_->OnlineUserCount(At(1000)), 1);  // a expired
  EXPECT_EQ(Viewers("r1", 1000), 1);
  EXPECT_EQ(Viewers("r2", 1000), 0);
}

TEST_P(StoreContractTest, SweepReportsTransitions) {
  Enable("alice");
  Beat("alice", "d", true, {"r1"}, 0);
  Beat("alice", "d", true, {"r1"}, 500);  // no transition
  Settle();
  ASSERT_EQ(listener_.users_.size(), 1u);
  EXPECT_TRUE(listener_.users_[0].online);
  ASSERT_EQ(listener_.rooms_.size(), 1u);
  EXPECT_EQ(listener_.rooms_[0].count, 1);

  store_->Sweep(At(1499));
  Settle();
  EXPECT_EQ(listener_.users_.size(), 1u);
  store_->Sweep(At(1500));
  Settle();
  ASSERT_EQ(listener_.users_.size(), 2u);
  EXPECT_FALSE(listener_.users_[1].online);
  EXPECT_EQ(listener_.users_[1].last_heartbeat, At(500));
  ASSERT_EQ(listener_.rooms_.size(), 2u);
  EXPECT_EQ(listener_.rooms_[1].room_id, "r1");
  EXPECT_EQ(listener_.rooms_[1].count, 0);
}

TEST_P(StoreContractTest, SessionsExpire) {
  store_->PutSession("t1", {"alice", "phone", At(100)}, At(0));
  const auto session = store_->FindSession("t1", At(99));
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->user_id, "alice");
  EXPECT_EQ(session->device_id, "phone");
  EXPECT_FALSE(store_->FindSession("t1", At(100)).has_value());
  EXPECT_FALSE(store_->FindSession("nope", At(0)).has_value());
}

TEST_P(StoreContractTest, SettingsUpdatesAreReportedAndApply) {
  Enable("alice");
  Beat("alice", "d", true, {}, 0);
  NetworkSettingsUpdate update;
  update.online_threshold = Millis(200);
  update.sync_interval = Millis(5);
  const SettingsUpdateResult result =
      store_->UpdateNetworkSettings(update, At(300));
  ASSERT_FALSE(result.refused);
  const NetworkSettings& settings = result.settings;
  EXPECT_EQ(settings.online_threshold, Millis(200));
  EXPECT_EQ(settings.sync_interval, Millis(5));
  EXPECT_EQ(settings.updated_at, At(300));
  EXPECT_TRUE(settings.presence_enabled) << "unset fields stay";
  Settle();
  ASSERT_EQ(listener_.settings_.size(), 1u);
  EXPECT_EQ(listener_.settings_[0].online_threshold, Millis(200));
  EXPECT_FALSE(Online("alice", 300)) << "a shorter threshold applies at once";
}

TEST_P(StoreContractTest,
       UserSettingsRememberWhenEnabledAndDisableGoesOffline) {
  EXPECT_FALSE(store_->GetUserSettings("alice", At(0)).enabled);
  store_->SetUserPresenceEnabled("alice", true, At(5));
  store_->SetUserPresenceEnabled("alice", true, At(9));  // no change
  UserSettings settings = store_->GetUserSettings("alice", At(10));
  EXPECT_TRUE(settings.enabled);
  EXPECT_EQ(settings.enabled_at, At(5));
  Settle();
  ASSERT_EQ(listener_.user_settings_.size(), 1u);

  Beat("alice", "d", true, {}, 10);
  store_->SetUserPresenceEnabled("alice", false, At(20));
  EXPECT_FALSE(Online("alice", 20));
  EXPECT_EQ(Beat("alice", "d", true, {}, 30),
            HeartbeatOutcome::kUserNotEnabled);
}

// ---- Rooms time out with the room timeout, users with the threshold.

TEST_P(StoreContractTest, ViewerOutlivesTheOnlineThresholdUntilTheRoomTimeout) {
  LongerRoomTimeout();
  Enable("alice");
  Beat("alice", "phone", true, {"r1"}, 0);
  EXPECT_TRUE(Online("alice", 999));
  EXPECT_FALSE(Online("alice", 1000)) << "the user expires at the threshold";
  EXPECT_EQ(store_->OnlineUserCount(At(1000)), 0);
  EXPECT_EQ(Viewers("r1", 1000), 1) << "the viewer does not";
  EXPECT_EQ(store_->RoomViewerCounts({"r1"}, At(2999)),
            std::vector<std::int64_t>{1});
  EXPECT_EQ(ViewerIds("r1", 2999), std::vector<std::string>{"alice"});
  EXPECT_EQ(Viewers("r1", 3000), 0);
  EXPECT_TRUE(ViewerIds("r1", 3000).empty());
}

TEST_P(StoreContractTest, SweepReportsTheUserAtTheThresholdAndTheViewerLater) {
  LongerRoomTimeout();
  Enable("alice");
  Beat("alice", "phone", true, {"r1"}, 0);
  store_->Sweep(At(1000));
  Settle();
  ASSERT_EQ(listener_.users_.size(), 2u);
  EXPECT_FALSE(listener_.users_[1].online);
  EXPECT_EQ(listener_.rooms_.size(), 1u) << "the viewer still counts";
  store_->Sweep(At(2999));
  Settle();
  EXPECT_EQ(listener_.rooms_.size(), 1u);
  store_->Sweep(At(3000));
  Settle();
  ASSERT_EQ(listener_.rooms_.size(), 2u);
  EXPECT_EQ(listener_.rooms_[1].count, 0);
}

TEST_P(StoreContractTest, SilentDeviceStaysInTheRoomUntilTheRoomTimeout) {
  LongerRoomTimeout();
  Beat("alice", "phone", false, {"r1"}, 0);  // the phone then goes silent
  Beat("alice", "tv", false, {"r1"}, 1500);
  store_->Leave("alice", "tv", false, {"r1"}, kNoGrace, At(1600));
  EXPECT_EQ(Viewers("r1", 1600), 1) << "the phone is past the threshold only";
  const auto viewer = store_->ListRoomViewers("r1", "", 10, At(1600)).items;
  ASSERT_EQ(viewer.size(), 1u);
  EXPECT_EQ(viewer[0].joined_at, At(0)) << "one continuous presence";
  EXPECT_EQ(Viewers("r1", 3000), 0);
}

// ---- Leaving with a grace period.

TEST_P(StoreContractTest, GraceLeaveEndsAtItsDeadlineAndNotBefore) {
  Enable("alice");
  Beat("alice", "phone", true, {"r1"}, 0);
  store_->Leave("alice", "phone", true, {"r1"}, Millis(500), At(100));
  EXPECT_TRUE(Online("alice", 100)) << "the device counts while pending";
  SweepAt(599);
  EXPECT_TRUE(Online("alice", 599));
  EXPECT_EQ(Viewers("r1", 599), 1);
  SweepAt(600);
  EXPECT_FALSE(Online("alice", 600));
  EXPECT_EQ(Viewers("r1", 600), 0);
  EXPECT_EQ(store_->OnlineUserCount(At(600)), 0);
}

TEST_P(StoreContractTest, GraceLeaveReportsItsTransitionsWhenItEnds) {
  Enable("alice");
  Beat("alice", "phone", true, {"r1"}, 0);
  store_->Leave("alice", "phone", true, {"r1"}, Millis(500), At(100));
  SweepAt(599);
  Settle();
  ASSERT_EQ(listener_.users_.size(), 1u) << "nothing changes while pending";
  ASSERT_EQ(listener_.rooms_.size(), 1u);
  SweepAt(600);
  Settle();
  ASSERT_EQ(listener_.users_.size(), 2u);
  EXPECT_FALSE(listener_.users_[1].online);
  EXPECT_EQ(listener_.users_[1].last_heartbeat, At(0));
  ASSERT_EQ(listener_.rooms_.size(), 2u);
  EXPECT_EQ(listener_.rooms_[1].room_id, "r1");
  EXPECT_EQ(listener_.rooms_[1].count, 0);
}

TEST_P(StoreContractTest, HeartbeatDuringTheGraceCancelsItForThatTarget) {
  Enable("alice");
  Beat("alice", "phone", true, {"r1", "r2"}, 0);
  store_->Leave("alice", "phone", true, {"r1", "r2"}, Millis(500), At(100));
  Beat("alice", "phone", true, {"r1"}, 300);  // restarted; r2 not held again
  SweepAt(600);
  EXPECT_TRUE(Online("alice", 600));
  EXPECT_EQ(store_->RoomViewerCounts({"r1", "r2"}, At(600)),
            (std::vector<std::int64_t>{1, 0}));
  EXPECT_TRUE(Online("alice", 1299)) << "back to expiry from the last beat";
  EXPECT_FALSE(Online("alice", 1300));
}

TEST_P(StoreContractTest, GraceNeverOutlastsExpiry) {
  Enable("alice");
  Beat("alice", "phone", true, {"r1"}, 0);
  store_->Leave("alice", "phone", true, {"r1"}, Millis(5000), At(500));
  SweepAt(1000);
  EXPECT_FALSE(Online("alice", 1000));
  EXPECT_EQ(Viewers("r1", 1000), 0);

  // Another device of the same user meanwhile: the phone's leave, firing
  // for a device that is gone, ends nothing.
  for (int at = 2000; at <= 5500; at += 500) {
    Beat("alice", "tv", true, {"r1"}, at);
    SweepAt(at);
  }
  EXPECT_TRUE(Online("alice", 5500));
  EXPECT_EQ(Viewers("r1", 5500), 1);
}

TEST_P(StoreContractTest, GraceLeaveOfOneDeviceLeavesTheOtherCounted) {
  Enable("alice");
  Beat("alice", "phone", true, {"r1"}, 0);
  Beat("alice", "tv", true, {"r1"}, 0);
  store_->Leave("alice", "phone", true, {"r1"}, Millis(200), At(100));
  SweepAt(300);
  EXPECT_TRUE(Online("alice", 300));
  EXPECT_EQ(Viewers("r1", 300), 1);
  Settle();
  EXPECT_EQ(listener_.users_.size(), 1u) << "no transition";
  // The phone is gone now: the tv leaving ends the presence.
  store_->Leave("alice", "tv", true, {"r1"}, kNoGrace, At(400));
  EXPECT_FALSE(Online("alice", 400));
  EXPECT_EQ(Viewers("r1", 400), 0);
}

// ---- Settings that cannot contradict themselves.

TEST_P(StoreContractTest, UpdatesBreakingTheRulesAreRefusedAndChangeNothing) {
  const NetworkSettings before = store_->GetNetworkSettings(At(0));
  NetworkSettingsUpdate longer_interval;
  longer_interval.room_heartbeat_interval = Millis(2000);
  longer_interval.sync_interval = Millis(5);
  auto result = store_->UpdateNetworkSettings(longer_interval, At(10));
  ASSERT_TRUE(result.refused);
  EXPECT_EQ(result.refused->blamed, Setting::kRoomHeartbeatInterval);
  EXPECT_EQ(result.refused->other, Setting::kRoomTimeout);
  EXPECT_EQ(result.refused->other_value, kThreshold);

  NetworkSettingsUpdate equal_threshold;
  equal_threshold.online_threshold = Millis(100);  // the user interval
  result = store_->UpdateNetworkSettings(equal_threshold, At(20));
  ASSERT_TRUE(result.refused);
  EXPECT_EQ(result.refused->blamed, Setting::kOnlineThreshold);

  const NetworkSettings after = store_->GetNetworkSettings(At(30));
  EXPECT_EQ(after.room_heartbeat_interval, before.room_heartbeat_interval);
  EXPECT_EQ(after.sync_interval, before.sync_interval);
  EXPECT_EQ(after.online_threshold, before.online_threshold);
  EXPECT_EQ(after.updated_at, before.updated_at);
  Settle();
  EXPECT_TRUE(listener_.settings_.empty());

  NetworkSettingsUpdate both;
  both.room_heartbeat_interval = Millis(2000);
  both.room_timeout = Millis(4000);
  result = store_->UpdateNetworkSettings(both, At(40));
  ASSERT_FALSE(result.refused);
  EXPECT_EQ(result.settings.room_heartbeat_interval, Millis(2000));
  EXPECT_EQ(result.settings.room_timeout, Millis(4000));
  EXPECT_EQ(store_->GetNetworkSettings(At(50)).room_timeout, Millis(4000));
}

INSTANTIATE_TEST_SUITE_P(Memory, StoreContractTest,
                         ::testing::Values(Factory{
                             "MemoryStore",
                             [](NetworkSettings settings) {
                               return std::make_unique<MemoryStore>(settings);
                             },
                             nullptr}),
                         [](const auto& info) { return info.param.name; });

// One redis-server for the whole binary; each store gets its own prefix.
testing::RedisServerProcess& SharedRedis() {
  static testing::RedisServerProcess redis;  // killed at exit
  return redis;
}

std::unique_ptr<PresenceStore> MakeRedisStore(NetworkSettings settings) {
  static std::atomic<int> next{0};
  RedisStoreOptions options;
  options.redis.address = SharedRedis().address();
  options.key_prefix =
      "contract-" + std::to_string(getpid()) + "-" + std::to_string(next++);
  return std::make_unique<RedisStore>(options, settings);
}

INSTANTIATE_TEST_SUITE_P(
    Redis, StoreContractTest,
    ::testing::Values(Factory{
        "RedisStore",
        [](NetworkSettings settings) -> std::unique_ptr<PresenceStore> {
          if (!testing::RedisServerProcess::Available()) return nullptr;
          return MakeRedisStore(settings);
        },
        [](PresenceStore& store) {
          ASSERT_TRUE(static_cast<RedisStore&>(store).SyncEvents());
        }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace presence::server
