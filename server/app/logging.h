// spdlog to stderr: under journald each line carries only its syslog
// priority (the journal adds timestamps), timestamped otherwise
// (contract/log_format.h).
#pragma once

#include <string>

namespace presence::server {

void SetUpLogging(const std::string& level);

}  // namespace presence::server
