#include "contract/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

namespace presence {

void RouteProtobufLogsToSpdlog() {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level,
                                     const char* file, int line,
                                     const std::string& message) {
    spdlog::level::level_enum spdlog_level;
    switch (level) {
      case google::protobuf::LOGLEVEL_INFO:
        spdlog_level = spdlog::level::info;
        break;
      case google::protobuf::LOGLEVEL_WARNING:
        spdlog_level = spdlog::level::warn;
        break;
      case google::protobuf::LOGLEVEL_ERROR:
        spdlog_level = spdlog::level::err;
        break;
      default:
        spdlog_level = spdlog::level::critical;
        break;
    }
    // A peer's string that is not UTF-8: the peer is told, the journal
    // need not be.
    if (level != google::protobuf::LOGLEVEL_FATAL &&
        message.find("invalid UTF-8") != std::string::npos) {
      spdlog_level = spdlog::level::debug;
    }
    spdlog::log(spdlog_level, "protobuf ({}:{}): {}", file, line, message);
  });
}

}  // namespace presence
