// How presenced and presence-server format their log lines on stderr.
#pragma once

#include <spdlog/logger.h>

#include <string>

namespace presence {

// Under systemd (JOURNAL_STREAM set) stderr is the journal, which stamps
// every line itself and takes a leading "<N>" as the line's syslog priority:
// there a line is "<N>message", N from the line's level (trace and debug 7,
// info 6, warn 4, error 3, critical 2), so that `journalctl -p err` finds
// the errors. Elsewhere lines follow `pattern`.
void SetLogFormat(spdlog::logger& logger, const std::string& pattern);

}  // namespace presence
