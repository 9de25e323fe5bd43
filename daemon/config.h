// presenced's configuration: TOML at /etc/presenced/presenced.toml, then
// command-line flags on top. A wrong key or value is an error naming the
// file, line and key; the daemon refuses to start rather than guess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "contract/config_error.h"

namespace presence::daemon {

inline constexpr const char* kDefaultConfigPath =
    "/etc/presenced/presenced.toml";

struct DaemonConfig {
  std::string upstream = "127.0.0.1:7700";
  std::string tls_ca_file;
  std::string user_id;
  std::string api_key_file;
  std::string auth_token_file;
  std::string device_id;  // empty: derived from /etc/machine-id
  std::string socket = "/run/presenced/presenced.sock";
  mode_t socket_mode = 0660;
  std::string socket_group;
  std::string admin_group;
  std::string state_dir = "/var/lib/presenced";
  std::string log_level = "info";
  std::chrono::milliseconds backoff_cap{60000};
  // After presenced stops, the server keeps this device's presence this
  // long unless presenced heartbeats again: a restart within it is
  // invisible to watchers, a stop for good ends presence soon after.
  std::chrono::milliseconds restart_grace{5000};
};

// Reads `path` into *config (keys absent from the file keep their value).
// Throws ConfigError "FILE:LINE: key 'KEY': what is wrong".
void LoadConfigFile(const std::string& path, DaemonConfig* config);
// The same for a file's text already read; `path` names it in messages.
void LoadConfigText(std::string_view text, const std::string& path,
                    DaemonConfig* config);

// Checks the merged result (required keys, values that need each other);
// throws ConfigError.
void ValidateConfig(const DaemonConfig& config);

// A stable id for this machine that does not reveal /etc/machine-id.
std::string DeriveDeviceId(const std::string& machine_id_path);

}  // namespace presence::daemon
