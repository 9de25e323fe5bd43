#include "app/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "contract/log_format.h"
#include "contract/protobuf_log.h"

namespace presence::server {

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("presence-server");
  SetLogFormat(*logger, "%Y-%m-%d %H:%M:%S.%e [%l] %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
  RouteProtobufLogsToSpdlog();
}

}  // namespace presence::server
