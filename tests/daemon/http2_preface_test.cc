#include "socket/http2_preface.h"

#include <gtest/gtest.h>

#include <string>

namespace presence::daemon {
namespace {

const std::string kMagic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// A frame header: 24-bit length, type, flags, 31-bit stream id.
std::string FrameHeader(std::uint32_t length, std::uint8_t type,
                        std::uint8_t flags, std::uint32_t stream) {
  return {static_cast<char>(length >> 16), static_cast<char>(length >> 8),
          static_cast<char>(length),       static_cast<char>(type),
          static_cast<char>(flags),        static_cast<char>(stream >> 24),
          static_cast<char>(stream >> 16), static_cast<char>(stream >> 8),
          static_cast<char>(stream)};
}

// Two settings, as gRPC's clients send (ENABLE_PUSH=0, a window size).
const std::string kSettings = FrameHeader(12, 0x4, 0, 0) +
                              std::string("\0\x02\0\0\0\0\0\x04\0\x40\0\0", 12);

Preface Check(const std::string& bytes) {
  return CheckClientPreface(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                            bytes.size());
}

TEST(Http2Preface, MagicAndSettingsAreComplete) {
  EXPECT_EQ(Check(kMagic + kSettings), Preface::kComplete);
  EXPECT_EQ(Check(kMagic + FrameHeader(0, 0x4, 0, 0)), Preface::kComplete);
  // What follows the preface is gRPC's business.
  EXPECT_EQ(Check(kMagic + kSettings + "anything"), Preface::kComplete);
}

TEST(Http2Preface, EveryShorterPrefixIsIncomplete) {
  const std::string preface = kMagic + kSettings;
  for (std::size_t size = 0; size < preface.size(); ++size) {
    EXPECT_EQ(Check(preface.substr(0, size)), Preface::kIncomplete) << size;
  }
}

TEST(Http2Preface, MagicAloneIsIncomplete) {
  // A client must follow the magic with SETTINGS; until it does, gRPC would
  // wait for it forever.
  EXPECT_EQ(Check(kMagic), Preface::kIncomplete);
}

TEST(Http2Preface, OtherBytesAreInvalidAsSoonAsTheyDiffer) {
  EXPECT_EQ(Check("GET / HTTP/1.1\r\n"), Preface::kInvalid);
  EXPECT_EQ(Check("PRI * HTTP/1.1"), Preface::kInvalid);
  EXPECT_EQ(Check("X"), Preface::kInvalid);
}

TEST(Http2Preface, TheFrameAfterTheMagicMustBeAClientsSettings) {
  EXPECT_EQ(Check(kMagic + FrameHeader(0, 0x1, 0x4, 1)), Preface::kInvalid)
      << "HEADERS";
  EXPECT_EQ(Check(kMagic + FrameHeader(0, 0x4, 0x1, 0)), Preface::kInvalid)
      << "a SETTINGS acknowledgement";
  EXPECT_EQ(Check(kMagic + FrameHeader(6, 0x4, 0, 3)), Preface::kInvalid)
      << "on a stream";
  EXPECT_EQ(Check(kMagic + FrameHeader(7, 0x4, 0, 0)), Preface::kInvalid)
      << "not whole settings";
  EXPECT_EQ(Check(kMagic + FrameHeader(16386, 0x4, 0, 0)), Preface::kInvalid)
      << "larger than a first frame may be";
  EXPECT_EQ(Check(kMagic + FrameHeader(16380, 0x4, 0, 0)), Preface::kIncomplete)
      << "the largest allowed, payload still to come";
}

TEST(Http2Preface, TheLargestCompletePrefaceFitsTheBound) {
  const std::string settings =
      FrameHeader(16380, 0x4, 0, 0) + std::string(16380, '\0');
  ASSERT_LE(kMagic.size() + settings.size(), kMaxClientPrefaceSize);
  EXPECT_EQ(Check(kMagic + settings), Preface::kComplete);
}

}  // namespace
}  // namespace presence::daemon
