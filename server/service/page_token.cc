#include "service/page_token.h"

#include <array>

#include "contract/validate.h"

namespace presence::server {
namespace {

// base64url without padding, over "p1:" + id. The prefix versions the format
// and catches tokens from elsewhere.
constexpr std::string_view kPrefix = "p1:";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::array<int, 256> value;
  value.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const unsigned char c : text) {
    if (value[c] < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value[c]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero padding of the last byte.
  if (bits >= 6 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string EncodePageToken(std::string_view last_user_id) {
  return Base64UrlEncode(std::string(kPrefix) + std::string(last_user_id));
}

std::optional<std::string> DecodePageToken(std::string_view token) {
  if (token.empty()) return std::string();
  auto decoded = Base64UrlDecode(token);
  if (!decoded || decoded->compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  std::string last_user_id = decoded->substr(kPrefix.size());
  if (CheckId("page_token", last_user_id)) return std::nullopt;
  return last_user_id;
}

}  // namespace presence::server
