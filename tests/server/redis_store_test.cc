// What only the Redis store has: replicas (several RedisStores on one
// Redis and key prefix), changes reaching every replica once, one round trip
// per heartbeat, and Redis going away and coming back.
#include "store/redis_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/redis_server_process.h"
#include "support/wait.h"

namespace presence::server {
namespace {

using std::chrono::milliseconds;
using testing::RedisServerProcess;
using testing::WaitUntil;

const Time kStart{milliseconds(1'700'000'000'000)};
Time At(int ms) { return kStart + milliseconds(ms); }

class Recorder : public StoreListener {
 public:
  void OnNetworkSettings(const NetworkSettings& settings) override {
    std::lock_guard lock(mu);
    settings_.push_back(settings);
  }
  void OnUserSettings(const std::string& user_id,
                      const UserSettings&) override {
    std::lock_guard lock(mu);
    user_settings_.push_back(user_id);
  }
  void OnPresenceChanges(const PresenceChanges& changes) override {
    std::lock_guard lock(mu);
    users_.insert(users_.end(), changes.users.begin(), changes.users.end());
    rooms_.insert(rooms_.end(), changes.rooms.begin(), changes.rooms.end());
  }
  std::mutex mu;
  std::vector<NetworkSettings> settings_;
  std::vector<std::string> user_settings_;
  std::vector<UserPresence> users_;
  std::vector<RoomViewerCount> rooms_;
};

std::string FreshPrefix() {
  static std::atomic<int> next{0};
  return "redis-test-" + std::to_string(getpid()) + "-" +
         std::to_string(next++);
}

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedisServerProcess::Available()) GTEST_SKIP() << "no redis-server";
    redis_ = std::make_unique<RedisServerProcess>();
    prefix_ = FreshPrefix();
    settings_.user_heartbeat_interval = Millis(100);
    settings_.online_threshold = Millis(1000);
    settings_.room_heartbeat_interval = Millis(500);
    settings_.room_timeout = Millis(1000);
  }

  std::unique_ptr<RedisStore> Replica(NetworkSettings settings) {
    RedisStoreOptions options;
    options.redis.address = redis_->address();
    options.redis.timeout = Millis(200);
    options.key_prefix = prefix_;
    return std::make_unique<RedisStore>(options, settings);
  }
  std::unique_ptr<RedisStore> Replica() { return Replica(settings_); }

  std::int64_t CommandCalls(const std::string& command) {
    RedisPool pool({redis_->address(), Millis(500), 1});
    const Reply reply = pool.Command({"INFO", "commandstats"});
    const std::string text(reply->str, reply->len);
    const std::string key = "cmdstat_" + command + ":calls=";
    const auto at = text.find(key);
    return at == std::string::npos ? 0
                                   : std::stoll(text.substr(at + key.size()));
  }

  std::unique_ptr<RedisServerProcess> redis_;
  std::string prefix_;
  NetworkSettings settings_;
};

TEST_F(RedisStoreTest, ReplicasShareSessionsSettingsAndPresence) {
  auto a = Replica();
  NetworkSettings other = settings_;
  other.online_threshold = Millis(5000);
  auto b = Replica(other);
  EXPECT_EQ(b->GetNetworkSettings(At(0)).online_threshold, Millis(1000))
      << "settings in Redis win over a later replica's config";

  a->PutSession("token", {"alice", "phone", At(60'000)}, At(0));
  const auto session = b->FindSession("token", At(1));
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->user_id, "alice");
  EXPECT_EQ(session->device_id, "phone");

  a->SetUserPresenceEnabled("alice", true, At(0));
  EXPECT_TRUE(b->GetUserSettings("alice", At(0)).enabled);
  ASSERT_EQ(a->Heartbeat("alice", "phone", true, {"r1", "r2"}, At(10)).outcome,
            HeartbeatOutcome::kAccepted);
  EXPECT_TRUE(b->GetUserPresence({"alice"}, At(20)).at(0).online);
  EXPECT_EQ(b->OnlineUserCount(At(20)), 1);
  EXPECT_EQ(b->RoomViewerCounts({"r1", "r2", "r3"}, At(20)),
            (std::vector<std::int64_t>{1, 1, 0}));
  b->Heartbeat("alice", "tv", false, {"r1"}, At(500));
  a->Leave("alice", "phone", false, {"r1"}, Millis(0), At(600));
  EXPECT_EQ(a->RoomViewerCount("r1", At(600)), 1) << "the tv still watches";
  EXPECT_EQ(b->RoomViewerCount("r1", At(1500)), 0) << "expired, unswept";
}

TEST_F(RedisStoreTest, UnixSocketAddress) {
  RedisStoreOptions options;
  options.redis.address = redis_->socket_path();
  options.key_prefix = prefix_;
  RedisStore store(options, settings_);
  ASSERT_TRUE(store.WaitSubscribed(milliseconds(2000)));
  store.Heartbeat("bob", "tv", false, {"r1"}, At(0));
  EXPECT_EQ(Replica()->RoomViewerCount("r1", At(1)), 1) << "same Redis";
  ASSERT_TRUE(store.SyncEvents());
}

TEST_F(RedisStoreTest, EveryReplicaHearsEveryChangeOnce) {
  auto a = Replica();
  auto b = Replica();
  Recorder heard_a, heard_b;
  a->SetListener(&heard_a);
  b->SetListener(&heard_b);

  a->SetUserPresenceEnabled("alice", true, At(0));
  a->Heartbeat("alice", "phone", true, {"r1"}, At(0));
  NetworkSettingsUpdate update;
  update.sync_interval = Millis(1234);
  a->UpdateNetworkSettings(update, At(10));
  b->Sweep(At(999));
  b->Sweep(At(1000));  // alice expires, found by b's sweep
  a->Sweep(At(1001));  // nothing left to find
  ASSERT_TRUE(a->SyncEvents());
  ASSERT_TRUE(b->SyncEvents());

  for (Recorder* heard : {&heard_a, &heard_b}) {
    std::lock_guard lock(heard->mu);
    ASSERT_EQ(heard->users_.size(), 2u);
    EXPECT_TRUE(heard->users_[0].online);
    EXPECT_FALSE(heard->users_[1].online);
    EXPECT_EQ(heard->users_[1].last_heartbeat, At(0));
    ASSERT_EQ(heard->rooms_.size(), 2u);
    EXPECT_EQ(heard->rooms_[0].count, 1);
    EXPECT_EQ(heard->rooms_[1].count, 0);
    ASSERT_EQ(heard->settings_.size(), 1u);
    EXPECT_EQ(heard->settings_[0].sync_interval, Millis(1234));
    EXPECT_EQ(heard->user_settings_, std::vector<std::string>{"alice"});
  }
  a->SetListener(nullptr);
  b->SetListener(nullptr);
}

TEST_F(RedisStoreTest, HeartbeatIsOneRoundTripAndSessionsAreCached) {
  auto a = Replica();
  a->PutSession("token", {"alice", "phone", At(60'000)}, At(0));
  a->SetUserPresenceEnabled("alice", true, At(0));
  a->Heartbeat("alice", "phone", true, {"r1"}, At(0));  // connects
  const std::int64_t evalsha = CommandCalls("evalsha");
  const std::int64_t eval = CommandCalls("eval");
  const std::int64_t get = CommandCalls("get");
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(a->FindSession("token", At(i)).has_value());
    a->Heartbeat("alice", "phone", true, {"r1", "r2", "r3"}, At(i));
  }
  EXPECT_EQ(CommandCalls("evalsha") - evalsha, 10);
  EXPECT_EQ(CommandCalls("eval"), eval);
  EXPECT_EQ(CommandCalls("get"), get) << "sessions come from the cache";
}

TEST_F(RedisStoreTest, RedisDownMeansUnavailableAndRecoveryIsAutomatic) {
  auto a = Replica();
  Recorder heard;
  a->SetListener(&heard);
  NetworkSettingsUpdate update;
  update.sync_interval = Millis(4321);
  a->UpdateNetworkSettings(update, At(0));
  a->Heartbeat("bob", "tv", false, {"r1"}, At(0));

  redis_->Kill();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(a->Heartbeat("bob", "tv", false, {"r1"}, At(1)),
               StoreUnavailable);
  try {
    a->RoomViewerCount("r1", At(1));
    ADD_FAILURE() << "no error while redis is down";
  } catch (const StoreUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("redis at " + redis_->address() +
                                         " unavailable"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(a->Sweep(At(1)), StoreUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000))
      << "failing calls do not hang";

  redis_->Start();  // same port, empty
  const bool recovered = WaitUntil(
      [&] {
        try {
          a->Heartbeat("bob", "tv", false, {"r1"}, At(2));
          return true;
        } catch (const StoreUnavailable&) {
          return false;
        }
      },
      milliseconds(5000), milliseconds(20));
  ASSERT_TRUE(recovered);
  EXPECT_EQ(a->RoomViewerCount("r1", At(3)), 1) << "rebuilt by the heartbeat";
  EXPECT_EQ(a->GetNetworkSettings(At(3)).sync_interval, Millis(4321))
      << "settings seeded again from the last ones this replica saw";
  ASSERT_TRUE(a->WaitSubscribed(milliseconds(5000)));
  ASSERT_TRUE(a->SyncEvents());
  a->SetListener(nullptr);
  std::lock_guard lock(heard.mu);
  ASSERT_GE(heard.settings_.size(), 2u) << "settings re-sent on resubscribe";
  EXPECT_EQ(heard.settings_.back().sync_interval, Millis(4321));
}

TEST_F(RedisStoreTest,
       SettingsWithoutARoomTimeoutTimeOutRoomsAtTwiceTheInterval) {
  // As a server older than the room timeout wrote them.
  RedisPool pool({redis_->address(), Millis(500), 1});
  pool.Command({"HSET", "{" + prefix_ + "}:settings", "presence_enabled", "1",
                "user_heartbeat_interval_ms", "100",
                "room_heartbeat_interval_ms", "400", "online_threshold_ms",
                "1000", "sync_interval_ms", "100", "updated_at_ms", "0"});
  auto a = Replica();
  EXPECT_EQ(a->GetNetworkSettings(At(0)).room_timeout, Millis(800));
  a->Heartbeat("bob", "tv", false, {"r1"}, At(0));
  EXPECT_EQ(a->RoomViewerCount("r1", At(799)), 1);
  EXPECT_EQ(a->RoomViewerCount("r1", At(800)), 0);

  NetworkSettingsUpdate update;
  update.room_timeout = Millis(300);
  const SettingsUpdateResult result = a->UpdateNetworkSettings(update, At(0));
  ASSERT_TRUE(result.refused) << "checked against the derived timeout too";
  EXPECT_EQ(result.refused->other_value, Millis(400));
}

TEST_F(RedisStoreTest, RacingUpdatesNeverCombineIntoSettingsThatBreakTheRules) {
  // Each update alone keeps the rules (room interval 500ms < timeout 1s),
  // both together would not: one of them must be refused, every round.
  auto a = Replica();
  auto b = Replica();
  NetworkSettingsUpdate reset, longer_interval, shorter_timeout;
  reset.room_heartbeat_interval = Millis(500);
  reset.room_timeout = Millis(1000);
  longer_interval.room_heartbeat_interval = Millis(900);
  shorter_timeout.room_timeout = Millis(800);
  for (int round = 0; round < 50; ++round) {
    ASSERT_FALSE(a->UpdateNetworkSettings(reset, At(round)).refused);
    std::atomic<bool> go{false};
    SettingsUpdateResult from_b;
    std::thread racer([&] {
      while (!go) {
      }
      from_b = b->UpdateNetworkSettings(shorter_timeout, At(round));
    });
    go = true;
    const SettingsUpdateResult from_a =
        a->UpdateNetworkSettings(longer_interval, At(round));
    racer.join();
    EXPECT_NE(from_a.refused.has_value(), from_b.refused.has_value())
        << "round " << round;
    const NetworkSettings settings = a->GetNetworkSettings(At(round));
    ASSERT_LT(settings.room_heartbeat_interval, settings.room_timeout)
        << "round " << round;
  }
}

}  // namespace
}  // namespace presence::server
