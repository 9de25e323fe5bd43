// A configuration that cannot be used, in either program: the message names
// the file and line (or the flag) and the key, and the program exits 78
// (EX_CONFIG) rather than guess. Loading configuration at start-up is the one
// place besides a store's backend where these programs throw.
#pragma once

#include <stdexcept>

namespace presence {

inline constexpr int kExitConfig = 78;  // EX_CONFIG

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace presence
