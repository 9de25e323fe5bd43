#include "app/config.h"

#include <algorithm>

#include "contract/duration.h"

namespace presence::server {
namespace {

using TextField = std::string ServerConfig::*;
using DurationField = std::function<Millis&(ServerConfig&)>;

ConfigOption Text(std::string key, TextField field, std::string help) {
  return {std::move(key), OptionKind::kText, std::move(help),
          [field](ServerConfig& config, const std::string& value) -> Problem {
            config.*field = value;
            return std::nullopt;
          }};
}

ConfigOption Duration(std::string key, DurationField field, std::string help) {
  return {std::move(key), OptionKind::kDuration, std::move(help),
          [field](ServerConfig& config, const std::string& value) -> Problem {
            const auto duration = ParseDuration(value);
            if (!duration) {
              return "'" + value + "' is not a duration like 150ms, 30s, 5m";
            }
            if (duration->count() <= 0) return "must be above 0";
            field(config) = *duration;
            return std::nullopt;
          }};
}

Problem SetLogLevel(ServerConfig& config, const std::string& value) {
  static const std::vector<std::string> kLevels = {
      "trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), value) == kLevels.end()) {
    return "'" + value +
           "' is not one of trace, debug, info, warn, error, critical, off";
  }
  config.log_level = value;
  return std::nullopt;
}

Problem SetStore(ServerConfig& config, const std::string& value) {
  if (value != "memory" && value != "redis") {
    return "'" + value + "' is not memory or redis";
  }
  config.store = value;
  return std::nullopt;
}

Problem SetKeyPrefix(ServerConfig& config, const std::string& value) {
  if (value.empty()) return "must not be empty";
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x21 || c == '{' || c == '}' ||
        c == 0x7f) {
      return "'" + value +
             "' may not hold spaces, braces or control characters";
    }
  }
  config.redis_key_prefix = value;
  return std::nullopt;
}

Problem SetPresenceEnabled(ServerConfig& config, const std::string& value) {
  if (value != "true" && value != "false") {
    return "'" + value + "' is not true or false";
  }
  config.network.presence_enabled = value == "true";
  return std::nullopt;
}

}  // namespace

const std::vector<ConfigOption>& ConfigOptions() {
  static const std::vector<ConfigOption> options = {
      Text("listen", &ServerConfig::listen,
           "HOST:PORT to serve on; port 0 picks a free port"),
      Text("port_file", &ServerConfig::port_file,
           "once serving, write the bound HOST:PORT to this file (atomically)"),
      Text("api_key_file", &ServerConfig::api_key_file,
           "file holding the network's API key; without it the server runs a "
           "demo network that accepts any API key"),
      Text("admin_token_file", &ServerConfig::admin_token_file,
           "file holding the admin token; without it admin calls are accepted "
           "from loopback peers only, with any token"),
      Text("tls_cert_file", &ServerConfig::tls_cert_file,
           "PEM certificate chain; with tls_key_file, serve TLS"),
      Text("tls_key_file", &ServerConfig::tls_key_file, "PEM private key"),
      Duration(
          "user_heartbeat_interval",
          [](ServerConfig& c) -> Millis& {
            return c.network.user_heartbeat_interval;
          },
          "current-user heartbeat cadence clients are told (default 20s)"),
      Duration(
          "room_heartbeat_interval",
          [](ServerConfig& c) -> Millis& {
            return c.network.room_heartbeat_interval;
          },
          "room heartbeat cadence clients are told (default 5m)"),
      Duration(
          "online_threshold",
          [](ServerConfig& c) -> Millis& { return c.network.online_threshold; },
          "a user is online while their last user heartbeat is within this; "
          "longer than user_heartbeat_interval (default 60s)"),
      Duration(
          "room_timeout",
          [](ServerConfig& c) -> Millis& { return c.network.room_timeout; },
          "a room viewer is counted while their last heartbeat for the room "
          "is within this; longer than room_heartbeat_interval (default "
          "twice room_heartbeat_interval)"),
      Duration(
          "sync_interval",
          [](ServerConfig& c) -> Millis& { return c.network.sync_interval; },
          "presence sync cadence clients are told (default 15s)"),
      {"presence_enabled", OptionKind::kBool,
       "network-wide presence switch at start (default true)",
       SetPresenceEnabled},
      Duration(
          "sweep_interval",
          [](ServerConfig& c) -> Millis& { return c.sweep_interval; },
          "how often expiry runs between calls (default 250ms)"),
      Duration(
          "session_ttl",
          [](ServerConfig& c) -> Millis& { return c.session_ttl; },
          "lifetime of an access token (default 1h)"),
      {"log_level", OptionKind::kText,
       "trace, debug, info, warn, error, critical or off (default info)",
       SetLogLevel},
      {"store", OptionKind::kText,
       "where presence lives: memory (this process) or redis (shared by "
       "every replica using the same redis_address and redis_key_prefix; "
       "default memory)",
       SetStore},
      Text("redis_address", &ServerConfig::redis_address,
           "with store = redis: HOST:PORT or a unix socket path of Redis "
           "(default 127.0.0.1:6379)"),
      {"redis_key_prefix", OptionKind::kText,
       "with store = redis: keys are {PREFIX}:...; one network per prefix "
       "(default presence)",
       SetKeyPrefix},
      Duration(
          "redis_timeout",
          [](ServerConfig& c) -> Millis& { return c.redis_timeout; },
          "with store = redis: connect and command timeout; calls fail with "
          "UNAVAILABLE after it (default 500ms)"),
  };
  return options;
}

std::string FlagName(const std::string& key) {
  std::string flag = "--" + key;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

}  // namespace presence::server
