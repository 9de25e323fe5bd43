#include "store/redis_scripts.h"

namespace presence::server::redis_scripts {
namespace {

// Shared by every script. ARGV[1] is the key prefix ("{presence}:"), ARGV[2]
// the caller's now in Unix ms; script-specific arguments follow.
//
// Keys (P = prefix; SEP = "\31", which ids cannot contain):
//   P settings            HASH  the network settings, and their version
//                               (counts the updates, for compare-and-set)
//   P enabled             HASH  user -> "1" | "0"
//   P enabled_at          HASH  user -> ms of the last enable
//   P online              ZSET  user -> last heartbeat (max over devices)
//   P online:lex          ZSET  user -> 0, for paging by user id
//   P udev:<user>         ZSET  device -> last heartbeat
//   P seen                HASH  user -> last heartbeat, for offline users
//   P room:<room>         ZSET  user -> last heartbeat (max over devices)
//   P rlex:<room>         ZSET  user -> 0, for paging by user id
//   P joined:<room>       HASH  user -> start of the continuous presence
//   P rdev:<room>SEP<user> ZSET device -> last heartbeat
//   P viewers             ZSET  room SEP user -> last heartbeat (expiry index)
//   P leaving             ZSET  graceful leaves -> deadline; a member is
//                               kind ('u' user, 'r' room) SEP room SEP user
//                               SEP device (room empty for 'u')
//   P session:<token>     STRING "expires_ms SEP user SEP device", with a TTL
//   P events              pub/sub channel, see redis_store.cc
//
// Scores are last-heartbeat times, not deadlines, so a threshold changed at
// run time applies to everything at once: a user is online while its score
// is > now - online threshold, a viewer counts while its score is > now -
// room timeout. Counts are ZCOUNT over (cutoff, +inf]: O(log n), exact even
// before the sweep has removed what expired. Graceful leaves take effect
// when the sweep finds them due.
constexpr const char* kPreludeLua = R"lua(
local P = ARGV[1]
local now = tonumber(ARGV[2])
local SEP = '\31'
local SETTINGS = P .. 'settings'
local ENABLED = P .. 'enabled'
local ENABLED_AT = P .. 'enabled_at'
local ONLINE = P .. 'online'
local ONLINE_LEX = P .. 'online:lex'
local SEEN = P .. 'seen'
local VIEWERS = P .. 'viewers'
local LEAVING = P .. 'leaving'
local CHANNEL = P .. 'events'
local events = {}

local function I(x) return string.format('%d', x) end

-- The seven settings in the order of every reply and change record, then
-- their version (counts the updates, for compare-and-set).
local SETTINGS_FIELDS = {'presence_enabled', 'user_heartbeat_interval_ms',
  'room_heartbeat_interval_ms', 'online_threshold_ms', 'sync_interval_ms',
  'updated_at_ms', 'room_timeout_ms', 'version'}

-- The settings in force and their version; fails with NOSETTINGS (before
-- any write) when Redis lost them, so the caller can seed them again and
-- retry.
local function settings()
  local s = redis.call('HMGET', SETTINGS, unpack(SETTINGS_FIELDS))
  if not s[1] then error({err = 'NOSETTINGS network settings are missing'}) end
  for i = 1, 8 do s[i] = tonumber(s[i]) end
  -- Written by a server older than the room timeout: DefaultRoomTimeout()
  -- of settings_rules.h.
  s[7] = s[7] or 2 * s[3]
  s[8] = s[8] or 0
  return s
end

-- Writes the seven settings from ARGV[first] on.
local function write_settings(first)
  for i = 1, 7 do
    redis.call('HSET', SETTINGS, SETTINGS_FIELDS[i], ARGV[first + i - 1])
  end
end

local function user_cutoff(s) return now - s[4] end
local function room_cutoff(s) return now - s[7] end

local function ev(record) events[#events + 1] = record end
local function publish()
  if #events > 0 then
    redis.call('PUBLISH', CHANNEL, table.concat(events, '\30'))
  end
end

local function live_viewers(room, cutoff)
  return redis.call('ZCOUNT', P .. 'room:' .. room, '(' .. I(cutoff), '+inf')
end

local function user_offline(user, last)
  redis.call('DEL', P .. 'udev:' .. user)
  redis.call('ZREM', ONLINE, user)
  redis.call('ZREM', ONLINE_LEX, user)
  redis.call('HSET', SEEN, user, I(last))
  ev('U' .. SEP .. '0' .. SEP .. I(last) .. SEP .. user)
end

local function remove_viewer(room, user, cutoff)
  redis.call('ZREM', P .. 'room:' .. room, user)
  redis.call('ZREM', P .. 'rlex:' .. room, user)
  redis.call('HDEL', P .. 'joined:' .. room, user)
  redis.call('DEL', P .. 'rdev:' .. room .. SEP .. user)
  redis.call('ZREM', VIEWERS, room .. SEP .. user)
  ev('R' .. SEP .. I(live_viewers(room, cutoff)) .. SEP .. room)
end

-- Records a device heartbeat in a device zset; drops devices that stopped
-- without leaving; returns the latest heartbeat of any device.
local function beat_device(key, device, cutoff)
  redis.call('ZADD', key, 'GT', now, device)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  return tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
end

-- Forgets a device; nil when it was not there, else the latest heartbeat of
-- the live devices left (false when none).
local function leave_device(key, device, cutoff)
  if redis.call('ZREM', key, device) == 0 then return nil end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #top == 0 then return false end
  return tonumber(top[2])
end

-- Removes a device from the user presence now; the user goes offline when
-- no live device is left.
local function leave_user(user, device, cutoff)
  local prev = redis.call('ZSCORE', ONLINE, user)
  if not prev then return end
  prev = tonumber(prev)
  if prev <= cutoff then
    user_offline(user, prev)
    return
  end
  local latest = leave_device(P .. 'udev:' .. user, device, cutoff)
  if latest == false then
    user_offline(user, prev)
  elseif latest then
    redis.call('ZADD', ONLINE, latest, user)
  end
end

-- Removes a device from a room now; the viewer goes when no live device is
-- left.
local function leave_room(room, user, device, cutoff)
  local prev = redis.call('ZSCORE', P .. 'room:' .. room, user)
  if not prev then return end
  if tonumber(prev) <= cutoff then
    remove_viewer(room, user, cutoff)
    return
  end
  local latest = leave_device(P .. 'rdev:' .. room .. SEP .. user, device,
    cutoff)
  if latest == false then
    remove_viewer(room, user, cutoff)
  elseif latest then
    redis.call('ZADD', P .. 'room:' .. room, latest, user)
    redis.call('ZADD', VIEWERS, latest, room .. SEP .. user)
  end
end

-- The LEAVING member of a device's graceful leave of a room, or of the user
-- presence when room is nil.
local function leaving_member(room, user, device)
  if room then return 'r' .. SEP .. room .. SEP .. user .. SEP .. device end
  return 'u' .. SEP .. SEP .. user .. SEP .. device
end

-- Ends up to `limit` graceful leaves due at now, as leaves without grace
-- would; true when more may be due. One whose device is gone ends nothing.
local function end_grace_leaves(s, limit)
  local due = redis.call('ZRANGEBYSCORE', LEAVING, '-inf', now, 'LIMIT', 0,
    limit)
  for _, member in ipairs(due) do
    redis.call('ZREM', LEAVING, member)
    local kind, room, user, device = string.match(member,
      '^(%a)' .. SEP .. '(.-)' .. SEP .. '(.-)' .. SEP .. '(.*)$')
    if kind == 'u' then
      leave_user(user, device, user_cutoff(s))
    else
      leave_room(room, user, device, room_cutoff(s))
    end
  end
  return #due >= limit
end

-- Expires up to `limit` users and up to `limit` viewers that are due; true
-- when more may be due.
local function expire_due(s, limit)
  local due = redis.call('ZRANGEBYSCORE', ONLINE, '-inf', user_cutoff(s),
    'WITHSCORES', 'LIMIT', 0, limit)
  for i = 1, #due, 2 do user_offline(due[i], tonumber(due[i + 1])) end
  local more = #due >= 2 * limit
  local cutoff = room_cutoff(s)
  due = redis.call('ZRANGEBYSCORE', VIEWERS, '-inf', cutoff, 'LIMIT', 0, limit)
  for _, member in ipairs(due) do
    local at = string.find(member, SEP, 1, true)
    remove_viewer(string.sub(member, 1, at - 1), string.sub(member, at + 1),
      cutoff)
  end
  return more or #due >= limit
end

-- The settings, then their version.
local function settings_reply(s)
  return {s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]}
end
)lua";

// ARGV: P, now, user, device, user_beat ("1"/"0"), room ids...
// -> {outcome (0 accepted, 1 presence disabled, 2 user not enabled),
//     settings...}
constexpr const char* kHeartbeatLua = R"lua(
local s = settings()
local user, device, beat_user = ARGV[3], ARGV[4], ARGV[5] == '1'
local outcome = 0
if s[1] == 0 then
  outcome = 1
elseif beat_user and redis.call('HGET', ENABLED, user) ~= '1' then
  outcome = 2
end
if outcome == 0 then
  if beat_user then
    local cutoff = user_cutoff(s)
    local prev = redis.call('ZSCORE', ONLINE, user)
    if prev and tonumber(prev) <= cutoff then
      user_offline(user, tonumber(prev))  -- expired, not swept yet
      prev = false
    end
    local latest = beat_device(P .. 'udev:' .. user, device, cutoff)
    redis.call('ZADD', ONLINE, latest, user)
    if not prev then
      redis.call('ZADD', ONLINE_LEX, 0, user)
      redis.call('HDEL', SEEN, user)
      ev('U' .. SEP .. '1' .. SEP .. I(latest) .. SEP .. user)
    end
  end
  local cutoff = room_cutoff(s)
  for i = 6, #ARGV do
    local room = ARGV[i]
    local key = P .. 'room:' .. room
    local prev = redis.call('ZSCORE', key, user)
    if prev and tonumber(prev) <= cutoff then
      remove_viewer(room, user, cutoff)
      prev = false
    end
    local latest = beat_device(P .. 'rdev:' .. room .. SEP .. user, device,
      cutoff)
    redis.call('ZADD', key, latest, user)
    redis.call('ZADD', VIEWERS, latest, room .. SEP .. user)
    if not prev then
      redis.call('ZADD', P .. 'rlex:' .. room, 0, user)
      redis.call('HSET', P .. 'joined:' .. room, user, I(now))
      ev('R' .. SEP .. I(live_viewers(room, cutoff)) .. SEP .. room)
    end
  end
  -- The beat cancels this device's graceful leaves of these targets. The
  -- hot path: when none is pending anywhere, one O(1) check is all it costs.
  if redis.call('EXISTS', LEAVING) == 1 then
    local members = {}
    if beat_user then members[1] = leaving_member(nil, user, device) end
    for i = 6, #ARGV do
      members[#members + 1] = leaving_member(ARGV[i], user, device)
    end
    if #members > 0 then redis.call('ZREM', LEAVING, unpack(members)) end
  end
end
publish()
return {outcome, s[1], s[2], s[3], s[4], s[5], s[6], s[7]}
)lua";

// ARGV: P, now, user, device, user_leave ("1"/"0"), grace (ms), room ids...
// -> 1. With a grace, each listed presence of the device that is there gets
// a graceful leave at now + grace (a later leave moves it).
constexpr const char* kLeaveLua = R"lua(
local s = settings()
local user, device, grace = ARGV[3], ARGV[4], tonumber(ARGV[6])
local function schedule(devices_key, room)
  if redis.call('ZSCORE', devices_key, device) then
    redis.call('ZADD', LEAVING, I(now + grace),
      leaving_member(room, user, device))
  end
end
if ARGV[5] == '1' then
  if grace > 0 then
    schedule(P .. 'udev:' .. user, nil)
  else
    leave_user(user, device, user_cutoff(s))
  end
end
for i = 7, #ARGV do
  local room = ARGV[i]
  if grace > 0 then
    schedule(P .. 'rdev:' .. room .. SEP .. user, room)
  else
    leave_room(room, user, device, room_cutoff(s))
  end
end
publish()
return 1
)lua";

// ARGV: P, now, limit -> 1 when more may be due, else 0
constexpr const char* kSweepLua = R"lua(
local s = settings()
local limit = tonumber(ARGV[3])
local more = end_grace_leaves(s, limit)
more = expire_due(s, limit) or more
publish()
if more then return 1 end
return 0
)lua";

// ARGV: P, now, the version the caller read, then the seven settings in
// SETTINGS_FIELDS order -> the settings and their version, or {} when another
// update came after that version (the caller reads, checks and tries again;
// the rules are checked in C++ only).
constexpr const char* kUpdateSettingsLua = R"lua(
if settings()[8] ~= tonumber(ARGV[3]) then return {} end
write_settings(4)
redis.call('HINCRBY', SETTINGS, 'version', 1)
local s = settings()
local record = {'S'}
for i = 1, 7 do record[#record + 1] = I(s[i]) end
ev(table.concat(record, SEP))
expire_due(s, 1000)  -- a shorter threshold or timeout expires at once
publish()
return settings_reply(s)
)lua";

// ARGV: P, now, the seven settings in SETTINGS_FIELDS order -> the settings in
// force and their version (seeds them only when Redis has none)
constexpr const char* kSeedSettingsLua = R"lua(
if redis.call('EXISTS', SETTINGS) == 0 then write_settings(3) end
return settings_reply(settings())
)lua";

// ARGV: P, now -> settings, version
constexpr const char* kGetSettingsLua = R"lua(
return settings_reply(settings())
)lua";

// ARGV: P, now, user -> {enabled, enabled_at}
constexpr const char* kGetUserSettingsLua = R"lua(
local e = redis.call('HMGET', ENABLED, ARGV[3])[1]
local at = redis.call('HMGET', ENABLED_AT, ARGV[3])[1]
return {e == '1' and 1 or 0, tonumber(at or '0')}
)lua";

// ARGV: P, now, user, enabled (1/0) -> {enabled, enabled_at}
constexpr const char* kSetUserEnabledLua = R"lua(
local user, enabled = ARGV[3], ARGV[4] == '1'
local changed = (redis.call('HGET', ENABLED, user) == '1') ~= enabled
if changed and enabled then redis.call('HSET', ENABLED_AT, user, I(now)) end
redis.call('HSET', ENABLED, user, enabled and '1' or '0')
local at = tonumber(redis.call('HGET', ENABLED_AT, user) or '0')
if changed then
  ev('E' .. SEP .. (enabled and '1' or '0') .. SEP .. I(at) .. SEP .. user)
end
if not enabled then
  local prev = redis.call('ZSCORE', ONLINE, user)
  if prev then user_offline(user, tonumber(prev)) end
end
publish()
return {enabled and 1 or 0, at}
)lua";

// ARGV: P, now, user ids... -> per user {online (1/0), last heartbeat}
constexpr const char* kUserPresenceLua = R"lua(
local cutoff = user_cutoff(settings())
local out = {}
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', ONLINE, ARGV[i])
  if score and tonumber(score) > cutoff then
    out[#out + 1] = 1
    out[#out + 1] = tonumber(score)
  else
    out[#out + 1] = 0
    out[#out + 1] = tonumber(score or redis.call('HGET', SEEN, ARGV[i]) or '0')
  end
end
return out
)lua";

// ARGV: P, now -> count
constexpr const char* kOnlineCountLua = R"lua(
local cutoff = user_cutoff(settings())
return redis.call('ZCOUNT', ONLINE, '(' .. I(cutoff), '+inf')
)lua";

// ARGV: P, now, room ids... -> counts
constexpr const char* kRoomCountsLua = R"lua(
local cutoff = room_cutoff(settings())
local out = {}
for i = 3, #ARGV do out[#out + 1] = live_viewers(ARGV[i], cutoff) end
return out
)lua";

// Keyset paging over a lex zset, skipping members whose heartbeat in
// score_key is at or before the cutoff (expired, not swept yet).
// -> {more, member, last heartbeat, member, last heartbeat, ...}
constexpr const char* kPagePreludeLua = R"lua(
local function page(lex_key, score_key, after, size, cutoff)
  local start = after == '' and '-' or '(' .. after
  local found = {}
  local chunk = size + 1
  while #found <= size do
    local batch = redis.call('ZRANGEBYLEX', lex_key, start, '+', 'LIMIT', 0,
      chunk)
    for _, member in ipairs(batch) do
      local score = redis.call('ZSCORE', score_key, member)
      if score and tonumber(score) > cutoff then
        found[#found + 1] = {member, tonumber(score)}
        if #found > size then break end
      end
    end
    if #batch < chunk then break end
    start = '(' .. batch[#batch]
    chunk = 256
  end
  return found
end
)lua";

// ARGV: P, now, after, page size -> {more, user, last, ...}
constexpr const char* kListOnlineLua = R"lua(
local size = tonumber(ARGV[4])
local found = page(ONLINE_LEX, ONLINE, ARGV[3], size, user_cutoff(settings()))
local out = {#found > size and 1 or 0}
for i = 1, math.min(#found, size) do
  out[#out + 1] = found[i][1]
  out[#out + 1] = found[i][2]
end
return out
)lua";

// ARGV: P, now, room, after, page size -> {more, user, joined, last, ...}
constexpr const char* kListViewersLua = R"lua(
local room, size = ARGV[3], tonumber(ARGV[5])
local found = page(P .. 'rlex:' .. room, P .. 'room:' .. room, ARGV[4], size,
  room_cutoff(settings()))
local out = {#found > size and 1 or 0}
for i = 1, math.min(#found, size) do
  local user = found[i][1]
  out[#out + 1] = user
  out[#out + 1] = tonumber(redis.call('HGET', P .. 'joined:' .. room, user)
    or '0')
  out[#out + 1] = found[i][2]
end
return out
)lua";

}  // namespace

const std::vector<Script>& All() {
  static const std::vector<Script> scripts = [] {
    const std::string prelude = kPreludeLua;
    const std::string paging = prelude + kPagePreludeLua;
    return std::vector<Script>{
        {"heartbeat", prelude + kHeartbeatLua},
        {"leave", prelude + kLeaveLua},
        {"sweep", prelude + kSweepLua},
        {"update_settings", prelude + kUpdateSettingsLua},
        {"seed_settings", prelude + kSeedSettingsLua},
        {"get_settings", prelude + kGetSettingsLua},
        {"get_user_settings", prelude + kGetUserSettingsLua},
        {"set_user_enabled", prelude + kSetUserEnabledLua},
        {"user_presence", prelude + kUserPresenceLua},
        {"online_count", prelude + kOnlineCountLua},
        {"room_counts", prelude + kRoomCountsLua},
        {"list_online", paging + kListOnlineLua},
        {"list_viewers", paging + kListViewersLua},
    };
  }();
  return scripts;
}

}  // namespace presence::server::redis_scripts
