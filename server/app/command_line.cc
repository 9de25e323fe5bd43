#include "app/command_line.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <set>

#include "store/settings_rules.h"

namespace presence::server {
namespace {

const char* TypeName(OptionKind kind) {
  switch (kind) {
    case OptionKind::kDuration:
      return "DURATION";
    case OptionKind::kBool:
      return "BOOL";
    case OptionKind::kText:
      break;
  }
  return "TEXT";
}

// Derives the room timeout when it was not given, then checks the network
// settings rules, blaming a flag over a file key (the flag overrode it).
// Returns the exit code of a bad combination (after saying why), or 0.
int FinishNetworkSettings(const std::set<std::string>& flag_keys,
                          const KeyLocations& file_keys, ServerConfig* config) {
  enum Source { kDefault, kFile, kFlag };  // a SettingRank
  auto source = [&](Setting setting) {
    const std::string key = SettingName(setting);
    return flag_keys.count(key) > 0   ? kFlag
           : file_keys.count(key) > 0 ? kFile
                                      : kDefault;
  };
  NetworkSettings& network = config->network;
  if (source(Setting::kRoomTimeout) == kDefault) {
    network.room_timeout = DefaultRoomTimeout(network.room_heartbeat_interval);
  }
  const auto conflict = CheckNetworkSettings(network, source);
  if (!conflict) return 0;
  const std::string key = SettingName(conflict->blamed);
  if (source(conflict->blamed) == kFlag) {
    std::cerr << "presence-server: " << Explain(*conflict, [](Setting setting) {
      return FlagName(SettingName(setting));
    }) << "\n";
    return kExitUsage;
  }
  const auto where = file_keys.find(key);
  std::cerr << "presence-server: "
            << (where == file_keys.end() ? "config" : where->second)
            << ": key '" << key << "': "
            << Explain(*conflict,
                       [](Setting setting) { return SettingName(setting); })
            << "\n";
  return kExitConfig;
}

}  // namespace

CommandLine ParseCommandLine(int argc, char** argv) {
  CLI::App app(
      "presence-server: the self-hostable upstream presence service. "
      "Durations read like 150ms, 30s, 5m, 1m30s.",
      "presence-server");
  std::string config_path;
  app.add_option("--config", config_path,
                 "TOML file with the same keys as the flags (underscores); "
                 "flags override it")
      ->type_name("FILE");
  std::map<std::string, std::string> given;
  for (const auto& option : ConfigOptions()) {
    app.add_option(FlagName(option.key), given[option.key], option.help)
        ->type_name(TypeName(option.kind))
        ->check(CLI::Validator(
            [&option](std::string& value) {
              ServerConfig scratch;
              // CLI11's validators answer "" for a good value.
              return option.apply(scratch, value).value_or("");
            },
            ""));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return {std::nullopt, app.exit(e)};
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return {std::nullopt, kExitUsage};
  }

  ServerConfig config;
  KeyLocations file_keys;
  if (!config_path.empty()) {
    try {
      file_keys = LoadConfigFile(config_path, &config);
    } catch (const ConfigError& e) {
      std::cerr << "presence-server: " << e.what() << "\n";
      return {std::nullopt, kExitConfig};
    }
  }
  std::set<std::string> flag_keys;
  for (const auto& option : ConfigOptions()) {
    if (app.count(FlagName(option.key)) > 0) {
      option.apply(config, given[option.key]);
      flag_keys.insert(option.key);
    }
  }
  if (int exit_code = FinishNetworkSettings(flag_keys, file_keys, &config)) {
    return {std::nullopt, exit_code};
  }
  if (config.listen.empty()) {
    std::cerr << "presence-server: --listen HOST:PORT is required (or "
                 "'listen' in the config file)\n"
              << app.help();
    return {std::nullopt, kExitUsage};
  }
  return {config, 0};
}

}  // namespace presence::server
