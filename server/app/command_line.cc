#include "app/command_line.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

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
    app.add_option(FlagName(option), given[option.key], option.help)
        ->type_name(TypeName(option.kind))
        ->check(CLI::Validator(
            [&option](std::string& value) {
              ServerConfig scratch;
              return option.apply(scratch, value);
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
  for (const auto& option : ConfigOptions()) {
    if (app.count(FlagName(option)) > 0)
      option.apply(config, given[option.key]);
  }
  if (file_keys.count("room_timeout") == 0 &&
      app.count("--room-timeout") == 0) {
    config.network.room_timeout =
        DefaultRoomTimeout(config.network.room_heartbeat_interval);
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
