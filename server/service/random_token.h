// Unguessable access tokens.
#pragma once

#include <string>

namespace presence::server {

// 32 bytes from /dev/urandom, hex-encoded. Throws std::runtime_error when
// the kernel's random source cannot be read.
std::string RandomToken();

}  // namespace presence::server
