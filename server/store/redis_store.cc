#include "store/redis_store.h"

#include <spdlog/spdlog.h>

#include <random>

#include "store/settings_rules.h"

namespace presence::server {
namespace {

namespace scripts = redis_scripts;

// Change records on the events channel: records are separated by RS
// ("\x1e"), fields by US ("\x1f"); ids cannot contain either (they are
// control characters), and an id is always the last field.
//   S US enabled US user_hb US room_hb US threshold US sync US updated_at
//     US room_timeout           (without room_timeout from older servers)
//   E US enabled US enabled_at US user
//   U US online US last_heartbeat US user
//   R US count US room
//   Y US replica US sequence          (SyncEvents marker)
constexpr char kRecordSep = '\x1e';
constexpr char kFieldSep = '\x1f';
constexpr std::size_t kMaxCachedSessions = 100'000;
constexpr int kSweepBatch = 1000;
// Settings updates racing each other: each try reads again, so one of them
// wins every round; this bounds the rounds one update waits.
constexpr int kSettingsUpdateTries = 100;
// Settings in replies and change records: enabled, user interval, room
// interval, online threshold, sync interval, updated at, room timeout.
constexpr std::size_t kSettingsValues = 7;
// Kept in Redis this much longer than the session lives, so replica clocks
// a little ahead of Redis' still find it; FindSession checks the expiry.
constexpr Millis kSessionSlack{60'000};

std::int64_t Ms(Time time) { return time.time_since_epoch().count(); }
Time FromMs(std::int64_t ms) { return Time(Millis(ms)); }

[[noreturn]] void Unexpected(const char* what) {
  throw std::runtime_error(std::string("unexpected reply from redis to ") +
                           what);
}

std::int64_t Int(const redisReply* reply, const char* what) {
  if (reply->type == REDIS_REPLY_INTEGER) return reply->integer;
  if (reply->type == REDIS_REPLY_STRING) {
    try {
      return std::stoll(std::string(reply->str, reply->len));
    } catch (const std::exception&) {
    }
  }
  Unexpected(what);
}

std::string Str(const redisReply* reply, const char* what) {
  if (reply->type != REDIS_REPLY_STRING) Unexpected(what);
  return std::string(reply->str, reply->len);
}

const redisReply* Array(const Reply& reply, std::size_t min_size,
                        const char* what) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < min_size) {
    Unexpected(what);
  }
  return reply.get();
}

// The kSettingsValues values from array->element[first] on.
NetworkSettings SettingsFrom(const redisReply* array, std::size_t first,
                             const char* what) {
  auto at = [&](std::size_t i) { return Int(array->element[first + i], what); };
  NetworkSettings settings;
  settings.presence_enabled = at(0) != 0;
  settings.user_heartbeat_interval = Millis(at(1));
  settings.room_heartbeat_interval = Millis(at(2));
  settings.online_threshold = Millis(at(3));
  settings.sync_interval = Millis(at(4));
  settings.updated_at = FromMs(at(5));
  settings.room_timeout = Millis(at(6));
  return settings;
}

// Appends the kSettingsValues values, in SettingsFrom's order.
void AppendSettings(const NetworkSettings& settings,
                    std::vector<std::string>* argv) {
  for (std::int64_t value :
       {std::int64_t{settings.presence_enabled ? 1 : 0},
        std::int64_t{settings.user_heartbeat_interval.count()},
        std::int64_t{settings.room_heartbeat_interval.count()},
        std::int64_t{settings.online_threshold.count()},
        std::int64_t{settings.sync_interval.count()}, Ms(settings.updated_at),
        std::int64_t{settings.room_timeout.count()}}) {
    argv->push_back(std::to_string(value));
  }
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::int64_t ToInt(std::string_view text) {
  std::int64_t value = 0;
  bool negative = !text.empty() && text[0] == '-';
  for (std::size_t i = negative ? 1 : 0; i < text.size(); ++i) {
    value = value * 10 + (text[i] - '0');
  }
  return negative ? -value : value;
}

std::string RandomId() {
  std::random_device random;
  return std::to_string(random()) + std::to_string(random());
}

}  // namespace

RedisStore::RedisStore(RedisStoreOptions options,
                       const NetworkSettings& initial_settings)
    : prefix_("{" + options.key_prefix + "}:"),
      channel_(prefix_ + "events"),
      replica_id_(RandomId()),
      pool_(options.redis),
      known_settings_(initial_settings) {
  subscriber_ = std::make_unique<RedisSubscriber>(
      options.redis, channel_,
      [this](std::string_view message) { OnMessage(message); },
      [this](bool first) { OnSubscribed(first); });
  if (!subscriber_->WaitSubscribed(options.startup_wait)) {
    spdlog::warn(
        "redis at {} is not reachable yet; serving UNAVAILABLE until it is",
        options.redis.address);
  }
  try {
    Seed(initial_settings.updated_at);
  } catch (const std::exception& e) {
    spdlog::warn("cannot seed network settings into redis: {}", e.what());
  }
}

RedisStore::~RedisStore() {
  subscriber_.reset();  // no listener call after this
}

void RedisStore::SetListener(StoreListener* listener) {
  MutexLock lock(listener_mu_);
  listener_ = listener;
}

std::vector<std::string> RedisStore::Args(Time now) const {
  return {prefix_, std::to_string(Ms(now))};
}

void RedisStore::Remember(const NetworkSettings& settings) {
  MutexLock lock(settings_mu_);
  known_settings_ = settings;
}

void RedisStore::Seed(Time now) {
  NetworkSettings seed;
  {
    MutexLock lock(settings_mu_);
    seed = known_settings_;
  }
  std::vector<std::string> argv = Args(now);
  AppendSettings(seed, &argv);
  const Reply reply = pool_.Eval(scripts::kSeedSettings, argv);
  Remember(SettingsFrom(Array(reply, kSettingsValues, "seed"), 0, "seed"));
}

Reply RedisStore::Eval(scripts::Id script,
                       const std::vector<std::string>& argv) {
  try {
    return pool_.Eval(script, argv);
  } catch (const RedisReplyError& e) {
    if (std::string_view(e.what()).find("NOSETTINGS") ==
        std::string_view::npos) {
      throw;
    }
  }
  // Redis lost its data (restarted without persistence, or flushed).
  spdlog::warn("network settings missing from redis; seeding them again");
  Seed(FromMs(std::stoll(argv.at(1))));
  return pool_.Eval(script, argv);
}

void RedisStore::PutSession(const std::string& token, const Session& session,
                            Time now) {
  const Millis ttl = session.expires_at - now;
  if (ttl <= Millis(0)) return;
  std::string value = std::to_string(Ms(session.expires_at));
  value += kFieldSep;
  value += session.user_id;
  value += kFieldSep;
  value += session.device_id;
  pool_.Command({"SET", prefix_ + "session:" + token, value, "PX",
                 std::to_string((ttl + kSessionSlack).count())});
  MutexLock lock(sessions_mu_);
  if (sessions_.size() >= kMaxCachedSessions) sessions_.clear();
  sessions_[token] = session;
}

std::optional<Session> RedisStore::FindSession(const std::string& token,
                                               Time now) {
  {
    MutexLock lock(sessions_mu_);
    const auto it = sessions_.find(token);
    if (it != sessions_.end()) {
      if (it->second.expires_at > now) return it->second;
      sessions_.erase(it);
      return std::nullopt;
    }
  }
  const Reply reply = pool_.Command({"GET", prefix_ + "session:" + token});
  if (reply->type == REDIS_REPLY_NIL) return std::nullopt;
  const std::string value = Str(reply.get(), "GET session");
  const auto fields = Split(value, kFieldSep);
  if (fields.size() != 3) Unexpected("GET session");
  Session session{std::string(fields[1]), std::string(fields[2]),
                  FromMs(ToInt(fields[0]))};
  if (session.expires_at <= now) return std::nullopt;
  MutexLock lock(sessions_mu_);
  if (sessions_.size() >= kMaxCachedSessions) sessions_.clear();
  sessions_[token] = session;
  return session;
}

RedisStore::VersionedSettings RedisStore::ReadSettings(Time now) {
  const Reply reply = Eval(scripts::kGetSettings, Args(now));
  const redisReply* array = Array(reply, kSettingsValues + 1, "get settings");
  VersionedSettings read{SettingsFrom(array, 0, "get settings"),
                         Int(array->element[kSettingsValues], "get settings")};
  Remember(read.settings);
  return read;
}

NetworkSettings RedisStore::GetNetworkSettings(Time now) {
  return ReadSettings(now).settings;
}

SettingsUpdateResult RedisStore::UpdateNetworkSettings(
    const NetworkSettingsUpdate& update, Time now) {
  for (int tries = 0; tries < kSettingsUpdateTries; ++tries) {
    const VersionedSettings current = ReadSettings(now);
    NetworkSettings merged = Merge(current.settings, update);
    if (auto conflict = CheckUpdate(merged, update)) {
      return {current.settings, conflict};
    }
    merged.updated_at = now;
    std::vector<std::string> argv = Args(now);
    argv.push_back(std::to_string(current.version));
    AppendSettings(merged, &argv);
    const Reply reply = Eval(scripts::kUpdateSettings, argv);
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 0) {
      continue;  // another update came first: check against that one
    }
    NetworkSettings settings = SettingsFrom(
        Array(reply, kSettingsValues, "update settings"), 0, "update settings");
    Remember(settings);
    return {settings, std::nullopt};
  }
  throw std::runtime_error(
      "network settings kept changing under this update; try again");
}

UserSettings RedisStore::GetUserSettings(const std::string& user_id, Time now) {
  std::vector<std::string> argv = Args(now);
  argv.push_back(user_id);
  const Reply reply = pool_.Eval(scripts::kGetUserSettings, argv);
  const redisReply* array = Array(reply, 2, "get user settings");
  return {Int(array->element[0], "get user settings") != 0,
          FromMs(Int(array->element[1], "get user settings"))};
}

UserSettings RedisStore::SetUserPresenceEnabled(const std::string& user_id,
                                                bool enabled, Time now) {
  std::vector<std::string> argv = Args(now);
  argv.push_back(user_id);
  argv.push_back(enabled ? "1" : "0");
  const Reply reply = pool_.Eval(scripts::kSetUserEnabled, argv);
  const redisReply* array = Array(reply, 2, "set user enabled");
  return {Int(array->element[0], "set user enabled") != 0,
          FromMs(Int(array->element[1], "set user enabled"))};
}

HeartbeatResult RedisStore::Heartbeat(const std::string& user_id,
                                      const std::string& device_id, bool user,
                                      const std::vector<std::string>& room_ids,
                                      Time now) {
  std::vector<std::string> argv;
  argv.reserve(5 + room_ids.size());
  argv.push_back(prefix_);
  argv.push_back(std::to_string(Ms(now)));
  argv.push_back(user_id);
  argv.push_back(device_id);
  argv.push_back(user ? "1" : "0");
  argv.insert(argv.end(), room_ids.begin(), room_ids.end());
  const Reply reply = Eval(scripts::kHeartbeat, argv);
  const redisReply* array = Array(reply, 1 + kSettingsValues, "heartbeat");
  HeartbeatResult result;
  switch (Int(array->element[0], "heartbeat")) {
    case 0:
      result.outcome = HeartbeatOutcome::kAccepted;
      break;
    case 1:
      result.outcome = HeartbeatOutcome::kPresenceDisabled;
      break;
    default:
      result.outcome = HeartbeatOutcome::kUserNotEnabled;
      break;
  }
  result.settings = SettingsFrom(array, 1, "heartbeat");
  return result;
}

void RedisStore::Leave(const std::string& user_id, const std::string& device_id,
                       bool user, const std::vector<std::string>& room_ids,
                       Millis grace, Time now) {
  std::vector<std::string> argv = Args(now);
  argv.push_back(user_id);
  argv.push_back(device_id);
  argv.push_back(user ? "1" : "0");
  argv.push_back(std::to_string(grace.count()));
  argv.insert(argv.end(), room_ids.begin(), room_ids.end());
  Eval(scripts::kLeave, argv);
}

std::vector<UserPresence> RedisStore::GetUserPresence(
    const std::vector<std::string>& user_ids, Time now) {
  std::vector<UserPresence> result;
  if (user_ids.empty()) return result;
  std::vector<std::string> argv = Args(now);
  argv.insert(argv.end(), user_ids.begin(), user_ids.end());
  const Reply reply = Eval(scripts::kUserPresence, argv);
  const redisReply* array = Array(reply, 2 * user_ids.size(), "user presence");
  result.reserve(user_ids.size());
  for (std::size_t i = 0; i < user_ids.size(); ++i) {
    result.push_back({user_ids[i],
                      FromMs(Int(array->element[2 * i + 1], "user presence")),
                      Int(array->element[2 * i], "user presence") != 0});
  }
  return result;
}

std::int64_t RedisStore::OnlineUserCount(Time now) {
  const Reply reply = Eval(scripts::kOnlineCount, Args(now));
  return Int(reply.get(), "online count");
}

Page<UserPresence> RedisStore::ListOnlineUsers(const std::string& after_user_id,
                                               int page_size, Time now) {
  std::vector<std::string> argv = Args(now);
  argv.push_back(after_user_id);
  argv.push_back(std::to_string(page_size));
  const Reply reply = Eval(scripts::kListOnline, argv);
  const redisReply* array = Array(reply, 1, "list online");
  Page<UserPresence> page;
  page.more = Int(array->element[0], "list online") != 0;
  for (std::size_t i = 1; i + 1 < array->elements; i += 2) {
    page.items.push_back({Str(array->element[i], "list online"),
                          FromMs(Int(array->element[i + 1], "list online")),
                          true});
  }
  return page;
}

std::int64_t RedisStore::RoomViewerCount(const std::string& room_id, Time now) {
  return RoomViewerCounts({room_id}, now).at(0);
}

std::vector<std::int64_t> RedisStore::RoomViewerCounts(
    const std::vector<std::string>& room_ids, Time now) {
  std::vector<std::int64_t> counts;
  if (room_ids.empty()) return counts;
  std::vector<std::string> argv = Args(now);
  argv.insert(argv.end(), room_ids.begin(), room_ids.end());
  const Reply reply = Eval(scripts::kRoomCounts, argv);
  const redisReply* array = Array(reply, room_ids.size(), "room counts");
  counts.reserve(room_ids.size());
  for (std::size_t i = 0; i < room_ids.size(); ++i) {
    counts.push_back(Int(array->element[i], "room counts"));
  }
  return counts;
}

Page<RoomViewer> RedisStore::ListRoomViewers(const std::string& room_id,
                                             const std::string& after_user_id,
                                             int page_size, Time now) {
  std::vector<std::string> argv = Args(now);
  argv.push_back(room_id);
  argv.push_back(after_user_id);
  argv.push_back(std::to_string(page_size));
  const Reply reply = Eval(scripts::kListViewers, argv);
  const redisReply* array = Array(reply, 1, "list viewers");
  Page<RoomViewer> page;
  page.more = Int(array->element[0], "list viewers") != 0;
  for (std::size_t i = 1; i + 2 < array->elements; i += 3) {
    page.items.push_back({Str(array->element[i], "list viewers"),
                          FromMs(Int(array->element[i + 1], "list viewers")),
                          FromMs(Int(array->element[i + 2], "list viewers"))});
  }
  return page;
}

void RedisStore::Sweep(Time now) {
  std::vector<std::string> argv = Args(now);
  argv.push_back(std::to_string(kSweepBatch));
  // Bounded batches, so Redis never runs one long script.
  for (int round = 0; round < 100; ++round) {
    if (Int(Eval(scripts::kSweep, argv).get(), "sweep") == 0) break;
  }
}

bool RedisStore::SyncEvents(Millis timeout) {
  std::uint64_t sequence;
  {
    MutexLock lock(sync_mu_);
    sequence = ++sync_sent_;
  }
  std::string marker = "Y";
  marker += kFieldSep;
  marker += replica_id_;
  marker += kFieldSep;
  marker += std::to_string(sequence);
  pool_.Command({"PUBLISH", channel_, marker});
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(sync_mu_);
  while (sync_seen_ < sequence && sync_mu_.WaitUntil(sync_cv_, deadline)) {
  }
  return sync_seen_ >= sequence;
}

bool RedisStore::WaitSubscribed(Millis timeout) {
  return subscriber_->WaitSubscribed(timeout);
}

void RedisStore::OnSubscribed(bool first) {
  if (first) return;
  // Changes made while the subscription was down were missed; the settings
  // at least can be caught up with.
  try {
    const NetworkSettings settings = GetNetworkSettings(
        std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()));
    MutexLock lock(listener_mu_);
    if (listener_ != nullptr) listener_->OnNetworkSettings(settings);
  } catch (const std::exception& e) {
    spdlog::warn("cannot read network settings after reconnecting: {}",
                 e.what());
  }
}

void RedisStore::OnMessage(std::string_view message) {
  PresenceChanges changes;
  // Held while the listener is called, so it never runs after SetListener
  // detached it.
  MutexLock lock(listener_mu_);
  StoreListener* const listener = listener_;
  auto flush = [&] {
    if (changes.empty()) return;
    if (listener != nullptr) listener->OnPresenceChanges(changes);
    changes.users.clear();
    changes.rooms.clear();
  };
  for (std::string_view record : Split(message, kRecordSep)) {
    const auto f = Split(record, kFieldSep);
    if (f.empty() || f[0].size() != 1) continue;
    switch (f[0][0]) {
      case 'U':
        if (f.size() == 4) {
          changes.users.push_back(
              {std::string(f[3]), FromMs(ToInt(f[2])), f[1] == "1"});
        }
        break;
      case 'R':
        if (f.size() == 3) {
          changes.rooms.push_back({std::string(f[2]), ToInt(f[1])});
        }
        break;
      case 'S':
        if (f.size() == 1 + kSettingsValues ||
            f.size() == kSettingsValues) {  // from an older server
          flush();
          NetworkSettings settings;
          settings.presence_enabled = f[1] == "1";
          settings.user_heartbeat_interval = Millis(ToInt(f[2]));
          settings.room_heartbeat_interval = Millis(ToInt(f[3]));
          settings.online_threshold = Millis(ToInt(f[4]));
          settings.sync_interval = Millis(ToInt(f[5]));
          settings.updated_at = FromMs(ToInt(f[6]));
          settings.room_timeout =
              f.size() > kSettingsValues
                  ? Millis(ToInt(f[7]))
                  : DefaultRoomTimeout(settings.room_heartbeat_interval);
          Remember(settings);
          if (listener != nullptr) listener->OnNetworkSettings(settings);
        }
        break;
      case 'E':
        if (f.size() == 4) {
          flush();
          if (listener_ != nullptr) {
            listener_->OnUserSettings(
                std::string(f[3]),
                UserSettings{f[1] == "1", FromMs(ToInt(f[2]))});
          }
        }
        break;
      case 'Y':
        if (f.size() == 3 && f[1] == replica_id_) {
          {
            MutexLock sync_lock(sync_mu_);
            sync_seen_ = std::max<std::uint64_t>(sync_seen_, ToInt(f[2]));
          }
          sync_cv_.notify_all();
        }
        break;
      default:
        break;
    }
  }
  flush();
}

}  // namespace presence::server
