// LoadConfigFile: the TOML side of the option table.
#include <toml++/toml.h>

#include <functional>

#include "app/config.h"

namespace presence::server {
namespace {

std::string Where(const std::string& path, const toml::source_region& source) {
  if (source.begin.line == 0) return path;  // e.g. the file cannot be opened
  return path + ":" + std::to_string(source.begin.line);
}

// The option's value as text, or nothing when the TOML type is wrong.
std::optional<std::string> ValueText(const ConfigOption& option,
                                     const toml::node& node) {
  if (option.kind == OptionKind::kBool) {
    if (const auto* value = node.as_boolean()) {
      return value->get() ? "true" : "false";
    }
    return std::nullopt;
  }
  if (const auto* value = node.as_string()) return value->get();
  return std::nullopt;
}

const char* TypeName(OptionKind kind) {
  switch (kind) {
    case OptionKind::kBool:
      return "a boolean (true or false)";
    case OptionKind::kDuration:
      return "a duration string such as \"30s\"";
    case OptionKind::kText:
      break;
  }
  return "a string";
}

// Applies a parsed file's keys; `path` is for the messages.
KeyLocations ApplyTable(const toml::table& table, const std::string& path,
                        ServerConfig* config) {
  const auto& options = ConfigOptions();
  KeyLocations locations;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const auto option =
        std::find_if(options.begin(), options.end(),
                     [&](const ConfigOption& o) { return o.key == name; });
    if (option == options.end()) {
      throw ConfigError(Where(path, key.source()) + ": unknown key '" + name +
                        "'");
    }
    const auto text = ValueText(*option, node);
    if (!text) {
      throw ConfigError(Where(path, node.source()) + ": key '" + name +
                        "' must be " + TypeName(option->kind));
    }
    if (Problem problem = option->apply(*config, *text)) {
      throw ConfigError(Where(path, node.source()) + ": key '" + name +
                        "': " + *problem);
    }
    locations[name] = Where(path, node.source());
  }
  return locations;
}

}  // namespace

// Parses with `parse`, turning its errors into ConfigErrors, and applies.
KeyLocations Load(const std::string& path, ServerConfig* config,
                  const std::function<toml::table()>& parse) {
  toml::table table;
  try {
    table = parse();
  } catch (const toml::parse_error& error) {
    throw ConfigError(Where(path, error.source()) + ": " +
                      std::string(error.description()));
  }
  return ApplyTable(table, path, config);
}

KeyLocations LoadConfigFile(const std::string& path, ServerConfig* config) {
  return Load(path, config, [&] { return toml::parse_file(path); });
}

KeyLocations LoadConfigText(std::string_view text, const std::string& path,
                            ServerConfig* config) {
  return Load(path, config, [&] { return toml::parse(text, path); });
}

}  // namespace presence::server
