#include "socket/http2_preface.h"

#include <algorithm>
#include <cstring>

namespace presence::daemon {
namespace {

constexpr char kMagic[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::size_t kMagicSize = sizeof kMagic - 1;
constexpr std::size_t kFrameHeaderSize = 9;
constexpr std::uint8_t kSettingsType = 0x4;
constexpr std::uint8_t kAckFlag = 0x1;
constexpr std::size_t kSettingSize = 6;  // 16-bit id, 32-bit value
constexpr std::size_t kInitialMaxFrameSize = 16384;

std::uint32_t ReadUint24(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2];
}

std::uint32_t ReadStreamId(const std::uint8_t* p) {
  const std::uint32_t word = std::uint32_t{p[0]} << 24 |
                             std::uint32_t{p[1]} << 16 |
                             std::uint32_t{p[2]} << 8 | p[3];
  return word & 0x7fffffff;  // the top bit is reserved
}

}  // namespace

Preface CheckClientPreface(const std::uint8_t* data, std::size_t size) {
  if (std::memcmp(data, kMagic, std::min(size, kMagicSize)) != 0) {
    return Preface::kInvalid;
  }
  if (size < kMagicSize + kFrameHeaderSize) return Preface::kIncomplete;
  const std::uint8_t* header = data + kMagicSize;
  const std::uint32_t length = ReadUint24(header);
  const bool settings =
      header[3] == kSettingsType && (header[4] & kAckFlag) == 0 &&
      ReadStreamId(header + 5) == 0 && length % kSettingSize == 0 &&
      length <= kInitialMaxFrameSize;
  if (!settings) return Preface::kInvalid;
  return size >= kMagicSize + kFrameHeaderSize + length ? Preface::kComplete
                                                        : Preface::kIncomplete;
}

}  // namespace presence::daemon
