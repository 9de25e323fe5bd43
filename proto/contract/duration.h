// Human durations on command lines and in config files: "150ms", "30s",
// "5m", "1h", or a combination such as "1m30s".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace presence {

// Returns nothing when the text is not a duration (empty, no unit, unknown
// unit, negative, overflow).
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The shortest exact spelling: "150ms", "30s", "5m", "1m30s", "0s".
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace presence
