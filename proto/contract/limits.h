// The numbers both contracts promise; server, daemon and CLI check against
// the same ones.
#pragma once

#include <cstddef>

namespace presence {

inline constexpr std::size_t kMaxIdBytes = 256;
inline constexpr std::size_t kMaxUserIdsPerRead = 220;  // social.plus limit
inline constexpr std::size_t kMaxRoomsPerCall = 1000;
inline constexpr int kDefaultPageSize = 20;  // social.plus snapshot page
inline constexpr int kMaxPageSize = 100;

}  // namespace presence
