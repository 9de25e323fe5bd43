// presence-server's configuration: one table of options shared by the
// command line (--user-heartbeat-interval) and the TOML file
// (user_heartbeat_interval), so both accept exactly the same things.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "contract/config_error.h"
#include "contract/problem.h"
#include "store/presence_store.h"

namespace presence::server {

struct ServerConfig {
  std::string listen;
  std::string port_file;
  std::string api_key_file;
  std::string admin_token_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  // In force at start, until an admin changes it. The room timeout, when
  // not given, is DefaultRoomTimeout() of the final room interval.
  NetworkSettings network;
  Millis sweep_interval{250};
  Millis session_ttl{std::chrono::hours(1)};
  std::string log_level = "info";
  // Where presence lives: "memory" (this process only) or "redis" (shared
  // by every replica pointed at the same Redis and key prefix).
  std::string store = "memory";
  std::string redis_address = "127.0.0.1:6379";
  std::string redis_key_prefix = "presence";
  Millis redis_timeout{500};
};

enum class OptionKind { kText, kDuration, kBool };

struct ConfigOption {
  std::string key;  // config key; the flag is "--" + key with '-' for '_'
  OptionKind kind;
  std::string help;
  // Sets the option from its text, or says what is wrong with the text.
  // Bools are "true" or "false".
  std::function<Problem(ServerConfig&, const std::string&)> apply;
};

const std::vector<ConfigOption>& ConfigOptions();
// "--room-timeout" for the key "room_timeout".
std::string FlagName(const std::string& key);

using presence::ConfigError;

// Where each key of a config file is: key -> "FILE:LINE".
using KeyLocations = std::map<std::string, std::string>;

// Applies the keys of a TOML file to *config and says where each one is;
// throws ConfigError.
KeyLocations LoadConfigFile(const std::string& path, ServerConfig* config);
// The same for a file's text already read; `path` names it in messages.
KeyLocations LoadConfigText(std::string_view text, const std::string& path,
                            ServerConfig* config);

}  // namespace presence::server
