// The detached holds file, as a crash, a disk error or a hand edit may leave
// it: it parses or is refused with the line, and what parses is written back
// the same.
#include <cstdint>
#include <string>

#include "hold_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto holds = presence::daemon::ParseHolds(text, &error);
  if (!holds) {
    if (error.rfind("line ", 0) != 0) __builtin_trap();
    return 0;
  }
  const std::string written = presence::daemon::SerializeHolds(*holds);
  const auto again = presence::daemon::ParseHolds(written, &error);
  if (!again || presence::daemon::SerializeHolds(*again) != written) {
    __builtin_trap();
  }
  return 0;
}
