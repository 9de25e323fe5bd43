#include "contract/secret_file.h"

#include <fstream>
#include <sstream>

#include "contract/config_error.h"

namespace presence {

std::string ReadKeyFile(const std::string& path, const std::string& key) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  if (!file || !(contents << file.rdbuf())) {
    throw ConfigError(key + ": cannot read '" + path + "'");
  }
  return contents.str();
}

std::string ReadSecretFile(const std::string& path, const std::string& key) {
  std::string secret = ReadKeyFile(path, key);
  secret.erase(std::min(secret.find('\n'), secret.size()));
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ' ||
                             secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty()) throw ConfigError(key + ": '" + path + "' is empty");
  return secret;
}

}  // namespace presence
