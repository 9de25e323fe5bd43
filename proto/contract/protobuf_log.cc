#include "contract/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

namespace presence {

void RouteProtobufLogsToSpdlog() {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level,
                                     const char* file, int line,
                                     const std::string& message) {
    const auto spdlog_level = level == google::protobuf::LOGLEVEL_FATAL
                                  ? spdlog::level::critical
                                  : spdlog::level::debug;
    spdlog::log(spdlog_level, "protobuf ({}:{}): {}", file, line, message);
  });
}

}  // namespace presence
