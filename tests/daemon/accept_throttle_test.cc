#include "socket/accept_throttle.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

namespace presence::daemon {
namespace {

// Routes the default logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "captured", std::make_shared<spdlog::sinks::ostream_sink_st>(text_));
    logger->set_pattern("%l: %v");
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }

  std::vector<std::string> lines() const {
    std::vector<std::string> lines;
    std::istringstream in(text_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

const TimePoint kStart{};

TEST(AcceptThrottle, PersistentFailuresPauseLongerEachTimeUpToASecond) {
  CapturedLog log;
  AcceptThrottle throttle("/run/test.sock");
  std::vector<long> pauses;
  for (int i = 0; i < 9; ++i) {
    pauses.push_back(throttle.Failed(EMFILE, kStart + Millis(i)).count());
  }
  EXPECT_EQ(pauses,
            (std::vector<long>{20, 40, 80, 160, 320, 640, 1000, 1000, 1000}));
}

TEST(AcceptThrottle, ASuccessStartsThePausesOverAgain) {
  CapturedLog log;
  AcceptThrottle throttle("/run/test.sock");
  throttle.Failed(ENFILE, kStart);
  throttle.Failed(ENFILE, kStart);
  throttle.Accepted(kStart + Millis(60));
  EXPECT_EQ(throttle.Failed(ENFILE, kStart + Millis(70)), Millis(20));
}

TEST(AcceptThrottle, FailuresThatAreOverAlreadyDoNotPause) {
  CapturedLog log;
  AcceptThrottle throttle("/run/test.sock");
  for (int error : {EINTR, EAGAIN, ECONNABORTED}) {
    EXPECT_EQ(throttle.Failed(error, kStart), Millis(0)) << error;
  }
  EXPECT_TRUE(log.lines().empty());
}

TEST(AcceptThrottle, ABurstIsLoggedOnceAtWarnAndItsEndOnceAtInfo) {
  CapturedLog log;
  AcceptThrottle throttle("/run/test.sock");
  for (int i = 0; i < 50; ++i) throttle.Failed(EMFILE, kStart + Millis(i));
  throttle.Accepted(kStart + Millis(2500));
  throttle.Accepted(kStart + Millis(2600));

  const std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), 2u) << log.lines().size();
  EXPECT_EQ(lines[0].rfind("warning: control socket /run/test.sock:", 0), 0u)
      << lines[0];
  EXPECT_NE(lines[0].find("Too many open files"), std::string::npos);
  EXPECT_NE(lines[0].find("may open "), std::string::npos) << "names the limit";
  EXPECT_NE(lines[0].find("backlog"), std::string::npos)
      << "says the connections wait";
  EXPECT_EQ(lines[1].rfind("info: ", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("after 2.5 s (50 failed accepts)"), std::string::npos)
      << lines[1];
}

TEST(AcceptThrottle, OtherPersistentFailuresAreLoggedOncePerBurstToo) {
  CapturedLog log;
  AcceptThrottle throttle("/run/test.sock");
  for (int i = 0; i < 10; ++i) {
    EXPECT_GT(throttle.Failed(ENOBUFS, kStart), Millis(0));
  }
  throttle.Accepted(kStart + Millis(100));
  throttle.Failed(ENOMEM, kStart + Millis(200));
  const std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find(std::strerror(ENOBUFS)), std::string::npos);
  EXPECT_NE(lines[2].find(std::strerror(ENOMEM)), std::string::npos);
}

}  // namespace
}  // namespace presence::daemon
