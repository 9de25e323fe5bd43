#include "contract/log_format.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cstdlib>
#include <sstream>

namespace presence {
namespace {

// A logger writing to a string, formatted by SetLogFormat with
// JOURNAL_STREAM as given (nullptr: unset).
class FormattedLog {
 public:
  FormattedLog(const char* journal_stream, const std::string& pattern)
      : logger_("test",
                std::make_shared<spdlog::sinks::ostream_sink_st>(text_)) {
    if (journal_stream) {
      setenv("JOURNAL_STREAM", journal_stream, 1);
    } else {
      unsetenv("JOURNAL_STREAM");
    }
    SetLogFormat(logger_, pattern);
    unsetenv("JOURNAL_STREAM");
    logger_.set_level(spdlog::level::trace);
  }

  spdlog::logger& logger() { return logger_; }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  spdlog::logger logger_;
};

TEST(LogFormat, UnderTheJournalEachLineStartsWithItsSyslogPriority) {
  FormattedLog log("8:12345", "[%l] %v");
  log.logger().trace("t");
  log.logger().debug("d");
  log.logger().info("i");
  log.logger().warn("w");
  log.logger().error("e");
  log.logger().critical("c");
  EXPECT_EQ(log.text(), "<7>t\n<7>d\n<6>i\n<4>w\n<3>e\n<2>c\n");
}

TEST(LogFormat, ElsewhereLinesFollowThePattern) {
  FormattedLog log(nullptr, "[%l] %v");
  log.logger().error("e");
  log.logger().info("i");
  EXPECT_EQ(log.text(), "[error] e\n[info] i\n");
}

}  // namespace
}  // namespace presence
