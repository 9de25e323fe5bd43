// spdlog to stderr: plain under journald (it adds its own timestamps),
// timestamped otherwise.
#pragma once

#include <string>

namespace presence::server {

void SetUpLogging(const std::string& level);

}  // namespace presence::server
