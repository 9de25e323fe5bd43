// Everything presenced starts with, from its sources in order: the config
// file (the default path only if it exists), the command-line flags over
// it, and the files the config names (API key, auth token). Each step
// throws ConfigError saying what is wrong where; main exits 78 on it, a
// reload keeps the running configuration.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "config.h"
#include "session.h"

namespace presence::daemon {

// What the command line sets; unset flags leave the file's value.
struct Flags {
  std::string config_path;  // empty: the default path, if it exists
  std::optional<std::string> socket, upstream, user_id, api_key_file, state_dir,
      log_level, device_id, socket_group, admin_group;
};

DaemonConfig LoadConfiguration(const Flags& flags);
Credentials ReadCredentials(const DaemonConfig& config);
// The admin group's id; nothing when none is configured.
std::optional<gid_t> AdminGroupId(const std::string& name);

}  // namespace presence::daemon
