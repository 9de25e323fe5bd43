#include "contract/log_format.h"

#include <spdlog/pattern_formatter.h>

#include <cstdlib>
#include <memory>

namespace presence {
namespace {

char SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return '7';  // LOG_DEBUG
    case spdlog::level::warn:
      return '4';  // LOG_WARNING
    case spdlog::level::err:
      return '3';  // LOG_ERR
    case spdlog::level::critical:
      return '2';  // LOG_CRIT
    default:
      return '6';  // LOG_INFO
  }
}

// The "%*" of the journal's pattern: "<N>", N the line's syslog priority.
class SyslogPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& out) override {
    const char prefix[] = {'<', SyslogPriority(message.level), '>'};
    out.append(prefix, prefix + sizeof prefix);
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }
};

}  // namespace

void SetLogFormat(spdlog::logger& logger, const std::string& pattern) {
  if (!std::getenv("JOURNAL_STREAM")) {
    logger.set_pattern(pattern);
    return;
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*%v");
  logger.set_formatter(std::move(formatter));
}

}  // namespace presence
