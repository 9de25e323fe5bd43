#include "app/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "contract/protobuf_log.h"

namespace presence::server {

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("presence-server");
  const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
  logger->set_pattern(journald ? "<%l> %v" : "%Y-%m-%d %H:%M:%S.%e [%l] %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
  RouteProtobufLogsToSpdlog();
}

}  // namespace presence::server
