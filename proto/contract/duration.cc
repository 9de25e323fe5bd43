#include "contract/duration.h"

#include <cstdint>
#include <limits>

namespace presence {
namespace {

std::optional<std::int64_t> UnitMillis(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  if (unit == "d") return 86'400'000;
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) return std::nullopt;
    std::int64_t number = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      const int digit = text[i] - '0';
      if (number > (kMax - digit) / 10) return std::nullopt;
      number = number * 10 + digit;
    }
    const std::size_t unit_start = i;
    while (i < text.size() && !IsDigit(text[i])) ++i;
    const auto scale = UnitMillis(text.substr(unit_start, i - unit_start));
    if (!scale) return std::nullopt;
    if (number > (kMax - total) / *scale) return std::nullopt;
    total += number * *scale;
  }
  return std::chrono::milliseconds(total);
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  std::int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const struct {
    std::int64_t millis;
    const char* unit;
  } units[] = {{3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& u : units) {
    if (ms >= u.millis) {
      out += std::to_string(ms / u.millis) + u.unit;
      ms %= u.millis;
    }
  }
  return out;
}

}  // namespace presence
