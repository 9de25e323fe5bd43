// presenced.toml as an admin might write it: a bad file is a ConfigError
// naming the file (and, past its syntax, line and key), never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  presence::daemon::DaemonConfig config;
  try {
    presence::daemon::LoadConfigText(text, "fuzz.toml", &config);
    presence::daemon::ValidateConfig(config);
  } catch (const presence::ConfigError& error) {
    const std::string message = error.what();
    if (message.empty()) __builtin_trap();
  }
  return 0;
}
