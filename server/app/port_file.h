// Tells whoever started the server where it listens (tests use port 0).
#pragma once

#include <string>

namespace presence::server {

// Writes `address` to `path` via a temporary file and rename, so readers
// never see a partial address. Throws std::runtime_error on failure.
void WritePortFile(const std::string& path, const std::string& address);

}  // namespace presence::server
