#include "app/secrets.h"

#include <fstream>
#include <sstream>

#include "app/config.h"

namespace presence::server {

std::string ReadFileOrThrow(const std::string& path, const std::string& key) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  if (!file || !(contents << file.rdbuf())) {
    throw ConfigError(key + ": cannot read '" + path + "'");
  }
  return contents.str();
}

std::string ReadSecretFile(const std::string& path, const std::string& key) {
  std::string secret = ReadFileOrThrow(path, key);
  secret = secret.substr(0, secret.find('\n'));
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) throw ConfigError(key + ": '" + path + "' is empty");
  return secret;
}

}  // namespace presence::server
