// presence-server's TOML file as an operator might write it: a bad file is a
// ConfigError naming the file (and, past its syntax, line and key), never a
// crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "app/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  presence::server::ServerConfig config;
  try {
    presence::server::LoadConfigText(text, "fuzz.toml", &config);
  } catch (const presence::ConfigError& error) {
    const std::string message = error.what();
    if (message.rfind("fuzz.toml", 0) != 0) __builtin_trap();
  }
  return 0;
}
