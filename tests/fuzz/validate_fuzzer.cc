// Ids as clients send them: whatever the bytes, a check answers, and a
// Problem names its field.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "contract/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  presence::CheckUtf8("value", text);
  const presence::Problem id_problem = presence::CheckId("room_id", text);
  if (id_problem && id_problem->rfind("room_id", 0) != 0) __builtin_trap();
  std::vector<std::string> ids;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) ids.push_back(line);
  presence::CheckIdList("user_ids", ids, 220);
  int page_size = 0;
  for (size_t i = 0; i < size && i < sizeof page_size; ++i) {
    page_size = page_size << 8 | data[i];
  }
  presence::CheckPageSize("page_size", page_size);
  return 0;
}
