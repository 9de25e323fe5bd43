// Page tokens come back from clients: any string decodes or is refused, and
// every valid user id survives a round trip.
#include <cstdint>
#include <string>

#include "contract/validate.h"
#include "service/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  presence::server::DecodePageToken(text);
  if (presence::CheckId("user_id", text)) return 0;
  const auto back = presence::server::DecodePageToken(
      presence::server::EncodePageToken(text));
  if (!back || *back != text) __builtin_trap();
  return 0;
}
