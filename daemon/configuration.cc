#include "configuration.h"

#include <grp.h>
#include <unistd.h>

#include "contract/secret_file.h"

namespace presence::daemon {

DaemonConfig LoadConfiguration(const Flags& flags) {
  DaemonConfig config;
  const bool explicit_path = !flags.config_path.empty();
  const std::string path =
      explicit_path ? flags.config_path : kDefaultConfigPath;
  if (explicit_path || access(path.c_str(), F_OK) == 0) {
    LoadConfigFile(path, &config);
  }
  auto apply = [](const std::optional<std::string>& flag, std::string& field) {
    if (flag) field = *flag;
  };
  apply(flags.socket, config.socket);
  apply(flags.upstream, config.upstream);
  apply(flags.user_id, config.user_id);
  apply(flags.api_key_file, config.api_key_file);
  apply(flags.state_dir, config.state_dir);
  apply(flags.log_level, config.log_level);
  apply(flags.device_id, config.device_id);
  apply(flags.socket_group, config.socket_group);
  apply(flags.admin_group, config.admin_group);
  if (config.device_id.empty()) {
    config.device_id = DeriveDeviceId("/etc/machine-id");
  }
  ValidateConfig(config);
  return config;
}

Credentials ReadCredentials(const DaemonConfig& config) {
  Credentials credentials;
  // Without an API key file, none is sent (a demo server takes any).
  if (!config.api_key_file.empty()) {
    credentials.api_key = ReadSecretFile(config.api_key_file, "api_key_file");
  }
  if (!config.auth_token_file.empty()) {
    credentials.auth_token =
        ReadSecretFile(config.auth_token_file, "auth_token_file");
  }
  credentials.user_id = config.user_id;
  credentials.device_id = config.device_id;
  return credentials;
}

std::optional<gid_t> AdminGroupId(const std::string& name) {
  if (name.empty()) return std::nullopt;
  const group* entry = getgrnam(name.c_str());
  if (!entry) throw ConfigError("admin_group '" + name + "' does not exist");
  return entry->gr_gid;
}

}  // namespace presence::daemon
