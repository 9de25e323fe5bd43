// The HTTP/2 client connection preface (RFC 9113, section 3.4): the 24-byte
// magic "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", then a SETTINGS frame. The
// control socket hands a connection to gRPC only once it has sent all of it:
// gRPC keeps a connection it is given by fd for as long as the peer keeps it
// open, with no deadline for the preface, so a peer that sends the magic and
// then nothing would hold one of the daemon's file descriptors forever.
#pragma once

#include <cstddef>
#include <cstdint>

namespace presence::daemon {

enum class Preface {
  kComplete,    // the bytes start with a whole preface
  kIncomplete,  // a prefix of one: more bytes may complete it
  kInvalid,     // not HTTP/2 from a client
};

// The most bytes CheckClientPreface looks at: the magic, a frame header and
// the largest SETTINGS payload a client may send before it has the server's
// settings (16384 bytes, the initial SETTINGS_MAX_FRAME_SIZE).
inline constexpr std::size_t kMaxClientPrefaceSize = 24 + 9 + 16384;

// Classifies the first `size` bytes a client sent.
Preface CheckClientPreface(const std::uint8_t* data, std::size_t size);

}  // namespace presence::daemon
