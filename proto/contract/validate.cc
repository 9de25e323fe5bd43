#include "contract/validate.h"

#include <cstdint>

#include "contract/limits.h"

namespace presence {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when it is
// malformed (overlong, surrogate, beyond U+10FFFF, truncated).
std::size_t DecodeUtf8(std::string_view text, std::size_t i, char32_t& out) {
  const auto byte = [&](std::size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned char lead = byte(i);
  std::size_t length;
  char32_t min;
  if (lead < 0x80) {
    out = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, out = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, out = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, out = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    out = (out << 6) | (byte(i + k) & 0x3F);
  }
  if (out < min || out > 0x10FFFF || (out >= 0xD800 && out <= 0xDFFF)) return 0;
  return length;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

}  // namespace

Problem CheckUtf8(std::string_view field, std::string_view value) {
  for (std::size_t i = 0; i < value.size();) {
    char32_t c;
    const std::size_t length = DecodeUtf8(value, i, c);
    if (length == 0) {
      return std::string(field) + " is not valid UTF-8 (at byte " +
             std::to_string(i) + ")";
    }
    i += length;
  }
  return std::nullopt;
}

Problem CheckId(std::string_view field, std::string_view value) {
  const std::string name(field);
  if (value.empty()) return name + " must not be empty";
  if (value.size() > kMaxIdBytes) {
    return name + " is " + std::to_string(value.size()) + " bytes; at most " +
           std::to_string(kMaxIdBytes) + " are allowed";
  }
  if (Problem problem = CheckUtf8(field, value)) return problem;
  for (std::size_t i = 0; i < value.size();) {
    char32_t c;
    const std::size_t length = DecodeUtf8(value, i, c);
    if (IsControl(c)) {
      return name + " contains a control character (at byte " +
             std::to_string(i) + ")";
    }
    i += length;
  }
  return std::nullopt;
}

Problem CheckIdList(std::string_view field,
                    const std::vector<std::string>& values,
                    std::size_t max_count) {
  if (values.size() > max_count) {
    return std::string(field) + " has " + std::to_string(values.size()) +
           " entries; at most " + std::to_string(max_count) + " are allowed";
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    Problem problem =
        CheckId(std::string(field) + "[" + std::to_string(i) + "]", values[i]);
    if (problem) return problem;
  }
  return std::nullopt;
}

Problem CheckPageSize(std::string_view field, int page_size) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return std::string(field) + " must be between 1 and " +
           std::to_string(kMaxPageSize) + " (or 0 for the default of " +
           std::to_string(kDefaultPageSize) + "), got " +
           std::to_string(page_size);
  }
  return std::nullopt;
}

}  // namespace presence
