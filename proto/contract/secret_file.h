// Files named by configuration keys, read the same way by both programs.
// Their contents are never logged.
#pragma once

#include <string>

namespace presence {

// The whole file (a certificate, say); ConfigError naming `key` and the
// file when it cannot be read.
std::string ReadKeyFile(const std::string& path, const std::string& key);

// A secret (API key, token): the file's first line, without the trailing
// newline `echo` leaves or any trailing blanks; ConfigError naming `key` and
// the file when it cannot be read or holds nothing.
std::string ReadSecretFile(const std::string& path, const std::string& key);

}  // namespace presence
