// Reading key, token and certificate files. Contents are never logged.
#pragma once

#include <string>

namespace presence::server {

// The whole file; throws ConfigError naming the file when unreadable.
std::string ReadFileOrThrow(const std::string& path, const std::string& key);

// The first line without its newline (keys written by `echo` end in one);
// throws ConfigError when unreadable or empty.
std::string ReadSecretFile(const std::string& path, const std::string& key);

}  // namespace presence::server
