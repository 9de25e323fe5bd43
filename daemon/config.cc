#include "config.h"

#include <spdlog/common.h>
#include <toml++/toml.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>

#include "contract/duration.h"
#include "contract/problem.h"
#include "contract/validate.h"

namespace presence::daemon {
namespace {

std::string Where(const std::string& path, const toml::node& node,
                  const std::string& key) {
  return path + ":" + std::to_string(node.source().begin.line) + ": key '" +
         key + "': ";
}

// Sets one key from its node; what is wrong with the value, if anything.
using Setter = std::function<Problem(const toml::node&, DaemonConfig&)>;

Setter String(std::string DaemonConfig::*field) {
  return [field](const toml::node& node, DaemonConfig& config) -> Problem {
    const auto value = node.value<std::string>();
    if (!node.is_string() || !value) return "must be a string";
    config.*field = *value;
    return std::nullopt;
  };
}

// A duration string within [min, max]; `error` says which.
Setter Duration(std::chrono::milliseconds DaemonConfig::*field,
                std::chrono::milliseconds min, std::chrono::milliseconds max,
                const char* error) {
  return [=](const toml::node& node, DaemonConfig& config) -> Problem {
    const auto text = node.value<std::string>();
    const auto value = text ? ParseDuration(*text) : std::nullopt;
    if (!node.is_string() || !value || *value < min || *value > max) {
      return error;
    }
    config.*field = *value;
    return std::nullopt;
  };
}

const std::map<std::string, Setter>& Keys() {
  static const std::map<std::string, Setter> keys = {
      {"upstream", String(&DaemonConfig::upstream)},
      {"tls_ca_file", String(&DaemonConfig::tls_ca_file)},
      {"user_id", String(&DaemonConfig::user_id)},
      {"api_key_file", String(&DaemonConfig::api_key_file)},
      {"auth_token_file", String(&DaemonConfig::auth_token_file)},
      {"device_id", String(&DaemonConfig::device_id)},
      {"socket", String(&DaemonConfig::socket)},
      {"socket_group", String(&DaemonConfig::socket_group)},
      {"admin_group", String(&DaemonConfig::admin_group)},
      {"state_dir", String(&DaemonConfig::state_dir)},
      {"log_level", String(&DaemonConfig::log_level)},
      {"socket_mode",
       [](const toml::node& node, DaemonConfig& config) -> Problem {
         const auto text = node.value<std::string>();
         unsigned mode = 0;
         char extra = 0;
         if (!node.is_string() || !text ||
             std::sscanf(text->c_str(), "%o%c", &mode, &extra) != 1 ||
             mode > 0777) {
           return "must be an octal mode string such as \"0660\"";
         }
         config.socket_mode = mode;
         return std::nullopt;
       }},
      {"backoff_cap", Duration(&DaemonConfig::backoff_cap,
                               std::chrono::seconds(1), std::chrono::hours(1),
                               "must be a duration between 1s and 1h, such "
                               "as \"60s\"")},
      {"restart_grace",
       Duration(&DaemonConfig::restart_grace, std::chrono::seconds(0),
                std::chrono::seconds(60),
                "must be a duration between 0s and 60s, such as \"5s\"")},
  };
  return keys;
}

// Parses with `parse` and applies every key; ConfigError naming the file,
// line and key for what is wrong.
void Load(const std::string& path, DaemonConfig* config,
          const std::function<toml::table()>& parse) {
  toml::table table;
  try {
    table = parse();
  } catch (const toml::parse_error& error) {
    throw ConfigError(path + ":" + std::to_string(error.source().begin.line) +
                      ": " + std::string(error.description()));
  }
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const auto setter = Keys().find(name);
    if (setter == Keys().end()) {
      throw ConfigError(Where(path, node, name) + "unknown key");
    }
    if (auto problem = setter->second(node, *config)) {
      throw ConfigError(Where(path, node, name) + *problem);
    }
  }
}

}  // namespace

void LoadConfigFile(const std::string& path, DaemonConfig* config) {
  Load(path, config, [&] { return toml::parse_file(path); });
}

void LoadConfigText(std::string_view text, const std::string& path,
                    DaemonConfig* config) {
  Load(path, config, [&] { return toml::parse(text, path); });
}

void ValidateConfig(const DaemonConfig& config) {
  if (config.user_id.empty()) {
    throw ConfigError(
        "user_id is not set: set it in the config file or pass --user-id");
  }
  if (Problem problem = CheckId("user_id", config.user_id)) {
    throw ConfigError(*problem);
  }
  if (config.upstream.empty()) throw ConfigError("upstream must be HOST:PORT");
  if (spdlog::level::from_str(config.log_level) == spdlog::level::off &&
      config.log_level != "off") {
    throw ConfigError(
        "log_level must be one of trace, debug, info, warn, error, critical, "
        "off");
  }
}

std::string DeriveDeviceId(const std::string& machine_id_path) {
  std::ifstream file(machine_id_path);
  std::string machine_id;
  std::getline(file, machine_id);
  if (machine_id.empty()) return "presenced-unknown-machine";
  // FNV-1a over a salted id: stable per machine, not the raw machine id
  // (which is meant to stay private to the machine).
  uint64_t hash = 1469598103934665603ull;
  for (const char c : "presenced:" + machine_id) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  char out[32];
  std::snprintf(out, sizeof out, "device-%016llx",
                static_cast<unsigned long long>(hash));
  return out;
}

}  // namespace presence::daemon
