// The numbers both contracts promise; server, daemon and CLI check against
// the same ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace presence {

inline constexpr std::size_t kMaxIdBytes = 256;
inline constexpr std::size_t kMaxUserIdsPerRead = 220;  // social.plus limit
inline constexpr std::size_t kMaxRoomsPerCall = 1000;
inline constexpr int kDefaultPageSize = 20;  // social.plus snapshot page
inline constexpr int kMaxPageSize = 100;
// LeaveRequest.grace_ms: long enough for a daemon to restart.
inline constexpr std::int64_t kMaxLeaveGraceMs = 60'000;

}  // namespace presence
